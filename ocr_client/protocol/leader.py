"""Report generation, leader side: one instance per epoch this oracle leads.

Every DeltaRound the leader starts a round: OBSERVE-REQ to all; after the 2f+1-th valid signed
observation it waits DeltaGrace for stragglers, then sends all of them in a REPORT-REQ. Followers
answer with signature shares over the report they rebuilt; once the shares combine into a valid
signature the leader broadcasts FINAL. Round rMax + 1 is announced but not run: it tells the
followers to ask for a new epoch.
"""

from __future__ import annotations

from collections.abc import Callable

from ocr_client.net.clock import TimerHandle
from ocr_client.protocol.context import NodeContext
from ocr_client.protocol.evidence import ConflictingShares, ShareWitness
from ocr_client.protocol.messages import FinalReport, ObserveRequest, ReportRequest, ReportShare, SignedObservation
from ocr_client.protocol.report_rules import SignableReport, signable_report, timestamp_off_clock


class ReportGenerationLeader:
    """Runs the rounds of one epoch led by this oracle."""

    def __init__(self, ctx: NodeContext, epoch: int,
                 publish_evidence: Callable[[ConflictingShares], None] | None = None) -> None:
        self.ctx = ctx
        self.publish_evidence = publish_evidence
        self.epoch = epoch
        self.round = 0
        self.phase = "idle"  # observe -> grace -> report -> final
        self.observations: dict[int, SignedObservation] = {}
        self.shares: dict[int, bytes] = {}
        self.signable: SignableReport | None = None  # the round's report once it is requested
        self.witness: ShareWitness | None = None  # the round's first share per sender, for evidence
        self._round_timer: TimerHandle | None = None
        self._grace_timer: TimerHandle | None = None
        self.stopped = False

    def start(self) -> None:
        self._next_round()

    def stop(self) -> None:
        self.stopped = True
        for timer in (self._round_timer, self._grace_timer):
            if timer is not None:
                timer.cancel()

    # --- rounds ----------------------------------------------------------------------------

    def _next_round(self) -> None:
        with self.ctx.timed("observe"):
            self._start_round()

    def _start_round(self) -> None:
        if self.stopped:
            return
        if self._grace_timer is not None:
            self._grace_timer.cancel()
        r_max = self.ctx.config.timing.r_max
        self.round += 1
        self.phase = "observe"
        self.observations, self.shares = {}, {}
        self.signable = None
        self.witness = ShareWitness.for_round(self.ctx.config.config_digest, self.epoch, self.round)
        self.ctx.emit("observe", "round-start", self.round, role="leader")
        self.ctx.broadcast(ObserveRequest(self.epoch, self.round))
        if self.round <= r_max:
            self._round_timer = self.ctx.clock.call_later(self.ctx.config.timing.delta_round, self._next_round)

    def on_observation(self, sender: int, message: SignedObservation) -> None:
        if self.phase not in ("observe", "grace") or (message.epoch, message.round) != (self.epoch, self.round):
            return
        if message.observer != sender or sender in self.observations:
            return  # one observation per oracle, and only its own
        if not message.verify(self.ctx.config.config_digest, self.ctx.verify_keys[sender]):
            self.ctx.emit("observe", "bad-observation", self.round, sender=sender)
            return
        if timestamp_off_clock(message.timestamp, self.ctx.unix_time()):
            self.ctx.emit("observe", "bad-observation", self.round, sender=sender, timestamp=message.timestamp)
            return
        self.observations[sender] = message
        if len(self.observations) == self.ctx.config.quorum and self.phase == "observe":
            self.phase = "grace"
            self._grace_timer = self.ctx.clock.call_later(self.ctx.config.timing.delta_grace, self._send_report_request)

    def _send_report_request(self) -> None:
        with self.ctx.timed("report"):
            self._build_report_request()

    def _build_report_request(self) -> None:
        self._grace_timer = None
        if self.stopped or self.phase != "grace":
            return
        self.phase = "report"
        chosen = tuple(self.observations[i] for i in sorted(self.observations))
        self.signable = signable_report(self.ctx, self.epoch, self.round, chosen)
        self.ctx.emit("report", "report-request", self.round, observations={o.observer: o.value for o in chosen})
        self.ctx.broadcast(ReportRequest(self.epoch, self.round, chosen))

    def on_share(self, sender: int, message: ReportShare) -> None:
        if (message.epoch, message.round) != (self.epoch, self.round):
            return
        self._witness(sender, message)
        if self.phase != "report":
            return
        if self.signable is None or message.report_hash != self.signable.hash or sender in self.shares:
            return
        self.shares[sender] = message.share
        self.ctx.emit("report", "share-received", self.round, sender=sender)
        if len(self.shares) < self.ctx.config.threshold:
            return
        attestation = self.ctx.signer.combine(dict(self.shares), self.signable.digest)
        if attestation is None:
            return  # some shares were bad; wait for more
        self.phase = "final"
        self.ctx.emit("finalize", "final-sent", self.round, signers=list(attestation.signers))
        self.ctx.broadcast(FinalReport(self.epoch, self.round, self.signable.raw, attestation.signature,
                                       attestation.signers))

    # --- evidence --------------------------------------------------------------------------

    def _witness(self, sender: int, message: ReportShare) -> None:
        """Keep the sender's first share of the round; prove and store a conflicting second one."""
        if self.witness is None:
            return
        own = self.signable
        report = message.report or (own.raw if own is not None and message.report_hash == own.hash else b"")
        if not report:
            return  # a share without its report proves nothing about what it signed
        if not (own is not None and report == own.raw) and self.witness.report_problem(report, message.report_hash):
            return
        earlier = self.witness.first.get(sender)
        if earlier is not None and earlier[0] != report:
            # Two reports from one sender: worth two signature checks, and only now.
            earlier_valid = self._share_valid(sender, earlier[0], earlier[1])
            if not self._share_valid(sender, report, message.share):
                return
            if not earlier_valid:
                self.witness.first[sender] = (report, message.share)
                return
        conflict = self.witness.witness(sender, report, message.share)
        if conflict is not None:
            self._store_evidence(conflict)

    def _share_valid(self, sender: int, report: bytes, share: bytes) -> bool:
        return self.ctx.signer.verify_share(sender, share, self.ctx.signing_digest(report))

    def _store_evidence(self, conflict: ConflictingShares) -> None:
        if self.ctx.store.record_evidence(conflict):
            self.ctx.emit("report", "equivocation-evidence", self.round, oracle=conflict.oracle)
            if self.publish_evidence is not None:
                self.publish_evidence(conflict)
