"""Running the protocol on the simulated network against a real feed, and the checks every BFT
cell makes: safety (answers inside the honest range), liveness (the landing bound), and at most
one reverted transmission per round."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from web3 import Web3

from ocr_client.local.feed import LocalFeed
from ocr_client.protocol.config import Timing, leader
from ocr_client.protocol.recorder import RoundTrace
from ocr_client.protocol.simulation import SIM_TIMING, OracleSimulation, SimulationSettings

#: Short epochs (rMax = 2, DeltaProgress = 3 s) so a short run sees every oracle lead, faulty ones included.
MATRIX_TIMING: Timing = replace(SIM_TIMING, r_max=2, delta_progress=3.0)


def landing_bound(sim: OracleSimulation) -> float:
    """(f+1) x DeltaProgress + n x DeltaStage, plus one DeltaRound for the round a trigger falls in."""
    t = sim.config.timing
    return (sim.f + 1) * t.delta_progress + sim.n * t.delta_stage + t.delta_round


def first_leaders(local: LocalFeed, settings: SimulationSettings, count: int) -> list[int]:
    """The leaders of epochs 1, 2, ... (distinct, first ``count``): faulty nodes that lead early."""
    config = OracleSimulation.protocol_config(local, settings)
    order: list[int] = []
    epoch = 1
    while len(order) < count:
        who = leader(config, epoch)
        if who not in order:
            order.append(who)
        epoch += 1
    return order


@dataclass
class CellResult:
    sim: OracleSimulation
    local: LocalFeed

    @property
    def landed(self) -> list[RoundTrace]:
        return self.sim.recorder.landed()

    def honest_range(self, trace: RoundTrace) -> tuple[int, int]:
        assert trace.requested is not None
        honest = [v for o, v in trace.requested.items() if self.sim.honest(o)]
        return min(honest), max(honest)

    def leaders_seen(self) -> set[int]:
        return {t.leader for t in self.sim.recorder.rounds.values() if t.leader is not None} | {
            leader(self.sim.config, e) for _, _, e in self.sim.recorder.epoch_changes}


def run_cell(w3: Web3, n: int, faulty: dict[int, str] | None = None, strategy: str | None = None,
             seed: int = 0, duration: float | None = None, timing: Timing = MATRIX_TIMING, **settings: Any) -> CellResult:
    """Deploy a feed for n oracles and run the protocol; with ``strategy``, the first f leaders use it."""
    local = LocalFeed.deploy(w3, n=n, seed=seed)
    base = SimulationSettings(seed=seed, timing=timing, **settings)
    if strategy is not None:
        faulty = {i: strategy for i in first_leaders(local, base, local.committee.f)}
    sim = OracleSimulation(local, replace(base, faulty=faulty or {}))
    sim.start()
    # Long enough for every oracle to lead once (n epochs of rMax + 1 rounds) plus the faulty epochs.
    epoch_length = (timing.r_max + 1) * timing.delta_round
    sim.run(max_time=duration if duration is not None else (n + sim.f + 1) * max(epoch_length, timing.delta_progress))
    return CellResult(sim, local)


def assert_safe_and_live(cell: CellResult) -> None:
    """The BFT matrix's three checks on one run."""
    sim = cell.sim
    landed = cell.landed
    assert landed, "no report landed"
    for trace in landed:  # safety: every landed answer lies within the honest observations
        low, high = cell.honest_range(trace)
        assert low <= trace.answer <= high, (trace.epoch, trace.round, low, trace.answer, high)  # type: ignore[operator]
    bound = landing_bound(sim)
    times = [0.0] + [t.landed_at for t in landed] + [sim.clock.now()]
    gaps = [b - a for a, b in itertools.pairwise(times)]  # type: ignore[operator]
    assert max(gaps) <= bound, (max(gaps), bound)  # liveness: a report within the bound of any moment
    reverted = Counter((t.epoch, t.round) for t in sim.recorder.rounds.values() for _ in t.reverted)
    if not sim.settings.faulty:
        assert not reverted, reverted
    assert all(c <= 1 for c in reverted.values()), reverted
    onchain = cell.local.feed.latest_round()
    assert onchain is not None and onchain.answer == landed[-1].answer
