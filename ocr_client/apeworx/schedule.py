"""A bounded push schedule: every ``interval`` seconds, until ``count`` pushes or ``duration`` seconds.

A script that pushes on an interval must stop by itself (a CI job, a bounded soak on a testnet), so
at least one bound is required. Pushes are planned at fixed times from the start, so a slow push
does not shift the ones after it; one that overruns its slot is followed at once, never by a burst.
The clock and the sleep are parameters, so tests run the loop with a fake clock and no waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from ocr_client.errors import ApeScriptError

T = TypeVar("T")


@dataclass(frozen=True)
class PushSchedule:
    """When to push: ``interval`` seconds apart, at most ``count`` times, for at most ``duration`` s."""

    interval: float
    count: int | None = None
    duration: float | None = None

    def __post_init__(self) -> None:
        if not self.interval >= 0:  # also refuses NaN
            raise ApeScriptError(f"--interval must be zero or more seconds, got {self.interval}")
        if self.count is None and self.duration is None:
            raise ApeScriptError("give --count or --duration (or both): a push loop must end by itself")
        if self.count is not None and self.count < 1:
            raise ApeScriptError(f"--count must be at least 1, got {self.count}")
        if self.duration is not None and not self.duration > 0:
            raise ApeScriptError(f"--duration must be more than 0 seconds, got {self.duration}")

    def allows(self, pushes_done: int, planned_at: float) -> bool:
        """Whether a push planned ``planned_at`` seconds after the start, after ``pushes_done``, runs."""
        if self.count is not None and pushes_done >= self.count:
            return False
        return self.duration is None or planned_at < self.duration


def run_schedule(schedule: PushSchedule, push: Callable[[int], T],
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> list[T]:
    """Call ``push(k)`` for k = 0, 1, ... as the schedule allows; return what each call returned."""
    start = clock()
    results: list[T] = []
    planned = 0.0
    while schedule.allows(len(results), planned):
        wait = start + planned - clock()
        if wait > 0:
            sleep(wait)
        results.append(push(len(results)))
        # the next slot, or now if this push overran it (a late push never causes a burst)
        planned = max(planned + schedule.interval, clock() - start)
    return results
