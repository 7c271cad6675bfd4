"""source_from_config: each type builds the right source; typos and wrong types name the field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ocr_client.errors import ConfigError, SourceConfigError, SourceError
from ocr_client.sources import CsvReplaySource, HttpJsonSource, RandomWalkSource, source_from_config
from tests.sources.conftest import PriceServer


def test_http_entry_reads_from_a_real_server(price_server: PriceServer) -> None:
    source = source_from_config({"type": "http", "url": price_server.url("/good"), "path": "data.price", "name": "ex"})
    assert isinstance(source, HttpJsonSource)
    assert source.name == "ex"
    assert source.read(0.2) == Decimal("3000.5")


def test_csv_entry(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("t,bid\n0,5\n10,6\n", encoding="utf-8")
    source = source_from_config({"type": "csv", "path": str(path), "column": "bid"})
    assert isinstance(source, CsvReplaySource)
    assert [source.read(0.1) for _ in range(3)] == [5, 6, 5]
    timed = source_from_config({"type": "csv", "path": str(path), "column": "bid", "time_column": "t"}, clock=lambda: 12.0)
    assert timed.read(0.1) == 6


def test_random_walk_entry_is_deterministic_by_seed() -> None:
    entry: dict[str, object] = {"type": "random-walk", "seed": 1, "start": 3000, "noise": 0.001, "noise_seed": 4}
    a = source_from_config(entry, clock=lambda: 42.0)
    b = source_from_config(entry, clock=lambda: 42.0)
    assert isinstance(a, RandomWalkSource)
    assert a.name == "random-walk:1"
    assert a.read(0.1) == b.read(0.1)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"url": "http://x/", "path": "p"}, "missing field 'type'"),
        ({"type": "carrier-pigeon"}, "field 'type'"),
        ({"type": 3}, "field 'type'"),
        ({"type": "http", "path": "p"}, "missing field 'url'"),
        ({"type": "http", "url": "http://x/"}, "missing field 'path'"),
        ({"type": "http", "url": 5, "path": "p"}, "field 'url'"),
        ({"type": "http", "url": "gopher://x/", "path": "p"}, "http or https"),
        ({"type": "csv", "path": "p.csv", "colum": "price"}, "colum"),
        ({"type": "csv"}, "missing field 'path'"),
        ({"type": "csv", "path": "p.csv", "time_column": "t"}, "field 'time_column'"),
        ({"type": "random-walk", "start": 3000}, "needs a clock"),
    ],
)
def test_bad_entries_name_the_field(entry: dict[str, object], message: str) -> None:
    with pytest.raises(SourceConfigError, match=message) as info:
        source_from_config(entry)
    assert isinstance(info.value, ConfigError) and isinstance(info.value, SourceError)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"type": "random-walk"}, "field 'seed'"),
        ({"type": "random-walk", "seed": True}, "field 'seed'"),
        ({"type": "random-walk", "seed": 1, "start": "3000"}, "field 'start'"),
        ({"type": "random-walk", "seed": 1, "noise": None}, "field 'noise'"),
        ({"type": "random-walk", "seed": 1, "noise": 2}, "noise must be"),
        ({"type": "random-walk", "seed": 1, "start": -1}, "start price"),
        ({"type": "random-walk", "seed": 1, "noise_seed": "x"}, "field 'noise_seed'"),
    ],
)
def test_bad_random_walk_entries(entry: dict[str, object], message: str) -> None:
    with pytest.raises(SourceConfigError, match=message):
        source_from_config(entry, clock=lambda: 0.0)
