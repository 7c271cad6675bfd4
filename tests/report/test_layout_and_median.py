"""The packed layout round-trips, refuses what does not fit, and the median stays in the honest range."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocr_client.errors import ReportError
from ocr_client.report.layout import (
    BYTES_PER_OBSERVATION,
    HEADER_LENGTH,
    INT192_MAX,
    INT192_MIN,
    MAX_TIMESTAMP_SPREAD,
    Observation,
    Report,
    decode_report,
    encode_report,
    encode_transmit_calldata,
    split_transmit_calldata,
)
from ocr_client.report.median import build_report


@st.composite
def observations(draw: st.DrawFn) -> list[Observation]:
    """Up to 40 observations whose times lie within one report's reach (MAX_TIMESTAMP_SPREAD of the earliest)."""
    base = draw(st.integers(0, 2**32 - 1))
    top = min(2**32 - 1, base + MAX_TIMESTAMP_SPREAD)
    return draw(st.lists(
        st.builds(Observation, st.integers(0, 255), st.integers(base, top), st.integers(INT192_MIN, INT192_MAX)),
        min_size=1, max_size=40,
    ))


@settings(max_examples=200, deadline=None)
@given(digest=st.binary(min_size=32, max_size=32), epoch=st.integers(0, 2**32 - 1), round_=st.integers(0, 255),
       obs=observations())
def test_report_encoding_round_trips(digest: bytes, epoch: int, round_: int, obs: list[Observation]) -> None:
    report = build_report(digest, epoch, round_, obs)
    raw = encode_report(report)
    assert len(raw) == HEADER_LENGTH + BYTES_PER_OBSERVATION * len(obs) == 66 + 27 * len(obs)
    assert decode_report(raw) == report
    calldata = encode_transmit_calldata(raw, bytes(range(128)), 7)
    assert split_transmit_calldata(calldata) == (raw, bytes(range(128)), 7)


@settings(max_examples=300, deadline=None)
@given(honest=st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=30), data=st.data())
def test_median_with_at_most_f_liars_lies_within_the_honest_range(honest: list[int], data: st.DataObject) -> None:
    # n = 3f+1 observations of which f lie arbitrarily: the median is bracketed by honest values
    f = (len(honest) - 1) // 2  # honest >= 2f+1 observations in the report
    liars = data.draw(st.lists(st.integers(INT192_MIN, INT192_MAX), max_size=f))
    obs = [Observation(i, 0, v) for i, v in enumerate(honest + liars)]
    answer = build_report(bytes(32), 1, 1, obs).answer
    assert min(honest) <= answer <= max(honest)


@pytest.mark.parametrize(
    ("field", "value"),
    [("epoch", 2**32), ("round", 256), ("answer", INT192_MAX + 1), ("answer", INT192_MIN - 1)],
)
def test_values_that_do_not_fit_the_layout_raise_report_error(field: str, value: int) -> None:
    report = Report(bytes(32), 1, 1, 5, (Observation(0, 0, 5),))
    with pytest.raises(ReportError):
        encode_report(Report(**{**report.__dict__, field: value}))


def test_truncated_or_padded_report_bytes_are_refused() -> None:
    raw = encode_report(build_report(bytes(32), 1, 1, [Observation(0, 1, 2), Observation(1, 1, 3)]))
    for bad in (raw[:-1], raw + b"\x00", raw[:10]):
        with pytest.raises(ReportError):
            decode_report(bad)


def test_observer_index_beyond_one_byte_is_refused() -> None:
    with pytest.raises(ReportError, match="observer index 256"):
        encode_report(Report(bytes(32), 1, 1, 5, (Observation(256, 0, 5),)))


def test_observation_times_are_offsets_from_the_earliest_and_a_wider_spread_is_refused() -> None:
    within = [Observation(0, 1_750_000_000, 1), Observation(1, 1_750_000_000 + MAX_TIMESTAMP_SPREAD, 2)]
    raw = encode_report(build_report(bytes(32), 1, 1, within))
    assert int.from_bytes(raw[61:65], "big") == 1_750_000_000  # T, the earliest observation's time
    assert decode_report(raw).observations == tuple(within)
    too_wide = [within[0], Observation(1, 1_750_000_000 + MAX_TIMESTAMP_SPREAD + 1, 2)]
    with pytest.raises(ReportError, match="span 65536 s"):
        encode_report(build_report(bytes(32), 1, 1, too_wide))
