"""A node's observation: the median of whichever of its sources answered in time.

Fault isolation starts here, one level below the protocol. The report median tolerates up to
``f`` lying or silent *nodes*; the observer makes each node itself tolerate a minority of bad
*sources*, so a single flaky exchange API does not turn an honest node into a faulty one.

A node whose sources all fail still takes part in the protocol: it has no observation to
contribute this round (``value is None``), but it still checks and signs the reports that the
others' observations produce. Dropping out entirely would remove a signer and, with enough
such nodes, stall the feed for a problem that only affects that node's inputs.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable
from concurrent.futures import Future, wait
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, localcontext

from ocr_client.errors import SourceConfigError, SourceError
from ocr_client.report.layout import INT192_MAX, INT192_MIN
from ocr_client.report.median import median_index
from ocr_client.sources.base import DataSource, to_decimal

MAX_DECIMALS = 30


@dataclass(frozen=True)
class SourceReadings:
    """One observation round: the median (scaled to an integer) and who did or did not answer."""

    value: int | None
    """Median of the answering sources times ``10**decimals``, rounded half-even; ``None`` if none answered."""
    answered: tuple[str, ...] = ()
    """Names of the sources that produced a usable value, in configuration order."""
    failed: dict[str, str] = field(default_factory=dict)
    """Source name -> one-line reason it produced nothing this round."""


class MedianObserver:
    """Read all ``sources`` concurrently, wait at most ``timeout`` seconds, take the median.

    Each source runs in its own daemon thread, so a slow source delays nobody past the deadline
    and a source that ignores its timeout cannot keep the process alive at exit. Any exception,
    late answer or unusable value fails only that source. The median uses the report rule
    (``sorted[len // 2]``, see :func:`ocr_client.report.median.median_index`), so with ``k``
    answering sources up to ``(k - 1) // 2`` of them may be arbitrarily wrong.
    """

    def __init__(self, sources: Iterable[DataSource], timeout: float = 2.0, decimals: int = 8) -> None:
        self._sources = tuple(sources)
        if not self._sources:
            raise SourceConfigError("an observer needs at least one source")
        names = [source.name for source in self._sources]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise SourceConfigError(f"source names must be unique; repeated: {duplicates}")
        if not (math.isfinite(timeout) and timeout > 0):
            raise SourceConfigError(f"timeout must be positive, got {timeout}")
        if not 0 <= decimals <= MAX_DECIMALS:
            raise SourceConfigError(f"decimals must be in [0, {MAX_DECIMALS}], got {decimals}")
        self.timeout = timeout
        self.decimals = decimals

    @property
    def sources(self) -> tuple[DataSource, ...]:
        return self._sources

    def observe(self) -> SourceReadings:
        """Read every source once; never takes (much) longer than ``timeout``."""
        deadline = time.monotonic() + self.timeout
        futures = [self._start(source) for source in self._sources]
        wait(futures, timeout=max(0.0, deadline - time.monotonic()))
        scaled: list[int] = []
        answered: list[str] = []
        failed: dict[str, str] = {}
        for source, future in zip(self._sources, futures, strict=True):
            if not future.done():
                failed[source.name] = f"no answer within {self.timeout:g}s"
                continue
            try:
                scaled.append(self.scale(future.result(), source.name))
            except SourceError as exc:
                failed[source.name] = _one_line(exc)
            except Exception as exc:  # a buggy source: still only its own loss
                failed[source.name] = f"{type(exc).__name__}: {_one_line(exc)}"
            else:
                answered.append(source.name)
        value = median(scaled) if scaled else None
        return SourceReadings(value=value, answered=tuple(answered), failed=failed)

    def scale(self, raw: object, name: str) -> int:
        """``raw * 10**decimals`` rounded half-even, checked to fit the report's int192."""
        value = to_decimal(raw, name)
        with localcontext() as ctx:
            ctx.prec = 200  # exact for every magnitude to_decimal lets through
            scaled = int(value.scaleb(self.decimals).to_integral_value(rounding=ROUND_HALF_EVEN))
        if not INT192_MIN <= scaled <= INT192_MAX:
            raise SourceError(f"{name}: value {value} does not fit an int192 at {self.decimals} decimals")
        return scaled

    def _start(self, source: DataSource) -> Future[object]:
        future: Future[object] = Future()
        future.set_running_or_notify_cancel()

        def run() -> None:
            try:
                result: object = source.read(self.timeout)
            except BaseException as exc:
                future.set_exception(exc)
            else:
                future.set_result(result)

        threading.Thread(target=run, name=f"source-{source.name}", daemon=True).start()
        return future


def median(values: list[int]) -> int:
    """The report median: ``sorted(values)[len // 2]``; raises on an empty list."""
    if not values:
        raise ValueError("median of no values")
    return sorted(values)[median_index(len(values))]


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."
