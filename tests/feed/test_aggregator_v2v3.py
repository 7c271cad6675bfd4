"""Chainlink's AggregatorV2V3Interface on all three feed kinds (OCRFeed, AccountableFeed, a
multi-feed hub's FeedView): the V2 getters for unknown, first and latest rounds, V3's revert naming
the round, and NewRound plus AnswerUpdated on every accepted report, from the address consumers read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from web3 import Web3
from web3.contract import Contract
from web3.logs import DISCARD

from ocr_client.accountable.local import LocalAccountableFeed
from ocr_client.chain.transactions import call
from ocr_client.multifeed import LocalMultiFeed
from ocr_client.report.events import split_epoch_and_round
from ocr_client.testing import LocalFeed
from tests.feed.helpers import expect_revert

#: A feed under test: the V2V3 contract, and push(value) -> receipt.
Subject = tuple[Contract, Callable[[int], Any]]


def _threshold(w3: Web3) -> Subject:
    local = LocalFeed.deploy(w3, n=4, seed=31)
    return local.feed.contract, local.push


def _accountable(w3: Web3) -> Subject:
    local = LocalAccountableFeed.deploy(w3, n=4, seed=32)
    return local.feed.contract, lambda v: local.push(v, signers=[0, 3])


def _multi(w3: Web3) -> Subject:
    local = LocalMultiFeed.deploy(w3, n=4, feeds=2, seed=33)
    view = w3.eth.contract(address=local.hub.view(1).address, abi=local.hub.view(1).abi)
    return view, lambda v: local.push([[v + 7] * 4, [v] * 4])  # feed 1 answers v


@pytest.fixture(params=[_threshold, _accountable, _multi], ids=["OCRFeed", "AccountableFeed", "FeedView"])
def subject(request: pytest.FixtureRequest, ocr_web3: Web3) -> Subject:
    make: Callable[[Web3], Subject] = request.param
    return make(ocr_web3)


def _v3(w3: Web3, contract: Contract, function: str, *args: int) -> None:
    fn = contract.get_function_by_name(function)(*args)
    call(w3, contract.address, contract.address, bytes.fromhex(fn._encode_transaction_data()[2:]))


def test_v2_getters_for_unknown_first_and_latest_rounds(ocr_web3: Web3, subject: Subject) -> None:
    feed, push = subject
    fn = feed.functions
    # Before the first report: V2 answers 0, V3 reverts naming the round.
    assert (fn.latestAnswer().call(), fn.latestTimestamp().call(), fn.latestRound().call()) == (0, 0, 0)
    assert (fn.getAnswer(1).call(), fn.getTimestamp(1).call()) == (0, 0)
    expect_revert(lambda: _v3(ocr_web3, feed, "latestRoundData"), "NoDataPresent", 0)
    expect_revert(lambda: _v3(ocr_web3, feed, "getRoundData", 1), "NoDataPresent", 1)

    first = push(1000)
    second = push(2000)
    first_time = int(ocr_web3.eth.get_block(first["blockNumber"])["timestamp"])
    second_time = int(ocr_web3.eth.get_block(second["blockNumber"])["timestamp"])
    assert (fn.latestAnswer().call(), fn.latestTimestamp().call(), fn.latestRound().call()) == (2000, second_time, 2)
    assert (fn.getAnswer(1).call(), fn.getTimestamp(1).call()) == (1000, first_time)
    assert (fn.getAnswer(2).call(), fn.getTimestamp(2).call()) == (2000, second_time)
    assert fn.getRoundData(1).call()[1] == 1000
    for unknown in (0, 3, 2**32 + 1, 2**256 - 1):
        assert (fn.getAnswer(unknown).call(), fn.getTimestamp(unknown).call()) == (0, 0)
    expect_revert(lambda: _v3(ocr_web3, feed, "getRoundData", 3), "NoDataPresent", 3)
    expect_revert(lambda: _v3(ocr_web3, feed, "getRoundData", 0), "NoDataPresent", 0)


def test_every_accepted_report_emits_new_round_and_answer_updated(ocr_web3: Web3, subject: Subject) -> None:
    feed, push = subject
    push(1000)
    receipt = push(2500)
    updated_at = int(ocr_web3.eth.get_block(receipt["blockNumber"])["timestamp"])
    # Only this feed's own events (a hub's other FeedViews announce their rounds too).
    (new_round,) = [e for e in feed.events.NewRound().process_receipt(receipt, errors=DISCARD)
                    if e["address"] == feed.address]
    (answer_updated,) = [e for e in feed.events.AnswerUpdated().process_receipt(receipt, errors=DISCARD)
                         if e["address"] == feed.address]
    assert dict(answer_updated["args"]) == {"current": 2500, "roundId": 2, "updatedAt": updated_at}
    round_data = feed.functions.getRoundData(2).call()
    assert new_round["args"]["roundId"] == 2 and new_round["args"]["startedAt"] == round_data[2]
    assert new_round["args"]["startedBy"] == ocr_web3.eth.get_transaction(receipt["transactionHash"])["from"]


def test_new_transmission_is_the_documented_abi(ocr_web3: Web3) -> None:
    """Decoded by web3 from the interface's ABI alone, field by field as docs/report-format.md says."""
    local = LocalFeed.deploy(ocr_web3, n=4, seed=34)
    receipt = local.push([10, 40, 20, 30], timestamps=[1_700_000_100, 1_700_000_101, 1_700_000_102, 1_700_000_103])
    (event,) = local.feed.contract.events.NewTransmission().process_receipt(receipt, errors=DISCARD)
    args = event["args"]
    assert split_epoch_and_round(args["epochAndRound"]) == (1, 1)
    assert (args["roundId"], args["answer"], args["observationsTimestamp"]) == (1, 30, 1_700_000_100)
    packed = bytes(args["observations"])
    assert len(packed) == 27 * 4
    assert packed[:4] == bytes([0, 2, 3, 1])  # observers in ascending value order
    assert packed[4:12] == b"".join(o.to_bytes(2, "big") for o in (0, 2, 3, 1))  # seconds after T
    assert [int.from_bytes(packed[12 + 24 * i: 36 + 24 * i], "big") for i in range(4)] == [10, 20, 30, 40]
