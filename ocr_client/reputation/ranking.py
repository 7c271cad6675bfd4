"""Scores and ranks: every metric rank-normalised, weighted, in integer parts per million.

:func:`score` is the engine's one entry point for programs (the CLI, the HTML report, a Merkle
publisher): same store and options in, same :class:`ScoreResult` out, bit for bit, because every
step after SQL is integer arithmetic on values SQL computes deterministically.

- normalisation: an oracle's score on a metric is the share of the other oracles it beats (ties
  count half), in ppm; the weighted sum is then multiplied by the work gates (:mod:`.gates`), so
  missed work costs more than its weight; a metric nobody in scope can have (signing on OCR2) is dropped and the
  remaining weights renormalised; an oracle without a value where others have one counts as worst;
- lifetime score over the window (time-decayed with a half-life if asked) and recent score over
  the last R reports per feed; the final score is the lower of the two, so a recent failure is
  never hidden by a long good history;
- rank 1 is best; ties are broken by the lower median effective gas price, then by address.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Final

from eth_utils import to_checksum_address

from ocr_client.reputation import flags as flag_rules
from ocr_client.reputation import gates
from ocr_client.reputation.errors import NoDataError, ReputationError
from ocr_client.reputation.metrics import (
    BY_NAME,
    LIFETIME,
    METRIC_NAMES,
    METRICS,
    RECENT,
    Computed,
    MetricValue,
    Scope,
    ScopeFeed,
    available,
    build_scope,
    compute,
    newest_reports,
)
from ocr_client.reputation.schema import SCHEMA_VERSION
from ocr_client.reputation.store import Store
from ocr_client.reputation.sybil import PairEvidence, PairScan, common_funders, shared_funders
from ocr_client.reputation.weights import DEFAULT_WEIGHTS, integer_weights
from ocr_client.reputation.window import DEFAULT_RECENT_REPORTS, PPM, Since

TIE_BREAKER: Final[str] = "effective_gas_price_gwei"


@dataclass(frozen=True)
class ScoreOptions:
    feeds: tuple[str, ...] = ()
    weights: dict[str, Decimal] | None = None
    since: Since | None = None
    half_life: int | None = None
    recent: int = DEFAULT_RECENT_REPORTS
    #: address -> operator; None uses the mapping stored by `index --operators`
    operators: dict[str, str] | None = None
    #: feed -> categories, for per-category rankings
    tags: dict[str, tuple[str, ...]] | None = None
    #: per-feed rankings (skipped automatically when one feed is scored)
    per_feed: bool = True
    sybil: bool = True


@dataclass(frozen=True)
class OracleScore:
    oracle: str
    operator: str | None
    score: int
    rank: int
    lifetime: int
    recent: int | None
    metrics: dict[str, MetricValue]
    flags: list[dict[str, object]]

    def to_json(self) -> dict[str, Any]:
        metrics = dict(self.metrics)
        metrics["score_lifetime"] = self.lifetime
        metrics["score_recent"] = self.recent
        return {"oracle": self.oracle, "operator": self.operator, "score": self.score, "rank": self.rank,
                "metrics": metrics, "flags": self.flags}


@dataclass(frozen=True)
class ScoreResult:
    method: dict[str, Any]
    feeds: list[dict[str, Any]]
    oracles: list[OracleScore]
    categories: list[dict[str, Any]] = field(default_factory=list)
    pairs: list[PairEvidence] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method, "feeds": self.feeds, "oracles": [o.to_json() for o in self.oracles]}
        if self.categories:
            out["categories"] = self.categories
        return out

    def leaves(self) -> list[tuple[str, int, int]]:
        """(oracle, score ppm, rank) in rank order: what a Merkle root over the ranking commits to."""
        return [(o.oracle, o.score, o.rank) for o in self.oracles]


def rank_normalise(values: dict[str, MetricValue], direction: str) -> dict[str, int]:
    """ppm = (2 * oracles beaten + ties) / (2 * (N - 1)); a missing value beats nobody.

    Counted from one sort of the known values (bisect for each oracle), so n oracles cost
    n log n rather than n^2 comparisons."""
    n = len(values)
    if n <= 1:
        return {e: PPM for e in values}
    known = sorted(v for v in values.values() if v is not None)
    missing = n - len(known)
    out = {}
    for e, mine in values.items():
        if mine is None:
            out[e] = 0
            continue
        below, above = bisect_left(known, mine), bisect_right(known, mine)
        worse = below if direction == "higher" else len(known) - above
        ties = above - below - 1  # the others with its value
        out[e] = (2 * (worse + missing) + ties) * PPM // (2 * (n - 1))
    return out


@dataclass(frozen=True)
class _Scored:
    entities: list[str]
    addresses: dict[str, list[str]]
    operators: dict[str, str | None]
    values: dict[str, dict[str, MetricValue]]
    scores: dict[str, int]
    weights: dict[str, int]


def _score_scope(store: Store, scope: Scope, weights: dict[str, int]) -> tuple[dict[str, _Scored], dict[str, ScopeFeed]]:
    """Scores of every part of the scope (lifetime, and recent when the scope asks; a part without
    reports is absent), and the scope's feeds."""
    feeds = build_scope(store, scope)
    if not feeds:
        return {}, feeds
    return {part: _score_part(store, done, weights) for part, done in compute(store).items()}, feeds


