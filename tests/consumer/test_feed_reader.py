"""FeedReader.sol and ``read(max_age=...)`` refuse the same answers for the same reasons: no report,
an incomplete round, a non-positive answer, a stale one; and accept a fresh positive answer."""

from __future__ import annotations

import pytest
from eth_account.signers.local import LocalAccount
from web3 import Web3

from ocr_client.chain.deploy import deploy
from ocr_client.chain.transactions import call
from ocr_client.committee.contract import RoundData
from ocr_client.errors import (
    IncompleteRoundError,
    NoAnswerError,
    NonPositiveAnswerError,
    StaleAnswerError,
)
from ocr_client.proxy import ProxyHandle, proxy_round_id
from ocr_client.report.freshness import answer_problem
from ocr_client.testing import LocalFeed
from tests.feed.helpers import expect_revert

HEARTBEAT = 3600


def _advance(w3: Web3, seconds: int) -> int:
    """Mine one block ``seconds`` later; its timestamp."""
    w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
    w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    return int(w3.eth.get_block("latest")["timestamp"])


@pytest.fixture
def reader(ocr_web3: Web3, deployer: LocalAccount):  # type: ignore[no-untyped-def]
    return deploy(ocr_web3, deployer, "FeedReaderHarness")


def test_a_fresh_positive_answer_is_read_alike_on_chain_and_in_python(ocr_web3: Web3, reader) -> None:  # type: ignore[no-untyped-def]
    local = LocalFeed.deploy(ocr_web3, n=4, seed=41)
    receipt = local.push(3000_00000000)
    updated_at = int(ocr_web3.eth.get_block(receipt["blockNumber"])["timestamp"])
    assert reader.functions.read(local.address, HEARTBEAT).call() == [3000_00000000, updated_at, 1]
    got = local.feed.read(max_age=HEARTBEAT)
    assert (got.answer, got.updated_at, got.round_id) == (3000_00000000, updated_at, 1)


def test_no_report_yet_is_refused(ocr_web3: Web3, reader) -> None:  # type: ignore[no-untyped-def]
    local = LocalFeed.deploy(ocr_web3, n=4, seed=42)
    expect_revert(lambda: local.feed._view("latestRoundData"), "NoDataPresent", 0)
    with pytest.raises(NoAnswerError):
        local.feed.read(max_age=HEARTBEAT)
    fn = reader.functions.read(local.address, HEARTBEAT)
    expect_revert(lambda: call(ocr_web3, reader.address, reader.address,
                               bytes.fromhex(fn._encode_transaction_data()[2:])), "NoDataPresent", 0)


def test_a_stale_answer_is_refused_with_its_age(ocr_web3: Web3, reader) -> None:  # type: ignore[no-untyped-def]
    local = LocalFeed.deploy(ocr_web3, n=4, seed=43)
    receipt = local.push(3000_00000000)
    updated_at = int(ocr_web3.eth.get_block(receipt["blockNumber"])["timestamp"])
    now = _advance(ocr_web3, 10)
    fn = reader.functions.read(local.address, 5)
    expect_revert(lambda: call(ocr_web3, reader.address, reader.address,
                               bytes.fromhex(fn._encode_transaction_data()[2:])),
                  "FeedReaderStaleAnswer", 1, updated_at, 5, now)
    with pytest.raises(StaleAnswerError, match=f"{now - updated_at} s old") as info:
        local.feed.read(max_age=5)
    assert (info.value.updated_at, info.value.max_age, info.value.now) == (updated_at, 5, now)
    assert local.feed.read(max_age=now - updated_at).answer == 3000_00000000  # exactly max_age old: fresh


def test_a_non_positive_answer_is_refused(ocr_web3: Web3, reader, deployer: LocalAccount) -> None:  # type: ignore[no-untyped-def]
    local = LocalFeed.deploy(ocr_web3, n=4, seed=44, min_answer=-(10**20))
    local.push(-5)
    proxy = ProxyHandle.deploy(ocr_web3, deployer, local.address)  # the same rules through a proxy
    for target in (local.address, proxy.address):
        fn = reader.functions.read(target, HEARTBEAT)
        round_id = 1 if target == local.address else proxy_round_id(1, 1)
        expect_revert(lambda f=fn: call(ocr_web3, reader.address, reader.address,  # type: ignore[misc]
                                        bytes.fromhex(f._encode_transaction_data()[2:])),
                      "FeedReaderNonPositiveAnswer", round_id, -5)
    with pytest.raises(NonPositiveAnswerError):
        local.feed.read(max_age=HEARTBEAT)
    with pytest.raises(NonPositiveAnswerError):
        proxy.read(max_age=HEARTBEAT)


@pytest.mark.parametrize(("round_", "error"), [
    (RoundData(5, 100, 1, 0, 5), IncompleteRoundError),  # no answer yet
    (RoundData(5, 100, 1, 10, 4), IncompleteRoundError),  # answer carried over from round 4
    (RoundData(5, 0, 1, 10, 5), NonPositiveAnswerError),
    (RoundData(5, -1, 1, 0, 4), IncompleteRoundError),  # incomplete is named first, as in FeedReader.sol
    (RoundData(5, 100, 1, 950, 5), None),
    (RoundData(5, 100, 1, 900, 5), None),  # exactly max_age old
    (RoundData(5, 100, 1, 899, 5), StaleAnswerError),
    (RoundData(5, 100, 1, 2000, 5), None),  # from the future: age 0
])
def test_the_rules_in_their_order(round_: RoundData, error: type[Exception] | None) -> None:
    """Our feeds never serve an incomplete round (answeredInRound always equals roundId and
    latestRoundData reverts before the first report), so that rule is specified here on values."""
    problem = answer_problem(round_, max_age=100, now=1000)
    assert (None if problem is None else type(problem)) is error
