"""CsvReplaySource: wrap-around replay, time-driven replay, and loud errors for bad files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ocr_client.errors import SourceConfigError, SourceError
from ocr_client.sources import CsvReplaySource


def write(tmp_path: Path, text: str, name: str = "prices.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_replay_in_order_and_wrap(tmp_path: Path) -> None:
    source = CsvReplaySource(write(tmp_path, "t,price\n0,1.5\n1,2.5\n2,3.5\n"))
    assert [source.read(0.1) for _ in range(5)] == [Decimal(x) for x in ("1.5", "2.5", "3.5", "1.5", "2.5")]
    assert source.name == "replay:prices.csv"
    assert len(source) == 3


def test_other_column(tmp_path: Path) -> None:
    source = CsvReplaySource(write(tmp_path, "bid,ask\n1,2\n3,4\n"), column="ask", name="asks")
    assert [source.read(0.1) for _ in range(2)] == [2, 4]
    assert source.name == "asks"


def test_plain_file_one_number_per_line(tmp_path: Path) -> None:
    source = CsvReplaySource(write(tmp_path, "# recorded 2024-01-01\n100\n\n101.5\n 1e2 \n", "prices.txt"))
    assert [source.read(0.1) for _ in range(4)] == [Decimal(100), Decimal("101.5"), Decimal(100), Decimal(100)]


def test_time_column_picks_last_row_at_or_before_now(tmp_path: Path) -> None:
    now = [0.0]
    source = CsvReplaySource(write(tmp_path, "t,price\n10,1\n20,2\n20,2.5\n30,3\n"), time_column="t", clock=lambda: now[0])
    expected = {10.0: Decimal(1), 19.9: Decimal(1), 20.0: Decimal("2.5"), 29.0: Decimal("2.5"), 30.0: 3, 1e9: 3}
    for t, value in expected.items():
        now[0] = t
        assert source.read(0.1) == value
    now[0] = 15.0
    assert source.read(0.1) == 1  # time drives it, not a cursor: going back is fine


def test_before_the_first_row_is_a_read_error(tmp_path: Path) -> None:
    source = CsvReplaySource(write(tmp_path, "t,price\n10,1\n"), time_column="t", clock=lambda: 5.0)
    with pytest.raises(SourceError, match="no row at or before"):
        source.read(0.1)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("t,price\n0,1\n1,abc\n", ":3", "not a number"),
        ("t,price\n0,1\n1,NaN\n", ":3", "not a number"),
        ("t,price\n0,1\n1\n", ":3", "missing value"),
        ("t,price\n0,1\n\n5,2\n4,3\n", ":5", "goes backwards"),
        ("t,price\n0,1\nsoon,2\n", ":3", "bad time"),
        ("t,cost\n0,1\n", ":1", "no column 'price'"),
        ("t,price\n", "", "no values"),
        ("", "", "no values"),
        ("1\n2\nthree\n", ":3", "not a number"),
    ],
)
def test_bad_files_name_file_and_line(tmp_path: Path, text: str, where: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SourceConfigError, match=message) as info:
        CsvReplaySource(path, time_column="t" if text.startswith("t,") else None, clock=lambda: 0.0)
    assert f"{path}{where}" in str(info.value)


def test_missing_file_and_clockless_time_column(tmp_path: Path) -> None:
    with pytest.raises(SourceConfigError, match="cannot read"):
        CsvReplaySource(tmp_path / "nope.csv")
    with pytest.raises(SourceConfigError, match="needs a clock"):
        CsvReplaySource(write(tmp_path, "t,price\n0,1\n"), time_column="t")
    with pytest.raises(SourceConfigError, match="no time column"):
        CsvReplaySource(write(tmp_path, "1\n2\n"), time_column="t", clock=lambda: 0.0)
