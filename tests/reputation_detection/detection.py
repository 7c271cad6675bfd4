"""One detection cell: the real protocol with f faulty oracles on a real anvil, the chain indexed over
RPC, the oracles scored, and the ranking compared with who was faulty.

The protocol run is ``ocr demo``'s (:func:`ocr_client.cli.demo.run_demo`: the seeded simulation, the
honest followers' sanity band, a real feed contract), and the engine is driven through its CLI
(``ocr reputation index`` then ``ocr reputation score --json``), exactly as a user would. The same
code measures the table in ``docs/reputation.md`` (``benchmarks/bench_detection.py``) and backs the
assertions of the tests beside it.
"""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from web3 import Web3

from ocr_client.accountable.local import LocalAccountableFeed
from ocr_client.chain.anvil import Anvil
from ocr_client.chain.rpc import connect
from ocr_client.cli import main
from ocr_client.cli.demo import DemoResult, run_demo
from ocr_client.local.base import LocalCommitteeFeed
from ocr_client.local.feed import LocalFeed

MODES = ("threshold", "accountable")


class CliFailed(AssertionError):
    """An ``ocr reputation`` command exited non-zero (its stderr is the message)."""


def ocr_json(*argv: str) -> Any:
    """Run ``ocr argv`` in-process and parse the JSON it prints."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    if code:
        raise CliFailed(f"ocr {' '.join(argv)} exited {code}: {err.getvalue().strip()}")
    return json.loads(out.getvalue())


@dataclass(frozen=True)
class Oracle:
    """One oracle's row of the ranking, with the truth beside it."""

    index: int
    faulty: bool
    rank: int
    score: float
    flags: tuple[str, ...]
    metrics: dict[str, Any]


@dataclass(frozen=True)
class Verdict:
    """What the engine concluded about one run, next to who was faulty."""

    demo: DemoResult
    strategy: str
    oracles: tuple[Oracle, ...]  # by index
    method: dict[str, Any]

    @property
    def faulty(self) -> list[Oracle]:
        return [o for o in self.oracles if o.faulty]

    @property
    def honest(self) -> list[Oracle]:
        return [o for o in self.oracles if not o.faulty]

    @property
    def landed(self) -> int:
        return sum(1 for r in self.demo.rounds if r.status == "accepted")

    def faulty_rank_below_every_honest(self) -> bool:
        """Every faulty oracle's rank is strictly worse (a larger number) than every honest one's."""
        return min(o.rank for o in self.faulty) > max(o.rank for o in self.honest)

    def flagged(self) -> list[Oracle]:
        return [o for o in self.oracles if o.flags]

    def table(self) -> str:
        """The ranking as text, for assertion messages: who was faulty, rank, score, flags."""
        lines = [f"{self.strategy} n={self.demo.n} mode={self.demo.mode} seed={self.demo.seed}: "
                 f"{self.landed} reports landed, faulty {self.demo.faulty_oracles}"]
        for o in sorted(self.oracles, key=lambda o: o.rank):
            lines.append(f"  rank {o.rank:>2}  oracle {o.index:>2}{' FAULTY' if o.faulty else '       '}"
                         f"  score {o.score:.4f}  flags {list(o.flags)}")
        return "\n".join(lines)


def _flag_name(flag: Any, by_address: dict[str, int]) -> str:
    """A flag as ``kind`` or ``kind~i`` (i: the oracle index it names as its partner)."""
    if not isinstance(flag, dict):
        return str(flag)
    partner = flag.get("with")
    index = by_address.get(str(partner).lower()) if partner is not None else None
    return str(flag.get("kind")) + (f"~{index}" if index is not None else "")


def deploy(w3: Web3, n: int, mode: str, seed: int) -> LocalCommitteeFeed[Any, Any, Any]:
    """A fresh feed for an n-oracle committee in ``mode`` on the connected chain."""
    if mode == "accountable":
        return LocalAccountableFeed.deploy(w3, n=n, seed=seed)
    return LocalFeed.deploy(w3, n=n, seed=seed)


def detect(n: int, strategy: str | None, mode: str, seed: int, rounds: int, db: Path) -> Verdict:
    """Run ``rounds`` protocol rounds with f oracles on ``strategy`` (none when None) on a fresh
    anvil, index the feed from that chain over RPC into ``db`` and score it.

    A fresh chain per cell makes a cell repeatable: the feed's address feeds its config digest,
    which orders the leaders and transmitters, so on a shared chain a cell's run would depend on
    what ran before it."""
    with Anvil() as anvil:
        local = deploy(connect(anvil.rpc_url), n, mode, seed)
        faulty = local.committee.f if strategy is not None else 0
        demo = run_demo(local, rounds, faulty, seed, strategy=strategy or "lie-random", mode=mode, chain_time=True)
        ocr_json("reputation", "index", "--rpc-url", anvil.rpc_url, "--feed", local.address, "--db", str(db), "--json")
    scored = ocr_json("reputation", "score", "--db", str(db), "--feed", local.address, "--json")
    by_address = {a.lower(): i for i, a in enumerate(demo.transmitters)}
    rows = []
    for entry in scored["oracles"]:
        index = by_address[str(entry["oracle"]).lower()]
        rows.append(Oracle(index=index, faulty=index in demo.faulty_oracles, rank=int(entry["rank"]),
                           score=float(entry["score"]), flags=tuple(_flag_name(f, by_address) for f in entry["flags"]),
                           metrics=dict(entry["metrics"])))
    assert sorted(o.index for o in rows) == list(range(n)), f"the ranking does not list every oracle: {scored}"
    return Verdict(demo, strategy or "none", tuple(sorted(rows, key=lambda o: o.index)), dict(scored["method"]))
