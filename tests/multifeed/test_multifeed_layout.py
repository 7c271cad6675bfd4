"""The multi-feed report layout in Python: encoding, decoding, the rows that tie values to oracles."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocr_client.errors import ReportError
from ocr_client.multifeed.layout import (
    FeedSection,
    MultiReport,
    build_multi_report,
    calldata_length,
    decode_feed_observations,
    decode_multi_report,
    encode_multi_report,
    encode_transmit_calldata,
    report_length,
    split_transmit_calldata,
)
from ocr_client.report.layout import INT192_MAX, INT192_MIN, Observation

DIGEST = bytes(range(32))

values = st.integers(min_value=INT192_MIN, max_value=INT192_MAX)


@st.composite
def reports(draw: st.DrawFn) -> tuple[list[int], list[int], list[list[int]]]:
    m = draw(st.integers(min_value=1, max_value=12))
    k = draw(st.integers(min_value=1, max_value=4))
    observers = draw(st.lists(st.integers(0, 254), min_size=m, max_size=m, unique=True))
    timestamps = draw(st.lists(st.integers(0, 2**32 - 1), min_size=m, max_size=m))
    per_feed = draw(st.lists(st.lists(values, min_size=m, max_size=m), min_size=k, max_size=k))
    return observers, timestamps, per_feed


@given(reports())
def test_built_reports_sort_each_feed_keep_who_observed_what_and_round_trip(
    case: tuple[list[int], list[int], list[list[int]]],
) -> None:
    observers, timestamps, per_feed = case
    report = build_multi_report(DIGEST, 7, 3, observers, timestamps, per_feed)
    m = len(observers)
    for i, feed_values in enumerate(per_feed):
        section = report.feeds[i]
        assert list(section.values) == sorted(feed_values)
        assert sorted(section.rows) == list(range(m))  # a permutation of the rows
        assert section.answer == section.values[m // 2]
        key = lambda o: (o.observer, o.timestamp, o.value)  # noqa: E731
        given_obs = sorted((Observation(o, t, v) for o, t, v in zip(observers, timestamps, feed_values, strict=True)), key=key)
        assert sorted(report.observations(i), key=key) == given_obs
        assert report.started_at(i) == timestamps[section.rows[m // 2]]
    raw = encode_multi_report(report)
    assert len(raw) == report_length(report.k, m)
    assert decode_multi_report(raw) == report


def test_ties_sort_by_observer_like_a_single_feed_report() -> None:
    report = build_multi_report(DIGEST, 1, 1, [5, 2, 9], [50, 20, 90], [[7, 7, 7]])
    assert report.feeds[0] == FeedSection(7, (1, 0, 2), (7, 7, 7))
    assert report.started_at(0) == 50  # observer 5, the middle one of 2, 5, 9


def test_layout_offsets_are_the_documented_ones() -> None:
    report = MultiReport(DIGEST, 0x01020304, 9, (4, 6), (0x0A0B0C0D, 0x11121314),
                         (FeedSection(-1, (1, 0), (-2, -1)), FeedSection(5, (0, 1), (5, 6))))
    raw = encode_multi_report(report)
    assert raw[:32] == DIGEST and raw[32:36] == bytes([1, 2, 3, 4]) and raw[36] == 9
    assert (raw[37], raw[38]) == (2, 2)
    assert raw[39:41] == bytes([4, 6]) and raw[41:49] == bytes.fromhex("0a0b0c0d11121314")
    feed0 = raw[49 : 49 + 24 + 25 * 2]
    assert feed0[:24] == b"\xff" * 24 and feed0[24:26] == bytes([1, 0])
    assert feed0[26:50] == (2**192 - 2).to_bytes(24, "big")
    assert len(raw) == 39 + 5 * 2 + 2 * (24 + 25 * 2)
    calldata = encode_transmit_calldata(report, b"\x01" * 128, 3)
    assert len(calldata) == calldata_length(2, 2)
    assert split_transmit_calldata(calldata) == (raw, b"\x01" * 128, 3)


def test_event_observations_are_joined_with_the_report_rows() -> None:
    observations = bytes([1, 0]) + (10).to_bytes(24, "big") + (20).to_bytes(24, "big")
    joined = decode_feed_observations(bytes([3, 8]), (100).to_bytes(4, "big") + (200).to_bytes(4, "big"), observations)
    assert joined == (Observation(8, 200, 10), Observation(3, 100, 20))
    with pytest.raises(ReportError, match="disagree"):
        decode_feed_observations(bytes([3]), bytes(8), observations)


@pytest.mark.parametrize(("data", "match"), [
    (b"\x00" * 10, "header alone"),
    (DIGEST + bytes(5) + bytes([1, 1]) + bytes(5), "must be"),
])
def test_malformed_report_bytes_are_refused(data: bytes, match: str) -> None:
    with pytest.raises(ReportError, match=match):
        decode_multi_report(data)


def test_inputs_that_do_not_fit_the_layout_are_refused() -> None:
    with pytest.raises(ReportError, match="1 to 32 feeds"):
        build_multi_report(DIGEST, 1, 1, [0], [0], [[1]] * 33)
    with pytest.raises(ReportError, match="feed 1 has 2 values"):
        build_multi_report(DIGEST, 1, 1, [0], [0], [[1], [1, 2]])
    with pytest.raises(ReportError, match="int192"):
        encode_multi_report(build_multi_report(DIGEST, 1, 1, [0], [0], [[2**191]]))
    with pytest.raises(ReportError, match="signature"):
        encode_transmit_calldata(b"", b"\x00" * 127, 0)
