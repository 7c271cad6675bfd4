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
    BAND_BPS_NUM,
    BPS,
    CENTI,
    MAD_TO_SD_DEN,
    MAD_TO_SD_NUM,
    MAX_BPS,
    PPM,
    ROBUST_BAND,
    SCALE_FLOOR_DIVISOR,
    observation_lines,
)
from ocr_client.reputation.records import Batch, PackedBlock, PackedReport

#: |value| and |answer| below this keep |value - answer| < 2^61 and the 2DEV limit (about 2.97 times
#: the scale) inside int64.
SAFE_MAGNITUDE: Final[int] = 2**60
VALUE_BYTES: Final[int] = 24
OFFSET_BYTES: Final[int] = 2
#: within 2DEV: dev * MAD_TO_SD_DEN <= ROBUST_BAND * MAD_TO_SD_NUM * scale, reduced by their gcd
_G: Final[int] = gcd(MAD_TO_SD_DEN, ROBUST_BAND * MAD_TO_SD_NUM)
BAND_NUM: Final[int] = ROBUST_BAND * MAD_TO_SD_NUM // _G
BAND_DEN: Final[int] = MAD_TO_SD_DEN // _G

#: An 8-byte word of sign extension of a negative value.
_ALL_ONES: Final[np.uint64] = np.uint64(2**64 - 1)

Columns = dict[str, np.ndarray[Any, Any]]


@dataclass(frozen=True)
class ObservationBlock:
    """Observation rows of one feed and committee: the integer columns as numpy arrays (in the
    table's order, without feed and oracle), the oracle column named by ``oracle_index`` into
    ``oracles`` (NULL past its end). No Python object per row, so DuckDB scans it without the GIL."""

    feed: str
    oracles: tuple[str, ...]
    columns: Columns
    #: each row's report answer (not stored with the row: the stalled flag needs it)
    answers: np.ndarray[Any, Any]

    def __len__(self) -> int:
        return len(self.columns["round_id"])


def observation_columns(reports: Sequence[PackedReport],
                        packed_blocks: Sequence[PackedBlock] = ()) -> tuple[list[ObservationBlock], list[str]]:
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
    packed = [_as_block(k, feed, oracles, group) for (k, feed, oracles), group in groups.items()]
    for packed_block in [*packed, *packed_blocks]:
        block, rest = _derive(packed_block)
        if block is not None:
            blocks.append(block)
        for r in rest:
            lines.extend(_reference(r))
    return blocks, lines


def derive_pending(batch: Batch) -> None:
    """Unpack the batch's packed reports into observation rows (blocks, and lines for the rest)."""
    if batch.packed or batch.packed_blocks:
        blocks, lines = observation_columns(batch.packed, batch.packed_blocks)
        batch.observation_blocks.extend(blocks)
        batch.observations.extend(lines)
        batch.packed, batch.packed_blocks = [], []


def _reference(r: PackedReport) -> list[str]:
    packed = bytes.fromhex(r.packed_hex)
    k = r.k
    at = 3 * k
    values = [int.from_bytes(packed[i: i + VALUE_BYTES], "big", signed=True) for i in range(at, at + VALUE_BYTES * k, VALUE_BYTES)]
    stamps = [r.report_time + int.from_bytes(packed[i: i + OFFSET_BYTES], "big") for i in range(k, at, OFFSET_BYTES)]
    return observation_lines(r.feed, r.round_id, r.answer, packed[:k], stamps, values, r.oracles, r.block)


def _as_block(k: int, feed: str, oracles: tuple[str, ...], group: list[PackedReport]) -> PackedBlock:
    raw = np.frombuffer(bytes.fromhex("".join(r.packed_hex for r in group)), dtype=np.uint8).reshape(len(group), 27 * k)
    return PackedBlock(feed, oracles, k, np.array([r.round_id for r in group], dtype=np.int64),
                       np.array([r.answer for r in group], dtype=np.int64),
                       np.array([r.report_time for r in group], dtype=np.int64),
                       np.array([r.block for r in group], dtype=np.int64), raw)


