"""The BFT test matrix: for each Byzantine strategy with f faulty oracles, on the simulated network
with the seeded clock and a real feed on anvil, every landed answer lies within the honest
observations, a report lands within (f+1) x DeltaProgress + n x DeltaStage of any moment, fault-free
runs revert nothing and faulty runs at most one transmission per round."""

from __future__ import annotations

import pytest
from web3 import Web3

from ocr_client.protocol.byzantine import STRATEGIES
from tests.protocol.sim_support import assert_safe_and_live, run_cell

#: n = 4 runs in the quick tier; n = 7 and 10 (and the n = 31 run) in the slow tier that .ci/run adds.
SMALL = [4, pytest.param(7, marks=pytest.mark.slow)]


def test_strategy_names_are_exactly_the_documented_ones() -> None:
    assert STRATEGIES == ("crash", "crash-recover", "lie-high", "lie-low", "lie-random", "equivocate", "withhold",
                          "bad-share", "silent-leader", "partial-final", "epoch-flood", "garbage",
                          "stale-source", "late", "bias", "copycat")


@pytest.mark.parametrize("n", SMALL)
def test_fault_free_committee_reports_every_round_without_a_revert(w3: Web3, n: int) -> None:
    cell = run_cell(w3, n)
    assert_safe_and_live(cell)
    assert cell.sim.recorder.reverted_count() == 0
    assert cell.leaders_seen() == set(range(n)), "every oracle led an epoch"


#: The quick tier's n = 4 cells: one strategy per way of failing (a liar, an equivocator, a node that
#: goes down and comes back, malformed messages, a leader that stalls the epoch). Every strategy,
#: these included, runs at n = 4 and 7 (and 10) in the slow tier that .ci/run adds.
QUICK_AT_FOUR = frozenset({"lie-random", "equivocate", "crash-recover", "garbage", "silent-leader"})


def matrix_cells() -> list[object]:
    return [pytest.param(n, strategy, marks=() if n == 4 and strategy in QUICK_AT_FOUR else (pytest.mark.slow,),
                         id=f"{n}-{strategy}")
            for n in (4, 7) for strategy in STRATEGIES]


@pytest.mark.parametrize("n, strategy", matrix_cells())
def test_f_byzantine_oracles_neither_move_nor_stop_the_feed(w3: Web3, n: int, strategy: str) -> None:
    cell = run_cell(w3, n, strategy=strategy, seed=n)
    assert_safe_and_live(cell)
    faulty = set(cell.sim.settings.faulty)
    assert len(faulty) == cell.sim.f
    assert faulty <= cell.leaders_seen(), "each faulty oracle was leader at least once"


@pytest.mark.slow
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_f_byzantine_oracles_of_ten_neither_move_nor_stop_the_feed(w3: Web3, strategy: str) -> None:
    cell = run_cell(w3, 10, strategy=strategy, seed=10)
    assert_safe_and_live(cell)
    assert set(cell.sim.settings.faulty) <= cell.leaders_seen()


@pytest.mark.slow
def test_thirty_one_oracles_with_ten_random_liars_stay_in_the_honest_range(w3: Web3) -> None:
    cell = run_cell(w3, 31, strategy="lie-random", seed=31, duration=60.0)
    assert_safe_and_live(cell)
    assert len(cell.landed) >= 30
