"""Every way a multi-feed report (or config) can be wrong is refused, each with its own custom error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from ocr_client.chain.accounts import dev_account
from ocr_client.committee.local import LocalCommittee
from ocr_client.errors import TransactionRevertedError
from ocr_client.multifeed import FeedSection, LocalMultiFeed, MultiFeedConfig, MultiReport, SignedMultiTransmit
from ocr_client.multifeed.hub import MultiFeed
from ocr_client.multifeed.layout import calldata_length
from tests.feed.helpers import expect_revert

#: Feed 1's values [50, 10, 40, 30, 20] as rows 0..4: sorted 10 (row 1), 20 (4), 30 (3), 40 (2), 50 (0).
FEED1_ROWS = (1, 4, 3, 2, 0)
FEED1_VALUES = (10, 20, 30, 40, 50)


@pytest.fixture
def local(multi_factory: Callable[..., LocalMultiFeed]) -> LocalMultiFeed:
    """n = 5 (f = 1, t = 2), three feeds, feed 1 bounded to [1, 10^12]; one report accepted at (1, 1)."""
    hub = multi_factory(n=5, feeds=3, min_answers=[1, 1, 1], max_answers=[10**30, 10**12, 10**30])
    hub.push([100, 200, 300])
    return hub


def _check(local: LocalMultiFeed, signed: SignedMultiTransmit) -> Callable[[], None]:
    return lambda: local.hub.check_transmit(signed.sender.address, signed.calldata)


def _valid(local: LocalMultiFeed, epoch: int = 1, round_: int = 2) -> SignedMultiTransmit:
    return local.signed_transmit([7, [50, 10, 40, 30, 20], 9], epoch=epoch, round=round_)


def _with_feed1(local: LocalMultiFeed, section: FeedSection) -> SignedMultiTransmit:
    """The valid report with feed 1 replaced, signed by the committee (so only the data is wrong)."""
    report = _valid(local).report
    feeds = list(report.feeds)
    feeds[1] = section
    return local.sign_report(replace(report, feeds=tuple(feeds)))


def test_the_unbroken_report_is_accepted(local: LocalMultiFeed) -> None:
    signed = _valid(local)
    assert signed.report.feeds[1] == FeedSection(30, FEED1_ROWS, FEED1_VALUES)
    local.hub.check_transmit(signed.sender.address, signed.calldata)


def test_signature_over_another_report_is_rejected(local: LocalMultiFeed) -> None:
    good = _valid(local)
    other = local.signed_transmit([7, [50, 10, 40, 30, 21], 9], round=2)
    expect_revert(_check(local, replace(good, signature=other.signature)), "InvalidSignature")


def test_signature_from_a_key_outside_the_committee_is_rejected(local: LocalMultiFeed) -> None:
    good = _valid(local)
    foreign = LocalCommittee.create(5, seed=999).sign(good.digest).signature
    expect_revert(_check(local, replace(good, signature=foreign)), "InvalidSignature")


def test_all_zero_signature_is_rejected_as_infinity(local: LocalMultiFeed) -> None:
    expect_revert(_check(local, replace(_valid(local), signature=bytes(128))), "InfinityPoint")


def test_a_feed_with_unsorted_values_is_rejected_naming_the_feed(local: LocalMultiFeed) -> None:
    signed = _with_feed1(local, FeedSection(30, (1, 3, 4, 2, 0), (10, 30, 20, 40, 50)))
    expect_revert(_check(local, signed), "ObservationsNotSorted", 1, 2)


def test_a_feed_whose_answer_is_not_its_median_is_rejected(local: LocalMultiFeed) -> None:
    signed = _with_feed1(local, FeedSection(40, FEED1_ROWS, FEED1_VALUES))
    expect_revert(_check(local, signed), "WrongMedian", 1, 40, 30)


def test_a_feed_answer_outside_its_own_bounds_is_rejected(local: LocalMultiFeed) -> None:
    big = 10**13  # fine for feeds 0 and 2 (max 10^30), too big for feed 1 (max 10^12)
    signed = local.signed_transmit([big, big, big], round=2)
    expect_revert(_check(local, signed), "AnswerOutOfBounds", 1, big, 1, 10**12)


@pytest.mark.parametrize(("rows", "error", "args"), [
    ((1, 4, 3, 2, 5), "RowPositionOutOfRange", (1, 4, 5, 5)),
    ((1, 4, 3, 1, 0), "DuplicateRowPosition", (1, 3, 1)),
    ((1, 4, 3, 2, 255), "RowPositionOutOfRange", (1, 4, 255, 5)),
])
def test_a_feed_whose_rows_are_not_a_permutation_is_rejected(
    local: LocalMultiFeed, rows: tuple[int, ...], error: str, args: tuple[int, ...],
) -> None:
    expect_revert(_check(local, _with_feed1(local, FeedSection(30, rows, FEED1_VALUES))), error, *args)


def test_the_first_broken_feed_is_the_one_named(local: LocalMultiFeed) -> None:
    report = _valid(local).report
    broken = tuple(replace(f, answer=f.answer + 1) for f in report.feeds)
    expect_revert(_check(local, local.sign_report(replace(report, feeds=broken))), "WrongMedian", 0, 8, 7)


def test_calldata_one_byte_too_long_or_short_is_rejected(local: LocalMultiFeed) -> None:
    good = _valid(local)
    expected = calldata_length(3, 5)
    assert len(good.calldata) == expected
    expect_revert(lambda: local.hub.check_transmit(good.sender.address, good.calldata + b"\x00"),
                  "ReportLengthMismatch", expected, expected + 1)
    expect_revert(lambda: local.hub.check_transmit(good.sender.address, good.calldata[:-1]),
                  "ReportLengthMismatch", expected, expected - 1)


def test_a_report_with_another_number_of_feeds_is_rejected(local: LocalMultiFeed) -> None:
    signed = local.signed_transmit([7, 8], round=2)
    expect_revert(_check(local, signed), "FeedCountMismatch", 3, 2)


def test_replayed_and_older_reports_are_stale(local: LocalMultiFeed) -> None:
    signed = _valid(local, epoch=3, round_=5)
    local.send(signed)
    expect_revert(_check(local, signed), "StaleReport", 3, 5, 3, 5)
    expect_revert(_check(local, _valid(local, epoch=3, round_=4)), "StaleReport", 3, 5, 3, 4)
    expect_revert(_check(local, _valid(local, epoch=2, round_=200)), "StaleReport", 3, 5, 2, 200)


def test_unauthorized_transmitter_is_rejected(local: LocalMultiFeed) -> None:
    stranger = dev_account(7)
    signed = local.with_sender(_valid(local), stranger)
    expect_revert(_check(local, signed), "UnauthorizedTransmitter", stranger.address)
    # a real transmitter claiming another oracle's index is refused too
    lying = replace(_valid(local), transmitter_index=2)
    expect_revert(_check(local, lying), "UnauthorizedTransmitter", lying.sender.address)


def test_report_for_another_hub_is_rejected(local: LocalMultiFeed, multi_factory: Callable[..., LocalMultiFeed]) -> None:
    other = multi_factory(n=5, feeds=3)
    report = replace(_valid(local).report, config_digest=other.hub.config_digest())
    expect_revert(_check(local, local.sign_report(report)), "ConfigDigestMismatch",
                  local.hub.config_digest(), other.hub.config_digest())


def test_too_few_and_repeated_observers_are_rejected(local: LocalMultiFeed) -> None:
    two = local.signed_transmit([1, 2, 3], round=2, observers=[0, 1], timestamps=[5, 5])
    expect_revert(_check(local, two), "TooFewObservations", 2, 3)
    repeated = local.signed_transmit([1, 2, 3], round=2, observers=[0, 4, 0], timestamps=[5, 5, 5])
    expect_revert(_check(local, repeated), "DuplicateObserver", 2, 0)
    outside = local.signed_transmit([1, 2, 3], round=2, observers=[0, 5, 1], timestamps=[5, 5, 5])
    expect_revert(_check(local, outside), "ObserverOutOfRange", 1, 5, 5)


def test_transmit_before_any_config_is_rejected(ocr_web3: object) -> None:
    owner = dev_account(0)
    hub = MultiFeed.deploy(ocr_web3, owner, [8], ["X / USD"])  # type: ignore[arg-type]
    report = MultiReport(bytes(32), 1, 1, (0,), (1,), (FeedSection(5, (0,), (5,)),))
    from ocr_client.multifeed.layout import encode_transmit_calldata

    expect_revert(lambda: hub.check_transmit(owner.address, encode_transmit_calldata(report, bytes(128), 0)),
                  "NotConfigured")


def test_config_errors_name_the_offending_values(local: LocalMultiFeed) -> None:
    good = MultiFeedConfig.for_committee(local.committee, [1, 1, 1], [10, 10, 10])
    data = local.hub.contract.encode_abi

    def send(config: MultiFeedConfig, sender: object = None) -> None:
        from ocr_client.chain.transactions import call

        account = sender or local.owner
        call(local.w3, account.address, local.address,  # type: ignore[attr-defined]
             bytes.fromhex(data("setConfig", args=[config.as_tuple()])[2:]))

    expect_revert(lambda: send(replace(good, max_answers=(10, 10))), "AnswerBoundsLengthMismatch", 3, 2, 3)
    expect_revert(lambda: send(replace(good, min_answers=(1, 10, 1))), "InvalidAnswerBounds", 1, 10, 10)
    expect_revert(lambda: send(replace(good, threshold=1)), "InvalidThreshold", 1, 1, 5)
    expect_revert(lambda: send(good, dev_account(3)), "OwnedUnauthorized", dev_account(3).address)
    with pytest.raises(TransactionRevertedError):
        send(replace(good, group_public_key=bytes(256)))  # infinity: not a usable group key


def test_hub_deployment_checks_the_feed_count(ocr_web3: object) -> None:
    owner = dev_account(0)
    expect_revert(lambda: MultiFeed.deploy(ocr_web3, owner, [], []), "InvalidFeedCount", 0, 32)  # type: ignore[arg-type]
    expect_revert(lambda: MultiFeed.deploy(ocr_web3, owner, [8] * 33, ["x"] * 33),  # type: ignore[arg-type]
                  "InvalidFeedCount", 33, 32)
    expect_revert(lambda: MultiFeed.deploy(ocr_web3, owner, [8, 8], ["x"]),  # type: ignore[arg-type]
                  "FeedMetadataLengthMismatch", 2, 1)


@pytest.mark.parametrize("position", range(1, 7))
def test_a_descent_at_any_position_of_the_unrolled_scan_is_found(
    multi_factory: Callable[..., LocalMultiFeed], position: int,
) -> None:
    # m = 7: comparisons 1-4 run in the four-at-a-time loop, 5 and 6 in the remainder loop
    local = multi_factory(n=7, feeds=2)
    report = local.signed_transmit([1, list(range(10, 17))]).report
    values = list(report.feeds[1].values)
    values[position - 1], values[position] = values[position], values[position - 1]
    section = replace(report.feeds[1], values=tuple(values), answer=values[3])
    signed = local.sign_report(replace(report, feeds=(report.feeds[0], section)))
    expect_revert(_check(local, signed), "ObservationsNotSorted", 1, position)


@pytest.fixture(scope="module")
def wide(ocr_web3: object) -> LocalMultiFeed:
    """n = 34 (f = 11): a feed's 34 row bytes span two calldata words."""
    return LocalMultiFeed.deploy(ocr_web3, n=34, feeds=2)  # type: ignore[arg-type]


def test_rows_spanning_two_words_are_accepted(wide: LocalMultiFeed) -> None:
    values = [[1000 + (7 * r) % 34 for r in range(34)], [5000 - r for r in range(34)]]
    signed = wide.signed_transmit(values, timestamps=list(range(100, 134)))
    assert signed.report.feeds[1].rows == tuple(range(33, -1, -1))
    wide.hub.check_transmit(signed.sender.address, signed.calldata)


@pytest.mark.parametrize(("position", "row", "error", "args"), [
    (33, 34, "RowPositionOutOfRange", (0, 33, 34, 34)),
    (32, 0, "DuplicateRowPosition", (0, 32, 0)),
    (5, 200, "RowPositionOutOfRange", (0, 5, 200, 34)),
])
def test_bad_rows_in_either_word_are_found(
    wide: LocalMultiFeed, position: int, row: int, error: str, args: tuple[int, ...],
) -> None:
    report = wide.signed_transmit([list(range(34)), list(range(34))]).report
    rows = list(report.feeds[0].rows)
    rows[position] = row
    feeds = (replace(report.feeds[0], rows=tuple(rows)), report.feeds[1])
    expect_revert(_check(wide, wide.sign_report(replace(report, feeds=feeds))), error, *args)
