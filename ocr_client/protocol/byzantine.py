"""Byzantine strategies, pluggable per node, under exactly the names the tests and CLI use.

Each strategy is a :class:`~ocr_client.protocol.node.Behaviour`: it may change what the node
observes and what it puts on the wire, per message and per recipient. ``crash`` and
``crash-recover`` are carried out by whoever runs the node (the simulator takes it off the
network and restarts it from its store); their behaviour objects are honest.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from typing import Final

from eth_utils import keccak

from ocr_client.errors import ConfigError
from ocr_client.net.transport import MAX_MESSAGE_BYTES
from ocr_client.protocol.config import MAX_EPOCH
from ocr_client.protocol.messages import (
    FinalReport,
    Message,
    NewEpoch,
    ObserveRequest,
    ReportRequest,
    ReportShare,
    SignedObservation,
    encode,
    sign_observation,
)
from ocr_client.protocol.node import Behaviour, OracleNode
from ocr_client.protocol.strategy_names import CRASH, CRASH_RECOVER, STRATEGIES
from ocr_client.report.layout import INT192_MAX, decode_report, encode_report
from ocr_client.report.median import build_report

LIE_FACTOR: Final[int] = 1000
FLOOD_EPOCH: Final[int] = MAX_EPOCH


class _Liar(Behaviour):
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def lie(self, honest: int) -> int:
        raise NotImplementedError

    def observe(self, honest: int | None) -> int | None:
        return self.lie(honest if honest is not None else 1)


class LieHigh(_Liar):
    """Observes a thousand times the truth."""

    name = "lie-high"

    def lie(self, honest: int) -> int:
        return min(INT192_MAX, abs(honest) * LIE_FACTOR + 1)


class LieLow(_Liar):
    """Observes zero-ish: the truth divided by a thousand."""

    name = "lie-low"

    def lie(self, honest: int) -> int:
        return honest // LIE_FACTOR


class LieRandom(_Liar):
    """Observes anything from zero to a thousand times the truth, fresh each round."""

    name = "lie-random"

    def lie(self, honest: int) -> int:
        return self.rng.randint(0, max(1, abs(honest)) * LIE_FACTOR)


class Equivocate(Behaviour):
    """Tells different peers different things: two signed observations with different values for
    one round, different report requests to different followers when it leads, different NEWEPOCH
    values to different peers, and two signature shares over two different reports for one round
    (the second with its own observation changed). The two shares are slashable evidence."""

    name = "equivocate"

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.node: OracleNode | None = None

    def attach(self, node: OracleNode) -> None:
        self.node = node

    def _alternative(self, o: SignedObservation) -> SignedObservation:
        assert self.node is not None
        ctx = self.node.ctx
        return sign_observation(ctx.signing_key, ctx.config.config_digest, o.epoch, o.round, o.observer,
                                o.value * 2 + 1, o.timestamp)

    def _conflicting_share(self, message: ReportShare) -> ReportShare:
        """A valid share over a second report for the same round: own observation doubled."""
        assert self.node is not None
        ctx = self.node.ctx
        report = decode_report(message.report)
        changed = [replace(o, value=o.value * 2 + 1) if o.observer == ctx.index else o for o in report.observations]
        if changed == list(report.observations):
            changed = [replace(o, timestamp=o.timestamp + 1) for o in report.observations]
        other = encode_report(build_report(report.config_digest, report.epoch, report.round, changed))
        return ReportShare(message.epoch, message.round, keccak(other), ctx.signer.share(ctx.signing_digest(other)), other)

    def outgoing(self, to: int, message: Message) -> list[bytes]:
        if isinstance(message, SignedObservation):
            return [encode(message), encode(self._alternative(message))]
        if isinstance(message, ReportShare) and message.report and self.node is not None:
            return [encode(message), encode(self._conflicting_share(message))]
        if isinstance(message, ReportRequest) and to % 2 == 1:
            me = self.node.ctx.index if self.node else -1
            changed = tuple(self._alternative(o) if o.observer == me else o for o in message.observations)
            return [encode(replace(message, observations=changed))]
        if isinstance(message, NewEpoch) and to % 2 == 1:
            return [encode(NewEpoch(min(MAX_EPOCH, message.epoch + 1)))]
        return [encode(message)]


class Withhold(Behaviour):
    """Takes part in everything but never sends a signature share."""

    name = "withhold"

    def outgoing(self, to: int, message: Message) -> list[bytes]:
        return [] if isinstance(message, ReportShare) else [encode(message)]


class BadShare(Behaviour):
    """Sends signature shares that do not verify (a share over a different message)."""

    name = "bad-share"

    def __init__(self) -> None:
        self.node: OracleNode | None = None

    def attach(self, node: OracleNode) -> None:
        self.node = node

    def outgoing(self, to: int, message: Message) -> list[bytes]:
        if isinstance(message, ReportShare) and self.node is not None:
            forged = self.node.ctx.signer.share(bytes(32))
            return [encode(replace(message, share=forged))]
        return [encode(message)]


class SilentLeader(Behaviour):
    """An ordinary follower that, when it leads, sends nothing a leader sends."""

    name = "silent-leader"

    def outgoing(self, to: int, message: Message) -> list[bytes]:
        if isinstance(message, ObserveRequest | ReportRequest) or (isinstance(message, FinalReport) and not message.echo):
            return []
        return [encode(message)]


class PartialFinal(Behaviour):
    """Leads honestly but sends FINAL to only one other oracle, and never echoes."""

    name = "partial-final"

    def __init__(self) -> None:
        self.node: OracleNode | None = None

    def attach(self, node: OracleNode) -> None:
        self.node = node

    def outgoing(self, to: int, message: Message) -> list[bytes]:
        if isinstance(message, FinalReport):
            me = self.node.ctx.index if self.node else 0
            n = self.node.ctx.config.n if self.node else 1
            return [encode(message)] if not message.echo and to == (me + 1) % n else []
        return [encode(message)]


class _Periodic(Behaviour):
    """A strategy that also does something every ``period`` seconds of the node's clock."""

    period = 0.5

    def __init__(self) -> None:
        self.node: OracleNode | None = None

    def attach(self, node: OracleNode) -> None:
        self.node = node
        node.ctx.clock.call_later(self.period, self._tick)

    def _tick(self) -> None:
        if self.node is None or not self.node.running:
            return
        self.act(self.node)
        self.node.ctx.clock.call_later(self.period, self._tick)

    def act(self, node: OracleNode) -> None:
        raise NotImplementedError


