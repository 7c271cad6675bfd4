"""Issue 13's goal, asserted from the committed .gas-snapshot: a threshold-bls (OCRFeed) transmit at
n = 31 costs at most 200,000 gas with NewRound and AnswerUpdated included. The snapshot itself is
kept equal to the measured scenarios by test_gas_snapshot.py and `ocr gas snapshot --check`."""

from __future__ import annotations

from pathlib import Path

from web3 import Web3

from ocr_client.gas import snapshot as gas_snapshot
from ocr_client.gas.scenarios import SPREAD_SNAPSHOT_NAME
from ocr_client.local.scenario import SEED, TIMESTAMP, fixed_values
from ocr_client.testing import LocalFeed

SNAPSHOT = Path(__file__).resolve().parents[2] / ".gas-snapshot"
GOAL = 200_000
N31 = "OCRFeed:transmit_n31_obs31"


def test_threshold_transmit_at_n31_meets_the_goal_in_the_committed_snapshot() -> None:
    committed = gas_snapshot.read(SNAPSHOT)
    assert committed[N31] <= GOAL, f"{N31} costs {committed[N31]} gas, goal {GOAL}"
    # Also when the observation times differ (each offset then has a nonzero byte), as in real rounds.
    assert committed[SPREAD_SNAPSHOT_NAME] <= GOAL, f"{SPREAD_SNAPSHOT_NAME} costs {committed[SPREAD_SNAPSHOT_NAME]}"


def test_the_snapshot_scenario_emits_the_round_events_it_pays_for(ocr_web3: Web3) -> None:
    """The measured transmit is the one consumers see: NewTransmission, NewRound, AnswerUpdated."""
    local = LocalFeed.deploy(ocr_web3, n=31, seed=SEED)
    local.push(fixed_values(31, 1), timestamps=[TIMESTAMP] * 31)
    receipt = local.push(fixed_values(31, 2), timestamps=[TIMESTAMP + 1] * 31)
    events = local.feed.contract.events
    topics = [bytes(log["topics"][0]) for log in receipt["logs"]]
    expected = [bytes.fromhex(str(e.topic).removeprefix("0x"))
                for e in (events.NewTransmission, events.NewRound, events.AnswerUpdated)]
    assert topics == expected
    assert int(receipt["gasUsed"]) <= GOAL
