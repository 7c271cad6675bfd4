"""When a round's median becomes a report: the first round, a deviation of at least alpha, or the
heartbeat DeltaC; never a median outside [minAnswer, maxAnswer]. Pure functions, so every node
reaches the same decision from the same inputs and tests can call them without a network."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LastReport:
    """The newest report this node knows of: from the chain at start, then from accepted FINALs."""

    epoch: int
    round: int
    answer: int
    at: float  # node clock time it became known (chain-read reports: the time of the read)


def deviation_reached(median: int, last: int, alpha: float) -> bool:
    """|median - last| >= alpha * |last|; from a last answer of 0 any change counts."""
    if last == 0:
        return median != 0
    return abs(median - last) >= alpha * abs(last)


def report_reason(median: int, last: LastReport | None, now: float, alpha: float, delta_c: float,
                  min_answer: int, max_answer: int, lead: float = 0.0) -> str | None:
    """Why this median should be reported ("first", "deviation", "heartbeat"), or None.

    The bounds come first: an out-of-range median is never reported, whatever else is due. The
    heartbeat is due ``lead`` seconds before DeltaC has passed, so that the report *lands* within
    DeltaC of the last one (DeltaC is what consumers may use as their staleness bound)."""
    if not min_answer <= median <= max_answer:
        return None
    if last is None:
        return "first"
    if deviation_reached(median, last.answer, alpha):
        return "deviation"
    if now - last.at >= delta_c - lead:
        return "heartbeat"
    return None
