"""Every metric: a name, a definition, a direction, a unit, and one SQL aggregate over a scope.

A scope is a set of reports (feeds x window) and its parts (all of it, and optionally the last R
reports of each feed), materialised into temporary tables and views that the metrics read
(docs/reputation.md lists their columns); each source ``X`` has ``X_parts``, its rows once per
part, so one aggregate per source scores every part, and one statement scores every source:

- ``s_slots``: per (entity, config digest): reports it was expected in, included in, signed (a
  materialised common table expression of that statement, as is ``s_days``);
- ``s_obs``: one row per observation with its derived accuracy and latency columns (derive.py), a view;
- ``s_sent``: one row per report, by its transmitter;
- ``s_tx``: receipts of transmissions and failed attempts, by sender.

Each row has ``entity`` (the operator if declared, else the transmitter address) and ``w``, its
decay weight in ppm. Shares sum integer numerators and denominators over the window before one
division (as beaconcha.in does); medians are ``quantile_disc`` (an element, not an average): so a
metric's value is the same on every machine. Adding a metric is one :class:`Metric` entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from ocr_client.reputation import bias
from ocr_client.reputation.derive import MAD_TO_SD_DEN, MAD_TO_SD_NUM
from ocr_client.reputation.formats import CAPABILITIES, OBSERVATION_TIMESTAMPS, SIGNERS
from ocr_client.reputation.stalls import STALL_T
from ocr_client.reputation.store import Store
from ocr_client.reputation.window import decay_sql

Direction = Literal["higher", "lower"]
#: Requirements a metric may have beyond observations: the format's capability or an index option.
Needs = Literal["signers", "observation_timestamps", "receipts", "scan_reverts", "stakes", ""]

GWEI: Final[int] = 10**9
DAY_S: Final[int] = 86400


#: Judges every entity's raw figures against the committee's: entity -> its judgement (None: no figure).
Judge = Callable[[Mapping[str, object]], Mapping[str, object]]


@dataclass(frozen=True)
class Relative:
    """A metric judged against the committee: ``judge`` turns the scope's raw figures (entity ->
    figure) into a judgement per entity, and the metric is its attribute ``value``. Metrics with
    the same aggregate and judge are judged once (bias_bps and bias_t)."""

    judge: Judge
    value: str


@dataclass(frozen=True)
class Metric:
    name: str
    source: Literal["s_slots", "s_obs", "s_days", "s_sent", "s_tx", "s_stakes"]
    sql: str
    direction: Direction
    unit: str
    definition: str
    needs: Needs = ""
    #: For a metric judged against the committee: the SQL gives raw figures per entity, judged all together.
    relative: Relative | None = None


def _share(flag: str) -> str:
    known = f"CASE WHEN {flag} IS NOT NULL THEN w"
    return f"sum({known} * {flag} END)::DOUBLE / nullif(sum({known} END), 0)"


#: Both latency quantiles from one sort (DuckDB computes an aggregate written twice once).
_LATENCY_QUANTILES: Final[str] = "quantile_disc(latency_s, [0.5, 0.9])"

METRICS: Final[tuple[Metric, ...]] = (
    Metric("inclusion_rate", "s_slots", "sum(included_w)::DOUBLE / nullif(sum(expected_w), 0)", "higher", "share",
           "reports carrying its observation / reports made under configs that list it (decay-weighted)"),
    Metric("inclusion_count", "s_slots", "sum(included_n)", "higher", "reports",
           "reports carrying its observation"),
    Metric("signing_rate", "s_slots", "sum(signed_w)::DOUBLE / nullif(sum(expected_w) FILTER (WHERE signable), 0)",
           "higher", "share",
           "reports whose signer bitmap names it / reports made under its configs (accountable feeds only)", "signers"),
    Metric("reports_transmitted", "s_sent", "count(*)", "higher", "reports",
           "accepted reports it sent as transmitter"),
    Metric("reverted_attempts", "s_tx", "count(*) FILTER (WHERE status = 0)", "lower", "transactions",
           "its transmit transactions to the feed that reverted (needs --scan-reverts)", "scan_reverts"),
    Metric("wasted_gas", "s_tx", "coalesce(sum(gas_used) FILTER (WHERE status = 0), 0)", "lower", "gas",
           "gas burnt by its reverted transmit attempts (needs --scan-reverts)", "scan_reverts"),
    Metric("effective_gas_price_gwei", "s_tx",
           f"quantile_disc(effective_gas_price, 0.5) FILTER (WHERE status = 1)::DOUBLE / {GWEI}", "lower", "gwei",
           "median effective gas price of its accepted transmissions (needs --receipts)", "receipts"),
    Metric("latency_median_s", "s_obs", f"{_LATENCY_QUANTILES}[1]", "lower", "s",
           "median of (block time of the including block - its observation timestamp)", "observation_timestamps"),
    Metric("latency_p90_s", "s_obs", f"{_LATENCY_QUANTILES}[2]", "lower", "s",
           "90th percentile of the same latency", "observation_timestamps"),
    Metric("timestamp_percentile", "s_obs",
           "sum(w * ts_pct_ppm)::DOUBLE / nullif(sum(CASE WHEN ts_pct_ppm IS NOT NULL THEN w END), 0) / 1000000",
           "higher", "share",
           "mean rank of its observation timestamp among the report's (0 = oldest, 1 = freshest)",
           "observation_timestamps"),
    Metric("deviation_median_bps", "s_obs", "quantile_disc(dev_bps, 0.5)", "lower", "bps",
           "median of |value - report median| / |report median| in basis points"),
    Metric("robust_z_median", "s_obs", "quantile_disc(robust_z, 0.5)", "lower", "robust sd",
           "median of |value - median| / (1.4826 MAD of the report), the MAD floored at 1 bp of the median"),
    Metric("within_2dev_share", "s_obs", _share("within_2dev"), "higher", "share",
           "share of its observations within 2 robust deviations of the report median (the seed's 2DEV)"),
    Metric("rank_deviation_score", "s_obs",
           "sum(w * rank_ppm)::DOUBLE / nullif(sum(w), 0) / 1000000", "higher", "score",
           "mean of 1 - rank/(k-1), its rank by |deviation| among the report's k observations (as Pyth ranks publishers)"),
    Metric("bias_bps", "s_obs", bias.SUMS_SQL, "lower", "bps",
           "|mean of its signed deviations (each clamped to the report's 2DEV band) - the committee's "
           "(the shortest half of the oracles' means)|", relative=Relative(bias.judge, "bias_bps")),
    Metric("bias_t", "s_obs", bias.SUMS_SQL, "lower", "standard errors",
           "bias_bps in standard errors of its mean: the committee's median variance of a deviation over its "
           "effective observations (at most 64); the bias gate's input",
           relative=Relative(bias.judge, "bias_t")),
    Metric("stalled_share", "s_obs", _share("stalled"), "lower", "share",
           f"share of its observations equal to its previous {STALL_T} while the report median moved"),
    Metric("first_seen", "s_obs", "min(block_time)", "lower", "unix s", "block time of its first included observation"),
    Metric("last_seen", "s_obs", "max(block_time)", "higher", "unix s", "block time of its last included observation"),
    Metric("active_days", "s_days", "count(DISTINCT day)", "higher", "days",
           "distinct UTC days with an included observation"),
    Metric("distinct_feeds", "s_days", "count(DISTINCT feed_key)", "higher", "feeds", "feeds it observed for"),
    Metric("total_reports", "s_obs", "count(*)", "higher", "reports", "included observations in the window"),
    Metric("stake", "s_stakes", "sum(staked)::DOUBLE", "higher", "token units",
           "stake at risk, active plus unbonding (index the feed's OracleStaking contract too)", "stakes"),
    Metric("slashed", "s_stakes", "sum(slashed)::DOUBLE", "lower", "token units",
           "stake lost to slashing (equivocation proofs and staleness alerts)", "stakes"),
)
METRIC_NAMES: Final[tuple[str, ...]] = tuple(m.name for m in METRICS)
BY_NAME: Final[dict[str, Metric]] = {m.name: m for m in METRICS}


#: The parts of a scope: every report in it, and (when asked) the last R of each feed.
LIFETIME: Final[str] = "lifetime"
RECENT: Final[str] = "recent"


@dataclass(frozen=True)
class Scope:
    """Reports to look at: feeds, [start, end] block times; with ``recent`` the last R reports of
    each feed are scored too, as a second part of the same scope (one pass over the data scores both)."""

    feeds: tuple[str, ...]
    start: int | None = None
    end: int | None = None
    recent: int | None = None
    half_life: int | None = None
    #: feed -> (block, log index) of its R-th newest stored report, when the caller has them: without
    #: a window they are where each feed's recent part starts, so building the scope need not find them
    cutoffs: tuple[tuple[str, int, int], ...] = ()


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _in_list(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(_quoted(v) for v in values)})"


def _recent_cutoff_sql(recent: int) -> str:
    """An aggregate over reports: the (block, log index) of the R-th newest, where a feed's recent
    part starts (its oldest when it has fewer): a top-R heap rather than a window's sort of every
    report. (:func:`newest_reports` finds the same over all of a feed's reports, packed.)"""
    return f"list_min(max((block_number, log_index), {int(recent)}))"


#: (block, log index) packed into one BIGINT for :func:`newest_reports`' heap (a struct's heap cost
#: twice as much): exact while log indices stay below 2^LOG_BITS and blocks below 2^(63 - LOG_BITS).
LOG_BITS: Final[int] = 24


def newest_reports(store: Store, recent: int | None) -> tuple[dict[str, int], tuple[tuple[str, int, int], ...]]:
    """Every feed with reports -> the block time of its newest, in feed order; and, given ``recent``,
    each feed's (block, log index) where its last ``recent`` reports start (:attr:`Scope.cutoffs`),
    from the same pass over the stored reports (none where a block or log index is too large to pack)."""
    block_limit, log_limit = 2 ** (63 - LOG_BITS), 2**LOG_BITS
    # clamped into range so that no row can overflow; a clamped value makes the cutoffs unused
    packed = f"(least(r.block_number, {block_limit - 1}) << {LOG_BITS}) + least(r.log_index, {log_limit - 1})"
    cutoff = ("" if recent is None else f", list_min(max({packed}, {int(recent)})), max(r.block_number) < {block_limit} "
              f"AND max(r.log_index) < {log_limit} AND min(r.log_index) >= 0")
    rows = store.query(f"SELECT r.feed, max(b.timestamp){cutoff} FROM reports r JOIN blocks b ON b.number = r.block_number "
                       "GROUP BY r.feed ORDER BY r.feed")
    newest = {str(r[0]): int(r[1]) for r in rows}
    if recent is None or not all(r[3] for r in rows):
        return newest, ()
    mask = log_limit - 1
    return newest, tuple((str(f), int(c) >> LOG_BITS, int(c) & mask) for f, _, c, _ in rows)


def formats_with(capability: str) -> list[str]:
    return [name for name, caps in CAPABILITIES.items() if capability in caps]


def _member(alias: str) -> str:
    """Whether a row (with an ``in_recent`` column) belongs to part ``p.part``."""
    return f"(p.part = '{LIFETIME}' OR {alias}.in_recent)"


#: |answer| as a double, once per report (NULL for a zero answer: no relative deviation from it).
ANSWER_ABS_SQL: Final[str] = "CASE WHEN r.answer <> 0 THEN abs(r.answer)::DOUBLE END"
#: An observation's (``o``) signed deviation from its report's (``r``, with ``answer_abs``) median, in bps.
SIGNED_DEV_BPS_SQL: Final[str] = "(o.value - r.answer)::DOUBLE * 10000 / r.answer_abs"


#: A report of the scope is (feed_key, round_id), and its observations are joined to it on one
#: BIGINT made of both rather than on the pair: half the cost of each join of every observation (two
#: per score). The key is exact while every stored round id is in [0, 2^REPORT_KEY_BITS) and every
#: feed key below 2^(63 - REPORT_KEY_BITS), which each score checks (``_ALL_KEYED``): any other store
#: (no contract of ours or Chainlink's makes such round ids) is joined on the pair.
REPORT_KEY_BITS: Final[int] = 40
_ROUND_LIMIT: Final[int] = 2**REPORT_KEY_BITS
_FEED_KEY_LIMIT: Final[int] = 2 ** (63 - REPORT_KEY_BITS)


def _report_key(feeds: str, rounds: str) -> str:
    return f"(({feeds}.feed_key::BIGINT << {REPORT_KEY_BITS}) + {rounds}.round_id)"


#: A stored report's key (``r`` with its feed key ``k``), NULL where the key would not be exact.
_GUARDED_REPORT_KEY: Final[str] = (f"CASE WHEN r.round_id >= 0 AND r.round_id < {_ROUND_LIMIT} AND k.feed_key < "
                                   f"{_FEED_KEY_LIMIT} THEN {_report_key('k', 'r')} END")
#: Whether every stored report has an exact key (so no observation of any feed can take another's).
_ALL_KEYED: Final[str] = (f"(SELECT coalesce(min(round_id) >= 0 AND max(round_id) < {_ROUND_LIMIT}, TRUE) FROM reports) "
                          f"AND (SELECT coalesce(max(feed_key) < {_FEED_KEY_LIMIT}, TRUE) FROM feed_keys)")


def observation_join(keyed: bool) -> str:
    """The join condition of stored observations ``o`` to the scope's reports ``r``."""
    return f"r.report_key = {_report_key('o', 'o')}" if keyed else "r.feed_key = o.feed_key AND r.round_id = o.round_id"


def scope_reports(scope: Scope, join: str = "") -> tuple[str, list[object]]:
    """The FROM and WHERE of the scope's stored reports (``r``, with its block ``b``, feed key ``k``
    and any further ``join``), and their parameters: the one definition of which reports a scope
    holds. (Every stored report's contract is in ``contracts``: the indexer stores a contract before
    any of its reports, so joining it would select nothing more.)"""
    where = [_in_list("r.feed", scope.feeds)]
    params: list[object] = []
    if scope.start is not None:
        where.append("b.timestamp >= ?")
        params.append(scope.start)
    if scope.end is not None:
        where.append("b.timestamp <= ?")
        params.append(scope.end)
    return (f"""reports r
            JOIN blocks b ON b.number = r.block_number LEFT JOIN feed_keys k ON k.feed = r.feed {join}
            WHERE {' AND '.join(where)}""", params)


@dataclass(frozen=True)
class ScopeFeed:
    """One feed of a materialised scope, as its reports in the window describe it."""

    contract: str
    feed_id: int | None
    format: str
    reports: int
    first_block: int
    last_block: int
    first_time: int
    last_time: int


def build_scope(store: Store, scope: Scope) -> dict[str, ScopeFeed]:
    """Materialise the scope's tables; returns its feeds, in feed order (none: no report in scope)."""
    con = store.con
    # the last R reports of a feed are those from its R-th newest (block, log) on: a top-R heap per
    # feed rather than a window's sort of every report
    in_recent, cutoffs = "FALSE", ""
    known = {feed: (int(block), int(log)) for feed, block, log in scope.cutoffs}
    if scope.recent is not None and scope.start is None and scope.end is None and set(scope.feeds) <= set(known):
        # no window: each feed's recent part starts at the cutoff the caller found with the newest times
        cases = " ".join(f"WHEN {_quoted(f)} THEN ({known[f][0]}, {known[f][1]})" for f in scope.feeds)
        in_recent = f"(r.block_number, r.log_index) >= CASE r.feed {cases} END"
    elif scope.recent is not None:
        in_recent = "(r.block_number, r.log_index) >= cut.cutoff"
        cutoffs = (f"cut AS (SELECT feed, {_recent_cutoff_sql(scope.recent)} AS cutoff "
                   f"FROM scoped GROUP BY feed),")
    parts = [LIFETIME] if scope.recent is None else [LIFETIME, RECENT]
    # the parts, each with the window's bounds (NULL: open), which the views over transactions read
    con.execute("CREATE OR REPLACE TEMP TABLE s_parts AS SELECT unnest(?::VARCHAR[]) AS part, "
                "?::BIGINT AS since, ?::BIGINT AS until", [parts, scope.start, scope.end])
    age = "max(block_time) OVER () - block_time"
    reports, params = scope_reports(
        scope, "LEFT JOIN configs g ON g.contract = r.contract AND g.config_digest = r.config_digest")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE s_report_rows AS
        WITH scoped AS (
            SELECT r.rowid AS report_row, r.feed, r.contract, k.feed_key, g.rowid AS config_key, r.feed_id, r.round_id,
                   {_GUARDED_REPORT_KEY} AS report_key, r.answer, {ANSWER_ABS_SQL} AS answer_abs, r.transmitter,
                   r.block_number, r.log_index, b.timestamp AS block_time
            FROM {reports}),
        {cutoffs}
        base AS (SELECT r.*, {in_recent} AS in_recent FROM scoped r {'JOIN cut USING (feed)' if cutoffs else ''})
        SELECT *, {decay_sql(age, scope.half_life)} AS w FROM base""", params)
    _create_views(store)
    feeds, keyed = _learn_scope(store)
    _create_observation_views(store, keyed)
    return feeds


def _learn_scope(store: Store) -> tuple[dict[str, ScopeFeed], bool]:
    """Every fact of the scope the rest needs, from one statement over its reports: its feeds
    (returned), what kinds of metric it can support (``store.scope_facts``, see :func:`available`)
    and whether every stored report has a :data:`REPORT_KEY_BITS` key (returned).

    Stake metrics are supported when the store holds any stake event: asking whether one concerns
    the scope's oracles cost 1.7 ms of every score (five joins), and a scope without any gets a
    null stake for everyone, which no ranking weighs, exactly as an unsupported metric."""
    rows = store.con.execute(f"""
        WITH f AS (
            SELECT feed, any_value(contract) AS contract, any_value(feed_id) AS feed_id, count(*) AS reports,
                   min(block_number) AS first_block, max(block_number) AS last_block,
                   min(block_time) AS first_time, max(block_time) AS last_time
            FROM s_report_rows GROUP BY feed)
        SELECT f.feed, f.contract, f.feed_id, c.format, f.reports, f.first_block, f.last_block, f.first_time,
               f.last_time, c.receipts, c.scan_reverts, EXISTS (SELECT 1 FROM stakes), {_ALL_KEYED}
        FROM f JOIN contracts c USING (contract) ORDER BY f.feed""").fetchall()
    feeds = {str(r[0]): ScopeFeed(str(r[1]), None if r[2] is None else int(r[2]), str(r[3]), *map(int, r[4:9]))
             for r in rows}
    formats = {f.format for f in feeds.values()}
    store.scope_facts.clear()
    store.scope_facts.update({
        SIGNERS: bool(formats & set(formats_with(SIGNERS))),
        OBSERVATION_TIMESTAMPS: bool(formats & set(formats_with(OBSERVATION_TIMESTAMPS))),
        "receipts": bool(rows) and all(r[9] for r in rows), "scan_reverts": bool(rows) and all(r[10] for r in rows),
        "stakes": bool(rows) and bool(rows[0][11]), "": True})
    return feeds, not rows or bool(rows[0][12])


#: Views over the scope's tables (the same SQL for every scope: created once per connection, they
#: read whichever scope the tables hold). Views, not tables: one pass over the stored rows per
#: query that reads them, with nothing materialised (every per-row figure is stored or a cheap
#: expression, and the joins are on keys). Each source X has X_parts, its rows once per part they
#: belong to, which the metrics group by.
#:
#: ``s_report_rows`` holds what a score reads of each report, with no string but the feed, contract
#: and transmitter (copying the digest and the format into it was a third of building it);
#: ``s_reports`` adds the rest back.
_SCOPE_VIEWS: Final[tuple[str, ...]] = (
    """CREATE OR REPLACE TEMP VIEW s_reports AS
        SELECT r.feed, r.contract, r.feed_id, r.round_id, x.config_digest, r.answer, r.transmitter, r.block_number,
               r.log_index, r.block_time, c.format, r.in_recent, r.feed_key, r.config_key, r.answer_abs, r.w
        FROM s_report_rows r JOIN reports x ON x.rowid = r.report_row JOIN contracts c ON c.contract = r.contract""",
    # every oracle with its entity (operator, else address)
    """CREATE OR REPLACE TEMP VIEW s_entities AS
        SELECT k.oracle_key, k.oracle AS address, coalesce(op.operator, k.oracle) AS entity
        FROM oracle_keys k LEFT JOIN s_ops op ON op.address = k.oracle""",
    """CREATE OR REPLACE TEMP VIEW s_sent AS
        SELECT coalesce(op.operator, r.transmitter) AS entity, r.transmitter AS address, r.w, r.feed, r.in_recent
        FROM s_report_rows r LEFT JOIN s_ops op ON op.address = r.transmitter""",
    f"CREATE OR REPLACE TEMP VIEW s_sent_parts AS SELECT p.part, t.* FROM s_sent t JOIN s_parts p ON {_member('t')}",
    # receipts and stakes are read only by the metrics that need them (most scopes have neither),
    # so they are views rather than tables built for every scope
    """CREATE OR REPLACE TEMP VIEW s_tx AS
        SELECT coalesce(op.operator, t.sender) AS entity, t.sender AS address, t.status, t.gas_used,
               t.effective_gas_price, b.timestamp AS block_time
        FROM receipts t JOIN blocks b ON b.number = t.block_number LEFT JOIN s_ops op ON op.address = t.sender
        CROSS JOIN (SELECT any_value(since) AS since, any_value(until) AS until FROM s_parts) win
        WHERE t.contract IN (SELECT DISTINCT contract FROM s_report_rows)
          AND (win.since IS NULL OR b.timestamp >= win.since) AND (win.until IS NULL OR b.timestamp <= win.until)""",
    """CREATE OR REPLACE TEMP VIEW s_stakes AS
        SELECT coalesce(op.operator, s.oracle) AS entity, s.oracle AS address, s.staked, s.slashed
        FROM stakes s LEFT JOIN s_ops op ON op.address = s.oracle
        WHERE s.oracle IN (SELECT co.transmitter FROM config_oracles co
                           JOIN (SELECT DISTINCT g.contract, g.config_digest
                                 FROM s_report_rows r JOIN configs g ON g.rowid = r.config_key) g
                           USING (contract, config_digest))""",
    # transactions and stakes are not reports: both parts see all of the window's
    "CREATE OR REPLACE TEMP VIEW s_tx_parts AS SELECT p.part, t.* FROM s_tx t CROSS JOIN s_parts p",
    "CREATE OR REPLACE TEMP VIEW s_stakes_parts AS SELECT p.part, t.* FROM s_stakes t CROSS JOIN s_parts p",
)


def _observation_views(join: str) -> tuple[str, ...]:
    """The views of the scope's observations, whose join to the reports depends on the store (:func:`observation_join`)."""
    return (
        f"""CREATE OR REPLACE TEMP VIEW s_obs AS
        SELECT r.feed, o.feed_key, o.oracle_key, o.round_id, o.position, o.oracle_index, e.address AS oracle, o.value,
            o.observed_at, o.block_number, o.abs_dev, o.scale, o.within_2dev, o.rank_ppm, o.ts_pct_ppm, o.clamped_dev,
            o.stalled,
            e.entity, e.address, r.contract, r.config_key, r.block_time,
            r.w, r.answer, r.answer_abs, r.in_recent, r.block_time - o.observed_at AS latency_s,
            o.abs_dev::DOUBLE * 10000 / r.answer_abs AS dev_bps,
            {SIGNED_DEV_BPS_SQL} AS signed_dev_bps,
            o.abs_dev::DOUBLE * {MAD_TO_SD_DEN} / (o.scale::DOUBLE * {MAD_TO_SD_NUM}) AS robust_z
        FROM observation_rows o JOIN s_report_rows r ON {join}
        JOIN s_entities e ON e.oracle_key = o.oracle_key
        WHERE o.value IS NOT NULL""",
        f"CREATE OR REPLACE TEMP VIEW s_obs_parts AS SELECT p.part, o.* FROM s_obs o JOIN s_parts p ON {_member('o')}",
    )


def _create_views(store: Store) -> None:
    """Create the scope views on this connection once (after the tables they read exist)."""
    if store.scope_views:
        return
    for sql in _SCOPE_VIEWS:
        store.con.execute(sql)
    store.scope_views = True


def _create_observation_views(store: Store, keyed: bool) -> None:
    """(Re)create the observation views when the join they need differs from the one they have."""
    join = observation_join(keyed)
    if store.scope_join == join:
        return
    for sql in _observation_views(join):
        store.con.execute(sql)
    store.scope_join = join


def available(store: Store, metric: Metric) -> bool:
    """Whether the scope's data can support the metric at all (else it is null for everyone), as
    learnt when the scope was built."""
    return store.scope_facts[metric.needs]


MetricValue = float | int | None


Values = dict[str, dict[str, MetricValue]]


@dataclass(frozen=True)
class Computed:
    """One part's entities (every oracle listed by a config of a report in it, even one never
    included), their values (entity -> metric -> value), their addresses and the operator of the
    first address (None: undeclared)."""

    entities: list[str]
    values: Values
    addresses: dict[str, list[str]]
    operators: dict[str, str | None]


def _signable(column: str) -> str:
    formats = formats_with(SIGNERS)
    return _in_list(column, formats) if formats else "FALSE"


def counted_ctes(join: str) -> str:
    """What the scoring statement counts per config and per day before its aggregates, as materialised
    common table expressions (in the statement, not temporary tables: two fewer statements to plan,
    and their pipelines run beside the per-oracle aggregate's), with observations joined to reports
    on ``join``:

    - ``s_included``: one pass over the observations for the inclusion counts (s_slots) and the days
      and feeds an oracle observed on (s_days); straight from the stored rows and the scope's reports
      (what s_obs selects, without its per-row figures), by whether the report is recent, then
      summed per part over those few groups (reports whose config is not stored are left out, as
      they have no slots);
    - ``s_slots``: per part, entity and config, the reports it was expected in, included in and signed;
    - ``s_slots_parts`` and ``s_days_parts``, the sources the metrics name.
    """
    return f"""s_included AS MATERIALIZED (
        WITH counted AS (
            SELECT r.in_recent, r.config_key, o.oracle_key, o.feed_key, r.block_time // {DAY_S} AS day,
                   count(*) AS n, sum(r.w) AS w
            FROM observation_rows o JOIN s_report_rows r ON {join}
            WHERE o.value IS NOT NULL GROUP BY ALL),
        parted AS (
            SELECT p.part, c.config_key, c.oracle_key, c.feed_key, c.day, sum(c.n)::BIGINT AS n, sum(c.w) AS w
            FROM counted c JOIN s_parts p ON {_member('c')} GROUP BY ALL)
        SELECT c.part, c.config_key, e.address AS oracle, e.entity, c.feed_key, c.day, c.n, c.w
        FROM parted c JOIN s_entities e USING (oracle_key) WHERE c.config_key IS NOT NULL),
    s_slots AS MATERIALIZED (
        WITH per_config AS (
            SELECT c.*, g.contract, g.config_digest, {_signable('k.format')} AS signable
            FROM (SELECT p.part, r.config_key, count(*) AS reports, sum(r.w) AS w
                  FROM s_report_rows r JOIN s_parts p ON {_member('r')} GROUP BY p.part, r.config_key) c
            JOIN configs g ON g.rowid = c.config_key JOIN contracts k ON k.contract = g.contract),
        included AS (
            SELECT part, config_key, oracle, sum(n) AS n, sum(w) AS w FROM s_included GROUP BY ALL),
        signed AS (
            SELECT p.part, r.config_key, s.oracle, sum(r.w) AS w
            FROM signers s JOIN s_report_rows r ON r.feed = s.feed AND r.round_id = s.round_id
            JOIN s_parts p ON {_member('r')} GROUP BY ALL)
        SELECT c.part, coalesce(op.operator, co.transmitter) AS entity, co.transmitter AS address, op.operator,
               c.config_digest, c.signable, c.reports AS expected_n, c.w AS expected_w,
               coalesce(i.n, 0) AS included_n, coalesce(i.w, 0) AS included_w,
               CASE WHEN c.signable THEN coalesce(s.w, 0) END AS signed_w
        FROM per_config c
        JOIN config_oracles co ON co.contract = c.contract AND co.config_digest = c.config_digest
        LEFT JOIN included i ON i.part = c.part AND i.config_key = c.config_key AND i.oracle = co.transmitter
        LEFT JOIN signed s ON s.part = c.part AND s.config_key = c.config_key AND s.oracle = co.transmitter
        LEFT JOIN s_ops op ON op.address = co.transmitter),
    s_slots_parts AS (SELECT * FROM s_slots),
    s_days_parts AS (SELECT part, entity, feed_key, day FROM s_included)"""


def compute(store: Store, metrics: Sequence[Metric] = METRICS) -> dict[str, Computed]:
    """Every metric of every entity in every part of the materialised scope: one aggregate per
    source, grouped by part and entity, all in one statement (one plan, one round trip) beside
    the entities and their addresses."""
    if store.scope_join is None:
        raise RuntimeError("compute() reads the scope build_scope() materialised: build one first")
    by_source: dict[str, list[Metric]] = {}
    for m in metrics:
        if available(store, m):
            by_source.setdefault(m.source, []).append(m)
    # metrics sharing an aggregate compute it once: (source, sql) -> its column in the row
    column: dict[tuple[str, str], int] = {}
    ctes = [counted_ctes(store.scope_join),
            "entities AS (SELECT part, entity, list(address ORDER BY address) AS addresses, "
            "list(operator ORDER BY address)[1] AS operator FROM s_slots GROUP BY part, entity)"]
    selected = ["e.part", "e.entity", "e.addresses", "e.operator"]
    joins = []
    for i, (source, group) in enumerate(by_source.items()):
        sqls = list(dict.fromkeys(m.sql for m in group))
        names = [f"c{j}" for j in range(len(sqls))]
        ctes.append(f"a{i} AS (SELECT part, entity, "
                    f"{', '.join(f'{sql} AS {name}' for sql, name in zip(sqls, names, strict=True))} "
                    f"FROM {source}_parts GROUP BY part, entity)")
        joins.append(f"LEFT JOIN a{i} ON a{i}.part = e.part AND a{i}.entity = e.entity")
        for sql, name in zip(sqls, names, strict=True):
            column[(source, sql)] = len(selected)
            selected.append(f"a{i}.{name}")
    rows = store.con.execute(f"WITH {', '.join(ctes)} SELECT {', '.join(selected)} FROM entities e "
                             f"{' '.join(joins)} ORDER BY e.part, e.entity").fetchall()
    out: dict[str, Computed] = {}
    #: (part, sql) -> entity -> the raw figure of a metric judged against the committee
    raw: dict[tuple[str, str], dict[str, object]] = {}
    for row in rows:
        part, entity = str(row[0]), str(row[1])
        done = out.setdefault(part, Computed([], {}, {}, {}))
        done.entities.append(entity)
        done.addresses[entity] = [str(a) for a in row[2]]
        done.operators[entity] = None if row[3] is None else str(row[3])
        values: dict[str, MetricValue] = {m.name: None for m in metrics}
        done.values[entity] = values
        for source, group in by_source.items():
            for m in group:
                v = row[column[(source, m.sql)]]
                if m.relative is None:
                    values[m.name] = _plain(v, m)
                else:
                    raw.setdefault((part, m.sql), {})[entity] = v
    #: (part, sql, judge) -> entity -> its judgement: metrics sharing figures and a judge are judged once
    judgements: dict[tuple[str, str, Judge], Mapping[str, object]] = {}
    for part, done in out.items():
        for group in by_source.values():
            for m in group:
                if m.relative is not None:
                    key = (part, m.sql, m.relative.judge)
                    if key not in judgements:
                        figures = raw.get((part, m.sql), {})
                        judgements[key] = m.relative.judge({e: figures.get(e) for e in done.entities})
                    for e, judgement in judgements[key].items():
                        done.values[e][m.name] = None if judgement is None else getattr(judgement, m.relative.value)
                # counts that are truly zero for an oracle with no rows in a source (but the metric is available)
                if m.sql.startswith(("count(", "sum(included_n", "coalesce(")):
                    for e in done.entities:
                        if done.values[e][m.name] is None:
                            done.values[e][m.name] = 0
    return out


def _plain(value: object, metric: Metric) -> MetricValue:
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    number = float(value)  # type: ignore[arg-type]
    return int(number) if metric.unit in ("s", "unix s") and number.is_integer() else number
