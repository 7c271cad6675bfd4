"""setConfig accepts only a committee the protocol can run safely, and only from the owner."""

from __future__ import annotations

from dataclasses import replace

import pytest
from eth_account.signers.local import LocalAccount
from web3 import Web3

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.transactions import call
from ocr_client.committee.local import LocalCommittee
from ocr_client.constants import FIELD_MODULUS
from ocr_client.crypto import G2_GENERATOR
from ocr_client.errors import ConfigError
from ocr_client.feed import Feed
from ocr_client.report.config import OnchainConfig, config_digest
from tests.feed.helpers import expect_revert

COMMITTEE = LocalCommittee.create(7, seed=3)  # n = 7, f = 2, t = 3


@pytest.fixture
def feed(ocr_web3: Web3, deployer: LocalAccount) -> Feed:
    return Feed.deploy(ocr_web3, deployer)


def _config(**changes: object) -> OnchainConfig:
    return replace(COMMITTEE.onchain_config(1, 10**12), **changes)  # type: ignore[arg-type]


def _eth_call_set_config(feed: Feed, sender: str, config: OnchainConfig) -> None:
    """setConfig through eth_call, skipping the Python-side validation, to see the contract's own answer."""
    data = feed.contract.encode_abi("setConfig", args=[config.as_tuple()])
    call(feed.w3, sender, feed.address, bytes.fromhex(data[2:]))


def test_owner_sets_a_config_and_the_digest_matches_python(feed: Feed, deployer: LocalAccount) -> None:
    config = _config()
    receipt = feed.set_config(deployer, config)
    count, block, digest = feed.config_details()
    assert (count, block) == (1, receipt["blockNumber"])
    assert digest == config_digest(feed.w3.eth.chain_id, feed.address, 1, config)
    assert feed.committee() == (7, 2, 3)
    assert feed.contract.functions.groupPublicKey().call() == config.group_public_key
    assert feed.contract.functions.transmitters().call() == list(config.transmitters)


def test_config_set_event_carries_the_whole_committee(feed: Feed, deployer: LocalAccount) -> None:
    config = _config()
    receipt = feed.set_config(deployer, config)
    (event,) = feed.contract.events.ConfigSet().process_receipt(receipt)
    args = event["args"]
    assert args["n"] == 7 and args["configCount"] == 1
    assert args["configDigest"] == feed.config_digest()
    c = args["config"]
    assert (c["f"], c["threshold"]) == (2, 3)
    assert c["groupPublicKey"] == config.group_public_key
    assert tuple(c["publicShares"]) == config.public_shares
    assert tuple(c["transmitters"]) == config.transmitters


def test_a_new_config_resets_epoch_and_round_and_changes_the_digest(feed: Feed, deployer: LocalAccount) -> None:
    feed.set_config(deployer, _config())
    first = feed.config_digest()
    feed.set_config(deployer, _config())
    assert feed.config_digest() != first  # the counter is in the digest
    assert feed.latest_epoch_and_round() == (feed.config_digest(), 0, 0)


def test_set_config_from_a_non_owner_is_rejected(feed: Feed) -> None:
    stranger = dev_account(5)
    expect_revert(lambda: _eth_call_set_config(feed, stranger.address, _config()), "OwnedUnauthorized", stranger.address)


def test_fault_tolerance_must_satisfy_3f_below_n(feed: Feed, deployer: LocalAccount) -> None:
    expect_revert(lambda: _eth_call_set_config(feed, deployer.address, _config(f=3, threshold=4)),
                  "FaultToleranceTooHigh", 3, 7)


@pytest.mark.parametrize("threshold", [2, 6])
def test_threshold_must_lie_between_f_plus_1_and_n_minus_f(feed: Feed, deployer: LocalAccount, threshold: int) -> None:
    expect_revert(lambda: _eth_call_set_config(feed, deployer.address, _config(threshold=threshold)),
                  "InvalidThreshold", threshold, 2, 7)


def test_infinity_group_key_is_rejected(feed: Feed, deployer: LocalAccount) -> None:
    expect_revert(lambda: _eth_call_set_config(feed, deployer.address, _config(group_public_key=bytes(256))),
                  "InfinityPoint")


def test_malformed_group_key_is_rejected(feed: Feed, deployer: LocalAccount) -> None:
    key = G2_GENERATOR[:192] + FIELD_MODULUS.to_bytes(64, "big")
    expect_revert(lambda: _eth_call_set_config(feed, deployer.address, _config(group_public_key=key)),
                  "MalformedPoint", 3)


def test_group_key_off_the_curve_is_rejected(feed: Feed, deployer: LocalAccount) -> None:
    key = G2_GENERATOR[:255] + bytes([G2_GENERATOR[255] ^ 1])
    err = expect_revert(lambda: _eth_call_set_config(feed, deployer.address, _config(group_public_key=key)),
                        "PrecompileFailed")
    assert int(str(err.error_args[0]), 16) == 0x0E


def test_public_share_count_must_match_n(feed: Feed, deployer: LocalAccount) -> None:
    config = _config(public_shares=COMMITTEE.dealing.public_shares[:6])
    expect_revert(lambda: _eth_call_set_config(feed, deployer.address, config), "PublicSharesLengthMismatch", 6, 7)


def test_duplicate_transmitter_is_rejected(feed: Feed, deployer: LocalAccount) -> None:
    t = list(COMMITTEE.onchain_config(1, 2).transmitters)
    t[6] = t[0]
    expect_revert(lambda: _eth_call_set_config(feed, deployer.address, _config(transmitters=tuple(t))),
                  "InvalidTransmitter", t[0])


def test_inverted_answer_bounds_are_rejected(feed: Feed, deployer: LocalAccount) -> None:
    expect_revert(lambda: _eth_call_set_config(feed, deployer.address, _config(min_answer=5, max_answer=5)),
                  "InvalidAnswerBounds", 5, 5)


def test_python_refuses_a_bad_config_before_sending(feed: Feed, deployer: LocalAccount) -> None:
    nonce = feed.w3.eth.get_transaction_count(deployer.address)
    with pytest.raises(ConfigError, match="3f < n"):
        feed.set_config(deployer, _config(f=3, threshold=4))
    assert feed.w3.eth.get_transaction_count(deployer.address) == nonce  # nothing was sent


def test_old_committee_reports_fail_after_rotation(ocr_feed_factory) -> None:  # type: ignore[no-untyped-def]
    from ocr_client.testing import LocalFeed

    local: LocalFeed = ocr_feed_factory(n=4)
    local.push(100)
    stale = local.signed_transmit(101)  # signed for config 1
    new = LocalCommittee.create(4, seed=77)
    local.feed.set_config(local.owner, new.onchain_config(1, 10**30))
    expect_revert(lambda: local.feed.check_transmit(stale.sender.address, stale.calldata), "ConfigDigestMismatch")
