"""Report generation, follower side (every oracle, the leader included, is a follower).

On OBSERVE-REQ from this epoch's leader the follower reads its sources and sends a signed
observation. On REPORT-REQ it checks the observations (signatures, distinct in-range observers, a
2f+1 quorum), rebuilds the report, asks the trigger whether it is due, records (epoch, round,
report hash) durably and only then sends its signature share. Anything else from anyone else is
dropped. A round it cannot sign still counts as progress when the leader behaved.
"""

from __future__ import annotations

from collections.abc import Callable

from ocr_client.protocol.context import NodeContext
from ocr_client.protocol.messages import ObserveRequest, ReportRequest, ReportShare, sign_observation
from ocr_client.protocol.report_rules import observation_problem, signable_report
from ocr_client.protocol.trigger import report_reason


class ReportGenerationFollower:
    """The follower of the current epoch; ``progress`` and ``change_leader`` go to the pacemaker."""

    def __init__(self, ctx: NodeContext, progress: Callable[[], None], change_leader: Callable[[str], None],
                 observe_value: Callable[[int | None], int | None] | None = None) -> None:
        self.ctx = ctx
        self.progress = progress
        self.change_leader = change_leader
        self.observe_value = observe_value or (lambda v: v)
        self.epoch = 0
        self.leader = -1
        self.round = 0
        self.answered_round = 0
        self.own_value: int | None = None

    def start_epoch(self, epoch: int, leader: int) -> None:
        self.epoch, self.leader, self.round, self.answered_round = epoch, leader, 0, 0

    def on_observe_request(self, sender: int, message: ObserveRequest) -> None:
        r_max = self.ctx.config.timing.r_max
        if sender != self.leader or message.epoch != self.epoch:
            return
        if message.round <= self.round or message.round > r_max + 1:
            return  # rounds only move forward, and never past rMax + 1
        self.round = message.round
        if message.round == r_max + 1:
            self.change_leader("rMax reached")
            return
        value = self.observe_value(self.ctx.source.observe())
        self.own_value = value
        if value is None:
            self.ctx.emit("observe", "no-observation", message.round, reason="no data source answered")
            return
        observation = sign_observation(self.ctx.signing_key, self.ctx.config.config_digest, self.epoch,
                                       message.round, self.ctx.index, value, self.ctx.unix_time())
        self.ctx.emit("observe", "observed", message.round, value=value)
        self.ctx.send(sender, observation)

    def on_report_request(self, sender: int, message: ReportRequest) -> None:
        if sender != self.leader or message.epoch != self.epoch:
            return
        if message.round != self.round or message.round <= self.answered_round:
            return
        self.answered_round = message.round
        config = self.ctx.config
        problem = observation_problem(message.observations, self.epoch, message.round, config.quorum,
                                      config.config_digest, self.ctx.verify_keys)
        if problem is not None:
            self.ctx.emit("report", "refused-request", message.round, reason=problem)
            self.change_leader(f"invalid report request: {problem}")
            return
        signable = signable_report(self.ctx, self.epoch, message.round, message.observations)
        report = signable.report
        timing = config.timing
        reason = report_reason(report.answer, self.ctx.last_report, self.ctx.clock.now(), timing.alpha,
                               timing.delta_c, config.min_answer, config.max_answer, timing.heartbeat_lead)
        if reason is None:
            out_of_bounds = not config.min_answer <= report.answer <= config.max_answer
            why = "median outside [minAnswer, maxAnswer]" if out_of_bounds else "no deviation and heartbeat not due"
            self.ctx.emit("report", "no-report", message.round, reason=why, answer=report.answer)
            self.progress()
            return
        band = config.sanity_band
        if band is not None and self.own_value is not None and abs(report.answer - self.own_value) > band * abs(self.own_value):
            self.ctx.emit("report", "no-report", message.round, reason="median too far from own observation",
                          answer=report.answer, own=self.own_value)
            return
        if not self.ctx.store.record_signed(config.config_digest, self.epoch, message.round, signable.hash):
            self.ctx.emit("report", "refused-equivocation", message.round,
                          reason="already signed a different report for this round")
            return
        share = self.ctx.signer.share(signable.digest)
        self.ctx.emit("report", "signed", message.round, reason=reason, answer=report.answer)
        self.ctx.send(sender, ReportShare(self.epoch, message.round, signable.hash, share, signable.raw))
