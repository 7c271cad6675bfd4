"""Replay recorded values from a file: reproducible inputs for demos, simulations and incident drills.

Two formats: a CSV file with a header row (the value column, optionally a time column), or a
plain text file with one number per line (blank lines and ``#`` comments are skipped). The
whole file is read and validated at construction, so a bad file fails loudly when the node
starts, naming the file and line, instead of costing one observation per round later.
"""

from __future__ import annotations

import bisect
import csv
import math
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from ocr_client.errors import SourceConfigError, SourceError, SourceValueError
from ocr_client.sources.base import to_decimal


class CsvReplaySource:
    """Each ``read`` returns the next row, wrapping around; or, with ``time_column`` and ``clock``,
    the last row whose time is at or before ``clock()``.

    ``clock`` returns seconds on the same scale as the time column; it is only consulted when a
    time column is given.
    """

    def __init__(
        self,
        path: str | Path,
        column: str = "price",
        time_column: str | None = None,
        clock: Callable[[], float] | None = None,
        name: str | None = None,
    ) -> None:
        self._path = Path(path)
        if time_column is not None and clock is None:
            raise SourceConfigError(f"{self._path}: time_column {time_column!r} needs a clock")
        try:
            text = self._path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise SourceConfigError(f"cannot read replay file {self._path}: {exc}") from exc
        if _looks_plain(text):
            if time_column is not None:
                raise SourceConfigError(f"{self._path}: a plain one-number-per-line file has no time column {time_column!r}")
            times: list[float] = []
            values = _parse_plain(text, self._path)
        else:
            times, values = _parse_csv(text, self._path, column, time_column)
        if not values:
            raise SourceConfigError(f"{self._path}: no values to replay")
        self._values = values
        self._times = times
        self._clock = clock if time_column is not None else None
        self._cursor = 0
        self._lock = threading.Lock()
        self._name = name if name is not None else f"replay:{self._path.name}"

    @property
    def name(self) -> str:
        return self._name

    def __len__(self) -> int:
        return len(self._values)

    def read(self, timeout: float) -> Decimal:
        """The next (or time-matched) value; the data is in memory, so ``timeout`` is never at risk."""
        if self._clock is None:
            with self._lock:
                value = self._values[self._cursor]
                self._cursor = (self._cursor + 1) % len(self._values)
            return value
        now = self._clock()
        index = bisect.bisect_right(self._times, now) - 1
        if index < 0:
            raise SourceError(f"{self._name}: no row at or before t={now:g} (first row is at t={self._times[0]:g})")
        return self._values[index]


def _looks_plain(text: str) -> bool:
    """A file whose first meaningful line is a number has no header, so it is one number per line."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            try:
                to_decimal(stripped, "")
            except SourceValueError:
                return False
            return True
    return True  # empty: reported as "no values" by the caller


def _parse_plain(text: str, path: Path) -> list[Decimal]:
    values: list[Decimal] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            values.append(_value(stripped, path, number))
    return values


def _parse_csv(text: str, path: Path, column: str, time_column: str | None) -> tuple[list[float], list[Decimal]]:
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    for wanted in (column, time_column):
        if wanted is not None and wanted not in header:
            raise SourceConfigError(f"{path}:1: no column {wanted!r} in header {header}")
    times: list[float] = []
    values: list[Decimal] = []
    try:
        for row in reader:
            line = reader.line_num
            if not any((cell or "").strip() for cell in row.values() if isinstance(cell, str)):
                continue  # blank line
            values.append(_value(row.get(column), path, line))
            if time_column is not None:
                moment = _time(row.get(time_column), path, line)
                if times and moment < times[-1]:
                    raise SourceConfigError(f"{path}:{line}: time {moment:g} goes backwards (previous row {times[-1]:g})")
                times.append(moment)
    except csv.Error as exc:
        raise SourceConfigError(f"{path}:{reader.line_num}: malformed CSV: {exc}") from exc
    return times, values


def _value(cell: object, path: Path, line: int) -> Decimal:
    if cell is None:
        raise SourceConfigError(f"{path}:{line}: missing value")
    try:
        return to_decimal(cell, f"{path}:{line}")
    except SourceValueError as exc:
        raise SourceConfigError(str(exc)) from exc


def _time(cell: str | None, path: Path, line: int) -> float:
    try:
        moment = float((cell or "").strip())
    except ValueError:
        moment = math.nan
    if not math.isfinite(moment):
        raise SourceConfigError(f"{path}:{line}: bad time {cell!r}")
    return moment
