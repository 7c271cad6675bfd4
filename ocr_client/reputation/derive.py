"""Observations from their packed form, with every per-report figure the metrics need, in one SQL pass.

Decoders hand the store one row per report with the observations still packed as hex (observer
bytes, timestamp offsets, values of a given width); DuckDB explodes them here, vectorised, which is
what keeps indexing close to the cost of fetching the logs. What depends only on the report is
computed once here (deviation from the median, robust z against the report's MAD, the 2DEV flag,
the rank of the deviation and of the timestamp); what depends on a window (decay, stalled) is
computed when scoring.

Values: int192 (24 bytes) or OCR2's sign-extended 32-byte words; one that does not fit HUGEINT
(int128) is stored as NULL and left out of every metric.
"""

from __future__ import annotations

from typing import Final

#: A robust standard deviation is 1.4826 MADs (normal data); kept as an integer ratio.
MAD_TO_SD_NUM: Final[int] = 14826
MAD_TO_SD_DEN: Final[int] = 10000
#: A report's robust scale never drops below 1 bp of its answer (a MAD of 0 would call any difference an outlier).
SCALE_FLOOR_DIVISOR: Final[int] = 10000
ROBUST_BAND: Final[int] = 2
PPM: Final[int] = 1_000_000

_VALUE = """CASE
    WHEN ltrim(hi, '0') = '' AND substr(lo, 1, 1) < '8' THEN ('0x' || lo)::HUGEINT
    WHEN ltrim(hi, 'f') = '' AND substr(lo, 1, 1) >= '8' THEN -TRY_CAST((~(('0x' || lo)::UHUGEINT)) + 1 AS HUGEINT)
    END"""

EXPLODE_SQL: Final[str] = f"""
INSERT INTO observations
WITH raw AS (
    SELECT p.feed, p.contract, p.round_id, p.config_digest, p.answer, p.block_number, i AS position,
           ('0x' || substr(p.observers_hex, 1 + 2 * i, 2))::INTEGER AS oracle_index,
           CASE WHEN p.stamps_hex IS NULL THEN NULL
                ELSE p.stamp_base + ('0x' || substr(p.stamps_hex, 1 + 2 * p.stamp_width * i, 2 * p.stamp_width))::BIGINT
           END AS observed_at,
           substr(p.values_hex, 1 + 2 * p.value_width * i, 2 * p.value_width - 32) AS hi,
           substr(p.values_hex, 1 + 2 * p.value_width * i + 2 * p.value_width - 32, 32) AS lo
    FROM staged p, range(p.k) r(i)),
vals AS (
    SELECT r.*, {_VALUE} AS value, co.transmitter AS oracle, b.timestamp AS block_time
    FROM raw r
    LEFT JOIN config_oracles co ON co.contract = r.contract AND co.config_digest = r.config_digest
                               AND co.oracle_index = r.oracle_index
    LEFT JOIN blocks b ON b.number = r.block_number),
devs AS (
    SELECT *, abs(value - answer) AS abs_dev,
           count(value) OVER report AS k,
           greatest(quantile_disc(abs(value - answer), 0.5) OVER report, abs(answer) // {SCALE_FLOOR_DIVISOR}, 1) AS scale
    FROM vals WINDOW report AS (PARTITION BY feed, round_id))
SELECT feed, round_id, position, oracle_index, oracle, value, observed_at, block_number,
       block_time - observed_at AS latency_s,
       abs_dev,
       CASE WHEN answer <> 0 THEN abs_dev::DOUBLE * 10000 / abs(answer)::DOUBLE END AS dev_bps,
       CASE WHEN answer <> 0 THEN (value - answer)::DOUBLE * 10000 / abs(answer)::DOUBLE END AS signed_dev_bps,
       abs_dev::DOUBLE * {MAD_TO_SD_DEN} / (scale::DOUBLE * {MAD_TO_SD_NUM}) AS robust_z,
       (abs_dev * {MAD_TO_SD_DEN} <= {ROBUST_BAND} * {MAD_TO_SD_NUM} * scale)::INTEGER AS within_2dev,
       -- 1 - rank/(k-1) by |deviation|, ties sharing the middle: closest 1, farthest 0
       CASE WHEN value IS NULL THEN NULL WHEN k > 1
            THEN (2 * (k - rank() OVER (PARTITION BY feed, round_id ORDER BY abs_dev))
                  - (count(*) OVER (PARTITION BY feed, round_id, abs_dev) - 1)) * {PPM} // (2 * (k - 1))
            ELSE {PPM} END AS rank_ppm,
       -- rank of its timestamp, 0 = oldest, 1 = freshest, ties sharing the middle
       CASE WHEN observed_at IS NULL THEN NULL WHEN k > 1
            THEN (2 * (rank() OVER (PARTITION BY feed, round_id ORDER BY observed_at) - 1)
                  + count(*) OVER (PARTITION BY feed, round_id, observed_at) - 1) * {PPM} // (2 * (k - 1))
            ELSE {PPM} END AS ts_pct_ppm
FROM devs
"""
