"""The packed multi-feed report layout; contracts/multifeed/MultiReportLayout.sol mirrors it.

One report carries k feeds (1 <= k <= 32) observed by the same m oracles at once, so what the
feeds share is listed once: m rows of (observer index, timestamp). Each feed then has its answer,
its m values sorted ascending, and for each sorted value the row it came from. Calldata of
``transmit()`` is ``selector || report || signature (128) || transmitter index (1)``, no padding:

===============  ==========  ====================================================
offset           bytes       field
===============  ==========  ====================================================
0                32          config digest
32               4           epoch (uint32)
36               1           round (uint8)
37               1           k, the number of feeds
38               1           m, the number of observations (rows)
39               m           observer index of each row (uint8)
39+m             4m          timestamp of each row (uint32)
39+5m            k * B       per feed, B = 24 + 25m bytes:
  +0             24            answer (int192, two's complement)
  +24            m             row of the j-th smallest value (uint8): a permutation
  +24+m          24m           values (int192), ascending
===============  ==========  ====================================================

Why rows: sorting each feed's values separately breaks the alignment with a single observer
list, and reputation needs to know who observed what; one byte per observation restores it, and
``startedAt`` (the timestamp of the feed's median observation) is the timestamp of the median
value's row. What is signed is the same binding as a single feed's:
``keccak256(chain id (32) || hub address (20) || report)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from ocr_client.errors import ReportError
from ocr_client.report.layout import (
    SIGNATURE_LENGTH,
    TRANSMIT_SELECTOR,
    TRANSMITTER_INDEX_LENGTH,
    UINT32_MAX,
    Observation,
    decode_int192,
    encode_int192,
    signing_digest,
    split_transmit_calldata,
)
from ocr_client.report.layout import encode_transmit_calldata as encode_single_transmit_calldata
from ocr_client.report.median import median_index

HEADER_LENGTH: Final[int] = 39
BYTES_PER_ROW: Final[int] = 5
TIMESTAMP_LENGTH: Final[int] = 4
VALUE_LENGTH: Final[int] = 24
BYTES_PER_FEED_OBSERVATION: Final[int] = 25
MAX_FEEDS: Final[int] = 32
MAX_OBSERVATIONS: Final[int] = 255

__all__ = [
    "BYTES_PER_FEED_OBSERVATION",
    "HEADER_LENGTH",
    "MAX_FEEDS",
    "FeedSection",
    "MultiReport",
    "build_multi_report",
    "calldata_length",
    "decode_feed_observations",
    "decode_multi_report",
    "encode_multi_report",
    "encode_transmit_calldata",
    "feed_block_length",
    "report_length",
    "signing_digest",
    "split_transmit_calldata",
]


@dataclass(frozen=True)
class FeedSection:
    """One feed's part of a report: ``values`` ascending, ``rows[j]`` the row of ``values[j]``."""

    answer: int
    rows: tuple[int, ...]
    values: tuple[int, ...]


@dataclass(frozen=True)
class MultiReport:
    """A multi-feed report as the hub reads it: the shared rows, then one section per feed."""

    config_digest: bytes
    epoch: int
    round: int
    observers: tuple[int, ...]
    timestamps: tuple[int, ...]
    feeds: tuple[FeedSection, ...]

    @property
    def k(self) -> int:
        """Number of feeds."""
        return len(self.feeds)

    @property
    def m(self) -> int:
        """Number of observations (rows) of every feed."""
        return len(self.observers)

    def observations(self, feed: int) -> tuple[Observation, ...]:
        """Feed ``feed``'s observations in report (ascending value) order, joined with their rows."""
        section = self.feeds[feed]
        return tuple(
            Observation(observer=self.observers[r], timestamp=self.timestamps[r], value=v)
            for r, v in zip(section.rows, section.values, strict=True)
        )

    def started_at(self, feed: int) -> int:
        """What the hub records as the feed's ``startedAt``: the median value's row timestamp."""
        return self.timestamps[self.feeds[feed].rows[median_index(self.m)]]


def feed_block_length(m: int) -> int:
    """Bytes of one feed block: answer, m rows, m values."""
    return VALUE_LENGTH + BYTES_PER_FEED_OBSERVATION * m


def report_length(k: int, m: int) -> int:
    """Bytes of a report with k feeds and m observations."""
    return HEADER_LENGTH + BYTES_PER_ROW * m + k * feed_block_length(m)


def calldata_length(k: int, m: int) -> int:
    """Bytes of the transmit() calldata for k feeds and m observations."""
    return len(TRANSMIT_SELECTOR) + report_length(k, m) + SIGNATURE_LENGTH + TRANSMITTER_INDEX_LENGTH


def _byte(value: int, what: str) -> bytes:
    if not 0 <= value <= 255:
        raise ReportError(f"{what} {value} does not fit in one byte")
    return bytes([value])