def _derive(packed: PackedBlock) -> tuple[ObservationBlock | None, list[PackedReport]]:
    """The column block of the reports whose numbers fit int64, and the reports that do not."""
    k, raw = packed.k, packed.raw
    n = len(raw)
    words = raw[:, 3 * k:].reshape(n, k, VALUE_BYTES)
    # the top 16 bytes as two 8-byte words per value: comparing words is far cheaper than an all() over bytes
    high = np.ascontiguousarray(words[:, :, : VALUE_BYTES - 8]).view(np.uint64)
    low = np.ascontiguousarray(words[:, :, VALUE_BYTES - 8:]).view(">i8").reshape(n, k).astype(np.int64)
    # an int192 fits int64 when its top 16 bytes only sign-extend the low 8; then |v| < 2^60 keeps every product safe
    zeros = (high[:, :, 0] == 0) & (high[:, :, 1] == 0)
    ones = (high[:, :, 0] == _ALL_ONES) & (high[:, :, 1] == _ALL_ONES)
    fits = np.where(low >= 0, zeros, ones)
    fits &= (low < SAFE_MAGNITUDE) & (low > -SAFE_MAGNITUDE)
    ok = fits.all(axis=1)
    rest = [PackedReport(packed.feed, int(packed.round_ids[i]), int(packed.answers[i]), int(packed.report_times[i]),
                         raw[i].tobytes().hex(), k, packed.oracles, int(packed.blocks[i])) for i in np.flatnonzero(~ok)]
    if not ok.any():
        return None, rest
    round_ids, answers_1d, report_times_1d, block_numbers = packed.round_ids, packed.answers, packed.report_times, packed.blocks
    if not ok.all():
        raw, low = raw[ok], low[ok]
        round_ids, answers_1d, report_times_1d, block_numbers = (round_ids[ok], answers_1d[ok], report_times_1d[ok],
                                                                 block_numbers[ok])
    feed, oracles = packed.feed, packed.oracles
    n = len(raw)
    values = low
    answers = answers_1d[:, None]
    report_times = report_times_1d[:, None]
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
        "round_id": np.repeat(round_ids, k),
        "position": np.tile(np.arange(k, dtype=np.int32), n),
        "oracle_index": raw[:, :k].reshape(-1).astype(np.int32),
        "value": values.reshape(-1),
        "observed_at": stamps.reshape(-1),
        "block_number": np.repeat(block_numbers, k),
        "abs_dev": devs.reshape(-1),
        "scale": np.repeat(scale.reshape(-1), k),
        "within_2dev": within.reshape(-1),
        "rank_ppm": rank_ppm.reshape(-1).astype(np.int64),
        "ts_pct_ppm": ts_pct.reshape(-1).astype(np.int64),
        "clamped_dev": _clamped(values, answers, devs, scale).reshape(-1),
    }
    return ObservationBlock(feed, oracles, columns, np.repeat(answers_1d, k)), rest


def _clamped(values: np.ndarray[Any, Any], answers: np.ndarray[Any, Any], devs: np.ndarray[Any, Any],
             scale: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """derive.clamped_deviation of every cell (answers and scales as columns): the same double
    operations in the same order, so the same integers; NULL (masked) where the answer is 0.

    In place on two matrices: each fresh (reports x k) temporary is a fresh mapping of memory
    whose pages fault in, which cost three times the arithmetic (12 ms of a 10,000-report index)."""
    answer_abs = np.abs(answers).astype(np.float64)
    zero = answer_abs == 0
    if zero.any():
        answer_abs[zero] = 1.0  # masked below: no relative deviation from a zero answer
    band = scale.astype(np.float64) * BAND_BPS_NUM / (MAD_TO_SD_DEN * answer_abs)
    np.minimum(band, MAX_BPS, out=band)
    x = devs.astype(np.float64)
    x *= BPS
    x /= answer_abs
    np.minimum(x, band, out=x)
    x *= CENTI
    whole = np.floor(x)
    x -= whole  # the fraction, exact (x >= 0): rounding half away from zero, as C's round()
    size = whole.astype(np.int64)
    size += x >= 0.5
    np.negative(size, out=size, where=values < answers)
    if zero.any():
        return np.ma.masked_array(size, mask=np.broadcast_to(zero, size.shape))  # type: ignore[no-untyped-call]
    return size


def _counts(matrix: np.ndarray[Any, Any]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Per cell: how many cells of its row are smaller, and how many are smaller or equal (the
    reference's bisect_left and bisect_right), from one sort of each row. Equal cells share both
    counts, so the sort need not be stable (the default one is about three times faster)."""
    n, k = matrix.shape
    order = np.argsort(matrix, axis=1)
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
