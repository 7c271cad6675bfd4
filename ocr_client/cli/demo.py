"""``ocr demo``: n oracles run the real OCR protocol over the simulated network against a real feed.

Every node is a full protocol node (pacemaker, leader, follower, finalization, staggered
transmission) with its own keys and a seeded random-walk price source; ``faulty`` of them follow
a Byzantine ``strategy``; the network loses ``drop`` of all messages. The chain is real, so each
landed report is a real transaction on anvil (or ``--rpc-url``).

Honest followers here also refuse a median more than 1% from their own reading (the protocol's
optional sanity band), so with more liars than f the feed pauses (``no-report``) rather than land
a lie; with at most f it never needs to, because the median stays inside the honest range.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Final

from ocr_client.local.base import LocalCommitteeFeed
from ocr_client.protocol.recorder import RoundTrace
from ocr_client.protocol.simulation import SIM_TIMING, OracleSimulation, SimulationSettings

SANITY_BAND: Final[float] = 0.01
DEFAULT_STRATEGY: Final[str] = "lie-random"
#: Simulated seconds a demo may run per requested round before it gives up (a paused feed).
SECONDS_PER_ROUND_LIMIT: Final[float] = 20.0


@dataclass(frozen=True)
class RoundResult:
    """One row of the demo's output; field names are part of the CLI's stable JSON."""

    epoch: int
    round: int
    answer: int | None
    honest_min: int
    honest_max: int
    tx: str | None
    gas_used: int | None
    status: str  # "accepted" | "no-report" | "reverted"
    error: str | None
    leader: int | None
    transmitter: int | None
    signers: list[int] | None  # accountable mode: who signed (from the chain's point of view); else None


@dataclass
class DemoResult:
    """The whole run; ``to_json`` gives the documented document."""

    chain_id: int
    feed: str
    n: int
    f: int
    threshold: int
    faulty: int
    mode: str
    seed: int
    decimals: int
    rounds: list[RoundResult] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _row(trace: RoundTrace, sim: OracleSimulation, mode: str) -> RoundResult:
    values = trace.requested if trace.requested is not None else trace.observed
    honest = [v for o, v in values.items() if sim.honest(o)] or list(trace.observed.values())
    status = trace.status
    if status == "accepted":
        error = None
    elif status == "reverted":
        error = ", ".join(sorted({str(e) for _, e in trace.reverted}))
    else:
        error = trace.why_no_report()
    landed = status in ("accepted", "reverted")
    return RoundResult(
        epoch=trace.epoch, round=trace.round, answer=trace.answer if landed else None,
        honest_min=min(honest), honest_max=max(honest), tx=trace.tx, gas_used=trace.gas_used, status=status,
        error=error, leader=trace.leader,
        transmitter=trace.transmitter if status == "accepted" else (trace.reverted[0][0] if trace.reverted else None),
        signers=list(trace.signers) if mode == "accountable" and trace.signers is not None and landed else None,
    )


def _finished_rows(sim: OracleSimulation, done: set[tuple[int, int]]) -> list[RoundTrace]:
    """Rounds that honest oracles took part in and whose outcome is known, not yet reported."""
    rounds = sorted(sim.recorder.rounds.items())
    # A round without a report is over once any later round has started.
    last_started = max((key for key, t in rounds if t.started_at is not None), default=None)
    out = []
    for key, trace in rounds:
        if key in done or not any(sim.honest(o) for o in trace.observed):
            continue
        over = last_started is not None and key < last_started
        if trace.status in ("accepted", "reverted") or (trace.status == "no-report" and over):
            out.append(trace)
    return out


def run_demo(
    local: LocalCommitteeFeed[Any, Any, Any],
    rounds: int,
    faulty: int,
    seed: int,
    strategy: str = DEFAULT_STRATEGY,
    drop: float = 0.0,
    mode: str = "threshold",
    on_round: Callable[[RoundResult], None] | None = None,
    on_trace: Callable[[str], None] | None = None,
) -> DemoResult:
    """Run the protocol until ``rounds`` rounds have an outcome (or the feed has clearly paused)."""
    committee = local.committee
    n = committee.n
    chosen = sorted(random.Random(seed).sample(range(n), faulty))
    settings = SimulationSettings(seed=seed, timing=replace(SIM_TIMING, alpha=0.0), faulty=dict.fromkeys(chosen, strategy),
                                  drop=drop, sanity_band=SANITY_BAND)
    sim = OracleSimulation(local, settings)
    result = DemoResult(
        chain_id=local.chain_id, feed=local.address, n=n, f=committee.f, threshold=committee.threshold,
        faulty=faulty, mode=mode, seed=seed, decimals=sim.decimals)
    sim.start()
    done: set[tuple[int, int]] = set()
    limit = rounds * SECONDS_PER_ROUND_LIMIT
    while len(result.rounds) < rounds and sim.clock.now() < limit:
        sim.run(max_time=sim.clock.now() + settings.timing.delta_round)
        for trace in _finished_rows(sim, done):
            if len(result.rounds) >= rounds:
                break
            done.add((trace.epoch, trace.round))
            row = _row(trace, sim, mode)
            result.rounds.append(row)
            if on_round is not None:
                on_round(row)
            if on_trace is not None:
                on_trace(trace.describe(sim.decimals))
    return result