class EpochFlood(_Periodic):
    """Announces the largest possible epoch to everyone, over and over."""

    name = "epoch-flood"

    def act(self, node: OracleNode) -> None:
        node.transport.broadcast(encode(NewEpoch(FLOOD_EPOCH)))

    def outgoing(self, to: int, message: Message) -> list[bytes]:
        if isinstance(message, NewEpoch):
            return [encode(NewEpoch(FLOOD_EPOCH))]
        return [encode(message)]


class Garbage(_Periodic):
    """Sends oversized and malformed messages instead of protocol messages."""

    name = "garbage"

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self.rng = rng

    def _junk(self) -> list[bytes]:
        return [
            b"\x00" * (MAX_MESSAGE_BYTES + 1),  # oversized
            bytes(self.rng.getrandbits(8) for _ in range(64)),  # random bytes
            b'{"type":"final","e":1,"r":1,"rep":"zz","sig":"00","by":[],"echo":true}',  # bad fields
            b'{"type":"report-req","e":1,"r":1,"os":[[1,1,1,"1",1,"00"]]}',  # short signature
            b"[" * 10_000,  # deep nesting
        ]

    def act(self, node: OracleNode) -> None:
        for payload in self._junk():
            node.transport.broadcast(payload)

    def outgoing(self, to: int, message: Message) -> list[bytes]:
        return [self.rng.choice(self._junk())]


_FACTORIES: Final[dict[str, Callable[[random.Random], Behaviour]]] = {
    CRASH: lambda rng: Behaviour(),
    CRASH_RECOVER: lambda rng: Behaviour(),
    "lie-high": LieHigh,
    "lie-low": LieLow,
    "lie-random": LieRandom,
    "equivocate": Equivocate,
    "withhold": lambda rng: Withhold(),
    "bad-share": lambda rng: BadShare(),
    "silent-leader": lambda rng: SilentLeader(),
    "partial-final": lambda rng: PartialFinal(),
    "epoch-flood": lambda rng: EpochFlood(),
    "garbage": Garbage,
}



def behaviour(name: str, rng: random.Random) -> Behaviour:
    """The behaviour for a strategy name; ValueError-derived :class:`UnknownStrategyError` otherwise."""
    factory = _FACTORIES.get(name)
    if factory is None:
        raise UnknownStrategyError(name)
    return factory(rng)


class UnknownStrategyError(ConfigError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown strategy {name!r}; choose one of {', '.join(STRATEGIES)}")
