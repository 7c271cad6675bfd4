"""Observation rows with every per-report figure the metrics need, computed once when stored.

What depends only on the report is computed here, in integers and correctly rounded divisions (so
every machine gets the same bits): the deviation from the report's median (its answer), the robust
z against the report's own MAD (a liar cannot widen the band that judges it), the 2DEV flag, the
rank of the deviation and of the timestamp among the report's observations, and the signed
deviation clamped to the 2DEV band that the bias sums add up (:func:`clamped_deviation`). What
depends on a window (decay, latency's block) is computed when scoring; the stalled flag, which
depends on the oracle's history, when stored (stalls.py), and so are the ratios (deviation in bps,
robust z: metrics.py), which SQL derives from the integers stored here. A value that does not fit
HUGEINT (int128) is stored as NULL with NULL figures and left out of every metric.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Final

#: A robust standard deviation is 1.4826 MADs (normal data); kept as an integer ratio.
MAD_TO_SD_NUM: Final[int] = 14826
MAD_TO_SD_DEN: Final[int] = 10000
#: A report's robust scale never drops below 1 bp of its answer (a MAD of 0 would call any difference an outlier).
SCALE_FLOOR_DIVISOR: Final[int] = 10000
ROBUST_BAND: Final[int] = 2
BPS: Final[int] = 10000
PPM: Final[int] = 1_000_000
HUGEINT_MAX: Final[int] = 2**127 - 1
HUGEINT_MIN: Final[int] = -(2**127)
#: Clamped deviations are integers in units of 1/CENTI bp (bias.py sums them).
CENTI: Final[int] = 100
#: A bound on any one clamped deviation whatever the band (so the sums stay far inside HUGEINT).
MAX_BPS: Final[int] = 1_000_000
#: The 2DEV band in bps is scale * BAND_BPS_NUM / (MAD_TO_SD_DEN * |answer|).
BAND_BPS_NUM: Final[int] = ROBUST_BAND * MAD_TO_SD_NUM * BPS


def clamped_deviation(value: int, answer: int, dev: int, scale: int) -> int | None:
    """An observation's signed deviation from its report's answer, in bps clamped to the report's
    2DEV band (and to MAX_BPS), in 1/CENTI bp: what bias.py sums. None when the answer is 0 (no
    relative deviation from it).

    Defined in IEEE doubles, each integer converted correctly rounded, in this order: |deviation|
    in bps = dev * BPS / |answer|; band = scale * BAND_BPS_NUM / (MAD_TO_SD_DEN * |answer|); the
    smaller of the two (and MAX_BPS), times CENTI, rounded half away from zero; negative when the
    value is below the answer. derive_columns.py computes the same numbers with numpy, and they are
    the numbers DuckDB's doubles gave when scoring computed them (tests/reputation/test_derive_columns.py)."""
    if answer == 0:
        return None
    answer_abs = float(abs(answer))
    dev_bps = float(dev) * BPS / answer_abs
    band = float(scale) * BAND_BPS_NUM / (MAD_TO_SD_DEN * answer_abs)
    x = min(MAX_BPS, band, dev_bps) * CENTI
    whole = math.floor(x)  # x >= 0, and x - floor(x) is exact
    size = int(whole) + (1 if x - whole >= 0.5 else 0)
    return -size if value < answer else size


def observation_lines(feed: str, round_id: int, answer: int, observers: Sequence[int], stamps: Sequence[int] | None,
                      values: Sequence[int], oracles: Sequence[str], block: int) -> list[str]:
    """One CSV line per observation: the observations view's columns, then the report's answer
    (schema.OBSERVATION_LINE_COLUMNS without the stalled flag, which the store appends).

    Lines, not tuples: formatting them here is half the cost of the csv module on 13 fields, and
    every field is an integer, an address or empty (NULL), so nothing needs quoting."""
    k = len(values)
    devs = [abs(v - answer) for v in values]
    ordered = sorted(devs)
    mad = ordered[(k - 1) // 2]  # the lower median of the absolute deviations
    scale = max(mad, abs(answer) // SCALE_FLOOR_DIVISOR, 1)
    band = ROBUST_BAND * MAD_TO_SD_NUM * scale
    span = 2 * (k - 1)
    times = sorted(stamps) if stamps is not None else None
    width = len(oracles)
    answer_text = str(answer) if HUGEINT_MIN <= answer <= HUGEINT_MAX else ""
    rows: list[str] = []
    for pos in range(k):
        value, dev, who = values[pos], devs[pos], observers[pos]
        closer = bisect_left(ordered, dev)
        ties = bisect_right(ordered, dev) - closer
        rank_ppm = (2 * (k - 1 - closer) - (ties - 1)) * PPM // span if k > 1 else PPM
        ts_text = ts_pct = ""
        if times is not None and stamps is not None:
            ts = stamps[pos]
            older = bisect_left(times, ts)
            ts_text = str(ts)
            ts_pct = str((2 * older + bisect_right(times, ts) - older - 1) * PPM // span if k > 1 else PPM)
        oracle = oracles[who] if who < width else ""
        if not HUGEINT_MIN <= value <= HUGEINT_MAX:
            rows.append(f"{feed},{round_id},{pos},{who},{oracle},,{ts_text},{block},,,,,,,{answer_text}")
            continue
        within = 1 if dev * MAD_TO_SD_DEN <= band else 0
        clamped = clamped_deviation(value, answer, dev, scale) if answer_text else None
        rows.append(f"{feed},{round_id},{pos},{who},{oracle},{value},{ts_text},{block},{dev},{scale},{within},"
                    f"{rank_ppm},{ts_pct},{'' if clamped is None else clamped},{answer_text}")
    return rows
