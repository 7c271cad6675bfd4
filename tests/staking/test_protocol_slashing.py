"""End to end on a real anvil: the OCR protocol runs with f `equivocate` oracles; honest leaders
keep the conflicting shares they receive as evidence and relay it, so every honest node holds it;
all of them submit, one proof per offence lands; exactly the equivocators lose stake; an honest
node restarted from its store never gives evidence against itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from web3 import Web3

from ocr_client.local.feed import LocalFeed
from ocr_client.protocol.simulation import OracleSimulation, SimulationSettings
from ocr_client.staking.contract import StakingParameters
from ocr_client.staking.local import LocalStaking
from ocr_client.staking.submitter import Submission, submit, submit_stored
from tests.protocol.sim_support import MATRIX_TIMING

EQUIVOCATOR = 3
RESTARTED = 1


@pytest.mark.slow
def test_equivocators_and_only_they_are_slashed_from_evidence_the_honest_nodes_collected(
        w3: Web3, tmp_path: Path) -> None:
    local = LocalFeed.deploy(w3, n=4, seed=31)
    params = StakingParameters(equivocation_slash=10**18)  # each offence costs 1%: all of them can land
    setup = LocalStaking.deploy(local, params)
    sim = OracleSimulation(local, SimulationSettings(seed=31, timing=MATRIX_TIMING, store_dir=tmp_path,
                                                     faulty={EQUIVOCATOR: "equivocate"}))
    sim.start()
    sim.run(until_landed=3, max_time=40.0)
    sim.crash(RESTARTED)  # an honest node dies mid-run and comes back from its SQLite file
    sim.restart(RESTARTED)
    sim.run(max_time=sim.clock.now() + 25.0)
    assert sim.recorder.landed_count >= 4

    records = [r for store in sim.stores for r in store.evidence()]
    assert records, "honest leaders kept the equivocator's conflicting shares"
    assert {r.conflict.oracle for r in records} == {EQUIVOCATOR}, "no evidence ever names an honest oracle"
    honest_stores = [store for i, store in enumerate(sim.stores) if i != EQUIVOCATOR]
    assert all(store.evidence() for store in honest_stores), "the relay gave every honest node the proof"

    before = setup.slashable()
    results: list[Submission] = []
    for i, store in enumerate(sim.stores):
        if i != EQUIVOCATOR:
            results += submit_stored(store, setup.staking, local.committee.transmitters[i])
    landed = [s for s in results if s.outcome == "slashed"]
    offences = {s.evidence.evidence_hash for s in results}
    assert len(landed) == len(offences), "each offence landed exactly once"
    assert any(s.outcome == "already-slashed" for s in results), "the other holders sent nothing"
    assert not [s for s in results if s.outcome == "refused"]
    after = setup.slashable()
    assert before[EQUIVOCATOR] - after[EQUIVOCATOR] == len(landed) * params.equivocation_slash
    assert [after[i] for i in range(4) if i != EQUIVOCATOR] == [before[i] for i in range(4) if i != EQUIVOCATOR]

    # Another node submitting the same offence again lands nothing and spends no gas.
    again = submit(setup.staking, local.committee.transmitters[0], landed[0].evidence)
    assert again.outcome == "already-slashed" and setup.slashable() == after
    assert all(r.submitted_tx is not None for store in sim.stores for r in store.evidence()
               if r.conflict.oracle == EQUIVOCATOR and store is not sim.stores[EQUIVOCATOR])
