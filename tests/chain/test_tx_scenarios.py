"""Testnet conditions on a real anvil: every report that should land lands exactly once, no nonce
is reused or skipped, no attempt offers more than the cap, and it takes the stated number of blocks.

The numbers of blocks are exact: the manager bumps after 3 blocks and the scenarios mine block by
block (or on a 1 s interval), so each count follows from the rules, not from timing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ocr_client.testing import tx_scenarios as s
from ocr_client.testing.tx_scenarios import ScenarioResult


def assert_sound(result: ScenarioResult) -> None:
    assert result.landed_once, f"landings per (epoch, round): {dict(result.landed)} expected {result.expected}"
    assert result.nonces_contiguous, f"mined nonces {result.mined_nonces}, chain nonce {result.chain_nonce}"
    assert result.under_cap, f"offered {result.max_fee_offered} wei per gas over the cap {result.cap}"


def test_interval_mining_lands_each_report_in_the_next_block_and_confirms_after_k(tmp_path: Path) -> None:
    result = s.interval_mining(tmp_path, reports=3, block_time=1, confirmations=2)
    assert_sound(result)
    assert result.blocks_to_land == [1, 1, 1]
    assert result.events["confirmed"] == 3 and result.bumps == 0


def test_manual_mining_nothing_moves_until_a_block_is_mined(tmp_path: Path) -> None:
    result = s.manual_mining(tmp_path, reports=3, confirmations=2)
    assert_sound(result)
    assert result.blocks_to_land == [1, 1, 1]


def test_base_fee_spike_strands_the_transmit_until_one_bump_after_three_blocks(tmp_path: Path) -> None:
    result = s.base_fee_spike(tmp_path)
    assert_sound(result)
    assert result.bumps == 1
    assert result.blocks_to_land == [4]  # 3 stranded blocks, then the bumped attempt's block
    assert result.max_fee_offered > s.SPIKE_WEI  # the bump follows the base fee, not just +20%


def test_a_dropped_transaction_is_replaced_at_the_same_nonce_after_three_blocks(tmp_path: Path) -> None:
    result = s.dropped(tmp_path)
    assert_sound(result)
    assert result.bumps == 1 and result.blocks_to_land == [4]
    assert result.mined_nonces == [0]


@pytest.mark.parametrize("depth", [2, pytest.param(1, marks=pytest.mark.slow), pytest.param(3, marks=pytest.mark.slow)])
def test_a_reorged_transmit_is_tracked_again_resent_and_lands_once(tmp_path: Path, depth: int) -> None:
    result = s.reorg(tmp_path, depth)
    assert_sound(result)
    assert result.events["reorged"] == 1
    assert result.extra["final_block"] > result.extra["first_block"] + depth - 1  # landed again after the reorg
    assert result.bumps == 0  # the stored attempt is simply sent again
    assert result.blocks_to_land == [depth + 1]


def test_an_unfunded_transmitter_takes_no_nonce_says_so_once_and_lands_once_funded(tmp_path: Path) -> None:
    result = s.no_funds(tmp_path)
    assert_sound(result)
    assert result.extra["nonce_while_unfunded"] is None and result.extra["state_while_unfunded"] == "queued"
    assert result.events["insufficient-funds"] == 1
    assert result.mined_nonces == [0]


@pytest.mark.slow
def test_an_rpc_failing_a_fifth_of_calls_timing_out_and_resetting_still_lands_every_report(tmp_path: Path) -> None:
    result = s.flaky_rpc(tmp_path, reports=3)
    assert_sound(result)
    assert result.extra["failovers"] > 0  # faults really happened and were retried
    assert result.blocks_to_land == [1, 1, 1]


@pytest.mark.slow  # the pool's own tests (test_rpc_pool.py) cover the choice in the quick tier
def test_a_lagging_rpc_is_not_chosen_and_one_of_another_chain_is_excluded(tmp_path: Path) -> None:
    result = s.lagging_and_wrong_chain(tmp_path)
    assert_sound(result)
    assert result.extra["excluded"] == 1 and result.extra["chosen"]
    assert result.blocks_to_land == [1, 1]


def test_a_process_killed_between_send_and_confirm_resumes_the_same_transaction(tmp_path: Path) -> None:
    result = s.restart(tmp_path)
    assert_sound(result)
    assert result.extra["resumed_same_hash"]  # the stored bytes, not a new transaction at that nonce
    assert result.mined_nonces == [0, 1]
    assert result.blocks_to_land == [1, 1]


def test_a_report_landed_by_another_transmitter_is_abandoned_and_its_nonce_reused(tmp_path: Path) -> None:
    result = s.superseded(tmp_path)
    assert_sound(result)
    assert result.abandoned == 1 and result.extra["nonce_handed_over"]
    assert result.mined_nonces == [0]  # the stale transmit never mined: nothing paid for it


def test_a_fee_cap_below_the_base_fee_holds_the_report_until_the_base_fee_falls_under_it(tmp_path: Path) -> None:
    result = s.fee_cap_below_base(tmp_path)
    assert_sound(result)
    assert result.events["fee-capped"] == 1  # said once, not every block
    assert result.max_fee_offered == 20 * 10**9
    assert result.blocks_to_land == [7]  # 43.75 gwei falls by 1/8 per empty block: under 20 after 6