def encode_multi_report(report: MultiReport) -> bytes:
    """The packed report bytes (what the committee signs, inside the signing digest).

    Checks only what the layout needs (field widths and consistent lengths); whether the report is
    acceptable (sorted, right median, rows a permutation) is the hub's business, and tests encode
    broken reports on purpose.
    """
    if len(report.config_digest) != 32:
        raise ReportError(f"config digest must be 32 bytes, got {len(report.config_digest)}")
    if not 0 <= report.epoch <= UINT32_MAX:
        raise ReportError(f"epoch {report.epoch} does not fit in uint32")
    m = report.m
    if len(report.timestamps) != m:
        raise ReportError(f"{m} observers but {len(report.timestamps)} timestamps")
    if not 0 <= report.k <= 255 or m > MAX_OBSERVATIONS:
        raise ReportError(f"{report.k} feeds and {m} observations; at most 255 of each fit the header")
    parts = [
        report.config_digest,
        report.epoch.to_bytes(4, "big"),
        _byte(report.round, "round"),
        bytes([report.k, m]),
    ]
    parts.extend(_byte(o, "observer index") for o in report.observers)
    for t in report.timestamps:
        if not 0 <= t <= UINT32_MAX:
            raise ReportError(f"timestamp {t} does not fit in uint32")
        parts.append(t.to_bytes(TIMESTAMP_LENGTH, "big"))
    for i, section in enumerate(report.feeds):
        if len(section.rows) != m or len(section.values) != m:
            raise ReportError(f"feed {i} has {len(section.rows)} rows and {len(section.values)} values for {m} observations")
        parts.append(encode_int192(section.answer, f"feed {i} answer"))
        parts.extend(_byte(r, f"feed {i} row") for r in section.rows)
        parts.extend(encode_int192(v, f"feed {i} value") for v in section.values)
    return b"".join(parts)


def decode_multi_report(data: bytes) -> MultiReport:
    """Parse packed report bytes; the length must be exactly what k and m imply."""
    if len(data) < HEADER_LENGTH:
        raise ReportError(f"report is {len(data)} bytes; the header alone is {HEADER_LENGTH}")
    k, m = data[37], data[38]
    expected = report_length(k, m)
    if len(data) != expected:
        raise ReportError(f"report with {k} feeds and {m} observations must be {expected} bytes, got {len(data)}")
    ts_at = HEADER_LENGTH + m
    timestamps = tuple(int.from_bytes(data[ts_at + 4 * i : ts_at + 4 * i + 4], "big") for i in range(m))
    feeds = []
    at = HEADER_LENGTH + BYTES_PER_ROW * m
    for _ in range(k):
        values_at = at + VALUE_LENGTH + m
        feeds.append(FeedSection(
            answer=decode_int192(data[at : at + VALUE_LENGTH]),
            rows=tuple(data[at + VALUE_LENGTH : values_at]),
            values=tuple(decode_int192(data[values_at + 24 * j : values_at + 24 * j + 24]) for j in range(m)),
        ))
        at += feed_block_length(m)
    return MultiReport(
        config_digest=data[0:32],
        epoch=int.from_bytes(data[32:36], "big"),
        round=data[36],
        observers=tuple(data[HEADER_LENGTH:ts_at]),
        timestamps=timestamps,
        feeds=tuple(feeds),
    )


def encode_transmit_calldata(report: MultiReport | bytes, signature: bytes, transmitter_index: int) -> bytes:
    """``transmit()`` calldata: selector, packed report, 128-byte signature, transmitter index (the
    single-feed framing, around a multi-feed report)."""
    raw = report if isinstance(report, bytes) else encode_multi_report(report)
    return encode_single_transmit_calldata(raw, signature, transmitter_index)


def build_multi_report(
    config_digest: bytes,
    epoch: int,
    round_: int,
    observers: Sequence[int],
    timestamps: Sequence[int],
    values_per_feed: Sequence[Sequence[int]],
) -> MultiReport:
    """A valid report from per-feed values given in row order (``values_per_feed[i][r]`` is what the
    oracle of row r saw for feed i): each feed sorted ascending (ties by observer, as a single feed's
    report sorts them), its rows recorded, its answer the median."""
    m = len(observers)
    if m == 0:
        raise ReportError("a report needs at least one observation")
    if len(timestamps) != m:
        raise ReportError(f"{m} observers but {len(timestamps)} timestamps")
    if not 1 <= len(values_per_feed) <= MAX_FEEDS:
        raise ReportError(f"a report carries 1 to {MAX_FEEDS} feeds, got {len(values_per_feed)}")
    feeds = []
    for i, values in enumerate(values_per_feed):
        if len(values) != m:
            raise ReportError(f"feed {i} has {len(values)} values for {m} observers")
        order = sorted(range(m), key=lambda r: (values[r], observers[r]))
        ordered = tuple(values[r] for r in order)
        feeds.append(FeedSection(answer=ordered[median_index(m)], rows=tuple(order), values=ordered))
    return MultiReport(config_digest, epoch, round_, tuple(observers), tuple(timestamps), tuple(feeds))


def decode_feed_observations(observers: bytes, timestamps: bytes, observations: bytes) -> tuple[Observation, ...]:
    """A feed's observations from its FeedTransmission ``observations`` (m row bytes, then m int192)
    and the report's ReportTransmitted ``observers`` and ``observationTimestamps``."""
    m = len(observers)
    if len(timestamps) != TIMESTAMP_LENGTH * m or len(observations) != BYTES_PER_FEED_OBSERVATION * m:
        raise ReportError("FeedTransmission and ReportTransmitted disagree on the number of observations")
    result = []
    for j in range(m):
        row = observations[j]
        if row >= m:
            raise ReportError(f"row {row} at position {j} is not below {m}")
        value_at = m + VALUE_LENGTH * j
        result.append(Observation(
            observer=observers[row],
            timestamp=int.from_bytes(timestamps[TIMESTAMP_LENGTH * row : TIMESTAMP_LENGTH * row + TIMESTAMP_LENGTH], "big"),
            value=decode_int192(observations[value_at : value_at + VALUE_LENGTH]),
        ))
    return tuple(result)
