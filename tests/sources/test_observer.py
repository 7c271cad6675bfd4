"""MedianObserver: concurrent reads, a hard deadline, and failures that cost only their source."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocr_client.errors import SourceConfigError, SourceError
from ocr_client.report.layout import INT192_MAX
from ocr_client.sources import HttpJsonSource, MedianObserver, median
from tests.sources.conftest import PriceServer

TIMEOUT = 0.2


class FixedSource:
    """A local, in-process source (not a stand-in for HTTP: the observer only needs the protocol)."""

    def __init__(self, name: str, value: object) -> None:
        self._name = name
        self._value = value

    @property
    def name(self) -> str:
        return self._name

    def read(self, timeout: float) -> Decimal:
        if isinstance(self._value, BaseException):
            raise self._value
        return self._value  # type: ignore[return-value]  # deliberately untyped values too


class HangingSource(FixedSource):
    """Ignores its timeout entirely until released: the observer's deadline is the only defence."""

    def __init__(self, name: str, release: threading.Event) -> None:
        super().__init__(name, Decimal(1))
        self._release = release

    def read(self, timeout: float) -> Decimal:
        self._release.wait(10)
        return Decimal(1)


def test_slow_and_garbage_sources_fall_away_leaving_the_good_one(price_server: PriceServer) -> None:
    observer = MedianObserver(
        [
            HttpJsonSource(price_server.url("/good"), "data.price", name="good"),
            HttpJsonSource(price_server.url("/slow"), "price", name="slow"),
            HttpJsonSource(price_server.url("/garbage"), "price", name="garbage"),
        ],
        timeout=TIMEOUT,
    )
    readings = observer.observe()
    assert readings.value == 3000_50000000
    assert readings.answered == ("good",)
    assert set(readings.failed) == {"slow", "garbage"}
    assert "JSON" in readings.failed["garbage"]
    assert all("\n" not in reason for reason in readings.failed.values())


def test_median_ignores_one_wildly_wrong_source(price_server: PriceServer) -> None:
    observer = MedianObserver(
        [
            HttpJsonSource(price_server.url("/value?v=3001"), "price", name="a"),
            HttpJsonSource(price_server.url("/value?v=999999999"), "price", name="liar"),
            HttpJsonSource(price_server.url("/value?v=2999.5"), "price", name="b"),
        ],
        timeout=TIMEOUT,
        decimals=2,
    )
    readings = observer.observe()
    assert readings.value == 300100
    assert readings.answered == ("a", "liar", "b")
    assert readings.failed == {}


def test_all_failing_gives_no_value(price_server: PriceServer, closed_port: int) -> None:
    observer = MedianObserver(
        [
            HttpJsonSource(price_server.url("/fail"), "price", name="500"),
            HttpJsonSource(price_server.url("/trickle-body"), "price", name="trickle"),
            HttpJsonSource(f"http://127.0.0.1:{closed_port}/", "price", name="closed"),
        ],
        timeout=TIMEOUT,
    )
    readings = observer.observe()
    assert readings.value is None
    assert readings.answered == ()
    assert set(readings.failed) == {"500", "trickle", "closed"}


def test_a_source_that_ignores_its_timeout_is_abandoned_at_the_deadline() -> None:
    release = threading.Event()
    try:
        readings = MedianObserver([FixedSource("ok", Decimal("1.5")), HangingSource("stuck", release)], timeout=0.1).observe()
    finally:
        release.set()
    assert readings.value == 150000000
    assert readings.answered == ("ok",)
    assert "no answer within 0.1s" in readings.failed["stuck"]


def test_buggy_sources_and_bad_values_fail_only_themselves() -> None:
    readings = MedianObserver(
        [
            FixedSource("ok", Decimal(7)),
            FixedSource("crash", RuntimeError("boom\nsecond line")),
            FixedSource("source-error", SourceError("upstream down")),
            FixedSource("nan", Decimal("NaN")),
            FixedSource("float-inf", float("inf")),
            FixedSource("bool", True),
            FixedSource("too-big", Decimal(INT192_MAX + 1)),
        ],
        timeout=TIMEOUT,
        decimals=0,
    ).observe()
    assert readings.value == 7
    assert readings.answered == ("ok",)
    assert readings.failed["crash"] == "RuntimeError: boom"
    assert readings.failed["source-error"] == "upstream down"
    assert set(readings.failed) == {"crash", "source-error", "nan", "float-inf", "bool", "too-big"}


def test_even_count_uses_the_report_rule_upper_middle() -> None:
    sources = [FixedSource(str(v), Decimal(v)) for v in (4, 1, 3, 2)]
    assert MedianObserver(sources, timeout=TIMEOUT, decimals=0).observe().value == 3  # sorted[4 // 2]


def test_rounds_half_even_at_the_scale() -> None:
    observer = MedianObserver([FixedSource("x", Decimal("0.125"))], timeout=TIMEOUT, decimals=2)
    assert observer.observe().value == 12
    assert observer.scale(Decimal("-0.135"), "y") == -14


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"timeout": 0}, "timeout"), ({"decimals": -1}, "decimals"), ({"decimals": 31}, "decimals")],
)
def test_bad_observer_settings(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(SourceConfigError, match=message):
        MedianObserver([FixedSource("a", Decimal(1))], **kwargs)  # type: ignore[arg-type]


def test_names_must_be_unique_and_sources_present() -> None:
    with pytest.raises(SourceConfigError, match="repeated"):
        MedianObserver([FixedSource("a", Decimal(1)), FixedSource("a", Decimal(2))])
    with pytest.raises(SourceConfigError, match="at least one"):
        MedianObserver([])


def test_median_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError):
        median([])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, places=4), min_size=1, max_size=7))
def test_observed_median_lies_between_min_and_max(values: list[Decimal]) -> None:
    sources = [FixedSource(f"s{i}", v) for i, v in enumerate(values)]
    value = MedianObserver(sources, timeout=1.0, decimals=4).observe().value
    scaled = [int(v.scaleb(4)) for v in values]
    assert value is not None
    assert min(scaled) <= value <= max(scaled)
    assert value in scaled


@given(st.lists(st.integers(), min_size=1, max_size=50))
def test_median_function_lies_between_min_and_max(values: list[int]) -> None:
    assert min(values) <= median(values) <= max(values)
