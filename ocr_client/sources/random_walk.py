"""A synthetic market for demos and simulations: one shared "true price", many noisy readers.

:class:`PriceProcess` is a deterministic geometric random walk over time: the same seed gives
the same path, and the price at any time is a pure function of that time, so nodes that read
in different orders (or a simulation that jumps around) all agree. :class:`RandomWalkSource`
is one node's view of it: the true price at its clock's time, times a little independent noise,
the way real venues quote nearly but not exactly the same price.
"""

from __future__ import annotations

import math
import random
import threading
from array import array
from collections.abc import Callable
from decimal import Decimal

from ocr_client.errors import SourceError
from ocr_client.sources.base import to_decimal


class PriceProcess:
    """The true price as a function of time: piecewise constant over steps of ``step_seconds``.

    Step ``k`` covers ``[origin + k*step_seconds, origin + (k+1)*step_seconds)``; the log-price
    moves by ``volatility * N(0, 1)`` from each step to the next. Steps are drawn in order from
    one ``random.Random(seed)`` and cached, so asking for step 50 and then step 3 returns exactly
    what asking in the other order would. Times before ``origin`` read as step 0 (``start``).

    Generating up to step ``k`` costs ``O(k)`` once, so the walk refuses steps beyond
    ``max_steps``: with a wall clock, set ``origin`` to the clock's reading at start-up.
    """

    def __init__(
        self,
        seed: int,
        start: float = 3000.0,
        volatility: float = 0.002,
        step_seconds: float = 1.0,
        *,
        origin: float = 0.0,
        max_steps: int = 1_000_000,
    ) -> None:
        if not (math.isfinite(start) and start > 0):
            raise ValueError(f"start price must be positive and finite, got {start}")
        if not (math.isfinite(volatility) and volatility >= 0):
            raise ValueError(f"volatility must be non-negative and finite, got {volatility}")
        if not (math.isfinite(step_seconds) and step_seconds > 0):
            raise ValueError(f"step_seconds must be positive and finite, got {step_seconds}")
        if not math.isfinite(origin):
            raise ValueError(f"origin must be finite, got {origin}")
        self.seed = seed
        self.start = start
        self.volatility = volatility
        self.step_seconds = step_seconds
        self.origin = origin
        self.max_steps = max_steps
        self._rng = random.Random(seed)
        self._log_returns = array("d", [0.0])  # cumulative, so step 0 is exactly ``start``
        self._lock = threading.Lock()

    def step_index(self, t: float) -> int:
        """Which step time ``t`` falls in (0 for any time before ``origin``)."""
        if not math.isfinite(t):
            raise ValueError(f"time must be finite, got {t}")
        return max(0, math.floor((t - self.origin) / self.step_seconds))

    def price_at(self, t: float) -> float:
        """The true price at time ``t`` (seconds on the caller's clock)."""
        return self.price_at_step(self.step_index(t))

    def price_at_step(self, k: int) -> float:
        if k < 0:
            raise ValueError(f"step index must be non-negative, got {k}")
        if k > self.max_steps:
            raise ValueError(f"step {k} is beyond max_steps={self.max_steps}; is origin set near the clock's start?")
        with self._lock:
            walk = self._log_returns
            while len(walk) <= k:
                walk.append(walk[-1] + self.volatility * self._rng.gauss(0.0, 1.0))
            return self.start * math.exp(walk[k])


class RandomWalkSource:
    """One node's noisy reading of a shared :class:`PriceProcess` at ``clock()`` time.

    Returns ``price_at(clock()) * (1 + uniform(-noise, noise))``. Give each node its own seeded
    ``rng`` for reproducible simulations; honest nodes then differ by at most about ``2 * noise``.
    """

    def __init__(
        self,
        process: PriceProcess,
        clock: Callable[[], float],
        noise: float = 0.001,
        rng: random.Random | None = None,
        name: str = "random-walk",
    ) -> None:
        if not (math.isfinite(noise) and 0 <= noise < 1):
            raise ValueError(f"noise must be in [0, 1), got {noise}")
        self._process = process
        self._clock = clock
        self._noise = noise
        self._rng = rng if rng is not None else random.Random()
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    @property
    def process(self) -> PriceProcess:
        return self._process

    def read(self, timeout: float) -> Decimal:
        """Computed locally and instantly, so ``timeout`` is never at risk."""
        try:
            true_price = self._process.price_at(self._clock())
        except (ValueError, OverflowError) as exc:
            raise SourceError(f"{self._name}: {exc}") from exc
        factor = 1.0 + self._rng.uniform(-self._noise, self._noise) if self._noise else 1.0
        return to_decimal(true_price * factor, self._name)
