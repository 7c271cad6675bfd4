"""The pair figures counted on numpy matrices are the definition's, pair by pair: reports both
observed, equal values among them, Pearson's r of their signed deviations over the reports where
both have one, and how often each one's timestamp is the later when they agree. Only the latest
MAX_REPORTS_PER_FEED reports of a feed count."""

from __future__ import annotations

import random
import statistics
from types import SimpleNamespace
from typing import Any, cast

import duckdb
import pytest

from ocr_client.reputation import sybil
from ocr_client.reputation.store import Store

ORACLES = tuple(f"0x{i:040x}" for i in (9, 3, 7, 1, 5))  # keys in a different order than the addresses


def _store(rows: list[tuple[Any, ...]], reports: list[tuple[str, int, int]]) -> Store:
    con = duckdb.connect()
    con.execute("CREATE TABLE feed_keys AS SELECT * FROM (VALUES (0, 'feed-a'), (1, 'feed-b')) t(feed_key, feed)")
    con.execute("CREATE TABLE oracle_keys (oracle_key INTEGER, oracle VARCHAR)")
    con.executemany("INSERT INTO oracle_keys VALUES (?, ?)", list(enumerate(ORACLES)))
    con.execute("CREATE TABLE s_reports (feed VARCHAR, feed_key INTEGER, round_id BIGINT)")
    con.executemany("INSERT INTO s_reports VALUES (?, ?, ?)", reports)
    con.execute("CREATE TABLE s_obs (feed_key INTEGER, round_id BIGINT, oracle_key INTEGER, value HUGEINT, "
                "answer HUGEINT, signed_dev_bps DOUBLE, observed_at BIGINT)")
    con.executemany("INSERT INTO s_obs VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return cast(Store, SimpleNamespace(con=con))


def _data(rng: random.Random, huge: bool) -> tuple[list[tuple[Any, ...]], list[tuple[str, int, int]]]:
    rows, reports = [], []
    for feed_key, feed in ((0, "feed-a"), (1, "feed-b")):
        for round_id in range(1, 41):
            reports.append((feed, feed_key, round_id))
            answer = 10**6 + round_id
            base = rng.randint(-20, 20)
            for key in range(len(ORACLES)):
                if rng.random() < 0.15:
                    continue
                value = answer + (base if key in (0, 1) else rng.randint(-20, 20))  # 0 and 1 copy each other
                if huge and key == 4 and rng.random() < 0.3:  # a deviation beyond int64
                    value = answer + rng.choice([2**70, 2**70, -(2**80)])
                signed = None if rng.random() < 0.05 else (value - answer) * 10000 / answer
                stamp = None if feed_key == 1 else 1_750_000_000 + round_id + (key == 1) * rng.randint(0, 2)
                rows.append((feed_key, round_id, key, value, answer, signed, stamp))
    return rows, reports


def _definition(rows: list[tuple[Any, ...]], latest: int) -> list[tuple[Any, ...]]:
    out = []
    for feed_key, feed in ((0, "feed-a"), (1, "feed-b")):
        cut = max(r[1] for r in rows if r[0] == feed_key) - latest
        mine = {(r[1], ORACLES[r[2]]): r for r in rows if r[0] == feed_key and r[1] > cut}
        for a in sorted(ORACLES):
            for b in sorted(ORACLES):
                if a >= b:
                    continue
                both = [(mine[(r, a)], mine[(r, b)]) for r, o in mine if o == a and (r, b) in mine]
                if not both:
                    continue
                equal = [(x, y) for x, y in both if x[3] == y[3]]
                devs = [(x[5], y[5]) for x, y in both if x[5] is not None and y[5] is not None]
                try:
                    r_value: float | None = statistics.correlation([d[0] for d in devs], [d[1] for d in devs])
                except statistics.StatisticsError:
                    r_value = None
                timed = [(x[6], y[6]) for x, y in equal if x[6] is not None and y[6] is not None]
                out.append((feed, a, b, len(both), len(equal), r_value,
                            sum(1 for s, t in timed if s > t), sum(1 for s, t in timed if t > s)))
    return out


@pytest.mark.parametrize("huge", [False, True], ids=["int64", "beyond-int64"])
def test_pair_figures_are_the_definitions(huge: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sybil, "MAX_REPORTS_PER_FEED", 30)
    rows, reports = _data(random.Random(8), huge)
    got = [(p.feed, p.a, p.b, p.shared_reports, p.equal_values, p.correlation, p.a_later, p.b_later)
           for p in sybil._all_pairs(_store(rows, reports))]
    expected = _definition(rows, 30)
    assert [g[:5] + g[6:] for g in got] == [e[:5] + e[6:] for e in expected]
    for g, e in zip(got, expected, strict=True):
        assert (g[5] is None) == (e[5] is None)
        if e[5] is not None:
            assert g[5] == pytest.approx(e[5], abs=1e-9)
    copied = [g for g in got if {g[1], g[2]} == {ORACLES[0], ORACLES[1]}]
    assert all(g[4] >= 20 for g in copied)  # the copy pair shares its values
    assert any(g[6] + g[7] > 0 for g in copied) and all(g[6] + g[7] == 0 for g in got if g[0] == "feed-b")
