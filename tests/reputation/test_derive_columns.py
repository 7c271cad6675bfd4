"""The columnar derivation (numpy, a whole chunk at once) gives every observation row exactly the
integers of the plain-Python reference (derive.observation_lines), on random reports built to hit
ties, single observations, negative values, observers outside the committee and values too large
for int64 (which must take the reference path and still come out the same)."""

from __future__ import annotations

import random
from typing import Any

import duckdb

from ocr_client.reputation.derive import observation_lines
from ocr_client.reputation.derive_columns import ObservationBlock, observation_columns
from ocr_client.reputation.records import PackedReport
from ocr_client.reputation.schema import TABLE_COLUMNS

Row = tuple[Any, ...]
COMMITTEE = tuple(f"0x{i:040x}" for i in range(1, 32))


def _int192(value: int) -> bytes:
    return (value % (1 << 192)).to_bytes(24, "big")


def _values(rng: random.Random, k: int, answer: int) -> list[int]:
    kind = rng.choice(["noise", "ties", "outliers", "huge", "hugeint-overflow", "negative"])
    if kind == "noise":
        return [answer + rng.randint(-30_000, 30_000) for _ in range(k)]
    if kind == "ties":
        return [answer + rng.choice([-2, -1, 0, 0, 1, 5]) for _ in range(k)]
    if kind == "outliers":
        return [answer * rng.choice([1, 1, 1, 2, -1]) + rng.randint(-5, 5) for _ in range(k)]
    if kind == "huge":  # both sides of the 2^60 bound (beyond it: the reference path)
        return [rng.choice([1, -1]) * rng.choice([rng.randint(2**58, 2**60 - 1), rng.randint(2**60, 2**100)]) for _ in range(k)]
    if kind == "hugeint-overflow":  # beyond int128: stored as NULL
        return [rng.randint(2**126, 2**190) * rng.choice([1, -1]) for _ in range(k)]
    return [-answer + rng.randint(-10, 10) for _ in range(k)]


def _report(rng: random.Random, round_id: int) -> tuple[PackedReport, list[int], list[int], bytes]:
    k = rng.choice([1, 2, 3, 4, 7, 10, 31, 31, 31, 40])
    answer = rng.choice([3000_00000000, 1, 0, -5_000_000, 10**17, 2**61 - 1])
    values = _values(rng, k, answer)
    if rng.random() < 0.5:  # the median of the values, as the contract sets it
        answer = sorted(values)[(k - 1) // 2]
    report_time = rng.randint(1_700_000_000, 1_800_000_000)
    offsets = [rng.choice([0, 0, 1, 7, 65535, rng.randint(0, 65535)]) for _ in range(k)]
    observers = bytes(rng.choice([rng.randrange(31), rng.randrange(31), rng.randrange(256)]) for _ in range(k))
    packed = observers + b"".join(o.to_bytes(2, "big") for o in offsets) + b"".join(_int192(v) for v in values)
    oracles = COMMITTEE[: rng.choice([31, 31, 20])]
    report = PackedReport(f"0x{rng.randrange(3):040x}", round_id, answer, report_time, packed.hex(), k, oracles,
                          rng.randint(1, 10**7))
    return report, values, [report_time + o for o in offsets], observers


def _parse(line: str) -> Row:
    fields = line.split(",")
    return (fields[0], *(int(f) if f else None for f in fields[1:4]), fields[4] or None,
            *(int(f) if f else None for f in fields[5:14]))


def _rows(blocks: list[ObservationBlock], lines: list[str]) -> list[Row]:
    rows = [_parse(line) for line in lines]
    for block in blocks:
        c = {name: array.tolist() for name, array in block.columns.items()}
        c["feed"] = [block.feed] * len(block)
        c["oracle"] = [block.oracles[i] if i < len(block.oracles) else None for i in c["oracle_index"]]
        rows.extend(zip(*(c[name] for name, _ in TABLE_COLUMNS["observations"]), strict=True))
    return sorted(rows, key=lambda r: (r[1], r[2]))


def test_numpy_rows_are_the_reference_rows_on_random_reports() -> None:
    rng = random.Random(20261203)
    reports, expected = [], []
    for round_id in range(1, 1501):
        report, values, stamps, observers = _report(rng, round_id)
        reports.append(report)
        expected.extend(_parse(line) for line in observation_lines(
            report.feed, round_id, report.answer, observers, stamps, values, report.oracles, report.block))
    blocks, lines = observation_columns(reports)
    assert blocks and lines  # both paths ran: the columns for most reports, the reference for the huge ones
    assert _rows(blocks, lines) == sorted(expected, key=lambda r: (r[1], r[2]))


def test_typical_reports_take_the_columnar_path() -> None:
    rng = random.Random(7)
    reports = []
    for round_id in range(1, 101):
        answer = 3000_00000000 + round_id
        values = [answer + rng.randint(-30_000, 30_000) for _ in range(31)]
        packed = bytes(range(31)) + bytes(62) + b"".join(_int192(v) for v in values)
        reports.append(PackedReport("0x" + "ab" * 20, round_id, answer, 1_750_000_000, packed.hex(), 31, COMMITTEE, 5))
    blocks, lines = observation_columns(reports)
    assert lines == [] and sum(len(b) for b in blocks) == 3100


#: The clamp as scoring's SQL computed it per row before it was stored (schema 3): DuckDB's doubles.
SQL_CLAMP = """
    WITH r AS (SELECT i, value, answer, abs_dev, scale, CASE WHEN answer <> 0 THEN abs(answer)::DOUBLE END AS answer_abs
               FROM rows),
         d AS (SELECT *, abs_dev::DOUBLE * 10000 / answer_abs AS dev_bps FROM r),
         s AS (SELECT *, round(least(least(1000000, scale::DOUBLE * 296520000 / (10000 * answer_abs)), dev_bps) * 100)
                         ::BIGINT AS size FROM d)
    SELECT CASE WHEN dev_bps IS NULL THEN NULL WHEN value < answer THEN -size ELSE size END FROM s ORDER BY i"""


def test_the_stored_clamp_is_the_number_duckdbs_doubles_give() -> None:
    """derive.clamped_deviation (and its numpy twin) against the SQL the score used to run per row,
    on the random reports: huge values through the reference path, a zero answer NULL."""
    rng = random.Random(20261207)
    reports = [_report(rng, round_id)[0] for round_id in range(1, 801)]
    blocks, lines = observation_columns(reports)
    answers = {(r.feed, r.round_id): r.answer for r in reports}
    rows = [r for r in _rows(blocks, lines) if r[5] is not None and -(2**127) <= answers[(r[0], r[1])] < 2**127]
    assert any(abs(r[5]) >= 2**64 for r in rows) and any(answers[(r[0], r[1])] == 0 for r in rows)
    con = duckdb.connect()
    columns = [[str(r[5]) for r in rows], [str(answers[(r[0], r[1])]) for r in rows], [str(r[8]) for r in rows],
               [str(r[9]) for r in rows]]
    con.execute("CREATE TABLE rows AS SELECT unnest(range(?)) AS i, unnest(?::HUGEINT[]) AS value, "
                "unnest(?::HUGEINT[]) AS answer, unnest(?::HUGEINT[]) AS abs_dev, unnest(?::HUGEINT[]) AS scale",
                [len(rows), *columns])
    expected = [e for (e,) in con.execute(SQL_CLAMP).fetchall()]
    assert [r[13] for r in rows] == expected
