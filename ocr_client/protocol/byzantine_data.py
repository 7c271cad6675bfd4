"""Byzantine strategies that follow the protocol to the letter and corrupt only the data.

The strategies of :mod:`ocr_client.protocol.byzantine` attack the protocol; the BFT argument (the
median of 2f+1 signed observations lies within the honest ones) makes them harmless but leaves
most of them without an on-chain trace. These four are the opposite: every message they send is
valid, every report they sign is sound, the answer never leaves the honest range, and yet what they
observe is worthless. They are what a reputation engine, reading only the chain, must catch:

- ``stale-source``: the node's data source froze; it keeps observing its first reading.
- ``late``: the node's readings reach it late; it observes, with their own old timestamps, what it
  read ``LATE_ROUNDS`` rounds ago. That is far inside the protocol's window (a leader accepts
  observation times within ``MAX_CLOCK_SKEW`` of its clock, hours), and the node answers at once,
  inside the leader's grace period, so its old observations are accepted and included.
- ``bias``: the node adds a small constant bias (``BIAS_BPS``) to its reading, half the noise bound
  of the simulation's honest sources (+-10 bps), so its values sit inside the honest range in most
  rounds (at n = 7 an unbiased reading lies within the 5 honest ones in 2/3 of the rounds, this one in 55%).
- ``copycat``: the node runs no source of its own and mirrors another oracle's observation of the
  same round, as a sybil operator's second node would: same value, its own (never earlier)
  timestamp. Who it copies and how it sees that oracle's reading is wired by whoever runs it
  (:class:`~ocr_client.protocol.simulation.OracleSimulation` gives it a side channel to one honest
  oracle, the channel an operator of both nodes has).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Final, TypeAlias

from ocr_client.protocol.messages import Message, SignedObservation, encode, sign_observation
from ocr_client.protocol.node import Behaviour, OracleNode

#: How many rounds behind a ``late`` node's readings are.
LATE_ROUNDS: Final[int] = 2
#: Past readings a ``late`` node keeps (more than LATE_ROUNDS rounds' worth at any round rate).
LATE_HISTORY: Final[int] = 64
#: The ``bias`` strategy's offset in basis points of its own reading (the simulation's honest
#: sources spread +-10 bps around the true price).
BIAS_BPS: Final[int] = 5
BPS: Final[int] = 10_000
#: How often a ``copycat`` looks again for the reading it copies (seconds on the node's clock).
COPY_POLL: Final[float] = 0.005

#: ``(epoch, round) -> value`` the copied oracle observed in that round, or None (not yet, or never).
MirrorChannel: TypeAlias = Callable[[int, int], int | None]


class StaleSource(Behaviour):
    """Observes its first reading forever: a data source that froze."""

    name = "stale-source"

    def __init__(self) -> None:
        self.frozen: int | None = None

    def observe(self, honest: int | None) -> int | None:
        if self.frozen is None:
            self.frozen = honest
        return self.frozen


class Biased(Behaviour):
    """Observes its reading plus ``BIAS_BPS`` basis points, every round."""

    name = "bias"

    def observe(self, honest: int | None) -> int | None:
        return None if honest is None else honest + honest * BIAS_BPS // BPS


class _ReSigner(Behaviour):
    """A strategy that replaces its own signed observation by another it signs itself."""

    def __init__(self) -> None:
        self.node: OracleNode | None = None

    def attach(self, node: OracleNode) -> None:
        self.node = node

    def resign(self, node: OracleNode, original: SignedObservation, value: int, timestamp: int) -> SignedObservation:
        ctx = node.ctx
        return sign_observation(ctx.signing_key, ctx.config.config_digest, original.epoch, original.round,
                                original.observer, value, max(0, timestamp))


class Late(_ReSigner):
    """Observes, under its old timestamp, the reading it took ``LATE_ROUNDS`` rounds ago."""

    name = "late"

    def __init__(self) -> None:
        super().__init__()
        self.readings: deque[tuple[int, int]] = deque(maxlen=LATE_HISTORY)  # (timestamp, value), oldest first

    def outgoing(self, to: int, message: Message) -> list[bytes]:
        if not isinstance(message, SignedObservation) or self.node is None:
            return [encode(message)]
        self.readings.append((message.timestamp, message.value))
        lag = LATE_ROUNDS * self.node.ctx.config.timing.delta_round
        old = [reading for reading in self.readings if reading[0] <= message.timestamp - lag]
        # Before it has a reading that old (its first rounds), it still stamps the lag on.
        timestamp, value = old[-1] if old else (int(message.timestamp - lag), message.value)
        return [encode(self.resign(self.node, message, value, timestamp))]


class Copycat(_ReSigner):
    """Sends, for each round, the value another oracle observed in that round, under its own
    timestamp; it waits up to the observation budget (MaxDurationObservation) for that value and
    sends nothing if it never comes."""

    name = "copycat"

    def __init__(self) -> None:
        super().__init__()
        self.mirror: MirrorChannel | None = None

    def copy_from(self, mirror: MirrorChannel) -> None:
        """Where the values to copy come from (set before the node starts)."""
        self.mirror = mirror

    def outgoing(self, to: int, message: Message) -> list[bytes]:
        if not isinstance(message, SignedObservation) or self.node is None or self.mirror is None:
            return [encode(message)]
        node = self.node
        deadline = node.ctx.clock.now() + node.ctx.config.timing.max_duration_observation
        self._copy(node, to, message, deadline)
        return []

    def _copy(self, node: OracleNode, to: int, own: SignedObservation, deadline: float) -> None:
        if not node.running or self.mirror is None:
            return
        value = self.mirror(own.epoch, own.round)
        if value is not None:
            node.transport.send(to, encode(self.resign(node, own, value, node.ctx.unix_time())))
        elif node.ctx.clock.now() < deadline:
            node.ctx.clock.call_later(COPY_POLL, lambda: self._copy(node, to, own, deadline))
