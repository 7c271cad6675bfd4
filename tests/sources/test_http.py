"""HttpJsonSource against real local servers: every way an endpoint can fail is one SourceError."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ocr_client.errors import SourceConfigError, SourceError, SourceTimeoutError, SourceValueError
from ocr_client.sources import HttpJsonSource
from tests.sources.conftest import PriceServer

TIMEOUT = 0.2


def test_reads_number_by_dotted_path(price_server: PriceServer) -> None:
    assert HttpJsonSource(price_server.url("/good"), "data.price").read(TIMEOUT) == Decimal("3000.5")


def test_reads_numeric_string_through_list_index(price_server: PriceServer) -> None:
    assert HttpJsonSource(price_server.url("/good"), "prices.0.usd").read(TIMEOUT) == Decimal("3001.25")


def test_empty_path_means_the_whole_document(price_server: PriceServer) -> None:
    assert HttpJsonSource(price_server.url("/number"), "").read(TIMEOUT) == 42


def test_default_name_identifies_url_and_path(price_server: PriceServer) -> None:
    source = HttpJsonSource(price_server.url("/good"), "data.price")
    assert source.name == price_server.url("/good") + "#data.price"
    assert HttpJsonSource(price_server.url("/good"), "data.price", name="exchange-a").name == "exchange-a"


@pytest.mark.parametrize("route", ["/slow", "/trickle-body", "/trickle-headers"])
def test_slow_and_trickling_servers_time_out(price_server: PriceServer, route: str) -> None:
    with pytest.raises(SourceTimeoutError):
        HttpJsonSource(price_server.url(route), "price").read(TIMEOUT)


@pytest.mark.parametrize(
    ("route", "path", "message"),
    [
        ("/garbage", "price", "not valid JSON"),
        ("/nan", "price", "not valid JSON"),
        ("/nan-string", "price", "not a number"),
        ("/inf-string", "price", "not a number"),
        ("/bool", "price", "expected a number"),
        ("/null", "price", "expected a number"),
        ("/word", "price", "not a number"),
        ("/good", "data.cost", "no key 'data.cost'"),
        ("/good", "prices.7.usd", "no index 'prices.7'"),
        ("/good", "data.price.usd", "goes into a Decimal"),
        ("/good", "data", "expected a number"),
        ("/huge", "price", "cap"),
        ("/huge-undeclared", "price", "cap"),
    ],
)
def test_lying_servers_raise_value_errors(price_server: PriceServer, route: str, path: str, message: str) -> None:
    with pytest.raises(SourceValueError, match=message):
        HttpJsonSource(price_server.url(route), path).read(TIMEOUT)


@pytest.mark.parametrize(("route", "status"), [("/fail", "500"), ("/redirect", "302"), ("/missing", "404")])
def test_non_2xx_statuses_are_refused(price_server: PriceServer, route: str, status: str) -> None:
    with pytest.raises(SourceError, match=f"HTTP {status}"):
        HttpJsonSource(price_server.url(route), "price").read(TIMEOUT)


def test_closed_port_is_a_source_error(closed_port: int) -> None:
    with pytest.raises(SourceError) as info:
        HttpJsonSource(f"http://127.0.0.1:{closed_port}/price", "price").read(TIMEOUT)
    assert not isinstance(info.value, SourceTimeoutError)


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/price", "file:///etc/passwd", "http:///nohost", "http://127.0.0.1:notaport/", "example.com/price"],
)
def test_only_http_urls_with_a_host(url: str) -> None:
    with pytest.raises(SourceConfigError):
        HttpJsonSource(url, "price")


@pytest.mark.parametrize("path", ["a..b", ".a", "a."])
def test_empty_path_segments_are_config_errors(path: str) -> None:
    with pytest.raises(SourceConfigError, match="empty segment"):
        HttpJsonSource("http://127.0.0.1/", path)
