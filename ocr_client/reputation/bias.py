"""A constant bias: which side of the median an oracle's values sit on, judged against its committee.

A small constant offset (the ``bias`` strategy adds half the honest noise bound) barely moves
|deviation|, so the accuracy metrics cannot see it. What it does move is the sign of the
deviations: its signed deviations average to its offset, an honest oracle's to the committee's.
So, per oracle:

- each signed deviation from the report median, in bps, is clamped to the report's 2DEV band
  (2 robust standard deviations, derive.py): an occasional outlier counts as a 2-sd miss and no
  more, since the other accuracy metrics judge outliers and this one judges their side;
- each is stored with its observation when indexed (derive.clamped_deviation), SQL sums them
  (decay-weighted, as integers in hundredths of a bp) and this module takes their mean, exactly
  (``Fraction``);
- the committee's centre is the shortest half of the oracles' means (the narrowest window holding
  k // 2 + 1 of the k means, and its lower median: Rousseeuw's LMS location). The plain median
  would not do: f < n/3 oracles biased the same way all pull it their way (at n = 7 the 4th value
  of 7 is the second-highest honest one), and they pull the report medians too, so every honest
  mean sits on the other side;
- ``bias_bps`` = |mean - centre|; ``bias_t`` = that in standard errors of the mean, with the noise
  taken from the committee (the median of the oracles' variances) rather than the oracle's own, so
  adding noise cannot hide a bias, and ``n_eff = (sum w)^2 / sum w^2`` observations (at most
  ``MAX_N_EFF``: a long window makes a fraction of a bp between honest sources significant, not material).

An honest oracle's ``bias_t`` is about a normal's |z| (over the 48 detection runs of
docs/reputation.md its root mean square was 1.00 and 3 of 298 honest oracles passed 3); a steady
offset's grows like sqrt(R), so ``gates.py`` gates the score from t = 3.

Everything is exact until the final float, and the float is a correctly rounded function of
integers (``float(Fraction)``, ``math.sqrt``), so every machine gets the same values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

from ocr_client.reputation.derive import CENTI

#: A t counts at most this many effective observations: past it, more reports no longer make a
#: bias more significant, so a gate at t = 3 needs an offset of at least 3/8 of the committee's noise
#: (honest sources a fraction of a bp apart are not gated however long the window).
MAX_N_EFF: Final[int] = 64

#: Each observation's clamped signed deviation (1/CENTI bp, NULL where its report answered 0) is
#: stored with it when indexed (``observation_rows.clamped_dev``, derive.clamped_deviation): it
#: depends on its report alone, and computing it per row in SQL was a tenth of scoring's aggregate.
_KNOWN: Final[str] = "clamped_dev IS NOT NULL"
_W: Final[str] = "w::BIGINT"

#: One aggregate over ``s_obs`` per entity: the integer sums the judgement needs. Each product fits
#: BIGINT (w <= 10^6 ppm, a clamped deviation <= 10^8) but the squared deviation's weighted one,
#: which is taken in HUGEINT; DuckDB sums BIGINTs into a HUGEINT, so no sum can overflow. A sum of
#: a product with ``clamped_dev`` skips the rows where it is NULL by itself.
SUMS_SQL: Final[str] = (
    "struct_pack(n := count(clamped_dev), "
    f"sw := sum(CASE WHEN {_KNOWN} THEN {_W} END), "
    f"sw2 := sum(CASE WHEN {_KNOWN} THEN {_W} * {_W} END), "
    f"swd := sum({_W} * clamped_dev), "
    f"swd2 := sum(({_W} * clamped_dev)::HUGEINT * clamped_dev))"
)


@dataclass(frozen=True)
class Sums:
    """One oracle's decay-weighted sums of clamped signed deviations ``d`` (1/CENTI bp)."""

    n: int
    sw: int
    sw2: int
    swd: int
    swd2: int

    @property
    def mean(self) -> Fraction:
        return Fraction(self.swd, self.sw)

    @property
    def variance(self) -> Fraction:
        """The weighted variance of its deviations about its own mean."""
        return max(Fraction(0), Fraction(self.swd2, self.sw) - self.mean ** 2)

    @property
    def n_eff(self) -> Fraction:
        return Fraction(self.sw ** 2, self.sw2)


@dataclass(frozen=True)
class Judgement:
    bias_bps: float
    bias_t: float | None


def sums(raw: object) -> Sums | None:
    """The SQL struct as :class:`Sums` (None for an oracle without a weighted observation)."""
    if not isinstance(raw, Mapping) or not raw.get("n") or not raw.get("sw") or not raw.get("sw2"):
        return None
    return Sums(*(int(raw[k]) for k in ("n", "sw", "sw2", "swd", "swd2")))


def _lower_median(values: list[Fraction]) -> Fraction:
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2]


def shortest_half_centre(values: list[Fraction]) -> Fraction:
    """The lower median of the narrowest window of k // 2 + 1 sorted values (the lowest such window on a tie)."""
    if not values:
        raise ValueError("the centre of no values")
    ordered = sorted(values)
    h = len(ordered) // 2 + 1
    start = min(range(len(ordered) - h + 1), key=lambda i: (ordered[i + h - 1] - ordered[i], i))
    return ordered[start + (h - 1) // 2]


def judge(raw: Mapping[str, object]) -> dict[str, Judgement | None]:
    """entity -> its bias against the committee (None without an observation), from every entity's
    sums: ``bias_bps`` and ``bias_t`` read the same judgement (metrics.compute judges once for both)."""
    known = {e: s for e, raw_sums in raw.items() if (s := sums(raw_sums)) is not None}
    out: dict[str, Judgement | None] = {e: None for e in raw}
    if not known:
        return out
    centre = shortest_half_centre([s.mean for s in known.values()])
    spread = [s.variance for s in known.values() if s.n >= 2]
    noise = _lower_median(spread) if spread else Fraction(0)
    for e, s in known.items():
        offset = abs(s.mean - centre)
        t: float | None = None
        if noise > 0:
            t = math.sqrt(float(offset ** 2 * min(s.n_eff, Fraction(MAX_N_EFF)) / noise))
        out[e] = Judgement(float(offset / CENTI), t)
    return out

