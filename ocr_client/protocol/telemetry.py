"""Structured events: every protocol decision names node, epoch, round and phase.

One :class:`Event` type feeds all three views users of libocr ask for: the round trace (who led,
who observed what, who signed, who transmitted, why a round produced no report), structured log
lines, and Prometheus counters and latencies (:mod:`ocr_client.protocol.metrics`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LOG = logging.getLogger("ocr_client.protocol")


@dataclass(frozen=True)
class Event:
    """Something a node did or decided. ``kind`` is one of a small fixed vocabulary (see node.py)."""

    time: float
    node: int
    epoch: int
    round: int
    phase: str  # pacemaker | observe | report | finalize | transmit | network
    kind: str
    detail: dict[str, Any] = field(default_factory=dict)

    def log_line(self) -> str:
        """One key=value line (stable field names, values JSON-encoded)."""
        fields = {"t": round(self.time, 3), "node": self.node, "epoch": self.epoch, "round": self.round,
                  "phase": self.phase, "event": self.kind, **self.detail}
        return " ".join(f"{k}={json.dumps(v, default=str, separators=(',', ':'))}" for k, v in fields.items())


class Fanout:
    """Send each event to several sinks (trace recorder, logger, metrics)."""

    def __init__(self, *sinks: Callable[[Event], None]) -> None:
        self.sinks = list(sinks)

    def emit(self, event: Event) -> None:
        for sink in self.sinks:
            sink(event)


def log_sink(level: int = logging.DEBUG) -> Callable[[Event], None]:
    """A sink writing each event as a structured log line."""

    def sink(event: Event) -> None:
        if LOG.isEnabledFor(level):
            LOG.log(level, event.log_line())

    return sink
