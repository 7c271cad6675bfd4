"""Registration: every key needs a valid proof of possession, checked on-chain. The rogue-key
attack (registering pk_attacker - sum(other keys)) is blocked because nobody can prove possession
of such a key; forged proofs are refused naming the oracle."""

from __future__ import annotations

from dataclasses import replace

import pytest
from eth_account.signers.local import LocalAccount
from web3 import Web3

from ocr_client.accountable.config import AccountableConfig
from ocr_client.accountable.contract import AccountableFeedHandle
from ocr_client.accountable.keys import POP_DST, AccountableCommittee, pop_prove, pop_verify
from ocr_client.constants import CURVE_ORDER, REPORT_DST
from ocr_client.crypto import G1_INFINITY, get_backend
from tests.feed.helpers import expect_revert

COMMITTEE = AccountableCommittee.create(4, seed=21)  # f = 1, t = 2
BACKEND = get_backend()


@pytest.fixture
def feed(ocr_web3: Web3, deployer: LocalAccount) -> AccountableFeedHandle:
    return AccountableFeedHandle.deploy(ocr_web3, deployer)


def _config(**changes: object) -> AccountableConfig:
    return replace(COMMITTEE.accountable_config(1, 10**12), **changes)  # type: ignore[arg-type]


def _with_oracle(config: AccountableConfig, oracle: int, key: bytes | None = None,
                 proof: bytes | None = None) -> AccountableConfig:
    keys, proofs = list(config.public_keys), list(config.proofs)
    if key is not None:
        keys[oracle] = key
    if proof is not None:
        proofs[oracle] = proof
    return replace(config, public_keys=tuple(keys), proofs=tuple(proofs))


def _expect_set_config_revert(feed: AccountableFeedHandle, owner: LocalAccount, config: AccountableConfig,
                              error: str, *args: object) -> None:
    from ocr_client.chain.transactions import call

    expect_revert(lambda: call(feed.w3, owner.address, feed.address, feed.set_config_calldata(config)), error, *args)


def test_pop_dst_differs_from_report_dst_and_python_pops_verify() -> None:
    assert POP_DST != REPORT_DST and len(POP_DST) == len(REPORT_DST)
    assert all(pop_verify(pk, proof) for pk, proof in zip(COMMITTEE.public_keys, COMMITTEE.proofs, strict=True))
    assert not pop_verify(COMMITTEE.public_keys[0], COMMITTEE.proofs[1])


def test_a_committee_with_valid_proofs_is_installed(feed: AccountableFeedHandle, deployer: LocalAccount) -> None:
    receipt = feed.set_config(deployer, _config())
    assert feed.committee() == (4, 1, 2)
    (event,) = feed.contract.events.ConfigSet().process_receipt(receipt)
    assert tuple(event["args"]["config"]["publicKeys"]) == COMMITTEE.public_keys
    assert feed.config_digest()[:2] == bytes.fromhex("0b17")  # OCRFeed 0b15, multi-feed 0b16
    print(f"\nsetConfig n=4 gas: {receipt['gasUsed']:,}")


def test_rogue_key_attack_is_blocked(feed: AccountableFeedHandle, deployer: LocalAccount) -> None:
    attacker_sk = 0xA77AC4E2
    attacker_pk = BACKEND.public_key(attacker_sk)
    honest = COMMITTEE.public_keys[:3]
    # pk_evil = pk_attacker - (pk_0 + pk_1 + pk_2)
    evil = BACKEND.g2_linear_combination([attacker_pk, *honest], [1, CURVE_ORDER - 1, CURVE_ORDER - 1, CURVE_ORDER - 1])
    # Without proofs of possession the attack works: the "all four signed" key is the attacker's own.
    digest = b"\x42" * 32
    assert BACKEND.g2_linear_combination([*honest, evil], [1, 1, 1, 1]) == attacker_pk
    assert BACKEND.verify(attacker_pk, digest, BACKEND.sign(attacker_sk, digest))
    # With them, no proof the attacker can make gets pk_evil registered.
    candidates = {
        "attacker's own PoP": pop_prove(attacker_sk),
        "attacker signs pk_evil": BACKEND.sign(attacker_sk, evil, dst=POP_DST),
        "honest oracle 3's PoP": COMMITTEE.proofs[3],
        "report-DST signature of pk_evil": BACKEND.sign(attacker_sk, evil, dst=REPORT_DST),
    }
    for what, proof in candidates.items():
        config = _with_oracle(_config(), 3, key=evil, proof=proof)
        _expect_set_config_revert(feed, deployer, config, "InvalidProofOfPossession", 3)
        assert not pop_verify(evil, proof), what
    assert feed.config_details()[0] == 0


def test_forged_proofs_of_possession_are_rejected(feed: AccountableFeedHandle, deployer: LocalAccount) -> None:
    sk1 = COMMITTEE.secret_keys[1]
    pk1 = COMMITTEE.public_keys[1]
    off_curve = (1).to_bytes(64, "big") + (1).to_bytes(64, "big")
    forged = {
        "another oracle's PoP": COMMITTEE.proofs[0],
        "PoP under the report DST": BACKEND.sign(sk1, pk1, dst=REPORT_DST),
        "random G1 point": BACKEND.sign(987654321, b"random point"),
        "G1 point off the curve": off_curve,
        "infinity": G1_INFINITY,
        "wrong length": COMMITTEE.proofs[1][:-1],
    }
    for what, proof in forged.items():
        config = _with_oracle(_config(), 1, proof=proof)
        try:
            _expect_set_config_revert(feed, deployer, config, "InvalidProofOfPossession", 1)
        except AssertionError as exc:
            raise AssertionError(f"{what}: {exc}") from None


def test_committee_shape_errors(feed: AccountableFeedHandle, deployer: LocalAccount) -> None:
    _expect_set_config_revert(feed, deployer, _config(proofs=COMMITTEE.proofs[:3]), "ProofsOfPossessionLengthMismatch", 3, 4)
    _expect_set_config_revert(feed, deployer, _config(public_keys=COMMITTEE.public_keys[:3]),
                              "PublicSharesLengthMismatch", 3, 4)
    _expect_set_config_revert(feed, deployer, _config(threshold=1), "InvalidThreshold", 1, 1, 4)
    _expect_set_config_revert(feed, deployer, _config(min_answer=5, max_answer=5), "InvalidAnswerBounds", 5, 5)
    _expect_set_config_revert(feed, deployer, _with_oracle(_config(), 2, key=COMMITTEE.public_keys[2][:-1]),
                              "InvalidKeyLength", 255)


def test_a_key_registered_twice_is_rejected(feed: AccountableFeedHandle, deployer: LocalAccount) -> None:
    twice = AccountableCommittee.from_secret_keys([111, 222, 111, 333], f=1, threshold=2, seed=5)
    _expect_set_config_revert(feed, deployer, twice.accountable_config(1, 10**12), "DuplicatePublicKey", 2, 0)


def test_python_and_solidity_pop_dst_agree() -> None:
    from ocr_client.paths import contracts_dir

    source = (contracts_dir() / "accountable" / "AccountableFeed.sol").read_text()
    assert f'POP_DST = "{POP_DST.decode()}"' in source
