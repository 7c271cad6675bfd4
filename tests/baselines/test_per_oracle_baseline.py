"""The per-oracle-submission baseline (FluxAggregator's model) on a real anvil (prague).

Gas per round is the sum of the n submit() receipts of round 2 after a warm-up round 1; it must
stay within 5% of Chainlink's FluxAggregator measured the same way, so that comparisons against
it neither flatter nor wrong our feed.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Final

import pytest
from eth_account import Account
from web3 import Web3

from ocr_client.baselines.per_oracle import (
    MAX_ORACLES,
    MAX_SUBMISSION,
    MIN_SUBMISSION,
    PAYMENT_WEI,
    PerOracleAggregator,
    RoundResult,
    median,
    run_scenario,
)
from ocr_client.chain.accounts import dev_account
from ocr_client.chain.calldata import calldata_gas
from ocr_client.chain.deploy import deploy
from ocr_client.chain.transactions import send_transaction
from ocr_client.errors import ConfigError, TransactionRevertedError
from ocr_client.gas.schemes.per_oracle import PerOracleScheme
from ocr_client.local.scenario import fixed_values

#: FluxAggregator's gas per round (sum of the n submissions, round 2), from the issue.
FLUX_GAS_PER_ROUND: Final[dict[int, int]] = {4: 409_756, 10: 901_402, 19: 1_636_501, 31: 2_620_174}
TOLERANCE: Final[float] = 0.05
#: selector + roundId word + submission word.
SUBMIT_CALLDATA_BYTES: Final[int] = 4 + 32 + 32

Measured = dict[int, tuple[PerOracleAggregator, RoundResult]]


#: Deploying and running n-transaction Flux rounds takes ~30 s: the slow tier (.ci/run runs it).
pytestmark = pytest.mark.slow

@pytest.fixture(scope="module")
def measured(ocr_web3: Web3) -> Measured:
    """The fixed scenario at every n with a Flux figure, once for the module."""
    return {n: run_scenario(ocr_web3, n) for n in FLUX_GAS_PER_ROUND}


@pytest.fixture
def four(ocr_web3: Web3) -> PerOracleAggregator:
    """A fresh 4-oracle aggregator with bounds [MIN_SUBMISSION, MAX_SUBMISSION] and no round yet."""
    return PerOracleAggregator.deploy(ocr_web3, 4)


def _expect_revert(action: Callable[[], object], error: str, *args: object) -> None:
    with pytest.raises(TransactionRevertedError) as info:
        action()
    assert info.value.error_name == error, f"expected {error}, got {info.value}"
    assert info.value.error_args == args


# --- gas -------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", sorted(FLUX_GAS_PER_ROUND))
def test_round_gas_is_within_5_percent_of_flux_aggregator(measured: Measured, n: int) -> None:
    _, round_ = measured[n]
    target = FLUX_GAS_PER_ROUND[n]
    drift = round_.gas_used / target - 1
    assert abs(drift) <= TOLERANCE, f"n={n}: {round_.gas_used:,} gas vs Flux {target:,} ({100 * drift:+.2f}%)"


def test_round_is_n_transactions_of_fixed_size(measured: Measured) -> None:
    for n, (_, round_) in measured.items():
        assert len(round_.submissions) == n
        assert all(len(s.calldata) == SUBMIT_CALLDATA_BYTES for s in round_.submissions)
        assert round_.calldata_bytes == n * SUBMIT_CALLDATA_BYTES


def test_only_the_opening_and_closing_submissions_cost_more(measured: Measured) -> None:
    """Opening writes the round record and details, closing reads every submission back: the
    submissions between them are one append each, the same at every n."""
    _, round_ = measured[31]
    middle = [s.gas_used for s in round_.submissions[1:-1]]
    assert max(middle) - min(middle) < 100  # only calldata bytes of the values differ
    assert round_.submissions[0].gas_used > max(middle)
    assert round_.submissions[-1].gas_used > max(middle)


def test_scheme_reports_the_sum_of_the_round(ocr_web3: Web3, measured: Measured) -> None:
    scheme = PerOracleScheme()
    result = scheme.measure(ocr_web3, 4, 1)
    _, round_ = measured[4]
    assert result.scheme == scheme.name == "per-oracle"
    assert (result.n, result.f, result.feeds, result.observations) == (4, 1, 1, 4)
    assert result.signers is None and result.verify_gas is None
    assert result.gas_per_report == result.gas_per_feed == round_.gas_used  # deterministic
    assert result.calldata_bytes == 4 * SUBMIT_CALLDATA_BYTES
    assert result.calldata_gas == sum(calldata_gas(s.calldata) for s in round_.submissions)


def test_supports_one_feed_up_to_255_oracles() -> None:
    scheme = PerOracleScheme()
    assert scheme.supports(1, 1) and scheme.supports(MAX_ORACLES, 1)
    assert not scheme.supports(0, 1)
    assert not scheme.supports(MAX_ORACLES + 1, 1)
    assert not scheme.supports(4, 2)


# --- answers ---------------------------------------------------------------------------------


def test_measured_round_answer_is_the_median(measured: Measured) -> None:
    for n, (aggregator, _) in measured.items():
        assert aggregator.latest_answer() == (2, median(fixed_values(n, 2)))
        oracle = aggregator.oracles[0].address
        assert aggregator.contract.functions.withdrawablePayment(oracle).call() == 2 * PAYMENT_WEI


@pytest.mark.parametrize("n", [5, 12])
def test_answer_is_the_median_of_unsorted_values(ocr_web3: Web3, n: int) -> None:
    """Shuffled values with repeats and negatives; n = 12 goes through quickselect's partition, and
    its even count takes the floor of the mean of the two middle values."""
    bound = 10**6
    aggregator = PerOracleAggregator.deploy(ocr_web3, n, min_submission=-bound, max_submission=bound)
    rng = random.Random(n)
    for round_id in (1, 2, 3):
        values = [rng.choice([-7, -3, 0, 5, 5, 9, rng.randint(-bound, bound)]) for _ in range(n)]
        aggregator.run_round(round_id, values)
        assert aggregator.latest_answer() == (round_id, median(values)), values
    assert median([-3, -2]) == -3  # rounded down, not toward zero


# --- rejections ------------------------------------------------------------------------------


def test_unregistered_oracle_is_rejected(four: PerOracleAggregator) -> None:
    stranger = dev_account(9)
    _expect_revert(lambda: four.submit(stranger, 1, 1000), "PerOracleUnknownOracle", stranger.address)


def test_second_submission_in_a_round_is_rejected(four: PerOracleAggregator) -> None:
    oracle = four.oracles[0]
    four.submit(oracle, 1, 1000)
    _expect_revert(lambda: four.submit(oracle, 1, 1001), "PerOracleAlreadyReported", oracle.address, 1, 1)
    # the round carries on: the other three close it with the median of four values
    for other, value in zip(four.oracles[1:], (1002, 1003, 1004), strict=True):
        four.submit(other, 1, value)
    assert four.latest_answer() == (1, median([1000, 1002, 1003, 1004]))


@pytest.mark.parametrize("value", [MIN_SUBMISSION - 1, MAX_SUBMISSION + 1])
def test_submission_outside_bounds_is_rejected(four: PerOracleAggregator, value: int) -> None:
    _expect_revert(lambda: four.submit(four.oracles[1], 1, value), "PerOracleSubmissionOutOfBounds",
                   value, MIN_SUBMISSION, MAX_SUBMISSION)
    assert four.contract.functions.reportingRoundId().call() == 0  # nothing was opened


def test_round_cannot_be_skipped(four: PerOracleAggregator) -> None:
    _expect_revert(lambda: four.submit(four.oracles[0], 2, 1000), "PerOracleInvalidRound", 2, 0)


def test_next_round_waits_for_an_answer(four: PerOracleAggregator) -> None:
    four.submit(four.oracles[0], 1, 1000)
    _expect_revert(lambda: four.submit(four.oracles[1], 2, 1000), "PerOraclePreviousRoundOpen", 1)


def test_committee_is_capped_at_255(ocr_web3: Web3) -> None:
    owner = dev_account(0)
    contract = deploy(ocr_web3, owner, "PerOracleAggregator", 0, 0, MIN_SUBMISSION, MAX_SUBMISSION, 8, "cap")
    many = [Account.from_key((i + 1).to_bytes(32, "big")).address for i in range(MAX_ORACLES + 1)]
    call = contract.functions.changeOracles([], many, many, 1, 1, 0)._encode_transaction_data()
    _expect_revert(lambda: send_transaction(ocr_web3, owner, contract.address, bytes.fromhex(call[2:])),
                   "PerOracleTooManyOracles", 0, MAX_ORACLES + 1, MAX_ORACLES)
    with pytest.raises(ConfigError):
        PerOracleAggregator.deploy(ocr_web3, MAX_ORACLES + 1)
