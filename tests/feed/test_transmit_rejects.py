"""Every way a report can be wrong is refused, each with its own custom error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from ocr_client.committee.local import LocalCommittee
from ocr_client.constants import FIELD_MODULUS
from ocr_client.crypto import get_backend, lagrange_coefficients_at_zero
from ocr_client.local.feed import SignedTransmit
from ocr_client.report.layout import (
    Observation,
    Report,
    encode_report,
    encode_transmit_calldata,
    signing_digest,
)
from ocr_client.testing import LocalFeed
from tests.feed.helpers import expect_revert


@pytest.fixture
def feed(ocr_feed_factory: Callable[..., LocalFeed]) -> LocalFeed:
    """n = 4, f = 1, t = 2, bounds [1, 10^12]; one report already accepted at (1, 1)."""
    local = ocr_feed_factory(n=4, min_answer=1, max_answer=10**12)
    local.push(1000)
    return local


def _check(local: LocalFeed, signed: SignedTransmit) -> Callable[[], None]:
    return lambda: local.feed.check_transmit(signed.sender.address, signed.calldata)


def _report(local: LocalFeed, observations: list[Observation], answer: int | None = None,
            epoch: int = 1, round_: int = 2, digest: bytes | None = None) -> Report:
    """A report exactly as given (no sorting, no median computation): the point is to break rules."""
    values = [o.value for o in observations]
    return Report(
        config_digest=digest or local.feed.config_digest(), epoch=epoch, round=round_,
        answer=values[len(values) // 2] if answer is None else answer, observations=tuple(observations),
    )


def _obs(*values: int, observers: list[int] | None = None) -> list[Observation]:
    who = observers if observers is not None else list(range(len(values)))
    return [Observation(o, 1_700_000_000, v) for o, v in zip(who, values, strict=True)]


def _with_signature(signed: SignedTransmit, signature: bytes) -> SignedTransmit:
    return replace(signed, signature=signature)


def test_signature_over_another_report_is_rejected(feed: LocalFeed) -> None:
    good = feed.signed_transmit(2000)
    other = feed.signed_transmit(2001)
    expect_revert(_check(feed, _with_signature(good, other.signature)), "InvalidSignature")


def test_combining_fewer_than_threshold_partials_gives_an_invalid_signature(feed: LocalFeed) -> None:
    good = feed.signed_transmit(2000)
    backend = get_backend()
    lone = feed.committee.partial(0, good.digest)  # t = 2: one partial "combined" on its own
    forged = backend.g1_linear_combination([lone.signature], lagrange_coefficients_at_zero([1]))
    expect_revert(_check(feed, _with_signature(good, forged)), "InvalidSignature")


def test_signature_from_a_key_outside_the_committee_is_rejected(feed: LocalFeed) -> None:
    good = feed.signed_transmit(2000)
    outsiders = LocalCommittee.create(4, seed=999)
    foreign = outsiders.sign(good.digest).signature
    expect_revert(_check(feed, _with_signature(good, foreign)), "InvalidSignature")


def test_all_zero_signature_is_rejected_as_infinity(feed: LocalFeed) -> None:
    good = feed.signed_transmit(2000)
    expect_revert(_check(feed, _with_signature(good, bytes(128))), "InfinityPoint")


@pytest.mark.parametrize("element", [0, 1])
def test_signature_with_nonzero_padding_is_malformed(feed: LocalFeed, element: int) -> None:
    good = feed.signed_transmit(2000)
    sig = bytearray(good.signature)
    sig[64 * element] = 1
    expect_revert(_check(feed, _with_signature(good, bytes(sig))), "MalformedPoint", element)


def test_signature_with_coordinate_not_below_p_is_malformed(feed: LocalFeed) -> None:
    good = feed.signed_transmit(2000)
    sig = good.signature[:64] + FIELD_MODULUS.to_bytes(64, "big")
    expect_revert(_check(feed, _with_signature(good, sig)), "MalformedPoint", 1)


def test_signature_off_the_curve_fails_the_pairing_precompile(feed: LocalFeed) -> None:
    good = feed.signed_transmit(2000)
    sig = good.signature[:127] + bytes([good.signature[127] ^ 1])
    err = expect_revert(_check(feed, _with_signature(good, sig)), "PrecompileFailed")
    assert int(str(err.error_args[0]), 16) == 0x0F


def test_replayed_report_is_stale(feed: LocalFeed) -> None:
    signed = feed.signed_transmit(2000)
    feed.send(signed)
    expect_revert(_check(feed, signed), "StaleReport", 1, 2, 1, 2)


def test_older_epoch_and_round_is_stale(feed: LocalFeed) -> None:
    feed.push(2000, epoch=3, round=5)
    expect_revert(_check(feed, feed.signed_transmit(2000, epoch=3, round=4)), "StaleReport", 3, 5, 3, 4)
    expect_revert(_check(feed, feed.signed_transmit(2000, epoch=2, round=200)), "StaleReport", 3, 5, 2, 200)


def test_config_digest_of_another_contract_is_rejected(feed: LocalFeed, ocr_feed_factory) -> None:  # type: ignore[no-untyped-def]
    other = ocr_feed_factory(n=4)
    report = _report(feed, _obs(5, 6, 7), digest=other.feed.config_digest())
    expect_revert(_check(feed, feed.sign_report(report)), "ConfigDigestMismatch",
                  feed.feed.config_digest(), other.feed.config_digest())


def test_config_digest_for_another_chain_id_is_rejected(feed: LocalFeed) -> None:
    from ocr_client.report.config import config_digest

    config = feed.committee.onchain_config(1, 10**12)
    foreign = config_digest(1, feed.address, 1, config)
    assert config_digest(feed.chain_id, feed.address, 1, config) == feed.feed.config_digest()
    report = _report(feed, _obs(5, 6, 7), digest=foreign)
    expect_revert(_check(feed, feed.sign_report(report)), "ConfigDigestMismatch")


def test_signature_bound_to_another_chain_id_is_rejected(feed: LocalFeed) -> None:
    good = feed.signed_transmit(2000)
    digest = signing_digest(1, feed.address, good.report_bytes)
    foreign = feed.committee.sign(digest).signature
    expect_revert(_check(feed, _with_signature(good, foreign)), "InvalidSignature")


def test_unsorted_observations_are_rejected(feed: LocalFeed) -> None:
    report = _report(feed, _obs(5, 7, 6), answer=7)
    expect_revert(_check(feed, feed.sign_report(report)), "ObservationsNotSorted", 2)


def test_duplicated_observer_is_rejected(feed: LocalFeed) -> None:
    report = _report(feed, _obs(5, 6, 7, observers=[0, 2, 0]))
    expect_revert(_check(feed, feed.sign_report(report)), "DuplicateObserver", 2, 0)


def test_out_of_range_observer_is_rejected(feed: LocalFeed) -> None:
    report = _report(feed, _obs(5, 6, 7, observers=[0, 4, 1]))
    expect_revert(_check(feed, feed.sign_report(report)), "ObserverOutOfRange", 1, 4, 4)


def test_fewer_than_2f_plus_1_observations_are_rejected(feed: LocalFeed) -> None:
    report = _report(feed, _obs(5, 6))
    expect_revert(_check(feed, feed.sign_report(report)), "TooFewObservations", 2, 3)


def test_wrong_median_is_rejected(feed: LocalFeed) -> None:
    report = _report(feed, _obs(5, 6, 7), answer=5)
    expect_revert(_check(feed, feed.sign_report(report)), "WrongMedian", 5, 6)


@pytest.mark.parametrize("value", [0, 10**12 + 1])
def test_answer_out_of_bounds_is_rejected(feed: LocalFeed, value: int) -> None:
    report = _report(feed, _obs(value, value, value))
    expect_revert(_check(feed, feed.sign_report(report)), "AnswerOutOfBounds", value, 1, 10**12)


def test_unauthorized_transmitter_is_rejected(feed: LocalFeed, deployer) -> None:  # type: ignore[no-untyped-def]
    signed = feed.with_sender(feed.signed_transmit(2000), deployer)
    expect_revert(_check(feed, signed), "UnauthorizedTransmitter", deployer.address)


def test_a_transmitter_claiming_another_oracles_index_is_rejected(feed: LocalFeed) -> None:
    signed = feed.signed_transmit(2000)  # sent by oracle 0's transmitter
    for claimed in (1, 3, 4, 255):  # another oracle's slot, the last one, and beyond the committee
        expect_revert(_check(feed, replace(signed, transmitter_index=claimed)), "UnauthorizedTransmitter",
                      signed.sender.address)


def test_calldata_of_the_wrong_length_is_rejected(feed: LocalFeed) -> None:
    signed = feed.signed_transmit(2000)
    n = len(signed.calldata)
    for calldata in (signed.calldata + b"\x00", signed.calldata[:-1], signed.calldata[:30]):
        expect_revert(lambda c=calldata: feed.feed.check_transmit(signed.sender.address, c),  # type: ignore[misc]
                      "ReportLengthMismatch")
    assert n == 4 + 66 + 27 * 4 + 128 + 1


def test_transmit_before_any_config_is_refused(ocr_web3, deployer) -> None:  # type: ignore[no-untyped-def]
    from ocr_client.feed import Feed

    feed = Feed.deploy(ocr_web3, deployer)
    calldata = encode_transmit_calldata(encode_report(Report(bytes(32), 1, 1, 1, ())), bytes(128), 0)
    expect_revert(lambda: feed.check_transmit(deployer.address, calldata), "NotConfigured")


def test_rejected_transmission_sent_anyway_raises_with_the_decoded_error(feed: LocalFeed) -> None:
    from ocr_client.errors import TransactionRevertedError

    report = _report(feed, _obs(5, 6, 7), answer=5)
    signed = feed.sign_report(report)
    with pytest.raises(TransactionRevertedError) as info:
        feed.feed.transmit(signed.sender, signed.calldata, gas=500_000)  # skip the estimate: really mine it
    assert info.value.error_name == "WrongMedian" and info.value.tx_hash is not None


@pytest.fixture(scope="module")
def wide_feed(ocr_web3) -> LocalFeed:  # type: ignore[no-untyped-def]
    """n = 10: room for reports long enough to reach every lane of the unrolled scans."""
    return LocalFeed.deploy(ocr_web3, n=10, min_answer=-(10**12), max_answer=10**12)


@pytest.mark.parametrize("position", range(1, 10))
def test_the_first_unsorted_observation_is_named_wherever_it_is(wide_feed: LocalFeed, position: int) -> None:
    values = list(range(100, 110))
    values[position] = values[position - 1] - 1  # one dip; later values are ascending again
    report = _report(wide_feed, _obs(*values), answer=values[5])
    expect_revert(_check(wide_feed, wide_feed.sign_report(report)), "ObservationsNotSorted", position)


@pytest.mark.parametrize("position", range(1, 10))
def test_the_first_repeated_observer_is_named_wherever_it_is(wide_feed: LocalFeed, position: int) -> None:
    observers = list(range(10))
    observers[position] = observers[position - 1]
    report = _report(wide_feed, _obs(*range(100, 110), observers=observers))
    expect_revert(_check(wide_feed, wide_feed.sign_report(report)), "DuplicateObserver", position, position - 1)


@pytest.mark.parametrize("count", range(7, 11))
def test_sorted_reports_of_every_length_modulo_four_are_accepted(wide_feed: LocalFeed, count: int) -> None:
    report = _report(wide_feed, _obs(*range(100, 100 + count)), epoch=10 + count, round_=1)
    wide_feed.feed.check_transmit(wide_feed.committee.transmitters[0].address, wide_feed.sign_report(report).calldata)
