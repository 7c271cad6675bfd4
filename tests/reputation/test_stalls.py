"""The stalled flag computed when observations are stored is the definition's, however the rows
are split into chunks: a value equal to the oracle's previous three in the feed while the answer
moved is 1, anything else 0, and no flag until the oracle has three earlier observations."""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from ocr_client.reputation.stalls import NO_FLAG, STALL_T, StallTracker, Step

Row = tuple[int, int, int, Any, Any]  # feed, oracle (NO_FLAG: none), round, value, answer


def _definition(rows: list[Row]) -> dict[int, int]:
    """row index -> flag, straight from the definition (history in round order per feed and oracle)."""
    history: dict[tuple[int, int], list[tuple[Any, Any]]] = {}
    flags = {}
    for i in sorted(range(len(rows)), key=lambda i: (rows[i][0], rows[i][1], rows[i][2])):
        feed, oracle, _, value, answer = rows[i]
        if oracle == NO_FLAG or value is None:
            flags[i] = NO_FLAG
            continue
        past = history.setdefault((feed, oracle), [])
        if len(past) < STALL_T:
            flags[i] = NO_FLAG
        else:
            back = past[-STALL_T:]
            moved = answer is not None and back[0][1] is not None and answer != back[0][1]
            flags[i] = int(all(v == value for v, _ in back) and moved)
        past.append((value, answer))
    return flags


def _rows(rng: random.Random, count: int, huge: bool) -> list[Row]:
    rows = []
    for round_id in range(1, count + 1):
        answer = rng.choice([100, 100, 101, 102]) if rng.random() < 0.97 else None
        for feed in (0, 1):
            for oracle in range(5):
                if rng.random() < 0.1:
                    continue  # not in this report
                value: Any = rng.choice([7, 7, 7, 8]) if oracle < 3 else rng.randint(0, 3)
                if huge and rng.random() < 0.05:
                    value = 2**90 + rng.choice([0, 0, 1])
                if rng.random() < 0.02:
                    value = None
                rows.append((feed, NO_FLAG if rng.random() < 0.03 else oracle, round_id, value, answer))
    return rows


def _tracked(rows: list[Row], rng: random.Random, as_int64: bool, shuffle: bool = True) -> dict[int, int]:
    """Feed the rows in chunks of random size (each shuffled unless asked not to: the tracker orders
    them itself)."""
    stored: list[Row] = []

    def load(feed: int) -> dict[int, list[Step]]:  # what the store would answer: its last STALL_T per oracle
        tails: dict[int, list[Step]] = {}
        for f, o, r, v, a in sorted(stored, key=lambda row: row[2]):
            if f == feed and o != NO_FLAG and v is not None:
                tails.setdefault(o, []).append((r, v, a))
        return {o: steps[-STALL_T:] for o, steps in tails.items()}

    out: dict[int, int] = {}
    at = 0
    tracker = StallTracker(load)
    while at < len(rows):
        size = rng.choice([1, 7, 40, 300])
        chunk = list(range(at, min(at + size, len(rows))))
        if shuffle:
            rng.shuffle(chunk)
        if rng.random() < 0.2:
            tracker = StallTracker(load)  # a new run: the tails come from what is stored
        part = [rows[i] for i in chunk]
        values: Any = [r[3] for r in part]
        answers: Any = [r[4] for r in part]
        if as_int64:
            values, answers = np.array(values, dtype=np.int64), np.array(answers, dtype=np.int64)
        flags = tracker.flags(np.array([r[0] for r in part]), np.array([r[1] for r in part]),
                              np.array([r[2] for r in part]), values, answers)
        out.update(zip(chunk, (int(f) for f in flags), strict=True))
        stored.extend(part)
        at += size
    return out


def test_flags_match_the_definition_across_chunks_and_runs() -> None:
    rng = random.Random(3)
    rows = _rows(rng, 400, huge=True)
    expected = _definition(rows)
    assert set(expected.values()) == {NO_FLAG, 0, 1}
    assert _tracked(rows, rng, as_int64=False) == expected


def test_int64_columns_give_the_same_flags() -> None:
    rng = random.Random(4)
    rows = [(f, o, r, 0 if v is None else v, 100 if a is None else a) for f, o, r, v, a in _rows(rng, 300, huge=False)]
    assert _tracked(rows, rng, as_int64=True) == _definition(rows)


def test_rows_in_round_order_as_the_indexer_hands_them_give_the_same_flags() -> None:
    # the order the tracker usually sees, which it sorts by (feed, oracle) alone
    rng = random.Random(5)
    rows = [(f, o, r, 0 if v is None else v, 100 if a is None else a) for f, o, r, v, a in _rows(rng, 300, huge=False)]
    assert _tracked(rows, rng, as_int64=True, shuffle=False) == _definition(rows)
    huge = _rows(rng, 300, huge=True)
    assert _tracked(huge, rng, as_int64=False, shuffle=False) == _definition(huge)


def test_a_reset_reloads_the_history() -> None:
    loads: list[int] = []

    def load(feed: int) -> dict[int, list[Step]]:
        loads.append(feed)
        return {0: [(1, 5, 10), (2, 5, 11), (3, 5, 12)]}

    tracker = StallTracker(load)
    args = (np.array([0]), np.array([0]), np.array([4]), np.array([5]), np.array([13]))
    assert tracker.flags(*args).tolist() == [1]
    tracker.reset()
    assert tracker.flags(*args).tolist() == [1]
    assert loads == [0, 0]
