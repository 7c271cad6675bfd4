"""Sybil and mirroring signals: pairs of oracles that agree far more than independent sources do.

For every pair observing the same reports of a feed: how often their values are equal, how
correlated their signed deviations from the report median are, and whose timestamp is later when
they agree (the later one is the likely copier). A pair is flagged only against its own feed's
baseline (the median pair), so a feed whose honest oracles all read one coarse source does not
flag everyone, and independent oracles with ordinary noise flag nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median
from typing import Final

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


def suspicious_pairs(store: Store) -> tuple[list[PairEvidence], list[PairEvidence]]:
    """(flagged pairs, every pair) over the materialised scope (``s_obs``), by address."""
    rows = store.query(f"""
        WITH latest AS (SELECT feed, round_id FROM (SELECT DISTINCT feed, round_id FROM s_obs)
                        QUALIFY row_number() OVER (PARTITION BY feed ORDER BY round_id DESC) <= {MAX_REPORTS_PER_FEED}),
        o AS (SELECT s.feed, s.round_id, s.address, s.value, s.signed_dev_bps, s.observed_at
              FROM s_obs s SEMI JOIN latest l ON l.feed = s.feed AND l.round_id = s.round_id)
        SELECT a.feed, a.address, b.address, count(*) AS shared,
               sum((a.value = b.value)::INTEGER) AS equal,
               corr(a.signed_dev_bps, b.signed_dev_bps) AS correlation,
               sum((a.value = b.value AND a.observed_at > b.observed_at)::INTEGER) AS a_later,
               sum((a.value = b.value AND b.observed_at > a.observed_at)::INTEGER) AS b_later
        FROM o a JOIN o b ON a.feed = b.feed AND a.round_id = b.round_id AND a.address < b.address
        GROUP BY a.feed, a.address, b.address ORDER BY a.feed, a.address, b.address""")
    pairs = [PairEvidence(str(f), str(a), str(b), int(n), int(e),
                          None if c is None or c != c else float(c), int(al or 0), int(bl or 0), "")
             for f, a, b, n, e, c, al, bl in rows]
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


def common_funders(store: Store, addresses: list[str]) -> dict[str, list[str]]:
    """funder -> the scored addresses whose first incoming transfer came from it (two or more)."""
    if not addresses:
        return {}
    rows = store.query("SELECT funder, address FROM funders WHERE funder IS NOT NULL AND address IN "
                       "(SELECT unnest(?)) ORDER BY funder, address", [addresses])
    groups: dict[str, list[str]] = {}
    for funder, address in rows:
        groups.setdefault(str(funder), []).append(str(address))
    return {f: a for f, a in groups.items() if len(a) >= 2}
