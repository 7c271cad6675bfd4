"""The report trigger and the median bound the protocol relies on."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ocr_client.protocol.trigger import LastReport, deviation_reached, report_reason
from ocr_client.report.median import median_index


def reason(median: int, last: LastReport | None, now: float = 10.0, lead: float = 0.0) -> str | None:
    return report_reason(median, last, now, alpha=0.01, delta_c=60.0, min_answer=0, max_answer=10_000, lead=lead)


def test_the_first_round_reports() -> None:
    assert reason(100, None) == "first"


def test_a_deviation_of_alpha_reports_and_less_does_not() -> None:
    last = LastReport(1, 1, 1000, at=5.0)
    assert reason(1010, last) == "deviation"
    assert reason(990, last) == "deviation"
    assert reason(1009, last) is None


def test_from_zero_any_change_counts() -> None:
    assert deviation_reached(1, 0, 0.5) and not deviation_reached(0, 0, 0.5)


def test_the_heartbeat_reports_lead_seconds_before_delta_c() -> None:
    last = LastReport(1, 1, 1000, at=0.0)
    assert reason(1000, last, now=59.0) is None
    assert reason(1000, last, now=60.0) == "heartbeat"
    assert reason(1000, last, now=57.5, lead=2.5) == "heartbeat"


def test_a_median_outside_the_bounds_is_never_reported_whatever_is_due() -> None:
    assert reason(10_001, None) is None
    assert reason(-1, LastReport(1, 1, 5, at=0.0), now=1000.0) is None


@given(st.integers(1, 30).flatmap(lambda f: st.tuples(
    st.just(f),
    st.lists(st.integers(-10**6, 10**6), min_size=f + 1, max_size=3 * f + 1),
    st.lists(st.integers(-10**12, 10**12), min_size=0, max_size=f))))
def test_with_at_most_f_bad_values_among_2f_plus_1_the_median_lies_within_the_honest_ones(
        case: tuple[int, list[int], list[int]]) -> None:
    f, honest, bad = case
    values = sorted(honest + bad)
    if len(values) < 2 * f + 1:
        return
    median = values[median_index(len(values))]
    assert min(honest) <= median <= max(honest)
