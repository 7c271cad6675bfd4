"""Faults beyond the matrix: more than f down, restarts, loss and partitions, determinism, the
accountable scheme, and the round trace, all on the simulated network against a real feed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from web3 import Web3

from ocr_client.accountable.local import LocalAccountableFeed
from ocr_client.chain.anvil import Anvil
from ocr_client.chain.rpc import connect
from ocr_client.local.feed import LocalFeed
from ocr_client.protocol.messages import ObserveRequest, ReportRequest, sign_observation
from ocr_client.protocol.simulation import SIM_TIMING, OracleSimulation, SimulationSettings
from tests.protocol.sim_support import MATRIX_TIMING, landing_bound, run_cell


def test_with_more_than_f_oracles_down_nothing_reaches_the_chain_and_reports_resume_when_they_return(
        w3: Web3) -> None:
    local = LocalFeed.deploy(w3, n=4)
    sim = OracleSimulation(local, SimulationSettings(seed=3, timing=MATRIX_TIMING, faulty={1: "crash", 2: "crash"}))
    sim.start()
    sim.run(max_time=30.0)
    assert sim.recorder.landed_count == 0
    assert sim.recorder.reverted_count() == 0 and sim.recorder.events_by_kind["scheduled"] == 0
    assert local.feed.latest_round() is None, "nothing, and nothing invalid, on-chain"
    back = sim.clock.now()
    sim.restart(1)
    sim.restart(2)
    sim.run(max_time=back + 30.0)
    landed = sim.recorder.landed()
    assert landed and landed[0].landed_at is not None
    assert landed[0].landed_at - back <= landing_bound(sim) + 2 * sim.config.timing.delta_progress
    assert local.feed.latest_round() is not None


def test_a_node_restarted_mid_round_never_signs_a_second_report_for_that_round(w3: Web3, tmp_path: Path) -> None:
    local = LocalFeed.deploy(w3, n=4, seed=4)
    sim = OracleSimulation(local, SimulationSettings(seed=4, timing=MATRIX_TIMING, store_dir=tmp_path))
    sim.start()
    sim.run(until_landed=2, max_time=30.0)
    trace = sim.recorder.landed()[-1]
    victim = next(i for i in trace.signed if i != trace.leader)
    sim.crash(victim)  # the process dies right after having signed (epoch, round) ...
    sim.restart(victim)  # ... and comes back from its SQLite file
    node = sim.nodes[victim]
    assert node is not None and node.ctx.epoch == trace.epoch, "epoch restored from the store"
    # An equivocating leader now asks the restarted node to sign a different report for the same round.
    digest = sim.config.config_digest
    other = tuple(sign_observation(sim.signing_keys[i], digest, trace.epoch, trace.round, i, 1_000 + i, 1)
                  for i in range(4))
    node.dispatch(trace.leader, ObserveRequest(trace.epoch, trace.round))  # type: ignore[arg-type]
    before = sim.recorder.events_by_kind["signed"]
    node.dispatch(trace.leader, ReportRequest(trace.epoch, trace.round, other))  # type: ignore[arg-type]
    assert sim.recorder.events_by_kind["signed"] == before
    assert sim.recorder.events_by_kind["refused-equivocation"] == 1
    sim.run(max_time=sim.clock.now() + 20.0)  # and it goes on reporting normally afterwards
    assert any(victim in t.signed for t in sim.recorder.landed() if (t.epoch, t.round) > (trace.epoch, trace.round))


@pytest.mark.slow
def test_the_same_seed_gives_the_same_rounds() -> None:
    def run() -> list[tuple[object, ...]]:
        with Anvil() as anvil:  # a fresh chain each time: same addresses, same config digest
            cell = run_cell(connect(anvil.rpc_url), 4, strategy="lie-random", seed=11, duration=15.0,
                            latency=0.02, jitter=0.05, drop=0.05)
            return [(t.epoch, t.round, t.leader, t.answer, t.transmitter, t.signers) for t in cell.landed]

    first = run()
    assert run() == first and len(first) >= 5


@pytest.mark.slow
def test_message_loss_slows_the_feed_but_never_moves_it(w3: Web3) -> None:
    cell = run_cell(w3, 7, strategy="lie-random", seed=5, drop=0.15, duration=40.0)
    landed = cell.landed
    assert len(landed) >= 10
    for trace in landed:
        low, high = cell.honest_range(trace)
        assert trace.answer is not None and low <= trace.answer <= high


@pytest.mark.slow
def test_f_oracles_cut_off_by_a_partition_do_not_stop_the_feed_and_rejoin_when_it_heals(w3: Web3) -> None:
    local = LocalFeed.deploy(w3, n=7, seed=6)
    sim = OracleSimulation(local, SimulationSettings(seed=6, timing=MATRIX_TIMING))
    sim.start()
    sim.network.partition({0, 1, 2, 3, 4}, {5, 6})
    sim.run(max_time=20.0)
    assert sim.recorder.landed_count >= 10
    sim.network.heal()
    healed = sim.clock.now()
    sim.run(max_time=healed + 30.0)
    later = [t for t in sim.recorder.landed() if t.landed_at is not None and t.landed_at > healed + 10]
    assert any({5, 6} & set(t.requested or {}) for t in later), "the cut-off oracles observe again"


def test_the_accountable_scheme_runs_the_same_protocol_and_names_its_signers(w3: Web3) -> None:
    local = LocalAccountableFeed.deploy(w3, n=4, seed=7)
    sim = OracleSimulation(local, SimulationSettings(seed=7, timing=replace(SIM_TIMING, r_max=3),
                                                     faulty={3: "bad-share"}))
    sim.start()
    sim.run(until_landed=5, max_time=60.0)
    landed = sim.recorder.landed()
    assert len(landed) == 5
    for trace in landed:
        assert trace.signers is not None and len(trace.signers) >= local.committee.threshold
        assert 3 not in trace.signers, "a bad share is left out of the aggregate"


def test_the_round_trace_says_who_led_observed_signed_and_transmitted(w3: Web3) -> None:
    cell = run_cell(w3, 4, duration=3.0)
    trace = cell.landed[0]
    text = trace.describe()
    assert f"leader {trace.leader}" in text and "observed:" in text and "signed by:" in text
    assert f"transmitted by {trace.transmitter}" in text and "accepted" in text
    assert "shares that reached the leader" in text
    assert set(trace.signers or ()) <= set(trace.shares_at_leader), "the final combines shares the leader received"
