"""Sybil and mirroring signals: pairs of oracles that agree far more than independent sources do.

For every pair observing the same reports of a feed: how often their values are equal, how
correlated their signed deviations from the report median are, and whose timestamp is later when
they agree (the later one is the likely copier). A pair is flagged only against its own feed's
baseline (the median pair), so a feed whose honest oracles all read one coarse source does not
flag everyone, and independent oracles with ordinary noise flag nobody.

The pair figures are counted on (reports x oracles) matrices rather than by a self-join of the
observations (k^2 rows per report): SQL selects the rows, numpy counts. Equal values are compared
as exact integers (their deviation from the report's answer), and the correlation is Pearson's
over the reports both observed.

The analysis reads only stored tables (the scope's reports by the same definition as the
metrics', :func:`.metrics.scope_reports`), never the scope's temporary ones, so :class:`PairScan`
runs it on a connection of its own beside the scoring, which waits on DuckDB most of its time.
"""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from statistics import median
from types import TracebackType
from typing import Any, Final

import duckdb
import numpy as np

from ocr_client.reputation.metrics import ANSWER_ABS_SQL, SIGNED_DEV_BPS_SQL, Scope, scope_reports
from ocr_client.reputation.store import Store

#: Fewer shared reports than this say nothing either way.
MIN_SHARED_REPORTS: Final[int] = 8
EQUAL_SHARE_MIN: Final[float] = 0.5
EQUAL_SHARE_ABOVE_BASELINE: Final[float] = 0.3
CORRELATION_MIN: Final[float] = 0.9
CORRELATION_ABOVE_BASELINE: Final[float] = 0.4
#: Analysed per feed over at most this many recent reports (the pair join is k^2 per report).
MAX_REPORTS_PER_FEED: Final[int] = 2_000


@dataclass(frozen=True)
class PairEvidence:
    feed: str
    a: str
    b: str
    shared_reports: int
    equal_values: int
    correlation: float | None
    a_later: int
    b_later: int
    reason: str

    @property
    def equal_share(self) -> float:
        return self.equal_values / self.shared_reports if self.shared_reports else 0.0

    @property
    def copier(self) -> str | None:
        """The oracle whose timestamp is later more often (None if neither is)."""
        if self.a_later == self.b_later:
            return None
        return self.a if self.a_later > self.b_later else self.b

    def to_json(self) -> dict[str, object]:
        return {"feed": self.feed, "oracles": [self.a, self.b], "shared_reports": self.shared_reports,
                "equal_values": self.equal_values, "equal_share": round(self.equal_share, 6),
                "correlation": None if self.correlation is None else round(self.correlation, 6),
                "later_timestamps": {self.a: self.a_later, self.b: self.b_later}, "likely_copier": self.copier,
                "reason": self.reason}


Pairs = tuple[list[PairEvidence], list[PairEvidence]]


class PairScan:
    """:func:`suspicious_pairs` of a scope (and then :func:`shared_funders`) on its own cursor and
    thread, started at once; ``result()`` and ``funders()`` wait for them. Leaving the ``with``
    block waits too, so the cursor never outlives the store."""

    def __init__(self, store: Store, scope: Scope) -> None:
        self._cursor = store.con.cursor()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sybil")
        self._future = self._pool.submit(suspicious_pairs, self._cursor, scope)
        # the funders too: another read of stored rows only, off the scoring's thread
        self._funders = self._pool.submit(shared_funders, self._cursor)

    def result(self) -> Pairs:
        return self._future.result()

    def funders(self) -> dict[str, list[str]]:
        """:func:`shared_funders`, read on the scan's cursor after the pairs."""
        return self._funders.result()

    def __enter__(self) -> PairScan:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._pool.shutdown(wait=True)
        self._cursor.close()


def suspicious_pairs(con: duckdb.DuckDBPyConnection, scope: Scope) -> Pairs:
    """(flagged pairs, every pair) over the scope's stored observations, by address."""
    pairs = _all_pairs(con, scope)
    flagged: list[PairEvidence] = []
    for feed in sorted({p.feed for p in pairs}):
        mine = [p for p in pairs if p.feed == feed and p.shared_reports >= MIN_SHARED_REPORTS]
        if not mine:
            continue
        base_equal = median(p.equal_share for p in mine)
        corrs = [p.correlation for p in mine if p.correlation is not None]
        base_corr = median(corrs) if corrs else 0.0
        for p in mine:
            reasons = []
            if p.equal_share >= EQUAL_SHARE_MIN and p.equal_share >= base_equal + EQUAL_SHARE_ABOVE_BASELINE:
                reasons.append(f"identical values in {p.equal_values} of {p.shared_reports} shared reports "
                               f"(feed's typical pair: {base_equal:.0%})")
            if (p.correlation is not None and p.correlation >= CORRELATION_MIN
                    and p.correlation >= base_corr + CORRELATION_ABOVE_BASELINE):
                reasons.append(f"deviations correlated at {p.correlation:.2f} (feed's typical pair: {base_corr:.2f})")
            if reasons:
                flagged.append(PairEvidence(p.feed, p.a, p.b, p.shared_reports, p.equal_values, p.correlation,
                                            p.a_later, p.b_later, "; ".join(reasons)))
    return flagged, pairs


