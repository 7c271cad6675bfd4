"""The push schedule of ``ape run push_reports``: bounded by count or duration, fixed slots, no bursts.

A fake clock stands in for time, so these run instantly and say exactly when each push happens.
"""

from __future__ import annotations

import math

import pytest

from ocr_client.apeworx.schedule import PushSchedule, run_schedule
from ocr_client.errors import ApeScriptError


class FakeClock:
    """Time that moves only when the loop sleeps or a push takes time."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def pushes_at(schedule: PushSchedule, push_takes: float = 0.0) -> list[float]:
    """The clock time at which each push started."""
    clock = FakeClock()

    def push(_: int) -> float:
        started = clock.now
        clock.now += push_takes
        return started - 100.0

    return run_schedule(schedule, push, clock=clock, sleep=clock.sleep)


def test_count_bounds_the_loop_and_pushes_keep_their_slots() -> None:
    assert pushes_at(PushSchedule(interval=10, count=3)) == [0, 10, 20]


def test_duration_bounds_the_loop_to_pushes_planned_inside_it() -> None:
    assert pushes_at(PushSchedule(interval=10, duration=25)) == [0, 10, 20]
    assert pushes_at(PushSchedule(interval=10, duration=20)) == [0, 10]


def test_the_tighter_of_count_and_duration_wins() -> None:
    assert pushes_at(PushSchedule(interval=1, count=2, duration=60)) == [0, 1]
    assert pushes_at(PushSchedule(interval=30, count=10, duration=60)) == [0, 30]


def test_a_slow_push_does_not_shift_the_following_slots() -> None:
    assert pushes_at(PushSchedule(interval=10, count=3), push_takes=4) == [0, 10, 20]


def test_a_push_that_overruns_its_slot_is_followed_at_once_without_a_burst() -> None:
    # each push takes 25 s against a 10 s interval: the missed slots are dropped, not replayed
    assert pushes_at(PushSchedule(interval=10, count=3), push_takes=25) == [0, 25, 50]


@pytest.mark.parametrize(("kwargs", "says"), [
    ({"interval": 1}, "give --count or --duration"),
    ({"interval": -1, "count": 1}, "--interval must be zero or more"),
    ({"interval": math.nan, "count": 1}, "--interval must be zero or more"),
    ({"interval": 1, "count": 0}, "--count must be at least 1"),
    ({"interval": 1, "duration": 0}, "--duration must be more than 0"),
])
def test_an_unbounded_or_meaningless_schedule_is_refused_in_one_line(kwargs: dict[str, float], says: str) -> None:
    with pytest.raises(ApeScriptError, match=says) as caught:
        PushSchedule(**kwargs)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value)
