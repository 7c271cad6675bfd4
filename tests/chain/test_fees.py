"""Fee rules without a chain: the estimate, the cap (operator and per-report), and the bump."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ocr_client.chain.fees import GWEI, FeeConfig, FeeHistory, Fees, below_base_fee, bump, estimate

GAS = 400_000


def test_the_estimate_is_twice_the_next_base_fee_plus_the_median_tip() -> None:
    history = FeeHistory(next_base_fee=10 * GWEI, rewards=(1 * GWEI, 3 * GWEI, 2 * GWEI))
    assert estimate(history, FeeConfig(), GAS) == Fees(max_fee=22 * GWEI, priority_fee=2 * GWEI)


def test_an_idle_chain_reporting_zero_tips_gets_the_minimum_tip() -> None:
    fees = estimate(FeeHistory(next_base_fee=GWEI, rewards=(0, 0)), FeeConfig(min_priority_fee=GWEI), GAS)
    assert fees.priority_fee == GWEI


def test_the_per_report_spending_limit_lowers_the_cap_so_gas_limit_times_max_fee_fits() -> None:
    config = FeeConfig(max_fee_per_gas=100 * GWEI, spend_limit_wei=GAS * 7 * GWEI)
    assert config.cap(GAS) == 7 * GWEI
    fees = estimate(FeeHistory(next_base_fee=10 * GWEI, rewards=()), config, GAS)
    assert fees.max_fee == 7 * GWEI and below_base_fee(fees, FeeHistory(10 * GWEI, ()))


def test_a_bump_is_twenty_percent_or_five_gwei_whichever_is_more() -> None:
    small = bump(Fees(3 * GWEI, 1 * GWEI), Fees(0, 0), FeeConfig(), GAS)
    assert small == Fees(8 * GWEI, 6 * GWEI)
    large = bump(Fees(50 * GWEI, 30 * GWEI), Fees(0, 0), FeeConfig(), GAS)
    assert large == Fees(60 * GWEI, 36 * GWEI)


def test_a_bump_follows_a_fresh_estimate_that_is_higher() -> None:
    assert bump(Fees(3 * GWEI, GWEI), Fees(90 * GWEI, GWEI), FeeConfig(), GAS) == Fees(90 * GWEI, 6 * GWEI)


def test_no_bump_when_the_cap_leaves_less_than_the_ten_percent_a_replacement_needs() -> None:
    config = FeeConfig(max_fee_per_gas=105 * GWEI)
    assert bump(Fees(100 * GWEI, GWEI), Fees(0, 0), config, GAS) is None
    assert bump(Fees(90 * GWEI, GWEI), Fees(0, 0), config, GAS) == Fees(105 * GWEI, 6 * GWEI)


@given(st.integers(1, 500 * GWEI), st.integers(0, 50 * GWEI), st.integers(1, 500 * GWEI), st.integers(0, 500 * GWEI))
def test_no_fee_ever_exceeds_the_cap(base: int, tip: int, cap: int, previous: int) -> None:
    config = FeeConfig(max_fee_per_gas=cap)
    fees = estimate(FeeHistory(base, (tip,)), config, GAS)
    assert fees.max_fee <= cap and fees.priority_fee <= fees.max_fee
    bumped = bump(Fees(previous, min(previous, tip)), fees, config, GAS)
    assert bumped is None or (bumped.max_fee <= cap and bumped.priority_fee <= bumped.max_fee)


def test_fee_history_is_parsed_from_the_rpc_answer() -> None:
    history = FeeHistory.from_rpc({"baseFeePerGas": ["0x3b9aca00", "0x77359400"], "reward": [["0x5"], ["0x7"]]})
    assert history == FeeHistory(next_base_fee=2 * GWEI, rewards=(5, 7))
