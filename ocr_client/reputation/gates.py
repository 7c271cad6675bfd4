"""Work gates: a loss of work costs more than its weight, as Pyth gates publishers on uptime.

Rank normalisation alone caps what one metric can cost at that metric's weight: an oracle that
missed a third of the reports, or never signed, loses at most 25% or 10% of its score, while the
ordinary noise of the accuracy metrics can move an honest oracle by more. So the work an oracle
owed is also a multiplier on its whole score:

    factor = min(1, value / (floor * median))^2

where ``median`` is the scope's median value of the metric (honest-dominated, as f < n/3) and
``floor`` the share of it that earns full credit. An oracle at the committee's level keeps its
score; one that did half the work keeps a quarter of it (losses weigh more than gains). Signing
is gated from a quarter of the median only: a report needs just t signatures, so honest oracles' signing
rates spread widely by who answered first.

A steady bias is gated the same way, against a limit rather than the committee's level (an honest
committee has no typical bias, only noise): ``bias_t``, the oracle's offset from the committee in
standard errors of its mean (bias.py), costs nothing up to ``BIAS_T_LIMIT`` = 3 and then
``factor = min(1, 3 / t)^4``, i.e. the square of the ratio of t^2 (the evidence, a chi-square)
to its limit, as the work gates square theirs. Honest noise passed t = 3 for 1% of honest oracles
in the detection runs (docs/reputation.md), and a constant offset's t grows like the square root
of the reports seen: at t = 3.7 (the weakest biased oracle measured at R = 30) an oracle keeps 44%
of its score, at t = 6 a sixteenth.

Everything is integer arithmetic in ppm on values SQL computes as exact ratios, so the factors,
like the scores, are the same on every machine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

from ocr_client.reputation.metrics import MetricValue
from ocr_client.reputation.window import PPM


@dataclass(frozen=True)
class Gate:
    metric: str
    #: the share of the scope's median that earns full credit
    floor: Fraction


GATES: Final[tuple[Gate, ...]] = (
    Gate("inclusion_rate", Fraction(1)),
    Gate("signing_rate", Fraction(1, 4)),
)


@dataclass(frozen=True)
class Limit:
    """A lower-is-better metric that costs nothing up to ``limit`` (in its own unit), applied
    while ``weighted`` carries a weight (a weights file that leaves bias out turns its gate off too)."""

    metric: str
    limit: Fraction
    weighted: str
    #: factor = min(1, limit / value) ** power
    power: int = 2


BIAS_T_LIMIT: Final[Fraction] = Fraction(3)
LIMITS: Final[tuple[Limit, ...]] = (Limit("bias_t", BIAS_T_LIMIT, "bias_bps", power=4),)


def _ppm(value: float) -> int:
    return int(Fraction(value) * PPM)


def _median(values: list[int]) -> int:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def gate_factors(values: Mapping[str, Mapping[str, MetricValue]], metrics: tuple[str, ...]) -> dict[str, int]:
    """entity -> multiplier in ppm from every gate whose metric is in ``metrics`` (the usable ones)."""
    factors = {e: PPM for e in values}
    for gate in GATES:
        if gate.metric not in metrics:
            continue
        known = {e: _ppm(float(v)) for e, row in values.items() if isinstance(v := row.get(gate.metric), int | float)}
        if not known:
            continue
        full = int(gate.floor * _median(list(known.values())))
        if full <= 0:
            continue
        for e in values:
            mine = known.get(e, 0)
            share = min(PPM, mine * PPM // full)
            factors[e] = factors[e] * (share * share // PPM) // PPM
    for limit in LIMITS:
        if limit.weighted not in metrics:
            continue
        for e, row in values.items():
            value = row.get(limit.metric)
            if isinstance(value, int | float) and value > limit.limit:
                share = int((limit.limit / Fraction(value)) ** limit.power * PPM)
                factors[e] = factors[e] * share // PPM
    return factors


def describe() -> dict[str, str]:
    """The gates as the score's ``method`` states them."""
    return {g.metric: f"score x min(1, value / ({g.floor} x scope median))^2" for g in GATES}


def describe_limits() -> dict[str, str]:
    """The limit gates as the score's ``method`` states them."""
    return {g.metric: f"score x min(1, {g.limit} / value)^{g.power}" for g in LIMITS}
