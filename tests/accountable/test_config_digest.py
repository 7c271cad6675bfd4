"""The accountable config digest is computable off-chain: Python's accountable_config_digest equals
what AccountableFeed.setConfig installs, and every field of the configuration is bound into it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from eth_account.signers.local import LocalAccount
from web3 import Web3

from ocr_client.accountable.config import (
    ACCOUNTABLE_CONFIG_DIGEST_PREFIX,
    AccountableConfig,
    accountable_config_digest,
)
from ocr_client.accountable.contract import AccountableFeedHandle
from ocr_client.accountable.keys import AccountableCommittee

SMALL = AccountableCommittee.create(4, seed=31)  # f = 1, t = 2
LARGE = AccountableCommittee.create(7, f=2, threshold=4, seed=32)


@pytest.fixture
def feed(ocr_web3: Web3, deployer: LocalAccount) -> AccountableFeedHandle:
    return AccountableFeedHandle.deploy(ocr_web3, deployer)


def _on_chain(feed: AccountableFeedHandle, count: int, config: AccountableConfig) -> bytes:
    """The contract's own digest function (pure: any config, valid or not, can be asked about)."""
    digest = feed.contract.functions.configDigestFromConfigData(
        feed.w3.eth.chain_id, feed.address, count, config.as_tuple()).call()
    return bytes(digest)


def test_accountable_config_digest_matches_contract(feed: AccountableFeedHandle, deployer: LocalAccount) -> None:
    chain_id = feed.w3.eth.chain_id
    for count, config in enumerate([SMALL.accountable_config(1, 10**12), LARGE.accountable_config(-(10**20), 7)],
                                   start=1):
        receipt = feed.set_config(deployer, config)
        expected = accountable_config_digest(chain_id, feed.address, count, config)
        assert expected[:2] == ACCOUNTABLE_CONFIG_DIGEST_PREFIX
        assert feed.config_details() == (count, receipt["blockNumber"], expected)
        (event,) = feed.contract.events.ConfigSet().process_receipt(receipt)
        assert bytes(event["args"]["configDigest"]) == expected and event["args"]["configCount"] == count
        assert feed.latest_epoch_and_round() == (expected, 0, 0)


def test_accountable_config_digest_changes_with_every_field(feed: AccountableFeedHandle) -> None:
    base = SMALL.accountable_config(1, 10**12)
    other = LARGE.accountable_config(1, 10**12)
    variants = {
        "f": replace(base, f=0),
        "threshold": replace(base, threshold=3),
        "a public key": replace(base, public_keys=(other.public_keys[0], *base.public_keys[1:])),
        "key order": replace(base, public_keys=base.public_keys[::-1]),
        "a proof": replace(base, proofs=(*base.proofs[:3], other.proofs[3])),
        "a transmitter": replace(base, transmitters=(*base.transmitters[:2], other.transmitters[2],
                                                     base.transmitters[3])),
        "min_answer": replace(base, min_answer=2),
        "max_answer": replace(base, max_answer=10**12 - 1),
        "one oracle more": replace(base, public_keys=(*base.public_keys, other.public_keys[4]),
                                   proofs=(*base.proofs, other.proofs[4]),
                                   transmitters=(*base.transmitters, other.transmitters[4])),
    }
    chain_id, address = feed.w3.eth.chain_id, feed.address
    digests = {"base": accountable_config_digest(chain_id, address, 1, base)}
    assert _on_chain(feed, 1, base) == digests["base"]
    for what, config in variants.items():
        digests[what] = accountable_config_digest(chain_id, address, 1, config)
        assert _on_chain(feed, 1, config) == digests[what], what
    digests["config count"] = accountable_config_digest(chain_id, address, 2, base)
    digests["chain id"] = accountable_config_digest(chain_id + 1, address, 1, base)
    digests["contract"] = accountable_config_digest(chain_id, "0x" + "11" * 20, 1, base)
    assert len(set(digests.values())) == len(digests), "two configurations share a digest"
    assert all(d[:2] == ACCOUNTABLE_CONFIG_DIGEST_PREFIX for d in digests.values())
