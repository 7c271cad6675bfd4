"""The loop a node process runs: timers from a :class:`RealClock`, messages from a polling transport.

Everything happens on one thread, alternately: due timers run, then the transport waits for
messages no longer than until the next timer is due (capped by ``max_block`` so ``stop`` is
checked regularly). That keeps the protocol code lock-free, exactly as under the simulated clock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ocr_client.errors import OCRError
from ocr_client.net.clock import RealClock
from ocr_client.net.transport import Transport


class PollingTransport(Transport, Protocol):
    """A transport whose handler runs from :meth:`poll` on the caller's thread (e.g. ZmqTransport)."""

    def poll(self, timeout_seconds: float) -> int:
        """Wait up to ``timeout_seconds`` for messages, dispatch them, return how many were dispatched."""
        ...


def run_loop(transport: PollingTransport, clock: RealClock, stop: Callable[[], bool], max_block: float = 0.05) -> None:
    """Alternate ``clock.run_due()`` and ``transport.poll(...)`` until ``stop()`` returns True.

    ``stop`` is checked before every step, so a timer or handler that makes it true ends the loop
    without one more blocking wait.
    """
    if max_block <= 0:
        raise OCRError(f"max_block must be positive, got {max_block}")
    while not stop():
        clock.run_due()
        if stop():
            return
        transport.poll(clock.seconds_to_next(max_block))
