"""Work gates: missed work costs more than its weight, and ordinary honest spread costs nothing."""

from __future__ import annotations

from ocr_client.reputation.gates import gate_factors
from ocr_client.reputation.metrics import MetricValue
from ocr_client.reputation.window import PPM

BOTH = ("inclusion_rate", "signing_rate")


def rows(inclusion: list[float], signing: list[float | None]) -> dict[str, dict[str, MetricValue]]:
    pairs = enumerate(zip(inclusion, signing, strict=True))
    return {f"o{i}": {"inclusion_rate": inc, "signing_rate": sig} for i, (inc, sig) in pairs}


def test_an_oracle_doing_the_committees_work_keeps_its_whole_score() -> None:
    factors = gate_factors(rows([1.0] * 4, [0.5] * 4), BOTH)
    assert set(factors.values()) == {PPM}


def test_an_oracle_in_half_the_reports_keeps_a_quarter_of_its_score() -> None:
    factors = gate_factors(rows([1.0, 1.0, 1.0, 0.5], [0.5] * 4), BOTH)
    assert factors["o3"] == PPM // 4
    assert factors["o0"] == PPM


def test_an_oracle_that_never_signs_scores_zero() -> None:
    factors = gate_factors(rows([1.0] * 4, [0.5, 0.5, 0.5, 0.0]), BOTH)
    assert factors["o3"] == 0


def test_honest_signing_spread_in_accountable_mode_costs_nothing() -> None:
    # Measured on a real chain (equivocate, accountable, n = 7): the first t shares to arrive sign,
    # so honest signing rates ran from 0.17 to 0.77 around a median of 0.47.
    signing = [0.767, 0.7, 0.467, 0.6, 0.2, 0.167, 0.1]
    factors = gate_factors(rows([1.0] * 7, signing), BOTH)
    assert factors["o4"] == factors["o5"] == PPM
    assert factors["o6"] < PPM  # below a quarter of the median: gated


def test_a_gate_whose_metric_is_unusable_is_not_applied() -> None:
    factors = gate_factors(rows([1.0, 0.5], [None, None]), ("inclusion_rate",))
    assert factors["o0"] == PPM and factors["o1"] < PPM
    assert gate_factors(rows([0.5, 1.0], [0.0, 0.5]), ()) == {"o0": PPM, "o1": PPM}
