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
#: rows x k x k comparisons per block when ranking (bounds the temporary arrays)
RANK_CELLS: Final[int] = 4_000_000

Columns = dict[str, np.ndarray[Any, Any]]


def observation_columns(reports: Sequence[PackedReport]) -> tuple[list[Columns], list[str]]:
    """(column blocks in the observations table's column order, CSV lines of the reports the
    reference derived); rows keep the order of ``reports`` within each block."""
    blocks: list[Columns] = []
    lines: list[str] = []
    by_k: dict[int, list[PackedReport]] = {}
    for r in reports:
        if r.k == 0:  # nothing observed, nothing to store (the contracts require a quorum anyway)
            continue
        if abs(r.answer) >= SAFE_MAGNITUDE or not 0 <= r.round_id < 2**63:
            lines.extend(_reference(r))
        else:
            by_k.setdefault(r.k, []).append(r)
    for k, group in by_k.items():
        block, rest = _derive(k, group)
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


def _derive(k: int, group: list[PackedReport]) -> tuple[Columns | None, list[PackedReport]]:
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
    observers = raw[:, :k]
    oracle = np.empty((n, k), dtype=object)
    for oracles, rows in _by_committee(group).items():
        table = np.array([*oracles, *([None] * (256 - len(oracles)))], dtype=object)
        oracle[rows] = table[observers[rows]]
    block: Columns = {
        "feed": np.repeat(np.array([r.feed for r in group], dtype=object), k),
        "round_id": np.repeat(np.array([r.round_id for r in group], dtype=np.int64), k),
        "position": np.tile(np.arange(k, dtype=np.int32), n),
        "oracle_index": observers.reshape(-1).astype(np.int32),
        "oracle": oracle.reshape(-1),
        "value": values.reshape(-1),
        "observed_at": stamps.reshape(-1),
        "block_number": np.repeat(np.array([r.block for r in group], dtype=np.int64), k),
        "abs_dev": devs.reshape(-1),
        "scale": np.repeat(scale.reshape(-1), k),
        "within_2dev": within.reshape(-1),
        "rank_ppm": rank_ppm.reshape(-1).astype(np.int64),
        "ts_pct_ppm": ts_pct.reshape(-1).astype(np.int64),
    }
    return block, rest


def _counts(matrix: np.ndarray[Any, Any]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Per cell: how many cells of its row are smaller, and how many are smaller or equal."""
    n, k = matrix.shape
    less = np.empty((n, k), dtype=np.int64)
    less_equal = np.empty((n, k), dtype=np.int64)
    step = max(1, RANK_CELLS // (k * k))
    for start in range(0, n, step):
        part = matrix[start: start + step]
        mine, others = part[:, :, None], part[:, None, :]
        less[start: start + step] = (others < mine).sum(axis=2)
        less_equal[start: start + step] = (others <= mine).sum(axis=2)
    return less, less_equal


def _by_committee(group: list[PackedReport]) -> dict[tuple[str, ...], np.ndarray[Any, Any]]:
    rows: dict[tuple[str, ...], list[int]] = {}
    for i, r in enumerate(group):
        rows.setdefault(r.oracles, []).append(i)
    return {oracles: np.array(idx, dtype=np.int64) for oracles, idx in rows.items()}
