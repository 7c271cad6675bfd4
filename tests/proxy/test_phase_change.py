"""A live feed moves from threshold mode (OCRFeed) to accountable mode (AccountableFeed) behind one
AggregatorProxy, while a consumer written only against Chainlink's AggregatorV2V3Interface keeps
reading it: every call, before, during (proposed) and after the change, and old rounds through
their phase."""

from __future__ import annotations

from typing import Any

import pytest
from eth_account.signers.local import LocalAccount
from web3 import Web3

from ocr_client.accountable.local import LocalAccountableFeed
from ocr_client.chain.deploy import deploy
from ocr_client.proxy import ProxyHandle, proxy_round_id
from ocr_client.testing import LocalFeed
from tests.feed.helpers import expect_revert


def _latest(consumer: Any) -> dict[str, int]:
    names = ("answer", "timestamp", "round", "round_id", "round_answer", "started_at", "updated_at",
             "answered_in_round", "decimals")
    return dict(zip(names, (int(v) for v in consumer.functions.latest().call()), strict=True))


def _past(consumer: Any, round_id: int) -> tuple[int, int, int, int]:
    answer, timestamp, round_answer, updated_at = consumer.functions.past(round_id).call()
    return int(answer), int(timestamp), int(round_answer), int(updated_at)


@pytest.fixture
def threshold(ocr_web3: Web3) -> LocalFeed:
    return LocalFeed.deploy(ocr_web3, n=4, seed=21)


@pytest.fixture
def accountable(ocr_web3: Web3) -> LocalAccountableFeed:
    return LocalAccountableFeed.deploy(ocr_web3, n=4, seed=22)


def test_an_unmodified_consumer_reads_through_the_proxy_across_a_phase_change(
        ocr_web3: Web3, deployer: LocalAccount, threshold: LocalFeed, accountable: LocalAccountableFeed) -> None:
    proxy = ProxyHandle.deploy(ocr_web3, deployer, threshold.address)
    consumer = deploy(ocr_web3, deployer, "ChainlinkConsumer", proxy.address)
    phase1 = proxy_round_id(1, 1)

    # Phase 1: the threshold feed.
    first = threshold.push(3000_00000000)
    threshold.push(3010_00000000)
    latest = _latest(consumer)
    assert latest["answer"] == latest["round_answer"] == 3010_00000000
    assert latest["round"] == latest["round_id"] == latest["answered_in_round"] == proxy_round_id(1, 2)
    assert latest["decimals"] == 8
    first_time = int(ocr_web3.eth.get_block(first["blockNumber"])["timestamp"])
    assert _past(consumer, phase1) == (3000_00000000, first_time, 3000_00000000, first_time)

    # Proposed: readable through proposed*, consumers still on phase 1.
    accountable.push(2990_00000000, signers=[0, 2])
    proxy.propose(deployer, accountable.address)
    assert proxy.proposed_aggregator() == accountable.address
    proposed = proxy.proposed_latest_round()
    assert proposed is not None and (proposed.round_id, proposed.answer) == (1, 2990_00000000)
    by_id = proxy.contract.functions.proposedGetRoundData(1).call()
    assert (by_id[0], by_id[1], by_id[4]) == (1, 2990_00000000, 1)  # the proposed feed's own ids
    expect_revert(lambda: proxy._view("proposedGetRoundData", 2), "NoDataPresent", 2)
    assert _latest(consumer)["answer"] == 3010_00000000

    # Confirmed: phase 2 is the accountable feed; ids jump to phase 2 and keep increasing.
    proxy.confirm(deployer, accountable.address)
    assert (proxy.phase_id(), proxy.aggregator()) == (2, accountable.address)
    assert proxy.phase_aggregator(1) == threshold.address and proxy.phase_aggregator(2) == accountable.address
    assert proxy.proposed_aggregator() is None
    after = _latest(consumer)
    assert after["answer"] == after["round_answer"] == 2990_00000000
    assert after["round"] == after["round_id"] == proxy_round_id(2, 1) > latest["round_id"]
    accountable.push(2995_00000000, signers=[1, 3])
    assert _latest(consumer)["round_id"] == proxy_round_id(2, 2)

    # The old phase stays readable, even though the threshold feed moves on without the proxy.
    threshold.push(4000_00000000)
    assert _past(consumer, phase1)[0] == 3000_00000000
    assert _past(consumer, proxy_round_id(1, 3))[0] == 4000_00000000
    assert _latest(consumer)["answer"] == 2995_00000000


