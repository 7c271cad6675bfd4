"""A steady bias: an oracle always on one side of the median is found by the sign of its deviations,
judged against the committee's centre and noise, and costs it its score; honest noise does not."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path

import duckdb
import pytest
from web3 import Web3

from ocr_client.reputation.bias import SUMS_SQL, Judgement, judge, shortest_half_centre
from ocr_client.reputation.derive import clamped_deviation
from ocr_client.reputation.gates import gate_factors
from ocr_client.reputation.window import PPM
from ocr_client.testing import LocalFeed
from tests.reputation.conftest import chain_time, index, scored

ANSWER = 3000_00000000
#: The report's robust scale in the answer's units: 5 bps, so the 2DEV band is 2 x 1.4826 x 5 = 14.8 bps.
SCALE = ANSWER * 5 // 10_000


def judged(deviations: Mapping[str, Sequence[float | None]],
           weights: dict[str, list[int]] | None = None) -> dict[str, Judgement | None]:
    """Each oracle's signed deviations (bps, None unknown) through the metric's own SQL on DuckDB, then judged.

    A deviation becomes an observation of a report answering ANSWER; an unknown one, an observation
    of a report answering 0 (no relative deviation from it). Each is clamped as the indexer stores
    it (derive.clamped_deviation)."""
    rows = []
    for e, devs in deviations.items():
        for i, d in enumerate(devs):
            value, answer = _observed(d)
            rows.append((e, (weights or {}).get(e, [PPM] * len(devs))[i],
                         clamped_deviation(value, answer, abs(value - answer), SCALE)))
    con = duckdb.connect()
    con.execute("""CREATE TABLE s_obs AS SELECT unnest(?::VARCHAR[]) AS entity, unnest(?::BIGINT[]) AS w,
                   unnest(?::BIGINT[]) AS clamped_dev""", [[r[i] for r in rows] for i in range(3)])
    raw = {str(e): s for e, s in con.execute(f"SELECT entity, {SUMS_SQL} FROM s_obs GROUP BY entity").fetchall()}
    return judge({e: raw.get(e) for e in deviations})


def _observed(deviation: float | None) -> tuple[int, int]:
    """(value, answer) of an observation ``deviation`` bps from its report's answer."""
    if deviation is None:
        return 1, 0
    return ANSWER + int(Fraction(str(deviation)) * ANSWER / 10_000), ANSWER


def noisy(rng: random.Random, k: int, offset: float = 0.0, spread: float = 10.0) -> list[float]:
    return [round(rng.uniform(-spread, spread) + offset, 2) for _ in range(k)]


def committee(seed: int, biased: int, honest: int = 5, k: int = 30, offset: float = 5.0) -> dict[str, list[float]]:
    rng = random.Random(seed)
    devs = {f"h{i}": noisy(rng, k) for i in range(honest)}
    devs.update({f"b{i}": noisy(rng, k, offset) for i in range(biased)})
    return devs


def known(result: dict[str, Judgement | None]) -> dict[str, Judgement]:
    return {e: j for e, j in result.items() if j is not None}


