"""Staggered transmission: exactly one oracle sends each finalized report, the others stand by.

Every node derives the same order from (shared secret, config digest, epoch, round); the k-th in
that order waits k x DeltaStage. Right before sending it re-reads the contract's newest (digest,
epoch, round) and stands down if the report (or a newer one) is already there, so in a healthy
network exactly one transmission lands and nobody pays for a revert. A pending transmission is
stored before it is scheduled, so a restarted node still sends it if its turn comes.
"""

from __future__ import annotations

from collections.abc import Callable

from ocr_client.errors import OCRError
from ocr_client.protocol.config import transmit_order
from ocr_client.protocol.context import NodeContext
from ocr_client.protocol.persistence import PendingTransmission
from ocr_client.protocol.ports import Attestation, TransmitOutcome
from ocr_client.report.layout import Report


class Transmission:
    """Schedules, re-checks and sends this oracle's share of the transmission work."""

    def __init__(self, ctx: NodeContext, on_outcome: Callable[[int, int, TransmitOutcome], None] | None = None,
                 enabled: Callable[[], bool] | None = None) -> None:
        self.ctx = ctx
        self.on_outcome = on_outcome
        self.enabled = enabled or (lambda: True)
        self._scheduled: set[tuple[int, int]] = set()

    def schedule(self, report: Report, raw: bytes, attestation: Attestation) -> None:
        """Queue a finalized report at this node's stage."""
        order = transmit_order(self.ctx.config, report.epoch, report.round)
        stage = order.index(self.ctx.index)
        pending = PendingTransmission(
            config_digest=self.ctx.config.config_digest, epoch=report.epoch, round=report.round, report=raw,
            signature=attestation.signature, signers=attestation.signers, extra=b"",
            due=self.ctx.clock.now() + stage * self.ctx.config.timing.delta_stage)
        self.ctx.store.add_pending(pending)  # durable before the timer exists
        self.ctx.emit("transmit", "scheduled", report.round, epoch=report.epoch, stage=stage)
        self._arm(pending)

    def resume(self) -> None:
        """After a restart: schedule every stored pending transmission again."""
        for pending in self.ctx.store.pending(self.ctx.config.config_digest):
            self._arm(pending)

    def _arm(self, pending: PendingTransmission) -> None:
        key = (pending.epoch, pending.round)
        if key in self._scheduled:
            return
        self._scheduled.add(key)
        delay = max(0.0, pending.due - self.ctx.clock.now())
        self.ctx.clock.call_later(delay, lambda: self._attempt(pending))

    def _attempt(self, pending: PendingTransmission) -> None:
        with self.ctx.timed("transmit"):
            self._attempt_timed(pending)

    def _attempt_timed(self, pending: PendingTransmission) -> None:
        key = (pending.epoch, pending.round)
        self._scheduled.discard(key)
        if not self.enabled():
            return  # the node is down; a restart resumes from the store
        digest = self.ctx.config.config_digest
        try:
            onchain_digest, epoch, round_ = self.ctx.chain.latest_epoch_round()
        except OCRError as exc:
            self.ctx.emit("transmit", "chain-read-failed", pending.round, epoch=pending.epoch, error=str(exc))
            onchain_digest, epoch, round_ = b"", 0, 0
        if onchain_digest == digest and (epoch, round_) >= key:
            self.ctx.emit("transmit", "stood-down", pending.round, epoch=pending.epoch, onchain=[epoch, round_])
            self.ctx.store.remove_pending(digest, *key)
            return
        calldata = self.ctx.signer.calldata(pending.report, Attestation(pending.signature, pending.signers),
                                            self.ctx.index)
        outcome = self.ctx.chain.transmit(calldata, (digest, *key))
        self.ctx.store.remove_pending(digest, *key)
        self.ctx.emit("transmit", outcome.status, pending.round, epoch=pending.epoch, tx=outcome.tx,
                      gas_used=outcome.gas_used, error=outcome.error)
        if self.on_outcome is not None:
            self.on_outcome(*key, outcome)
