"""One oracle: the roles wired together behind one transport.

::

      transport ──bytes──> decode ──> Pacemaker ◄── progress / change-leader ──┐
                                  ├─> ReportGenerationLeader (epochs we lead)   │
                                  ├─> ReportGenerationFollower ─────────────────┤
                                  └─> Finalization ──accepted FINAL──> Transmission ──> ChainPort
                                                 └────────────────── progress ──┘

The node owns the only mutable routing state: the current epoch's leader instance and a small
per-sender buffer for messages from an epoch we have not reached yet (the leader of a new epoch
is often a few milliseconds ahead of us). Malformed input is counted and dropped, never raised.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable
from typing import Final

from ocr_client.net.transport import Transport
from ocr_client.protocol.context import NodeContext
from ocr_client.protocol.evidence_relay import EvidenceRelay
from ocr_client.protocol.finalization import Finalization
from ocr_client.protocol.follower import ReportGenerationFollower
from ocr_client.protocol.leader import ReportGenerationLeader
from ocr_client.protocol.messages import (
    Evidence,
    FinalReport,
    MalformedMessageError,
    Message,
    NewEpoch,
    ObserveRequest,
    ReportRequest,
    ReportShare,
    SignedObservation,
    decode,
    encode,
)
from ocr_client.protocol.pacemaker import Pacemaker
from ocr_client.protocol.ports import Attestation, TransmitOutcome
from ocr_client.protocol.transmission import Transmission
from ocr_client.report.layout import Report

#: Messages kept per sender for epochs we have not reached; more are dropped (a flood costs the
#: flooder's own slots only).
FUTURE_BUFFER_PER_SENDER: Final[int] = 16
#: Echoed FINALs remembered by their bytes (a few rounds' worth).
ECHOES_REMEMBERED: Final[int] = 8


#: Which phase's CPU account a message's handling is charged to.
_PHASE_OF: Final[dict[type, str]] = {
    NewEpoch: "pacemaker", ObserveRequest: "observe", SignedObservation: "observe",
    ReportRequest: "report", ReportShare: "report", FinalReport: "finalize", Evidence: "report",
}


class Behaviour:
    """How a node deviates from the protocol; the base class is the honest node.

    Strategies (``ocr_client.protocol.byzantine``) override these hooks: what value to observe,
    and what (if anything) to put on the wire for each message and recipient.
    """

    name = "honest"

    def observe(self, honest: int | None) -> int | None:
        return honest

    def outgoing(self, to: int, message: Message) -> list[bytes]:
        return [encode(message)]

    def attach(self, node: OracleNode) -> None:
        """Called once when the node starts (strategies with timers of their own use it)."""


class OracleNode:
    """The protocol roles of one oracle over a transport."""

    def __init__(self, ctx: NodeContext, transport: Transport, behaviour: Behaviour | None = None,
                 on_transmit: Callable[[int, int, TransmitOutcome], None] | None = None) -> None:
        self.ctx = ctx
        self.transport = transport
        self.behaviour = behaviour or Behaviour()
        self.running = False
        ctx.send = self._send
        ctx.broadcast = self._broadcast
        self.pacemaker = Pacemaker(ctx, self._on_epoch)
        self.follower = ReportGenerationFollower(ctx, self.pacemaker.progress, self.pacemaker.change_leader,
                                                 self.behaviour.observe)
        self.finalization = Finalization(ctx, self.pacemaker.progress, self._on_final)
        self.transmission = Transmission(ctx, on_transmit, enabled=lambda: self.running)
        self.evidence = EvidenceRelay(ctx)
        self.leader: ReportGenerationLeader | None = None
        self._future: defaultdict[int, deque[Message]] = defaultdict(lambda: deque(maxlen=FUTURE_BUFFER_PER_SENDER))
        #: The FINAL echoes this node sent. Every honest echo of a report is the same bytes, so the
        #: n - 1 echoes that arrive after ours are recognised without parsing them.
        self._echoed: deque[bytes] = deque(maxlen=ECHOES_REMEMBERED)
        self.malformed = 0
        self.known_echoes = 0

    # --- lifetime --------------------------------------------------------------------------

    def start(self) -> None:
        """Join the network: restore state, learn the newest on-chain report, ask for an epoch."""
        self.running = True
        self.transport.set_handler(self._receive)
        _, chain_epoch, chain_round = self.ctx.chain.latest_epoch_round()
        latest = self.ctx.chain.latest_report()
        # (0, 0) means no report under this configuration yet: the first round reports at once
        # (that is what keeps a committee rotation within one heartbeat). Otherwise the heartbeat
        # runs from the chain's updatedAt, so a restart does not postpone it.
        if latest is not None and (chain_epoch, chain_round) != (0, 0):
            answer, updated_at = latest
            self.ctx.note_report(chain_epoch, chain_round, answer, at=updated_at - self.ctx.unix_offset)
        self.behaviour.attach(self)
        self.transmission.resume()
        self.pacemaker.start(chain_epoch)

    def stop(self) -> None:
        """Crash or shut down: stop timers and stop handling messages (state stays in the store)."""
        self.running = False
        self.pacemaker.stop()
        if self.leader is not None:
            self.leader.stop()
        self.transport.set_handler(lambda sender, payload: None)

    # --- wire ------------------------------------------------------------------------------

    def _send(self, to: int, message: Message) -> None:
        if not self.running:
            return
        for payload in self.behaviour.outgoing(to, message):
            self.transport.send(to, payload)

    def _broadcast(self, message: Message) -> None:
        if not self.running:
            return
        if type(self.behaviour) is Behaviour:
            payload = encode(message)
            if isinstance(message, FinalReport) and message.echo:
                self._echoed.append(payload)
            self.transport.broadcast(payload)
            return
        for to in range(self.ctx.config.n):
            self._send(to, message)

    def _receive(self, sender: int, payload: bytes) -> None:
        if not self.running or not 0 <= sender < self.ctx.config.n:
            return
        if payload in self._echoed:
            self.known_echoes += 1
            return
        try:
            with self.ctx.timed("network"):
                message = decode(payload)
        except MalformedMessageError as exc:
            self.malformed += 1
            self.ctx.emit("network", "malformed", sender=sender, reason=str(exc)[:80])
            return
        with self.ctx.timed(_PHASE_OF[type(message)]):
            self.dispatch(sender, message)

    def dispatch(self, sender: int, message: Message) -> None:
        if isinstance(message, NewEpoch):
            self.pacemaker.on_new_epoch(sender, message)
            return
        if message.epoch > self.ctx.epoch:
            self._future[sender].append(message)
            return
        if message.epoch < self.ctx.epoch:
            return
        match message:
            case ObserveRequest():
                self.follower.on_observe_request(sender, message)
            case SignedObservation():
                if self.leader is not None:
                    self.leader.on_observation(sender, message)
            case ReportRequest():
                self.follower.on_report_request(sender, message)
            case ReportShare():
                if self.leader is not None:
                    self.leader.on_share(sender, message)
            case FinalReport():
                self.finalization.on_final(sender, message)
            case Evidence():
                self.evidence.on_evidence(sender, message)

    # --- role wiring -----------------------------------------------------------------------

    def _on_epoch(self, epoch: int, leader: int) -> None:
        if self.leader is not None:
            self.leader.stop()
            self.leader = None
        self.follower.start_epoch(epoch, leader)
        self.finalization.start_epoch(epoch, leader)
        self.ctx.store.prune(self.ctx.config.config_digest, max(0, epoch - 2))
        if leader == self.ctx.index:
            self.leader = ReportGenerationLeader(self.ctx, epoch, self.evidence.publish)
            self.leader.start()
        for sender, queue in list(self._future.items()):
            ready = [m for m in queue if m.epoch == epoch]
            later = [m for m in queue if m.epoch > epoch]
            queue.clear()
            queue.extend(later)
            for message in ready:
                self.dispatch(sender, message)

    def _on_final(self, report: Report, raw: bytes, attestation: Attestation) -> None:
        self.transmission.schedule(report, raw, attestation)
