"""The stalled flag of every observation, computed once when it is stored.

An observation is stalled when its value equals the oracle's previous ``STALL_T`` values in the
same feed while the report median moved (the answer differs from the one ``STALL_T`` observations
back); it has no flag (NULL) until the oracle has ``STALL_T`` earlier observations there. It depends
on the oracle's history, not on the window being scored, so it is computed here, over all of a
chunk's rows at once, with the last ``STALL_T`` observations of each (feed, oracle) carried from the
chunks before: scoring then reads a column instead of running a window over every observation.

The history is keyed by feed and oracle address (an oracle keeps its history across configs), in
round order; rows without an oracle (an observer outside the committee) or a value (beyond HUGEINT)
are not part of it. The carried tails are loaded from the store the first time a feed is seen and
dropped when the store rolls back (a reorg or a failed write), so they always match what is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

import numpy as np

#: Stalled: the value repeats its previous T values while the median moved.
STALL_T: Final[int] = 3
#: ``flags`` marks "no flag" with this (stored as NULL).
NO_FLAG: Final[int] = -1

#: (round id, value, answer) of one observation; value and answer are Python ints (None: NULL answer).
Step = tuple[int, int, int | None]
#: feed key -> oracle key -> its last STALL_T steps, oldest first
LoadTails = Callable[[int], dict[int, list[Step]]]


class StallTracker:
    """Flags a chunk's observations and remembers each oracle's last STALL_T."""

    def __init__(self, load_tails: LoadTails) -> None:
        self._load = load_tails
        self._tails: dict[int, dict[int, list[Step]]] = {}

    def reset(self) -> None:
        self._tails.clear()

    def flags(self, feed_keys: np.ndarray[Any, Any], oracle_keys: np.ndarray[Any, Any], round_ids: np.ndarray[Any, Any],
              values: np.ndarray[Any, Any] | Sequence[Any],
              answers: np.ndarray[Any, Any] | Sequence[Any]) -> np.ndarray[Any, Any]:
        """1 (stalled), 0 or NO_FLAG per row. ``oracle_keys`` is NO_FLAG where a row has no oracle,
        ``values`` None where it has no value; values and answers may be int64 arrays or Python ints."""
        count = len(feed_keys)
        out = np.full(count, NO_FLAG, dtype=np.int8)
        if count == 0:
            return out
        value_array = values if isinstance(values, np.ndarray) else np.array(list(values), dtype=object)
        answer_array = answers if isinstance(answers, np.ndarray) else np.array(list(answers), dtype=object)
        valid = oracle_keys >= 0
        if value_array.dtype == object:
            valid &= np.array([v is not None for v in value_array], dtype=bool)
        rows: Any = np.flatnonzero(valid)
        if len(rows) == 0:
            return out
        if len(rows) == count:  # every row takes part (the usual chunk): views, not copies
            rows = slice(None)
        keys_here = feed_keys[rows]
        low, high = int(keys_here.min()), int(keys_here.max())
        feeds_here = [low] if low == high else [int(f) for f in np.unique(keys_here)]  # mostly one feed
        for feed in feeds_here:
            if feed not in self._tails:
                self._tails[feed] = self._load(feed)
        tail_f, tail_o, tail_r, tail_v, tail_a = [], [], [], [], []
        for feed in feeds_here:
            for oracle, steps in self._tails[feed].items():
                for round_id, value, answer in steps:
                    tail_f.append(feed)
                    tail_o.append(oracle)
                    tail_r.append(round_id)
                    tail_v.append(value)
                    tail_a.append(answer)
        exact = value_array.dtype != object and answer_array.dtype != object and _fits_int64(tail_v, tail_a)
        kind: Any = np.int64 if exact else object
        f = np.concatenate([np.array(tail_f, dtype=np.int64), feed_keys[rows].astype(np.int64, copy=False)])
        o = np.concatenate([np.array(tail_o, dtype=np.int64), oracle_keys[rows].astype(np.int64, copy=False)])
        r = np.concatenate([np.array(tail_r, dtype=np.int64), round_ids[rows].astype(np.int64, copy=False)])
        v = np.concatenate([_array(tail_v, kind), value_array[rows].astype(kind, copy=False)])
        a = np.concatenate([_array(tail_a, kind), answer_array[rows].astype(kind, copy=False)])
        source = np.concatenate([np.full(len(tail_f), -1, dtype=np.int64), np.arange(count)[rows]])
        order = _order(f, o, r)
        f, o, r, v, a, source = f[order], o[order], r[order], v[order], a[order], source[order]
        flags = np.full(len(order), NO_FLAG, dtype=np.int8)
        t = STALL_T
        if len(order) > t:
            same = (f[t:] == f[:-t]) & (o[t:] == o[:-t])
            repeats = np.ones(len(order) - t, dtype=bool)
            for back in range(1, t + 1):
                repeats &= _equal(v[t:], v[t - back: len(order) - back])
            moved = _differ(a[t:], a[:-t])
            flags[t:] = np.where(same, (repeats & moved).astype(np.int8), NO_FLAG)
        new = source >= 0
        out[source[new]] = flags[new]
        self._remember(f, o, r, v, a)
        return out

    def _remember(self, f: np.ndarray[Any, Any], o: np.ndarray[Any, Any], r: np.ndarray[Any, Any],
                  v: np.ndarray[Any, Any], a: np.ndarray[Any, Any]) -> None:
        """Keep the last STALL_T steps of every (feed, oracle) in the sorted rows."""
        n = len(f)
        last = np.ones(n, dtype=bool)
        last[:-1] = (f[1:] != f[:-1]) | (o[1:] != o[:-1])
        ends = np.flatnonzero(last)
        starts = np.concatenate([[0], ends[:-1] + 1])
        for start, end in zip(starts, ends, strict=True):
            keep = range(max(int(start), int(end) - STALL_T + 1), int(end) + 1)
            self._tails[int(f[end])][int(o[end])] = [
                (int(r[i]), int(v[i]), None if a[i] is None else int(a[i])) for i in keep]


#: Keys packed into one int64 when they fit: feed and oracle in 20 bits each, the round in 23.
_KEY_BITS: Final[int] = 20
_ROUND_BITS: Final[int] = 23
#: (feed, oracle) pairs that fit a uint16 group number, which numpy sorts stably by radix.
_RADIX_GROUPS: Final[int] = 1 << 16


def _order(f: np.ndarray[Any, Any], o: np.ndarray[Any, Any], r: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Row order by (feed, oracle, round), ties in input order.

    The rows mostly come in round order already (the carried tails, then the chunk's reports), so
    a stable radix sort by (feed, oracle) alone usually gives that order, which is checked; else
    one argsort of packed keys when they fit, else a lexsort."""
    if len(f):
        f_low, o_low = int(f.min()), int(o.min())
        groups_per_feed = int(o.max()) - o_low + 1
        if (int(f.max()) - f_low + 1) * groups_per_feed <= _RADIX_GROUPS:
            group = ((f - f_low) * groups_per_feed + (o - o_low)).astype(np.uint16)
            by_group: np.ndarray[Any, Any] = np.argsort(group, kind="stable")
            g, rounds_in_order = group[by_group], r[by_group]
            if bool(np.all((rounds_in_order[1:] >= rounds_in_order[:-1]) | (g[1:] != g[:-1]))):
                return by_group
    limit, rounds = 1 << _KEY_BITS, 1 << _ROUND_BITS
    if len(f) and f.max() < limit and o.max() < limit and r.min() >= 0 and r.max() < rounds:
        packed = (f << (_KEY_BITS + _ROUND_BITS)) | (o << _ROUND_BITS) | r
        order: np.ndarray[Any, Any] = np.argsort(packed, kind="stable")
    else:
        order = np.lexsort((r, o, f))
    return order


def _fits_int64(*columns: list[Any]) -> bool:
    return all(x is not None and -(2**63) <= x < 2**63 for column in columns for x in column)


def _array(items: list[Any], kind: Any) -> np.ndarray[Any, Any]:
    out = np.empty(len(items), dtype=kind)
    for i, x in enumerate(items):
        out[i] = x
    return out


def _equal(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    return np.asarray(x == y, dtype=bool)


def _differ(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Whether two answers differ; a NULL answer differs from nothing (SQL's ``<>`` is NULL there)."""
    if x.dtype != object:
        return np.asarray(x != y, dtype=bool)
    return np.array([p is not None and q is not None and p != q for p, q in zip(x, y, strict=True)], dtype=bool)
