"""Evidence relay: the leader that catches an equivocation broadcasts the proof; every node checks
it itself and keeps it, so any honest node can submit it (and only one submission lands on-chain).

A receiver trusts nobody: it checks that both reports are for the current config and the named
(epoch, round), that they differ, and both partial signatures against the accused oracle's key.
A peer gets one such check per (epoch, round, accused), so junk evidence cannot eat a node's CPU.
"""

from __future__ import annotations

from ocr_client.protocol.context import NodeContext
from ocr_client.protocol.evidence import ConflictingShares, round_problem
from ocr_client.protocol.messages import Evidence

#: Evidence checks remembered (per sender, epoch, round, accused) before the oldest are forgotten.
MAX_CHECKED: int = 4096


class EvidenceRelay:
    """Publishes evidence this node found and keeps evidence others prove to it."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self._checked: dict[tuple[int, int, int, int], None] = {}

    def publish(self, conflict: ConflictingShares) -> None:
        self.ctx.broadcast(Evidence(conflict.epoch, conflict.round, conflict.oracle, conflict.report_a,
                                    conflict.share_a, conflict.report_b, conflict.share_b))

    def on_evidence(self, sender: int, message: Evidence) -> None:
        if sender == self.ctx.index:
            return  # our own broadcast: already stored
        key = (sender, message.epoch, message.round, message.oracle)
        if key in self._checked:
            return
        self._checked[key] = None
        if len(self._checked) > MAX_CHECKED:
            del self._checked[next(iter(self._checked))]
        problem = self.problem(message)
        if problem is not None:
            self.ctx.emit("report", "bad-evidence", message.round, epoch=message.epoch, sender=sender,
                          oracle=message.oracle, reason=problem)
            return
        conflict = ConflictingShares(self.ctx.config.config_digest, message.epoch, message.round, message.oracle,
                                     message.report_a, message.share_a, message.report_b, message.share_b)
        if self.ctx.store.record_evidence(conflict):
            self.ctx.emit("report", "equivocation-evidence", message.round, epoch=message.epoch,
                          oracle=message.oracle, via=sender)

    def problem(self, message: Evidence) -> str | None:
        """Why this evidence proves nothing, or None when it is a genuine offence."""
        if message.report_a == message.report_b:
            return "the two reports are the same"
        for report in (message.report_a, message.report_b):
            problem = round_problem(report, self.ctx.config.config_digest, message.epoch, message.round)
            if problem is not None:
                return problem
        signer = self.ctx.signer
        for report, share in ((message.report_a, message.share_a), (message.report_b, message.share_b)):
            if not signer.verify_share(message.oracle, share, self.ctx.signing_digest(report)):
                return "a share is not the accused oracle's signature of its report"
        return None

