"""The pure rules under every score: rank normalisation, decay weights, windows, flags."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocr_client.reputation import flags
from ocr_client.reputation.errors import ReputationError
from ocr_client.reputation.ranking import rank_normalise
from ocr_client.reputation.window import PPM, Since, decay_sql, parse_duration

values = st.dictionaries(st.text("abcdef", min_size=1, max_size=3), st.one_of(st.none(), st.integers(-5, 5)),
                         min_size=1, max_size=8)


@given(values, st.sampled_from(["higher", "lower"]))
def test_rank_scores_are_bounded_fair_to_ties_and_order_preserving(vals: dict[str, int | None], direction: str) -> None:
    scores = rank_normalise(dict(vals), direction)
    assert set(scores) == set(vals) and all(0 <= s <= PPM for s in scores.values())
    sign = 1 if direction == "higher" else -1
    for a, va in vals.items():
        for b, vb in vals.items():
            if va is not None and vb is not None and sign * (va - vb) > 0:
                assert scores[a] > scores[b]  # better value, strictly better score
            if va == vb:
                assert scores[a] == scores[b]  # ties (and two missing values) score the same
            if va is None and vb is not None:
                assert scores[a] <= scores[b]  # a missing value never beats a known one


@given(values)
def test_rank_scores_do_not_depend_on_the_order_oracles_are_listed(vals: dict[str, int | None]) -> None:
    reversed_order = dict(reversed(list(vals.items())))
    assert rank_normalise(dict(vals), "higher") == rank_normalise(reversed_order, "higher")


mixed = st.dictionaries(st.text("abcdefgh", min_size=1, max_size=3),
                        st.one_of(st.none(), st.integers(-3, 3), st.floats(-3, 3, allow_nan=False)), min_size=1, max_size=12)


@given(mixed, st.sampled_from(["higher", "lower"]))
def test_rank_scores_are_the_definition_pair_by_pair(vals: dict[str, float | None], direction: str) -> None:
    # ppm = (2 * others beaten + others tied) / (2 * (N - 1)), a missing value beating nobody, counted pair by pair
    sign = 1 if direction == "higher" else -1
    n = len(vals)
    expected = {}
    for a, va in vals.items():
        others = [vb for b, vb in vals.items() if b != a]
        beaten = sum(1 for vb in others if va is not None and (vb is None or sign * (va - vb) > 0))
        ties = sum(1 for vb in others if va is not None and vb == va)
        expected[a] = PPM if n == 1 else (0 if va is None else (2 * beaten + ties) * PPM // (2 * (n - 1)))
    assert rank_normalise(dict(vals), direction) == expected


def test_decay_halves_every_half_life_in_integers() -> None:
    con = duckdb.connect()
    weights = [con.execute(f"SELECT {decay_sql(str(age), 100)}").fetchone()[0] for age in (0, 50, 100, 200, 10**9)]  # type: ignore[index]
    assert weights == [PPM, 750_000, 500_000, 250_000, 0]
    assert con.execute(f"SELECT {decay_sql('12345', None)}").fetchone() == (PPM,)


def test_windows_are_anchored_on_the_chain() -> None:
    assert Since.parse("7d").start(1_000_000) == 1_000_000 - 7 * 86400
    assert Since.parse("1733200000").start(0) == 1_733_200_000
    assert Since.parse("2026-12-01").start(0) == 1_796_083_200
    assert parse_duration("15m") == 900
    with pytest.raises(ReputationError, match="--since takes"):
        Since.parse("yesterday")


def test_young_high_scorers_are_flagged_and_veterans_are_not() -> None:
    scores = [900_000, 500_000, 400_000, 300_000]
    assert flags.young(950, 0, 1000, 100, 900_000, scores) is not None  # seen for the last 5% only, ranked first
    assert flags.young(10, 0, 1000, 100, 900_000, scores) is None
    assert flags.young(950, 0, 1000, 100, 300_000, scores) is None  # young but not scoring high: nothing to hide


def test_recent_failure_is_flagged_only_when_new() -> None:
    assert flags.recent_failures({"inclusion_rate": 0.9}, {"inclusion_rate": 0.1})[0]["metric"] == "inclusion_rate"
    assert flags.recent_failures({"inclusion_rate": 0.2}, {"inclusion_rate": 0.1}) == []  # not recent: already visible
    assert flags.recent_failures({"stalled_share": 0.0}, {"stalled_share": 0.9})[0]["metric"] == "stalled_share"
