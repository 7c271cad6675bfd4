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
    return factors


def describe() -> dict[str, str]:
    """The gates as the score's ``method`` states them."""
    return {g.metric: f"score x min(1, value / ({g.floor} x scope median))^2" for g in GATES}
