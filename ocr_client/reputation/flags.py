"""Long-con and retirement signals: reasons to distrust a score, shown beside it, never hidden in it.

- ``recent-failure``: the recent slice shows a failure the lifetime figures dilute (the final
  score is already min(lifetime, recent); the flag says why);
- ``young``: active for a small part of the feed's history, yet scoring in the top quarter;
- ``little-stake``: stake known and small next to its peers' (staking data only);
- ``mirroring`` (its values copy another's, its timestamps later), ``mirrored`` (the other side of
  that pair), ``sybil`` (agreement without a later copier), ``common-funder``: from
  :mod:`ocr_client.reputation.sybil`.
"""

from __future__ import annotations

from typing import Final

from ocr_client.reputation.metrics import MetricValue

#: (metric, bad when recent value is beyond this, direction of "beyond")
RECENT_FAILURES: Final[tuple[tuple[str, float, str], ...]] = (
    ("inclusion_rate", 1 / 3, "below"),
    ("signing_rate", 1 / 3, "below"),
    ("within_2dev_share", 0.5, "below"),
    ("stalled_share", 0.5, "above"),
)
YOUNG_SHARE_OF_HISTORY: Final[float] = 0.25
YOUNG_MIN_REPORTS: Final[int] = 20
TOP_QUARTER_PPM: Final[int] = 750_000
LITTLE_STAKE_SHARE_OF_MEDIAN: Final[float] = 0.1

Flag = dict[str, object]


def recent_failures(lifetime: dict[str, MetricValue], recent: dict[str, MetricValue]) -> list[Flag]:
    flags: list[Flag] = []
    for name, limit, side in RECENT_FAILURES:
        now, before = recent.get(name), lifetime.get(name)
        if not isinstance(now, int | float) or not isinstance(before, int | float):
            continue
        bad_now = now < limit if side == "below" else now > limit
        bad_before = before < limit if side == "below" else before > limit
        if bad_now and not bad_before:
            flags.append({"kind": "recent-failure", "metric": name, "recent": now, "lifetime": before,
                          "reason": f"recent {name} {now:.3f} is {side} {limit:.3f} (lifetime {before:.3f})"})
    return flags


def young(first_seen: MetricValue, history_start: int, history_end: int, reports: int, score_ppm: int,
          scores: list[int]) -> Flag | None:
    if not isinstance(first_seen, int | float) or reports < YOUNG_MIN_REPORTS or history_end <= history_start:
        return None
    active_share = (history_end - first_seen) / (history_end - history_start)
    ranked_above = sum(1 for s in scores if s > score_ppm)
    top_quarter = ranked_above < max(1, len(scores) // 4)
    if active_share < YOUNG_SHARE_OF_HISTORY and top_quarter:
        return {"kind": "young", "active_share_of_history": round(active_share, 6),
                "reason": f"active for {active_share:.0%} of the feed's history yet in the top quarter"}
    return None


def little_stake(stake: MetricValue, stakes: list[float]) -> Flag | None:
    known = sorted(s for s in stakes if s is not None)
    if not isinstance(stake, int | float) or not known:
        return None
    typical = known[len(known) // 2]
    if stake <= typical * LITTLE_STAKE_SHARE_OF_MEDIAN:
        return {"kind": "little-stake", "stake": stake, "typical_stake": typical,
                "reason": f"stake {stake:g} is at most {LITTLE_STAKE_SHARE_OF_MEDIAN:.0%} of the typical {typical:g}"}
    return None
