"""Default weights, and turning weights into integers so scores are exact fixed-point.

Defaults (sum 110), after Pyth's publisher ranking (uptime 40, deviation 40, stalled 20) adapted
to what our events show (docs/reputation.md justifies each):

- work done: inclusion 25, signing 10 (accountable feeds; dropped elsewhere);
- accuracy: 2DEV share 15, median deviation 10, rank-based deviation 10, robust z 5, bias 10 (its
  weight also switches on the bias gate, gates.py, which does most of the work);
- liveness of the data: stalled 10, latency 5, timestamp percentile 5;
- experience: active days 5 (newcomers start lower: no whitewashing by re-registering).

Counts (reports transmitted, gas) carry no default weight: they depend on the schedule and the
staggering order more than on the oracle; the effective gas price breaks ties.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

DEFAULT_WEIGHTS: Final[dict[str, Decimal]] = {
    "inclusion_rate": Decimal(25), "signing_rate": Decimal(10),
    "within_2dev_share": Decimal(15), "deviation_median_bps": Decimal(10), "rank_deviation_score": Decimal(10),
    "robust_z_median": Decimal(5), "bias_bps": Decimal(10), "stalled_share": Decimal(10), "latency_median_s": Decimal(5),
    "timestamp_percentile": Decimal(5), "active_days": Decimal(5),
}
#: Weights are scaled to integers of this many parts per unit (a weight of 0.000001 still counts).
WEIGHT_SCALE: Final[int] = 1_000_000


def integer_weights(weights: dict[str, Decimal]) -> dict[str, int]:
    """Each weight as an integer count of millionths (exact for any decimal written in a file)."""
    return {name: int(w * WEIGHT_SCALE) for name, w in weights.items() if int(w * WEIGHT_SCALE) > 0}