def _score_part(store: Store, done: Computed, weights: dict[str, int]) -> _Scored:
    entities, values = done.entities, done.values
    usable = {name: w for name, w in weights.items()
              if available(store, BY_NAME[name]) and any(values[e][name] is not None for e in entities)}
    total = sum(usable.values())
    normalised = {name: rank_normalise({e: values[e][name] for e in entities}, BY_NAME[name].direction) for name in usable}
    ranked = {e: (sum(w * normalised[name][e] for name, w in usable.items()) // total if total else 0) for e in entities}
    factors = gates.gate_factors(values, tuple(usable))
    scores = {e: ranked[e] * factors[e] // PPM for e in entities}
    return _Scored(entities, done.addresses, done.operators, values, scores, usable)


def _chosen(store: Store, indexed: dict[str, int], wanted: Sequence[str]) -> list[str]:
    """Every indexed feed, or those named (an address means all of that contract's feeds)."""
    feeds = list(indexed)
    if not wanted:
        return feeds
    contracts = {str(r[0]) for r in store.query("SELECT contract FROM contracts")}
    chosen: list[str] = []
    for raw in wanted:
        name = raw.strip().lower()
        matches = [f for f in feeds if f == name or f.startswith(name + "/")]
        if not matches:
            where = "indexed but has no reports yet" if name.split("/")[0] in contracts else "not indexed in this database"
            raise NoDataError(f"feed {raw} is {where}")
        chosen.extend(m for m in matches if m not in chosen)
    return chosen


def _operators_table(store: Store, operators: dict[str, str] | None) -> None:
    store.con.execute("CREATE OR REPLACE TEMP TABLE s_ops AS SELECT * FROM operators")
    if operators is not None:
        store.con.execute("DELETE FROM s_ops")
        if operators:
            store.con.executemany("INSERT INTO s_ops VALUES (?, ?)", sorted(operators.items()))


def score(store: Store, options: ScoreOptions = ScoreOptions()) -> ScoreResult:
    """Score and rank every oracle of the chosen feeds; raises NoDataError for an empty window."""
    weights_dec = dict(DEFAULT_WEIGHTS if options.weights is None else options.weights)
    unknown = [n for n in weights_dec if n not in METRIC_NAMES]
    if unknown:
        raise ReputationError(f"unknown metric(s) in weights: {', '.join(unknown)}")
    weights = integer_weights(weights_dec)
    _operators_table(store, options.operators)
    # with no window, the recent part starts at each feed's R-th newest report (found here, in passing)
    newest, cutoffs = newest_reports(store, None if options.since else options.recent)
    feeds = _chosen(store, newest, options.feeds)
    if not feeds:
        raise NoDataError(f"{store.path} holds no reports yet: index a feed first")
    latest = max(newest[f] for f in feeds)
    start = options.since.start(latest) if options.since else None
    scope = Scope(tuple(feeds), start=start, recent=options.recent, half_life=options.half_life, cutoffs=cutoffs)
    # the pair analysis reads stored rows only: it runs beside the metrics rather than after them
    with PairScan(store, scope) if options.sybil else nullcontext() as pair_scan:
        parts, info = _score_scope(store, scope, weights)
        lifetime = parts.get(LIFETIME)
        if lifetime is None:
            raise NoDataError(f"no reports of {', '.join(feeds)} in the window "
                              f"(since {start}, newest report at {latest}): widen --since")
        recent = parts.get(RECENT)
        flagged, _ = pair_scan.result() if pair_scan is not None else ([], [])
        funded = pair_scan.funders() if pair_scan is not None else shared_funders(store.con)
    history = (min(f.first_time for f in info.values()), max(f.last_time for f in info.values()),
               sum(f.reports for f in info.values()))
    oracles = _rank(lifetime, recent, flagged, funded, history)
    feed_rows = _feed_rows(store, feeds, options, weights, scope, oracles, info)
    categories = _categories(store, feeds, options, weights, scope)
    method = _method(options, weights_dec, lifetime.weights, start, latest)
    return ScoreResult(method, feed_rows, oracles, categories, flagged)


def _rank(lifetime: _Scored, recent: _Scored | None, pairs: list[PairEvidence], shared: dict[str, list[str]],
          history: tuple[int, int, int]) -> list[OracleScore]:
    scores = list(lifetime.scores.values())
    stakes = [v for e in lifetime.entities if isinstance(v := lifetime.values[e].get("stake"), int | float)]
    funders = common_funders(shared, [a for e in lifetime.entities for a in lifetime.addresses[e]])
    rows = []
    for e in lifetime.entities:
        life = lifetime.scores[e]
        now = recent.scores.get(e) if recent is not None and e in recent.scores else None
        final = life if now is None else min(life, now)
        addresses = lifetime.addresses[e]
        flags: list[dict[str, object]] = []
        if recent is not None and e in recent.values:
            flags.extend(flag_rules.recent_failures(lifetime.values[e], recent.values[e]))
        young = flag_rules.young(lifetime.values[e].get("first_seen"), history[0], history[1], history[2], life, scores)
        if young:
            flags.append(young)
        stake = flag_rules.little_stake(lifetime.values[e].get("stake"), stakes)
        if stake:
            flags.append(stake)
        for p in pairs:
            if p.a in addresses or p.b in addresses:
                other = p.b if p.a in addresses else p.a
                kind = "sybil" if p.copier is None else ("mirroring" if p.copier in addresses else "mirrored")
                flags.append({"kind": kind, "with": to_checksum_address(other), "reason": p.reason, "evidence": p.to_json()})
        for funder, funded in funders.items():
            mine = [a for a in funded if a in addresses]
            if mine and len(set(funded) - set(addresses)) > 0:
                flags.append({"kind": "common-funder", "funder": to_checksum_address(funder),
                              "with": [to_checksum_address(a) for a in funded if a not in addresses],
                              "reason": f"first funded by {funder}, as were {len(funded) - len(mine)} other oracle(s)"})
        operator = lifetime.operators[e]
        name = to_checksum_address(addresses[0]) if addresses else e
        rows.append((final, life, now, e, name, operator, flags))
    tie = {e: lifetime.values[e].get(TIE_BREAKER) for e in lifetime.entities}
    rows.sort(key=lambda r: (-r[0], tie[r[3]] is None, tie[r[3]] or 0, r[4].lower()))
    return [OracleScore(name, operator, final, i + 1, life, now, lifetime.values[e], flags)
            for i, (final, life, now, e, name, operator, flags) in enumerate(rows)]


def _feed_rows(store: Store, feeds: list[str], options: ScoreOptions, weights: dict[str, int], scope: Scope,
               overall: list[OracleScore], info: dict[str, ScopeFeed]) -> list[dict[str, Any]]:
    rows = []
    for feed in feeds:
        if feed not in info:
            continue
        scoped = info[feed]
        ranking: list[dict[str, Any]]
        if len(feeds) == 1 or not options.per_feed:
            ranking = [{"oracle": o.oracle, "score": o.score, "rank": o.rank} for o in overall]
        else:
            ranking = _sub_ranking(store, replace(scope, feeds=(feed,)), weights)
        rows.append({"feed": feed, "contract": to_checksum_address(scoped.contract), "feed_id": scoped.feed_id,
                     "format": scoped.format, "reports": scoped.reports, "first_block": scoped.first_block,
                     "last_block": scoped.last_block, "first_time": scoped.first_time, "last_time": scoped.last_time,
                     "categories": list((options.tags or {}).get(feed, (options.tags or {}).get(scoped.contract, ()))),
                     "ranking": ranking})
    return rows


def _sub_ranking(store: Store, scope: Scope, weights: dict[str, int]) -> list[dict[str, Any]]:
    """The ranking of a part of the scope (its feeds), with the same window and options."""
    parts, _ = _score_scope(store, scope, weights)
    life = parts.get(LIFETIME)
    if life is None:
        return []
    recent = parts.get(RECENT)
    finals = {e: min(s, recent.scores[e]) if recent is not None and e in recent.scores else s
              for e, s in life.scores.items()}
    names = {e: to_checksum_address(life.addresses[e][0]) if life.addresses[e] else e for e in life.entities}
    tie = {e: life.values[e].get(TIE_BREAKER) for e in life.entities}
    order = sorted(life.entities, key=lambda e: (-finals[e], tie[e] is None, tie[e] or 0, names[e].lower()))
    return [{"oracle": names[e], "score": finals[e], "rank": i + 1} for i, e in enumerate(order)]


def _categories(store: Store, feeds: list[str], options: ScoreOptions, weights: dict[str, int],
                scope: Scope) -> list[dict[str, Any]]:
    if not options.tags:
        return []
    members: dict[str, list[str]] = {}
    for feed in feeds:
        contract = feed.split("/")[0]
        for category in options.tags.get(feed, options.tags.get(contract, ())):
            members.setdefault(category, []).append(feed)
    return [{"category": c, "feeds": fs, "ranking": _sub_ranking(store, replace(scope, feeds=tuple(fs)), weights)}
            for c, fs in sorted(members.items())]


def _method(options: ScoreOptions, weights: dict[str, Decimal], used: dict[str, int], start: int | None,
            latest: int) -> dict[str, Any]:
    total = sum(used.values())
    return {
        "schema_version": SCHEMA_VERSION,
        "normalisation": "rank: share of the other oracles beaten on the metric, ties half, missing value worst",
        "score_unit": "ppm (integer parts per million, 1000000 = best on every weighted metric)",
        "work_gates": gates.describe(),
        "accuracy_gates": gates.describe_limits(),
        "final_score": "min(lifetime score, recent score), each the weighted rank score times its work and accuracy gates",
        "weights": {k: float(v) for k, v in sorted(weights.items())},
        "effective_weights": {k: v / total for k, v in sorted(used.items())} if total else {},
        "half_life_s": options.half_life,
        "recent_reports_per_feed": options.recent,
        "window": {"start": start, "end": latest},
        "tie_breaker": f"lower {TIE_BREAKER}, then address",
        "metrics": {m.name: {"direction": m.direction, "unit": m.unit, "definition": m.definition} for m in METRICS},
    }
