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


def run_bench(nodes: Sequence[int], feeds: Sequence[int] = (1,), schemes: Iterable[Scheme] | None = None,
              on_result: Callable[[BenchResult], None] | None = None) -> BenchReport:
    """Measure every (scheme, n, feeds) the schemes support on one fresh anvil, in a fixed order."""
    for n in nodes:
        if not 1 <= n <= MAX_NODES or default_f(n) < 0:
            raise OCRError(f"--nodes {n}: committee sizes must be between 1 and {MAX_NODES}")
    for k in feeds:
        if not 1 <= k <= 32:
            raise OCRError(f"--feeds {k}: a report carries between 1 and 32 feeds")
    report = BenchReport()
    chosen = list(schemes) if schemes is not None else available_schemes()
    with Anvil(accounts=10) as anvil:
        w3 = connect(anvil.rpc_url)
        for k in feeds:
            for scheme in chosen:
                for n in nodes:
                    if not scheme.supports(n, k):
                        report.skipped.append((scheme.name, n, k))
                        continue
                    result = scheme.measure(w3, n, k)
                    report.results.append(result)
                    if on_result is not None:
                        on_result(result)
    return report


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
            saved = ", ".join(
                f"n={n}: {100 * (1 - ours[n].gas_per_report / theirs[n].gas_per_report):+.1f}%" for n in common
            )
            lines.append(f"threshold-bls saves vs {baseline}: {saved}")
    if report.by_scheme("ecdsa"):
        cross = report.crossover()
        estimate = report.crossover_estimate()
        where = f" (straight-line estimate between measured points: n = {estimate:.1f})" if estimate else ""
        lines.append("crossover vs ecdsa: " + (f"threshold-bls is cheaper from measured n = {cross}{where}" if cross
                                                else "threshold-bls is not cheaper at any measured n"))
    for name, n, k in report.skipped:
        lines.append(f"skipped: {name} does not support n={n}, feeds={k}")
    return "\n".join(lines)


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
