"""Finalization: accept a FINAL once, echo it once to everyone, and hand it to transmission.

A FINAL carries the report and its combined signature, so it proves itself whoever relays it:
the first valid copy (from the leader or anyone's echo) is accepted and echoed to every oracle.
A leader that sends FINAL to only some oracles therefore cannot stall the rest.
"""

from __future__ import annotations

from collections.abc import Callable

from ocr_client.errors import ReportError
from ocr_client.protocol.context import NodeContext
from ocr_client.protocol.messages import FinalReport
from ocr_client.protocol.ports import Attestation
from ocr_client.report.layout import Report, decode_report, signing_digest


class Finalization:
    """Accepts FINALs for the current epoch; ``on_final`` gets each accepted report once."""

    def __init__(self, ctx: NodeContext, progress: Callable[[], None],
                 on_final: Callable[[Report, bytes, Attestation], None]) -> None:
        self.ctx = ctx
        self.progress = progress
        self.deliver = on_final
        self.accepted: set[tuple[int, int]] = set()
        self._checked: set[tuple[int, int, int]] = set()  # (e, r, sender): one verification each
        self.leader = -1

    def start_epoch(self, epoch: int, leader: int) -> None:
        self.leader = leader
        self.accepted = {k for k in self.accepted if k[0] >= epoch}
        self._checked = {k for k in self._checked if k[0] >= epoch}

    def on_final(self, sender: int, message: FinalReport) -> None:
        key = (message.epoch, message.round)
        if message.epoch != self.ctx.epoch or key in self.accepted:
            return
        if not message.echo and sender != self.leader:
            return
        if (*key, sender) in self._checked:
            return  # a peer gets one verification per round, so junk FINALs cannot eat our CPU
        self._checked.add((*key, sender))
        problem, report = self._check(message)
        if problem is not None or report is None:
            self.ctx.emit("finalize", "bad-final", message.round, sender=sender, reason=problem)
            return
        self.accepted.add(key)
        self.ctx.note_report(message.epoch, message.round, report.answer)
        self.ctx.emit("finalize", "accepted", message.round, answer=report.answer, signers=list(message.signers),
                      via="echo" if message.echo else "leader")
        self.ctx.broadcast(FinalReport(message.epoch, message.round, message.report, message.signature,
                                       message.signers, echo=True))
        self.progress()
        self.deliver(report, message.report, Attestation(message.signature, message.signers))

    def _check(self, message: FinalReport) -> tuple[str | None, Report | None]:
        config = self.ctx.config
        try:
            report = decode_report(message.report)
        except ReportError as exc:
            return f"undecodable report: {exc}", None
        if report.config_digest != config.config_digest:
            return "report for another config", None
        if (report.epoch, report.round) != (message.epoch, message.round):
            return "report names another (epoch, round)", None
        if not config.min_answer <= report.answer <= config.max_answer:
            return "answer out of bounds", None
        digest = signing_digest(self.ctx.chain.chain_id, self.ctx.chain.address, message.report)
        try:
            valid = self.ctx.signer.verify(digest, Attestation(message.signature, message.signers))
        except Exception as exc:  # malformed points from a peer must not take the node down
            return f"unverifiable signature: {type(exc).__name__}", None
        return (None, report) if valid else ("invalid signature", None)
