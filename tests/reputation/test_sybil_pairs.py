"""The pair figures counted on numpy matrices are the definition's, pair by pair: reports both
observed, equal values among them, Pearson's r of their signed deviations over the reports where
both have one, and how often each one's timestamp is the later when they agree. Only the latest
MAX_REPORTS_PER_FEED reports of each feed in the scope count, read from the stored tables (the
analysis runs beside the scoring, on its own connection, so it cannot read the scope's temporary ones)."""

from __future__ import annotations

import random
import statistics
from pathlib import Path
from typing import Any

import pytest

from ocr_client.reputation import sybil
from ocr_client.reputation.metrics import Scope
from ocr_client.reputation.store import Store

ORACLES = tuple(f"0x{i:040x}" for i in (9, 3, 7, 1, 5))  # keys in a different order than the addresses
FEEDS = ((0, "feed-a"), (1, "feed-b"), (2, "feed-c"))
#: (feed key, round, oracle key, value, observed_at); reports: (feed key, round, answer)
Rows = list[tuple[Any, ...]]


def _store(path: Path, rows: Rows, reports: Rows) -> Store:
    """A real store holding just what the analysis reads; every report in its own block."""
    store = Store.open(path, write=True, chain_id=1)
    con = store.con
    con.execute("INSERT INTO contracts (contract, format, first_block, next_block) VALUES ('0xfeed', 'ocr-feed', 1, 1)")
    con.executemany("INSERT INTO feed_keys VALUES (?, ?)", list(FEEDS))
    con.executemany("INSERT INTO oracle_keys VALUES (?, ?)", list(enumerate(ORACLES)))
    names = dict(FEEDS)
    for block, (feed_key, round_id, answer) in enumerate(reports, start=1):
        con.execute("INSERT INTO blocks VALUES (?, ?, ?)", [block, f"0x{block:064x}", 1_750_000_000 + block])
        con.execute("INSERT INTO reports (feed, contract, round_id, answer, block_number, log_index) "
                    "VALUES (?, '0xfeed', ?, ?, ?, 0)", [names[feed_key], round_id, answer, block])
    con.executemany("INSERT INTO observation_rows (feed_key, round_id, oracle_key, value, observed_at) "
                    "VALUES (?, ?, ?, ?, ?)", rows)
    return store


def _data(rng: random.Random, huge: bool) -> tuple[Rows, Rows]:
    rows, reports = [], []
    for feed_key, _ in FEEDS:
        for round_id in range(1, 41):
            answer = 0 if rng.random() < 0.05 else 10**6 + round_id  # a zero answer: no relative deviation
            reports.append((feed_key, round_id, answer))
            base = rng.randint(-20, 20)
            for key in range(len(ORACLES)):
                if rng.random() < 0.15:
                    continue
                value = answer + (base if key in (0, 1) else rng.randint(-20, 20))  # 0 and 1 copy each other
                if huge and key == 4 and rng.random() < 0.3:  # a deviation beyond int64
                    value = answer + rng.choice([2**70, 2**70, -(2**80)])
                stamp = None if feed_key == 1 else 1_750_000_000 + round_id + (key == 1) * rng.randint(0, 2)
                rows.append((feed_key, round_id, key, value, stamp))
    return rows, reports


