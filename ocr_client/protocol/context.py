"""What every role of one oracle shares: its identity, configuration, clock, outbox and state.

Roles talk to each other only through the small callbacks wired up in :mod:`node`; this object
holds the things they all read (who am I, what time is it, how do I send, where do I record).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from nacl.signing import SigningKey, VerifyKey

from ocr_client.net.clock import Clock
from ocr_client.protocol.config import ProtocolConfig
from ocr_client.protocol.messages import Message
from ocr_client.protocol.persistence import NodeStore
from ocr_client.protocol.ports import ChainPort, ObservationSource, ReportSigner, Telemetry
from ocr_client.protocol.telemetry import Event
from ocr_client.protocol.trigger import LastReport
from ocr_client.report.layout import signing_digest


@dataclass
class NodeContext:
    """One oracle's shared parts. ``send``/``broadcast`` are set by the node (they encode, and may
    pass through a Byzantine strategy in tests)."""

    index: int
    config: ProtocolConfig
    clock: Clock
    signing_key: SigningKey
    verify_keys: tuple[VerifyKey, ...]
    signer: ReportSigner
    source: ObservationSource
    chain: ChainPort
    store: NodeStore
    telemetry: Telemetry
    #: Seconds to add to the clock to get Unix time (observation timestamps are Unix seconds).
    unix_offset: float = 0.0
    send: Callable[[int, Message], None] = field(default=lambda to, m: None)
    broadcast: Callable[[Message], None] = field(default=lambda m: None)
    last_report: LastReport | None = None
    epoch: int = 0
    #: CPU seconds this node spent per phase (what ``benchmarks/`` reports per node and round).
    cpu: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        """Charge the CPU time of the enclosed work to ``phase``."""
        start = time.process_time()
        try:
            yield
        finally:
            self.cpu[phase] += time.process_time() - start

    def signing_digest(self, report: bytes) -> bytes:
        """What the committee signs for these packed report bytes on this node's feed."""
        return signing_digest(self.chain.chain_id, self.chain.address, report)

    def unix_time(self) -> int:
        return int(self.unix_offset + self.clock.now())

    def emit(self, phase: str, kind: str, round_: int = 0, epoch: int | None = None, **detail: Any) -> None:
        self.telemetry.emit(Event(self.clock.now(), self.index, self.epoch if epoch is None else epoch,
                                  round_, phase, kind, detail))

    def note_report(self, epoch: int, round_: int, answer: int, at: float | None = None) -> None:
        """Remember the newest report (for the deviation and heartbeat trigger), made at clock
        time ``at`` (default now)."""
        last = self.last_report
        if last is None or (epoch, round_) > (last.epoch, last.round):
            self.last_report = LastReport(epoch, round_, answer, self.clock.now() if at is None else at)
