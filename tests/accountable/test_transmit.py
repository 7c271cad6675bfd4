"""Accountable reports land and read through AggregatorV3; the event names the signers; a bitmap
that does not match the aggregate signature, or breaks the bitmap rules, is refused."""

from __future__ import annotations

from ocr_client.accountable.keys import AccountableCommittee
from ocr_client.accountable.local import LocalAccountableFeed
from ocr_client.constants import CURVE_ORDER
from tests.feed.helpers import expect_revert


def test_a_valid_report_lands_and_reads_through_aggregator_v3(local: LocalAccountableFeed) -> None:
    receipt = local.push([2990, 3000, 3010, 3020], signers=[0, 2])
    latest = local.feed.latest_round()
    assert latest is not None
    assert (latest.round_id, latest.answer, latest.answered_in_round) == (1, 3010, 1)
    assert latest.updated_at == local.w3.eth.get_block(receipt["blockNumber"])["timestamp"]
    local.push(4000, signers=[1, 2, 3])  # more than t signers is fine
    second = local.feed.round(2)
    assert second is not None and second.answer == 4000
    assert local.feed.round(1) == latest  # every accepted report keeps its own round record
    assert local.feed.committee() == (4, 1, 2)
    assert local.feed.decimals() == 8


def test_the_event_names_the_signers(local: LocalAccountableFeed) -> None:
    receipt = local.push(3000, signers=[1, 3])
    (event,) = local.feed.transmissions_in(receipt)
    assert event.signers == (1, 3) and event.signer_bitmap == 0b1010
    assert event.round_id == 1 and event.answer == 3000 and (event.epoch, event.round) == (1, 1)
    assert event.transmitter == local.committee.transmitters[0].address
    assert [o.observer for o in event.observations] == [0, 1, 2, 3]


def test_views_return_the_registered_keys_and_bounds(local: LocalAccountableFeed) -> None:
    committee = local.committee
    assert [local.feed.public_key(i) for i in range(4)] == list(committee.public_keys)
    assert local.feed.group_public_key() == committee.aggregate_key(range(4))
    assert local.feed.answer_bounds() == (1, 10**30)
    expect_revert(lambda: local.feed.public_key(4), "UnknownOracle", 4, 4)
    stores = local.feed.key_stores()
    assert stores[0] != "0x" + "00" * 20 and stores[1] == stores[2] == "0x0000000000000000000000000000000000000000"


def test_a_bitmap_naming_a_non_signer_is_rejected(local: LocalAccountableFeed) -> None:
    signed = local.signed_transmit(3000, signers=[0, 1], bitmap=0b0111)  # oracle 2 named, did not sign
    expect_revert(lambda: local.feed.check_transmit(signed.sender.address, signed.calldata), "InvalidSignature")


def test_a_bitmap_leaving_out_a_signer_is_rejected(local: LocalAccountableFeed) -> None:
    signed = local.signed_transmit(3000, signers=[0, 1, 2], bitmap=0b0011)
    expect_revert(lambda: local.feed.check_transmit(signed.sender.address, signed.calldata), "InvalidSignature")


def test_bitmap_rules_zero_out_of_range_and_too_few(local: LocalAccountableFeed) -> None:
    def attempt(signers: list[int], bitmap: int | None, error: str, *args: object) -> None:
        signed = local.signed_transmit(3000, signers=signers, bitmap=bitmap)
        expect_revert(lambda: local.feed.check_transmit(signed.sender.address, signed.calldata), error, *args)

    attempt([0, 1], 0, "EmptySignerBitmap")
    attempt([0, 1], 0b10011, "SignerBitmapOutOfRange", 0b10011, 4)
    attempt([0, 1], 2**255, "SignerBitmapOutOfRange", 2**255, 4)
    attempt([2], None, "TooFewSigners", 1, 2)
    # the valid report still goes through afterwards
    local.push(3000, signers=[0, 1])


def test_an_infinity_aggregate_key_is_rejected(ocr_web3: object) -> None:
    from web3 import Web3

    assert isinstance(ocr_web3, Web3)
    # Two oracles whose keys cancel (sk and -sk): each has a valid PoP, their sum is infinity.
    sk = 123456789
    committee = AccountableCommittee.from_secret_keys([sk, CURVE_ORDER - sk, 5555, 7777], f=1, threshold=2, seed=4)
    local = LocalAccountableFeed.deploy(ocr_web3, committee=committee)
    signed = local.signed_transmit(3000, signers=[0], bitmap=0b0011)  # a nonzero signature, infinity key
    expect_revert(lambda: local.feed.check_transmit(signed.sender.address, signed.calldata), "InfinityPoint")


def test_a_wrong_transmitter_and_a_stale_report_are_rejected(local: LocalAccountableFeed) -> None:
    signed = local.signed_transmit(3000)
    stranger = local.committee.transmitters[1]
    other = local.with_sender(signed, stranger)
    local.fund(stranger.address)
    assert other.transmitter_index == 1
    bad_index = type(signed)(**{**signed.__dict__, "transmitter_index": 2})
    expect_revert(lambda: local.feed.check_transmit(stranger.address, bad_index.calldata), "UnauthorizedTransmitter")
    local.send(signed)
    expect_revert(lambda: local.feed.check_transmit(signed.sender.address, signed.calldata), "StaleReport")
    truncated = signed.calldata[:-1]
    expect_revert(lambda: local.feed.check_transmit(signed.sender.address, truncated), "ReportLengthMismatch")