def _definition(rows: Rows, reports: Rows, latest: int, in_scope: set[tuple[int, int]]) -> list[tuple[Any, ...]]:
    """The figures by their definition, over the latest ``latest`` reports of each feed in ``in_scope``."""
    answers = {(f, r): a for f, r, a in reports}
    out = []
    for feed_key, feed in FEEDS:
        scoped = sorted(r for f, r in in_scope if f == feed_key)
        if not scoped:
            continue
        kept = set(scoped[-latest:])
        mine = {(r[1], ORACLES[r[2]]): r for r in rows if r[0] == feed_key and r[1] in kept}

        def signed(row: tuple[Any, ...]) -> float | None:
            answer = answers[(row[0], row[1])]
            return (row[3] - answer) * 10000 / abs(answer) if answer else None

        for a in sorted(ORACLES):
            for b in sorted(ORACLES):
                if a >= b:
                    continue
                both = [(mine[(r, a)], mine[(r, b)]) for r, o in mine if o == a and (r, b) in mine]
                if not both:
                    continue
                equal = [(x, y) for x, y in both if x[3] == y[3]]
                devs = [(sx, sy) for x, y in both if (sx := signed(x)) is not None and (sy := signed(y)) is not None]
                try:
                    r_value: float | None = statistics.correlation([d[0] for d in devs], [d[1] for d in devs])
                except statistics.StatisticsError:
                    r_value = None
                timed = [(x[4], y[4]) for x, y in equal if x[4] is not None and y[4] is not None]
                out.append((feed, a, b, len(both), len(equal), r_value,
                            sum(1 for s, t in timed if s > t), sum(1 for s, t in timed if t > s)))
    return out


#: A scope of two of the three stored feeds, whole or from a block time that cuts feed-a in half.
SCOPES = {"whole": Scope(("feed-a", "feed-b")), "since": Scope(("feed-a", "feed-b"), start=1_750_000_000 + 21)}


@pytest.mark.parametrize("stored", ["in-report-order", "shuffled"])
@pytest.mark.parametrize("window", sorted(SCOPES))
@pytest.mark.parametrize("huge", [False, True], ids=["int64", "beyond-int64"])
def test_pair_figures_are_the_definitions(huge: bool, window: str, stored: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever order the rows are stored (and so scanned) in."""
    monkeypatch.setattr(sybil, "MAX_REPORTS_PER_FEED", 30)
    rows, reports = _data(random.Random(8), huge)
    scope = SCOPES[window]
    if stored == "shuffled":
        random.Random(3).shuffle(rows)
    store = _store(tmp_path / "pairs.duckdb", rows, reports)
    try:
        with sybil.PairScan(store, scope) as scan:  # on its own cursor and thread, as scoring runs it
            flagged, pairs = scan.result()
    finally:
        store.close()
    got = [(p.feed, p.a, p.b, p.shared_reports, p.equal_values, p.correlation, p.a_later, p.b_later) for p in pairs]
    # reports are stored one per block, in order: feed-a's rounds are blocks 1-40
    in_scope = {(f, r) for block, (f, r, _) in enumerate(reports, start=1)
                if f in (0, 1) and (scope.start is None or 1_750_000_000 + block >= scope.start)}
    expected = _definition(rows, reports, 30, in_scope)
    assert [g[:5] + g[6:] for g in got] == [e[:5] + e[6:] for e in expected]
    for g, e in zip(got, expected, strict=True):
        assert (g[5] is None) == (e[5] is None)
        if e[5] is not None:
            assert g[5] == pytest.approx(e[5], abs=1e-9)
    assert {g[0] for g in got} == {"feed-a", "feed-b"}  # feed-c is stored but not in the scope
    copied = [g for g in got if {g[1], g[2]} == {ORACLES[0], ORACLES[1]}]
    assert all(g[4] >= 15 for g in copied)  # the copy pair shares its values
    assert any(g[6] + g[7] > 0 for g in copied) and all(g[6] + g[7] == 0 for g in got if g[0] == "feed-b")
    assert {(p.a, p.b) for p in flagged} == {tuple(sorted(ORACLES[:2]))}


def test_a_failing_scan_raises_in_the_caller(tmp_path: Path) -> None:
    """An error on the scan's thread reaches whoever asks for the result, and the cursor is closed."""
    store = _store(tmp_path / "pairs.duckdb", *_data(random.Random(1), False))
    try:
        store.con.execute("DROP TABLE observation_rows")
        with pytest.raises(Exception, match="observation_rows"), sybil.PairScan(store, SCOPES["whole"]) as scan:
            scan.result()
    finally:
        store.close()