def test_proxy_round_lookups_for_unknown_first_latest_and_past_phase_rounds(
        ocr_web3: Web3, deployer: LocalAccount, threshold: LocalFeed, accountable: LocalAccountableFeed) -> None:
    proxy = ProxyHandle.deploy(ocr_web3, deployer, threshold.address)
    fn = proxy.contract.functions
    # Before any report: V2 zeros (latestRound is the phase's base id), V3 reverts with the round.
    assert (fn.latestAnswer().call(), fn.latestTimestamp().call()) == (0, 0)
    assert fn.latestRound().call() == proxy_round_id(1, 0)
    assert proxy.latest_round() is None
    expect_revert(lambda: proxy._view("latestRoundData"), "NoDataPresent", 0)

    threshold.push(100)
    threshold.push(200)
    accountable.push(300, signers=[0, 1])
    proxy.propose(deployer, accountable.address)
    proxy.confirm(deployer, accountable.address)

    first, past_latest, current = proxy_round_id(1, 1), proxy_round_id(1, 2), proxy_round_id(2, 1)
    for round_id, answer in ((first, 100), (past_latest, 200), (current, 300)):
        got = proxy.round(round_id)
        assert got is not None and (got.round_id, got.answer, got.answered_in_round) == (round_id, answer, round_id)
        assert fn.getAnswer(round_id).call() == answer and fn.getTimestamp(round_id).call() == got.updated_at
    latest = proxy.latest_round()
    assert latest is not None and (latest.round_id, latest.answer) == (current, 300)
    assert fn.latestAnswer().call() == 300 and fn.latestRound().call() == current

    # Unknown: a round past a phase's end, round 0, a phase that never was, an id wider than 80 bits.
    for unknown in (proxy_round_id(1, 3), proxy_round_id(2, 2), proxy_round_id(1, 0), proxy_round_id(3, 1), 2**80):
        assert fn.getAnswer(unknown).call() == 0 and fn.getTimestamp(unknown).call() == 0
    expect_revert(lambda: proxy._view("getRoundData", proxy_round_id(1, 3)), "NoDataPresent", 3)
    expect_revert(lambda: proxy._view("getRoundData", proxy_round_id(3, 1)), "AggregatorProxyUnknownPhase",
                  proxy_round_id(3, 1), 3)
    assert proxy.round(proxy_round_id(3, 1)) is None
    assert proxy.phase_aggregator(3) is None and proxy.phase_aggregator(0) is None
    assert (proxy.description(), proxy.decimals(), fn.version().call()) == ("TEST / USD", 8, 1)


def test_only_the_owner_changes_phases_and_only_to_the_proposed_contract(
        ocr_web3: Web3, deployer: LocalAccount, threshold: LocalFeed, accountable: LocalAccountableFeed) -> None:
    proxy = ProxyHandle.deploy(ocr_web3, deployer, threshold.address)
    stranger = threshold.committee.transmitters[0]
    expect_revert(lambda: proxy.propose(stranger, accountable.address), "OwnedUnauthorized", stranger.address)
    expect_revert(lambda: proxy.confirm(deployer, accountable.address), "AggregatorProxyNotProposed",
                  accountable.address, "0x0000000000000000000000000000000000000000")
    expect_revert(lambda: proxy.propose(deployer, stranger.address), "AggregatorProxyNotAContract", stranger.address)
    expect_revert(lambda: proxy._view("proposedLatestRoundData"), "AggregatorProxyNoProposal")

    receipt = proxy.propose(deployer, accountable.address)
    (proposed,) = proxy.contract.events.AggregatorProposed().process_receipt(receipt)
    assert (proposed["args"]["current"], proposed["args"]["proposed"]) == (threshold.address, accountable.address)
    expect_revert(lambda: proxy.confirm(deployer, threshold.address), "AggregatorProxyNotProposed",
                  threshold.address, accountable.address)
    expect_revert(lambda: proxy.confirm(stranger, accountable.address), "OwnedUnauthorized", stranger.address)
    receipt = proxy.confirm(deployer, accountable.address)
    (confirmed,) = proxy.contract.events.AggregatorConfirmed().process_receipt(receipt)
    assert dict(confirmed["args"]) == {"previous": threshold.address, "latest": accountable.address, "phaseId": 2}
