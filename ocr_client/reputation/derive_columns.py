"""The observation rows of a whole chunk at once, as numpy columns DuckDB scans without a text step.

The same figures as :func:`ocr_client.reputation.derive.observation_lines` (the plain-Python
reference, still used for what this path does not take), computed over a (reports x k) matrix of
every report with k observations: the packed observation bytes of the chunk are joined into one
buffer and viewed in place (observer bytes, big-endian uint16 time offsets, int192 values), and
every division is an integer floor division on int64, so the numbers are the reference's bit for
bit (tests/reputation/test_derive_columns.py compares both on random reports).

A report takes the reference path when int64 arithmetic could overflow: a value or answer of
2^60 or more in magnitude, or a round id beyond int64.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import gcd
from typing import Any, Final

import numpy as np

from ocr_client.reputation.derive import (
    MAD_TO_SD_DEN,
    MAD_TO_SD_NUM,
    PPM,
    ROBUST_BAND,
    SCALE_FLOOR_DIVISOR,
    observation_lines,
)
from ocr_client.reputation.records import Batch, PackedReport

#: |value| and |answer| below this keep |value - answer| < 2^61 and the 2DEV limit (about 2.97 times
#: the scale) inside int64.
SAFE_MAGNITUDE: Final[int] = 2**60
VALUE_BYTES: Final[int] = 24
OFFSET_BYTES: Final[int] = 2
#: within 2DEV: dev * MAD_TO_SD_DEN <= ROBUST_BAND * MAD_TO_SD_NUM * scale, reduced by their gcd
_G: Final[int] = gcd(MAD_TO_SD_DEN, ROBUST_BAND * MAD_TO_SD_NUM)
BAND_NUM: Final[int] = ROBUST_BAND * MAD_TO_SD_NUM // _G
BAND_DEN: Final[int] = MAD_TO_SD_DEN // _G

Columns = dict[str, np.ndarray[Any, Any]]


@dataclass(frozen=True)
class ObservationBlock:
    """Observation rows of one feed and committee: the integer columns as numpy arrays (in the
    table's order, without feed and oracle), the oracle column named by ``oracle_index`` into
    ``oracles`` (NULL past its end). No Python object per row, so DuckDB scans it without the GIL."""

    feed: str
    oracles: tuple[str, ...]
    columns: Columns

    def __len__(self) -> int:
        return len(self.columns["round_id"])


def observation_columns(reports: Sequence[PackedReport]) -> tuple[list[ObservationBlock], list[str]]:
    """(column blocks in the observations table's column order, CSV lines of the reports the
    reference derived); rows keep the order of ``reports`` within each block."""
    blocks: list[ObservationBlock] = []
    lines: list[str] = []
    groups: dict[tuple[int, str, tuple[str, ...]], list[PackedReport]] = {}
    for r in reports:
        if r.k == 0:  # nothing observed, nothing to store (the contracts require a quorum anyway)
            continue
        if abs(r.answer) >= SAFE_MAGNITUDE or not 0 <= r.round_id < 2**63:
            lines.extend(_reference(r))
        else:
            groups.setdefault((r.k, r.feed, r.oracles), []).append(r)
    for (k, feed, oracles), group in groups.items():
        block, rest = _derive(k, feed, oracles, group)
        if block is not None:
            blocks.append(block)
        for r in rest:
            lines.extend(_reference(r))
    return blocks, lines


def derive_pending(batch: Batch) -> None:
    """Unpack the batch's packed reports into observation rows (blocks, and lines for the rest)."""
    if batch.packed:
        blocks, lines = observation_columns(batch.packed)
        batch.observation_blocks.extend(blocks)
        batch.observations.extend(lines)
        batch.packed = []


def _reference(r: PackedReport) -> list[str]:
    packed = bytes.fromhex(r.packed_hex)
    k = r.k
    at = 3 * k
    values = [int.from_bytes(packed[i: i + VALUE_BYTES], "big", signed=True) for i in range(at, at + VALUE_BYTES * k, VALUE_BYTES)]
    stamps = [r.report_time + int.from_bytes(packed[i: i + OFFSET_BYTES], "big") for i in range(k, at, OFFSET_BYTES)]
    return observation_lines(r.feed, r.round_id, r.answer, packed[:k], stamps, values, r.oracles, r.block)


def _derive(k: int, feed: str, oracles: tuple[str, ...],
            group: list[PackedReport]) -> tuple[ObservationBlock | None, list[PackedReport]]:
    """The column block of the reports whose numbers fit int64, and the reports that do not."""
    raw = np.frombuffer(bytes.fromhex("".join(r.packed_hex for r in group)), dtype=np.uint8).reshape(len(group), 27 * k)
    words = raw[:, 3 * k:].reshape(len(group), k, VALUE_BYTES)
    high = words[:, :, : VALUE_BYTES - 8]
    low = np.ascontiguousarray(words[:, :, VALUE_BYTES - 8:]).view(">i8").reshape(len(group), k).astype(np.int64)
    # an int192 fits int64 when its top 16 bytes only sign-extend the low 8; then |v| < 2^60 keeps every product safe
    fits = np.where(low >= 0, (high == 0).all(axis=2), (high == 0xFF).all(axis=2))
    fits &= (low < SAFE_MAGNITUDE) & (low > -SAFE_MAGNITUDE)
    ok = fits.all(axis=1)
    rest = [r for r, good in zip(group, ok, strict=True) if not good]
    if not ok.any():
        return None, rest
    if not ok.all():
        group = [r for r, good in zip(group, ok, strict=True) if good]
        raw, low = raw[ok], low[ok]
    n = len(group)
    values = low
    answers = np.array([r.answer for r in group], dtype=np.int64)[:, None]
    report_times = np.array([r.report_time for r in group], dtype=np.int64)[:, None]
    stamps = report_times + np.ascontiguousarray(raw[:, k: 3 * k]).view(">u2").reshape(n, k).astype(np.int64)
    devs = np.abs(values - answers)
    mad = np.sort(devs, axis=1)[:, (k - 1) // 2: (k - 1) // 2 + 1]  # the lower median, as a column
    scale = np.maximum(np.maximum(mad, np.abs(answers) // SCALE_FLOOR_DIVISOR), 1)
    # dev * BAND_DEN <= BAND_NUM * scale, without the products: BAND_DEN divides scale's multiple exactly
    limit = BAND_NUM * (scale // BAND_DEN) + (BAND_NUM * (scale % BAND_DEN)) // BAND_DEN
    within = (devs <= limit).astype(np.int32)
    if k > 1:
        span = 2 * (k - 1)
        closer, close_or_tied = _counts(devs)
        rank_ppm = (2 * k - 1 - closer - close_or_tied) * PPM // span
        older, older_or_same = _counts(stamps)
        ts_pct = (older + older_or_same - 1) * PPM // span
    else:
        rank_ppm = np.full((n, k), PPM, dtype=np.int64)
        ts_pct = np.full((n, k), PPM, dtype=np.int64)
    columns: Columns = {
        "round_id": np.repeat(np.array([r.round_id for r in group], dtype=np.int64), k),
        "position": np.tile(np.arange(k, dtype=np.int32), n),
        "oracle_index": raw[:, :k].reshape(-1).astype(np.int32),
        "value": values.reshape(-1),
        "observed_at": stamps.reshape(-1),
        "block_number": np.repeat(np.array([r.block for r in group], dtype=np.int64), k),
        "abs_dev": devs.reshape(-1),
        "scale": np.repeat(scale.reshape(-1), k),
        "within_2dev": within.reshape(-1),
        "rank_ppm": rank_ppm.reshape(-1).astype(np.int64),
        "ts_pct_ppm": ts_pct.reshape(-1).astype(np.int64),
    }
    return ObservationBlock(feed, oracles, columns), rest


def _counts(matrix: np.ndarray[Any, Any]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Per cell: how many cells of its row are smaller, and how many are smaller or equal (the
    reference's bisect_left and bisect_right), from one sort of each row."""
    n, k = matrix.shape
    order = np.argsort(matrix, axis=1, kind="stable")
    ranked = np.take_along_axis(matrix, order, axis=1)
    at = np.broadcast_to(np.arange(k, dtype=np.int64), (n, k))
    starts = np.ones((n, k), dtype=bool)
    starts[:, 1:] = ranked[:, 1:] != ranked[:, :-1]
    ends = np.ones((n, k), dtype=bool)
    ends[:, :-1] = starts[:, 1:]
    first = np.maximum.accumulate(np.where(starts, at, 0), axis=1)  # where each run of equal values starts
    past = np.minimum.accumulate(np.where(ends, at, k)[:, ::-1], axis=1)[:, ::-1] + 1  # and where it ends
    less = np.empty((n, k), dtype=np.int64)
    less_equal = np.empty((n, k), dtype=np.int64)
    np.put_along_axis(less, order, first, axis=1)
    np.put_along_axis(less_equal, order, past, axis=1)
    return less, less_equal
