"""Clocks: the simulated one drives tests and demos deterministically, the real one drives processes.

Both are single-threaded timer queues: callbacks run one at a time from whoever pumps the clock
(:meth:`SimClock.run_until` in a simulation, the node's event loop in a process), so protocol code
never needs locks and never sleeps.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(order=True)
class TimerHandle:
    """A scheduled callback; ``cancel()`` makes it a no-op."""

    deadline: float
    sequence: int
    callback: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class Clock(Protocol):
    """What protocol code may ask of time."""

    def now(self) -> float:
        """Seconds since the clock's origin."""
        ...

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle:
        """Run ``callback`` once, ``delay`` seconds from now (0 means after the current callback)."""
        ...


class _TimerQueue:
    """A heap of timers ordered by (deadline, insertion order): ties run first-come first-served."""

    def __init__(self) -> None:
        self._heap: list[TimerHandle] = []
        self._counter = itertools.count()

    def push(self, deadline: float, callback: Callable[[], None]) -> TimerHandle:
        handle = TimerHandle(deadline, next(self._counter), callback)
        heapq.heappush(self._heap, handle)
        return handle

    def next_deadline(self) -> float | None:
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0].deadline if self._heap else None

    def pop_due(self, now: float) -> TimerHandle | None:
        deadline = self.next_deadline()
        if deadline is None or deadline > now:
            return None
        return heapq.heappop(self._heap)

    def __len__(self) -> int:
        return sum(1 for h in self._heap if not h.cancelled)


class SimClock:
    """Discrete-event time: nothing happens between events, so a run takes as long as its work.

    The same seed and the same calls give the same order of callbacks, which is what makes the
    BFT tests repeatable without sleeps.
    """

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        self._queue = _TimerQueue()

    def now(self) -> float:
        return self._now

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle:
        return self._queue.push(self._now + max(0.0, delay), callback)

    def step(self) -> bool:
        """Run the next callback (advancing time to it); False when nothing is scheduled."""
        deadline = self._queue.next_deadline()
        if deadline is None:
            return False
        handle = self._queue.pop_due(deadline)
        assert handle is not None
        self._now = max(self._now, handle.deadline)
        handle.callback()
        return True

    def run_until(self, t: float, stop: Callable[[], bool] | None = None) -> None:
        """Run every callback due up to time ``t`` (or until ``stop()`` is true), then set now to ``t``."""
        while True:
            if stop is not None and stop():
                return
            deadline = self._queue.next_deadline()
            if deadline is None or deadline > t:
                break
            self.step()
        self._now = max(self._now, t)

    def run_for(self, seconds: float, stop: Callable[[], bool] | None = None) -> None:
        self.run_until(self._now + seconds, stop)

    @property
    def pending(self) -> int:
        return len(self._queue)


class RealClock:
    """Wall-clock time (monotonic) with the same timer queue; an event loop calls :meth:`run_due`."""

    def __init__(self) -> None:
        self._origin = time.monotonic()
        self._queue = _TimerQueue()

    def now(self) -> float:
        return time.monotonic() - self._origin

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle:
        return self._queue.push(self.now() + max(0.0, delay), callback)

    def run_due(self) -> int:
        """Run every callback whose deadline has passed; returns how many ran."""
        ran = 0
        while (handle := self._queue.pop_due(self.now())) is not None:
            handle.callback()
            ran += 1
        return ran

    def seconds_to_next(self, cap: float) -> float:
        """How long an event loop may block waiting for I/O before the next timer is due."""
        deadline = self._queue.next_deadline()
        if deadline is None:
            return cap
        return max(0.0, min(cap, deadline - self.now()))