def test_a_constant_offset_of_half_the_noise_is_significant_and_honest_noise_is_not() -> None:
    # 40 committees of 5 honest oracles (uniform noise of +-10 bps) and 2 at +5 bps, 30 reports each.
    honest: list[float] = []
    biased: list[float] = []
    for seed in range(40):
        for e, j in known(judged(committee(seed, biased=2))).items():
            assert j.bias_t is not None
            (biased if e.startswith("b") else honest).append(j.bias_t)
    assert sum(t > 3 for t in honest) <= len(honest) // 50  # noise alone: at most 2% gated
    assert sum(t > 3 for t in biased) >= len(biased) * 9 // 10  # the offset: at least 90% gated
    assert sorted(honest)[len(honest) // 2] < 1 < 4 < sorted(biased)[len(biased) // 2]


def test_the_centre_is_the_honest_majoritys_not_the_median_a_one_sided_minority_pulls() -> None:
    # Five honest means and two biased ones: the plain (lower) median of the seven is the
    # second-highest honest mean; the shortest half sits inside the honest cluster.
    means = [Fraction(v) for v in (-3, -2, -2, -1, 0, 4, 5)]
    assert sorted(means)[3] == -1
    assert shortest_half_centre(means) == -2
    assert shortest_half_centre([Fraction(7)]) == 7
    with pytest.raises(ValueError):
        shortest_half_centre([])


def test_one_wild_observation_counts_as_a_two_sd_miss_not_a_bias() -> None:
    devs = committee(1, biased=0, honest=7)
    devs["h0"][0] = 5_000.0  # one reading 50% off, in 30 reports
    result = known(judged(devs))
    assert result["h0"].bias_t is not None and result["h0"].bias_t < 3
    assert result["h0"].bias_bps < 1.0  # its deviation counted at the 14.8 bp band: 0.5 bp on the mean


def test_adding_noise_does_not_hide_a_bias() -> None:
    quiet = committee(2, biased=1, k=60)
    loud = dict(quiet)
    loud["b0"] = [d + (4.0 if i % 2 else -4.0) for i, d in enumerate(quiet["b0"])]  # noisier, still inside the band
    t_quiet, t_loud = known(judged(quiet))["b0"].bias_t, known(judged(loud))["b0"].bias_t
    assert t_quiet is not None and t_loud is not None
    assert t_quiet > 3 and t_loud > 3  # the noise is the committee's, not its own
    assert t_loud == pytest.approx(t_quiet, rel=0.1)


def test_a_long_window_does_not_make_a_tiny_offset_significant() -> None:
    # A 1 bp offset (a tenth of the noise bound) over 2,000 reports is beyond any doubt, but immaterial.
    result = known(judged(committee(3, biased=1, k=2000, offset=1.0)))
    t = result["b0"].bias_t
    assert t is not None and t < 3


def test_an_oracle_without_observations_has_no_bias_and_one_observation_is_not_damning() -> None:
    devs = committee(4, biased=0)
    devs["new"] = [9.0]
    devs["silent"] = []
    result = judged(devs)
    assert result["silent"] is None
    new = result["new"]
    assert new is not None and new.bias_t is not None and new.bias_t < 3


def test_an_observation_without_a_deviation_counts_for_nothing() -> None:
    """A zero answer leaves a deviation unknown (NULL): it is not clamped to the band's edge."""
    devs = committee(6, biased=1)
    with_unknown = {e: [*v, None, None] for e, v in devs.items()}
    assert judged(with_unknown) == judged(devs)


def test_values_do_not_depend_on_the_order_rows_arrive_in() -> None:
    devs = committee(5, biased=2)
    shuffled = {e: list(reversed(v)) for e, v in reversed(list(devs.items()))}
    assert judged(devs) == {e: judged(shuffled)[e] for e in devs}


def test_decayed_reports_weigh_less() -> None:
    devs = committee(6, biased=0)
    devs["h0"] = [0.0] * 15 + [8.0] * 15  # biased only in its old half
    weights = {"h0": [PPM] * 15 + [PPM // 64] * 15}
    assert known(judged(devs, weights))["h0"].bias_bps < known(judged(devs))["h0"].bias_bps


def test_the_bias_gate_keeps_an_unbiased_score_and_cuts_a_significant_bias() -> None:
    rows = {"a": {"bias_t": 0.5}, "b": {"bias_t": 3.0}, "c": {"bias_t": 6.0}, "d": {"bias_t": None}}
    factors = gate_factors(rows, ("bias_bps",))
    assert factors == {"a": PPM, "b": PPM, "c": PPM // 16, "d": PPM}
    assert set(gate_factors(rows, ()).values()) == {PPM}  # bias not weighted: not gated either


@pytest.mark.slow
def test_two_oracles_five_bps_high_rank_below_every_honest_one_on_a_real_chain(
        ocr_web3: Web3, ocr_anvil: object, db: Path) -> None:
    n, biased, reports = 7, (2, 5), 30
    local = LocalFeed.deploy(ocr_web3, n=n, seed=47)
    rng = random.Random(8)
    for r in range(reports):
        price = ANSWER + r * 10_000_000
        values = [price + price * rng.randint(-10_000, 10_000) // 10_000_000 for _ in range(n)]
        for i in biased:
            values[i] += values[i] * 5 // 10_000
        local.push(values, timestamps=[chain_time(ocr_web3)] * n)
    index(ocr_anvil.rpc_url, [local.address], db)  # type: ignore[attr-defined]
    result = scored(db)
    who = [a.address.lower() for a in local.committee.transmitters]
    ranks = {who.index(o.oracle.lower()): o for o in result.oracles}
    assert sorted(ranks[i].rank for i in biased) == [n - 1, n]
    assert all(ranks[i].metrics["bias_t"] > 3 for i in biased)  # type: ignore[operator]
    assert all(o.metrics["bias_t"] < 3 for i, o in ranks.items() if i not in biased)  # type: ignore[operator]
    assert result.method["accuracy_gates"] == {"bias_t": "score x min(1, 3 / value)^4"}
