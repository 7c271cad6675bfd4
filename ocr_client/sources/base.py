"""What a node asks of a data source, and the one rule for turning raw answers into numbers.

A source is anything with a ``name`` and a ``read(timeout)`` that returns a finite
:class:`~decimal.Decimal` or raises :class:`~ocr_client.errors.SourceError`. Keeping the contract
that small lets the observer treat an exchange API, a replayed file and a synthetic walk alike,
and confine every failure to the source that caused it.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Final, Protocol

from ocr_client.errors import SourceValueError

# Plain decimal notation only: Decimal() itself would also take "NaN", "Infinity" and "1_000".
_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

MAX_MAGNITUDE_EXPONENT: Final[int] = 60
"""Values of 10**60 or more are refused: no price is that large, and scaling them wastes time."""


class DataSource(Protocol):
    """One independent place a node reads its observation from."""

    @property
    def name(self) -> str:
        """Stable, unique label used in logs and in the observer's answered/failed lists."""
        ...

    def read(self, timeout: float) -> Decimal:
        """The current value, finite; raises ``SourceError`` on any failure within ``timeout`` seconds."""
        ...


def to_decimal(raw: object, what: str) -> Decimal:
    """``raw`` as a finite Decimal, or :class:`SourceValueError` naming ``what`` (the source or file:line).

    Accepts ints, floats, Decimals and strings in plain decimal notation. Refuses bools (JSON
    ``true`` is not 1 for a price), ``None``, NaN and infinities, and absurd magnitudes.
    """
    value: Decimal
    if isinstance(raw, bool) or raw is None:
        raise SourceValueError(f"{what}: expected a number, got {_short(raw)}")
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise SourceValueError(f"{what}: value is not finite ({raw!r})")
        value = Decimal(repr(raw))  # shortest round-tripping digits, not the binary expansion
    elif isinstance(raw, str):
        text = raw.strip()
        if not _NUMBER.fullmatch(text):
            raise SourceValueError(f"{what}: not a number: {_short(raw)}")
        try:
            value = Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the regex already guarantees syntax
            raise SourceValueError(f"{what}: not a number: {_short(raw)}") from exc
    else:
        raise SourceValueError(f"{what}: expected a number, got {type(raw).__name__} {_short(raw)}")
    if not value.is_finite():
        raise SourceValueError(f"{what}: value is not finite ({value})")
    if not value.is_zero() and value.adjusted() >= MAX_MAGNITUDE_EXPONENT:
        raise SourceValueError(f"{what}: value out of range ({_short(str(value))})")
    return value


def _short(raw: object, limit: int = 60) -> str:
    """A one-line, bounded rendering of untrusted input for error messages."""
    text = repr(raw).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."