def _all_pairs(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[PairEvidence]:
    """Every pair of oracles that observed a common report among each feed's latest
    MAX_REPORTS_PER_FEED in the scope, ordered by feed, then address."""
    reports, params = scope_reports(scope)
    select = f"""
        WITH r AS (SELECT k.feed_key, r.round_id, r.answer, {ANSWER_ABS_SQL} AS answer_abs FROM {reports}
                   QUALIFY row_number() OVER (PARTITION BY r.feed ORDER BY r.round_id DESC) <= {MAX_REPORTS_PER_FEED})
        SELECT o.feed_key, o.round_id, o.oracle_key, {{value}} AS value, {SIGNED_DEV_BPS_SQL} AS signed_dev_bps,
               o.observed_at
        FROM observation_rows o JOIN r ON r.feed_key = o.feed_key AND r.round_id = o.round_id
        WHERE o.value IS NOT NULL AND o.oracle_key IS NOT NULL"""
    columns = con.execute(select.format(value="TRY_CAST(o.value - r.answer AS BIGINT)"), params).fetchnumpy()
    if _nulls(columns["value"]).any():  # a deviation beyond int64: compare the text
        columns = con.execute(select.format(value="o.value::VARCHAR"), params).fetchnumpy()
    columns = _in_report_order(columns)
    values = np.asarray(columns["value"])
    feeds = np.asarray(columns["feed_key"])
    feed_names: dict[int, str] = {}
    oracle_names: dict[int, str] = {}
    for is_feed, key, name in con.execute("SELECT TRUE, feed_key, feed FROM feed_keys UNION ALL "
                                          "SELECT FALSE, oracle_key, oracle FROM oracle_keys").fetchall():
        (feed_names if is_feed else oracle_names)[int(key)] = str(name)
    pairs: list[PairEvidence] = []
    bounds: list[int] = np.flatnonzero(np.concatenate([[True], feeds[1:] != feeds[:-1], [True]])).tolist() if len(feeds) else []
    for start, end in itertools.pairwise(bounds):
        part = slice(start, end)
        pairs.extend(_feed_pairs(feed_names[int(feeds[start])], np.asarray(columns["round_id"][part]),
                                 np.asarray(columns["oracle_key"][part]), oracle_names, values[part],
                                 _filled(columns["signed_dev_bps"][part].astype(float), np.nan),
                                 columns["observed_at"][part]))
    return sorted(pairs, key=lambda p: (p.feed, p.a, p.b))


def _in_report_order(columns: dict[str, Any]) -> dict[str, Any]:
    """The rows by feed, then report (their order within a report does not matter). The scan
    usually hands them over in that order already, which costs less to check than a sort in SQL."""
    order = np.lexsort((np.asarray(columns["round_id"]), np.asarray(columns["feed_key"])))
    if np.array_equal(order, np.arange(len(order))):
        return columns
    return {name: column[order] for name, column in columns.items()}


def _feed_pairs(feed: str, rounds: np.ndarray[Any, Any], oracles: np.ndarray[Any, Any], names: dict[int, str],
                values: np.ndarray[Any, Any], deviations: np.ndarray[Any, Any], stamps: Any) -> list[PairEvidence]:
    """The pair figures of one feed's rows (one per oracle per report); ``stamps`` may be masked
    (a format without observation timestamps: nobody is later)."""
    row = np.concatenate([[0], np.cumsum(rounds[1:] != rounds[:-1])])  # the rows come in round order
    keys = np.flatnonzero(np.bincount(oracles))
    seen = [names[int(k)] for k in keys]
    addresses = sorted(seen)  # columns in address order: pairs are (lower, higher)
    column_of = np.zeros(int(keys.max()) + 1, dtype=np.int64)
    column_of[keys] = np.argsort(np.argsort(seen))
    col = column_of[oracles]
    shape = (int(row.max()) + 1, len(keys))
    present = np.zeros(shape, dtype=bool)
    present[row, col] = True
    value = np.zeros(shape, dtype=values.dtype)
    value[row, col] = values
    dev = np.full(shape, np.nan)
    dev[row, col] = deviations
    stamp = np.zeros(shape, dtype=np.int64)
    stamp[row, col] = _filled(stamps, 0)
    timed = np.zeros(shape, dtype=bool)
    timed[row, col] = ~_nulls(stamps)
    known = present & ~np.isnan(dev)
    correlation = _correlations(np.where(known, dev, 0.0), known.astype(np.float64))
    # one oracle (a row of the transposed matrices) against every later one at a time
    value_t, present_t, timed_t, stamp_t = (np.ascontiguousarray(m.T) for m in (value, present, timed, stamp))
    out: list[PairEvidence] = []
    for a in range(len(addresses) - 1):
        both = present_t[a + 1:] & present_t[a]
        agree = (value_t[a + 1:] == value_t[a]) & both
        counts = np.count_nonzero(agree, axis=1)
        shared, equal = np.count_nonzero(both, axis=1).tolist(), counts.tolist()
        # how often each one's stamp is the later when they agree, both timed: at once for the later
        # oracles that ever agree with this one (usually few, so the others cost nothing)
        a_later, b_later = [0] * len(equal), [0] * len(equal)
        agreeing = np.flatnonzero(counts)
        if len(agreeing):
            others = a + 1 + agreeing
            timed_agree = agree[agreeing] & timed_t[others] & timed_t[a]
            for j, x, y in zip(agreeing.tolist(),
                               np.count_nonzero(timed_agree & (stamp_t[a] > stamp_t[others]), axis=1).tolist(),
                               np.count_nonzero(timed_agree & (stamp_t[others] > stamp_t[a]), axis=1).tolist(), strict=True):
                a_later[j], b_later[j] = x, y
        for j, b in enumerate(range(a + 1, len(addresses))):
            if shared[j]:
                out.append(PairEvidence(feed, addresses[a], addresses[b], shared[j], equal[j], correlation[a][b],
                                        a_later[j], b_later[j], ""))
    return out


def _products(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """[a, b]: the sum over rows of x[:, a] * y[:, b]. By einsum's own loops, not a BLAS product:
    OpenBLAS threads spin on both cores and would starve the scoring this runs beside."""
    return np.asarray(np.einsum("ra,rb->ab", x, y))


def _nulls(column: Any) -> np.ndarray[Any, Any]:
    """Where a fetched column is NULL (DuckDB hands a column with NULLs over as a masked array)."""
    return np.asarray(np.ma.getmaskarray(column))  # type: ignore[no-untyped-call]


def _filled(column: Any, fill: float) -> np.ndarray[Any, Any]:
    return np.asarray(np.ma.filled(column, fill))  # type: ignore[no-untyped-call]


def _correlations(x: np.ndarray[Any, Any], known: np.ndarray[Any, Any]) -> list[list[float | None]]:
    """Pearson's r of every pair of columns of x over the rows where both are known (None where it
    is undefined: fewer than two such rows, or no spread). x is 0 where it is not known.

    Each column is first shifted by its own mean (r does not change), so the sums below do not
    cancel: a liar's deviations sit far from 0 with a small spread."""
    counts = known.sum(axis=0)
    x = np.where(known > 0, x - x.sum(axis=0) / np.maximum(counts, 1), 0.0)
    n = _products(known, known)
    sx = _products(x, known)  # [a, b]: the sum of a's values where b is known too
    sxx = _products(x * x, known)
    sxy = _products(x, x)
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = sxy - sx * sx.T / n
        var = sxx - sx * sx / n
        spread = var * var.T
        r = cov / np.sqrt(spread)
    ok = (n >= 2) & (spread > 0)
    return [[float(r[a, b]) if ok[a, b] else None for b in range(len(n))] for a in range(len(n))]


def shared_funders(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """funder -> every stored address whose first incoming transfer came from it, for the funders of
    two or more (in address order): what :func:`common_funders` narrows to the scored oracles."""
    rows = con.execute("SELECT funder, address FROM funders WHERE funder IN (SELECT funder FROM funders "
                       "WHERE funder IS NOT NULL GROUP BY funder HAVING count(*) >= 2) ORDER BY funder, address").fetchall()
    groups: dict[str, list[str]] = {}
    for funder, address in rows:
        groups.setdefault(str(funder), []).append(str(address))
    return groups


def common_funders(funded: dict[str, list[str]], addresses: list[str]) -> dict[str, list[str]]:
    """funder -> the scored addresses whose first incoming transfer came from it (two or more)."""
    scored = set(addresses)
    mine = {f: [a for a in group if a in scored] for f, group in funded.items()}
    return {f: group for f, group in mine.items() if len(group) >= 2}
