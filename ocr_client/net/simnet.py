"""An in-memory network on a :class:`SimClock` with seeded, per-link fault injection.

Every message gets a delivery time from its link's rules (base latency, jitter, loss,
duplication); jitter larger than the gap between two sends reorders them, and a partition drops
everything across it until healed. The only randomness is the network's own seeded generator,
so the same seed and the same protocol give the same run, message for message.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Final

from ocr_client.errors import OCRError
from ocr_client.net.clock import SimClock
from ocr_client.net.transport import MAX_MESSAGE_BYTES, Handler

DEFAULT_LATENCY: Final[float] = 0.0


@dataclass(frozen=True)
class LinkRules:
    """How one directed link (sender -> receiver) treats messages."""

    latency: float = DEFAULT_LATENCY  # seconds, always added
    jitter: float = 0.0  # extra uniform [0, jitter) seconds: reorders messages closer than this
    drop: float = 0.0  # probability a message is lost
    duplicate: float = 0.0  # probability a message is delivered twice


#: Decides per message whether to deliver it: (sender, receiver, payload) -> keep?
MessageFilter = Callable[[int, int, bytes], bool]


@dataclass
class NetworkStats:
    """Counters a test or the demo trace can read."""

    sent: int = 0
    delivered: int = 0
    dropped: int = 0
    duplicated: int = 0
    oversized: int = 0


class SimNetwork:
    """n endpoints sharing one clock; ``endpoint(i)`` is oracle i's :class:`Transport`."""

    def __init__(self, n: int, clock: SimClock, seed: int = 0, rules: LinkRules | None = None) -> None:
        if n <= 0:
            raise OCRError(f"a network needs at least one node, got n={n}")
        self.n = n
        self.clock = clock
        self.rng = random.Random(seed)
        self.default_rules = rules or LinkRules()
        self._links: dict[tuple[int, int], LinkRules] = {}
        self._partition: list[set[int]] | None = None
        self._down: set[int] = set()
        self._filters: list[MessageFilter] = []
        self._endpoints = [SimEndpoint(self, i) for i in range(n)]
        self.stats = NetworkStats()

    # --- fault injection -------------------------------------------------------------------

    def endpoint(self, index: int) -> SimEndpoint:
        return self._endpoints[index]

    def set_link(self, sender: int, receiver: int, rules: LinkRules) -> None:
        self._links[(sender, receiver)] = rules

    def set_all_links(self, **changes: float) -> None:
        """Change the default rules for every link without its own (e.g. ``drop=0.1``)."""
        self.default_rules = replace(self.default_rules, **changes)

    def rules(self, sender: int, receiver: int) -> LinkRules:
        return self._links.get((sender, receiver), self.default_rules)

    def partition(self, *groups: Iterable[int]) -> None:
        """Only nodes in the same group hear each other until :meth:`heal` (unlisted nodes are alone)."""
        self._partition = [set(g) for g in groups]

    def heal(self) -> None:
        self._partition = None

    def take_down(self, index: int) -> None:
        """A crashed node: it neither sends nor receives (messages in flight to it are lost)."""
        self._down.add(index)

    def bring_up(self, index: int) -> None:
        self._down.discard(index)

    def is_down(self, index: int) -> bool:
        return index in self._down

    def add_filter(self, keep: MessageFilter) -> None:
        """Drop any message for which ``keep`` returns False (targeted faults in tests)."""
        self._filters.append(keep)

    # --- delivery --------------------------------------------------------------------------

    def _connected(self, a: int, b: int) -> bool:
        if a == b or self._partition is None:
            return True
        return any(a in g and b in g for g in self._partition)

    def transmit(self, sender: int, receiver: int, payload: bytes) -> None:
        self.stats.sent += 1
        if sender in self._down or not 0 <= receiver < self.n:
            self.stats.dropped += 1
            return
        if len(payload) > MAX_MESSAGE_BYTES:
            self.stats.oversized += 1
            return
        if not self._connected(sender, receiver) or not all(f(sender, receiver, payload) for f in self._filters):
            self.stats.dropped += 1
            return
        rules = self.rules(sender, receiver) if sender != receiver else LinkRules()
        if rules.drop and self.rng.random() < rules.drop:
            self.stats.dropped += 1
            return
        copies = 2 if rules.duplicate and self.rng.random() < rules.duplicate else 1
        self.stats.duplicated += copies - 1
        for _ in range(copies):
            delay = rules.latency + (self.rng.random() * rules.jitter if rules.jitter else 0.0)
            self.clock.call_later(delay, lambda: self._deliver(sender, receiver, payload))

    def _deliver(self, sender: int, receiver: int, payload: bytes) -> None:
        if receiver in self._down or not self._connected(sender, receiver):
            self.stats.dropped += 1
            return
        handler = self._endpoints[receiver].handler
        if handler is None:
            self.stats.dropped += 1
            return
        self.stats.delivered += 1
        handler(sender, payload)


class SimEndpoint:
    """Oracle ``index``'s transport on a :class:`SimNetwork`."""

    def __init__(self, network: SimNetwork, index: int) -> None:
        self._network = network
        self._index = index
        self.handler: Handler | None = None

    @property
    def index(self) -> int:
        return self._index

    @property
    def n(self) -> int:
        return self._network.n

    def set_handler(self, handler: Handler) -> None:
        self.handler = handler

    def send(self, to: int, payload: bytes) -> None:
        self._network.transmit(self._index, to, payload)

    def broadcast(self, payload: bytes) -> None:
        for to in range(self._network.n):
            self._network.transmit(self._index, to, payload)

    def close(self) -> None:
        self.handler = None
