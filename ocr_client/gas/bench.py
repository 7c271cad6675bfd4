"""``ocr gas bench``: every scheme's steady-state gas, side by side, from one anvil in one run.

Scenarios are fixed (seeded keys, fixed values and timestamps, round 2, prague) so the numbers are
reproducible. Schemes register here; a scheme that cannot run a scenario (say, multi-feed for a
single-feed baseline) is skipped rather than faked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from web3 import Web3

from ocr_client import settings
from ocr_client.chain.anvil import Anvil
from ocr_client.chain.calldata import calldata_gas
from ocr_client.chain.rpc import connect
from ocr_client.committee.local import default_f
from ocr_client.errors import OCRError
from ocr_client.gas.scenarios import VerifyGasMeter, run_scenario
from ocr_client.gas.schemes.accountable import AccountableScheme
from ocr_client.gas.schemes.ecdsa import EcdsaScheme
from ocr_client.gas.schemes.multifeed import MultiFeedScheme
from ocr_client.gas.schemes.per_oracle import PerOracleScheme
from ocr_client.gas.types import BenchResult, Scheme
from ocr_client.local.feed import LocalFeed
from ocr_client.local.scenario import SEED

MAX_NODES = 255


class ThresholdBlsScheme:
    """Our feed: one threshold signature per report, verified with one pairing."""

    name = "threshold-bls"

    def __init__(self) -> None:
        self._verify = VerifyGasMeter()

    def supports(self, n: int, feeds: int) -> bool:
        return feeds == 1 and 1 <= n <= MAX_NODES

    def measure(self, w3: Web3, n: int, feeds: int) -> BenchResult:
        local = LocalFeed.deploy(w3, n=n, seed=SEED)
        signed, gas = run_scenario(local)
        return BenchResult(
            scheme=self.name, n=n, f=local.committee.f, feeds=1, observations=n, signers=None,
            calldata_bytes=len(signed.calldata), calldata_gas=calldata_gas(signed.calldata),
            verify_gas=self._verify.measure(w3, local.committee.group_public_key, signed.signature, signed.digest),
            gas_per_report=gas, gas_per_feed=gas,
        )


def available_schemes() -> list[Scheme]:
    """Every scheme the bench measures, ours first."""
    return [ThresholdBlsScheme(), AccountableScheme(), MultiFeedScheme(min_feeds=2), EcdsaScheme(), PerOracleScheme()]


@dataclass
class BenchReport:
    """All results of one run plus what they were measured on."""

    results: list[BenchResult] = field(default_factory=list)
    skipped: list[tuple[str, int, int]] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "hardfork": settings.ANVIL_HARDFORK,
            "solc": settings.SOLC_VERSION,
            "optimizer": {"enabled": settings.OPTIMIZER_ENABLED, "runs": settings.OPTIMIZER_RUNS,
                          "via_ir": settings.VIA_IR},
            "results": [r.to_json() for r in self.results],
        }

    def by_scheme(self, scheme: str, feeds: int = 1) -> dict[int, BenchResult]:
        return {r.n: r for r in self.results if r.scheme == scheme and r.feeds == feeds}

    def crossover(self, ours: str = "threshold-bls", theirs: str = "ecdsa") -> int | None:
        """The smallest measured n from which ``ours`` costs less per report than ``theirs``."""
        a, b = self.by_scheme(ours), self.by_scheme(theirs)
        common = sorted(set(a) & set(b))
        for i, n in enumerate(common):
            if all(a[m].gas_per_report < b[m].gas_per_report for m in common[i:]):
                return n
        return None

    def crossover_estimate(self, ours: str = "threshold-bls", theirs: str = "ecdsa") -> float | None:
        """The crossover n between the last measured n where ``ours`` costs more and the next one."""
        cross = self.crossover(ours, theirs)
        a, b = self.by_scheme(ours), self.by_scheme(theirs)
        common = sorted(set(a) & set(b))
        if cross is None or common.index(cross) == 0:
            return None
        before = common[common.index(cross) - 1]
        return _interpolate_crossing(
            before, a[before].gas_per_report - b[before].gas_per_report,
            cross, a[cross].gas_per_report - b[cross].gas_per_report,
        )


def _interpolate_crossing(n0: int, d0: int, n1: int, d1: int) -> float:
    """Where a straight line through (n0, d0) and (n1, d1) crosses zero."""
    return n0 + (n1 - n0) * d0 / (d0 - d1)


#: (done, total, result) after each measurement, for a progress display.
ProgressCallback = Callable[[int, int, BenchResult], None]


def plan_bench(nodes: Sequence[int], feeds: Sequence[int],
               schemes: Sequence[Scheme]) -> tuple[list[tuple[Scheme, int, int]], list[tuple[str, int, int]]]:
    """What to measure, in order, and what no scheme of that name can run. A name can belong to
    two schemes (threshold-bls is OCRFeed for one feed and the multi-feed hub for more), so a
    combination is only reported as skipped when none of them supports it."""
    tasks = [(scheme, n, k) for k in feeds for scheme in schemes for n in nodes if scheme.supports(n, k)]
    measured = {(scheme.name, n, k) for scheme, n, k in tasks}
    skipped = list(dict.fromkeys(
        (scheme.name, n, k) for k in feeds for scheme in schemes for n in nodes if (scheme.name, n, k) not in measured
    ))
    return tasks, skipped


def run_bench(nodes: Sequence[int], feeds: Sequence[int] = (1,), schemes: Iterable[Scheme] | None = None,
              on_result: ProgressCallback | None = None) -> BenchReport:
    """Measure every (scheme, n, feeds) the schemes support on one fresh anvil, in a fixed order."""
    for n in nodes:
        if not 1 <= n <= MAX_NODES or default_f(n) < 0:
            raise OCRError(f"--nodes {n}: committee sizes must be between 1 and {MAX_NODES}")
    for k in feeds:
        if not 1 <= k <= 32:
            raise OCRError(f"--feeds {k}: a report carries between 1 and 32 feeds")
    tasks, skipped = plan_bench(nodes, feeds, list(schemes) if schemes is not None else available_schemes())
    report = BenchReport(skipped=skipped)
    with Anvil(accounts=10) as anvil:
        w3 = connect(anvil.rpc_url)
        for done, (scheme, n, k) in enumerate(tasks, start=1):
            result = scheme.measure(w3, n, k)
            report.results.append(result)
            if on_result is not None:
                on_result(done, len(tasks), result)
    return report


def progress_line(done: int, total: int, result: BenchResult) -> str:
    """One measurement as a person reads it: ``[3/18] threshold-bls n=31: 199,603 gas per report``."""
    feeds = f" feeds={result.feeds}" if result.feeds != 1 else ""
    return f"[{done}/{total}] {result.scheme} n={result.n}{feeds}: {result.gas_per_report:,} gas per report"


def compare_phrase(ours: int, theirs: int) -> str:
    """How ``ours`` compares with ``theirs``, in words: "saves 21.0%" or "costs 93.0% more"."""
    if ours == theirs:
        return "costs the same"
    if ours < theirs:
        return f"saves {100 * (1 - ours / theirs):.1f}%"
    return f"costs {100 * (ours / theirs - 1):.1f}% more"


def format_table(report: BenchReport) -> str:
    """The human table, the savings against each baseline, and the crossover n."""
    lines = [f"hardfork {settings.ANVIL_HARDFORK}, solc {settings.SOLC_VERSION}, optimizer "
             f"{settings.OPTIMIZER_RUNS:,} runs; n observations per report, round 2",
             f"{'scheme':<16}{'n':>5}{'f':>4}{'feeds':>6}{'signers':>8}{'calldata':>10}{'verify':>9}"
             f"{'gas/report':>12}{'gas/feed':>10}"]
    for r in report.results:
        lines.append(f"{r.scheme:<16}{r.n:>5}{r.f:>4}{r.feeds:>6}{r.signers if r.signers is not None else '-':>8}"
                     f"{r.calldata_bytes:>10}{r.verify_gas if r.verify_gas is not None else '-':>9}"
                     f"{r.gas_per_report:>12,}{r.gas_per_feed:>10,}")
    ours = report.by_scheme("threshold-bls")
    for baseline in ("accountable-bls", "ecdsa", "per-oracle"):
        theirs = report.by_scheme(baseline)
        common = sorted(set(ours) & set(theirs))
        if common:
            versus = ", ".join(
                f"n={n} {compare_phrase(ours[n].gas_per_report, theirs[n].gas_per_report)}" for n in common
            )
            lines.append(f"threshold-bls against {baseline}: {versus}")
    if report.by_scheme("ecdsa"):
        cross = report.crossover()
        estimate = report.crossover_estimate()
        where = f" (straight-line estimate between measured points: n = {estimate:.1f})" if estimate else ""
        lines.append("crossover vs ecdsa: " + (f"threshold-bls is cheaper from measured n = {cross}{where}" if cross
                                                else "threshold-bls is not cheaper at any measured n"))
    lines.extend(_not_measured(report.skipped))
    return "\n".join(lines)


def _not_measured(skipped: Sequence[tuple[str, int, int]]) -> list[str]:
    """One line per feed count and set of n: which schemes cannot run those combinations."""
    by_scheme: dict[tuple[str, int], list[int]] = {}
    for name, n, k in skipped:
        by_scheme.setdefault((name, k), []).append(n)
    groups: dict[tuple[int, tuple[int, ...]], list[str]] = {}
    for (name, k), ns in by_scheme.items():
        groups.setdefault((k, tuple(ns)), []).append(name)
    return [f"not measured (the scheme cannot run it): {', '.join(names)} at n={', '.join(map(str, ns))} "
            f"with {k} feed{'s' if k != 1 else ''} per report" for (k, ns), names in groups.items()]


def plot(report: BenchReport, path: str) -> None:
    """Gas per report against n, one line per scheme (feeds = 1), as a PNG."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise OCRError("--plot needs matplotlib: pip install 'ocr-client[plot]'") from None
    fig, ax = plt.subplots(figsize=(8, 5))
    for scheme in dict.fromkeys(r.scheme for r in report.results):
        points = sorted(report.by_scheme(scheme).items())
        if points:
            ax.plot([n for n, _ in points], [r.gas_per_report for _, r in points], marker="o", label=scheme)
    ax.set_xlabel("committee size n (n observations per report)")
    ax.set_ylabel("gas per report")
    ax.set_yscale("log")
    ax.set_title(f"Gas per report, anvil {settings.ANVIL_HARDFORK}, solc {settings.SOLC_VERSION}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
