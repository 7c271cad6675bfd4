"""The pacemaker: which epoch we are in, who leads it, and when to give up on a leader.

Rules (libocr's):
- no progress for DeltaProgress, or a follower asks for a new leader -> send NEWEPOCH(max(e+1, ne));
  NEWEPOCH is resent every DeltaResend while we wait;
- a NEWEPOCH value announced by f+1 oracles is adopted and announced too (at least one honest
  oracle wants it, so we help it along);
- once 2f+1 oracles announce epoch e' > e, switch to e' (never back).
Taking the (f+1)-th and (2f+1)-th largest announcement means f oracles flooding huge epochs can
never move an honest node: those values are always bracketed by honest announcements.

State is persisted before every NEWEPOCH leaves, so a restart never announces a smaller epoch.
"""

from __future__ import annotations

from collections.abc import Callable

from ocr_client.net.clock import TimerHandle
from ocr_client.protocol.config import MAX_EPOCH, leader
from ocr_client.protocol.context import NodeContext
from ocr_client.protocol.messages import NewEpoch
from ocr_client.protocol.persistence import PacemakerState


def kth_largest(values: list[int], k: int) -> int:
    """The k-th largest value (k >= 1)."""
    return sorted(values, reverse=True)[k - 1]


class Pacemaker:
    """Epochs and leaders for one oracle; calls ``on_epoch(epoch, leader)`` on every switch."""

    def __init__(self, ctx: NodeContext, on_epoch: Callable[[int, int], None]) -> None:
        self.ctx = ctx
        self.on_epoch = on_epoch
        n = ctx.config.n
        self.epoch = 0
        self.highest_sent = 0
        self.highest_received = [0] * n
        self.leader = leader(ctx.config, 0)
        self._progress_timer: TimerHandle | None = None
        self._resend_timer: TimerHandle | None = None

    # --- start and restore -----------------------------------------------------------------

    def start(self, chain_epoch: int) -> None:
        """Restore persisted state, then ask for an epoch above both it and the chain's."""
        saved = self.ctx.store.load_pacemaker(self.ctx.config.config_digest)
        if saved is not None and len(saved.highest_received) == self.ctx.config.n:
            self.epoch, self.highest_sent = saved.epoch, saved.highest_sent_epoch
            self.highest_received = list(saved.highest_received)
            self.ctx.emit("pacemaker", "restored", epoch=self.epoch, ne=self.highest_sent)
        self.ctx.epoch = self.epoch
        self.leader = leader(self.ctx.config, self.epoch)
        if saved is not None and self.epoch > 0:
            # Rejoin the restored epoch (its leader may still be running it) while asking for the next.
            self._arm_progress_timer()
            self.on_epoch(self.epoch, self.leader)
        self._send_new_epoch(max(self.highest_sent, chain_epoch + 1, self.epoch + 1))

    # --- events ----------------------------------------------------------------------------

    def progress(self) -> None:
        """The leader is making progress in this epoch: restart the DeltaProgress timer."""
        self._arm_progress_timer()

    def change_leader(self, reason: str) -> None:
        """A follower saw this leader misbehave or run out of rounds: ask for the next epoch."""
        self.ctx.emit("pacemaker", "change-leader", reason=reason)
        self._send_new_epoch(max(self.epoch + 1, self.highest_sent))

    def on_new_epoch(self, sender: int, message: NewEpoch) -> None:
        if message.epoch > MAX_EPOCH or message.epoch <= self.highest_received[sender]:
            return
        self.highest_received[sender] = message.epoch
        f = self.ctx.config.f
        adopt = kth_largest(self.highest_received, f + 1)
        if adopt > self.highest_sent:
            self._send_new_epoch(adopt)
        switch = kth_largest(self.highest_received, 2 * f + 1)
        if switch > self.epoch:
            self._switch(switch)

    # --- internals -------------------------------------------------------------------------

    def _persist(self) -> None:
        self.ctx.store.save_pacemaker(self.ctx.config.config_digest, PacemakerState(
            self.epoch, self.highest_sent, tuple(self.highest_received)))

    def _send_new_epoch(self, epoch: int) -> None:
        if epoch > MAX_EPOCH:
            return
        if epoch > self.highest_sent:
            self.highest_sent = epoch
            self._persist()  # durable before the announcement leaves
            self.ctx.emit("pacemaker", "send-newepoch", ne=epoch)
        self.ctx.broadcast(NewEpoch(self.highest_sent))
        self._arm_resend_timer()

    def _arm_resend_timer(self) -> None:
        if self._resend_timer is not None:
            self._resend_timer.cancel()
        self._resend_timer = self.ctx.clock.call_later(self.ctx.config.timing.delta_resend, self._resend)

    def _resend(self) -> None:
        self._resend_timer = None
        if self.highest_sent > self.epoch:  # still waiting for the switch
            self.ctx.broadcast(NewEpoch(self.highest_sent))
            self._arm_resend_timer()

    def _arm_progress_timer(self) -> None:
        if self._progress_timer is not None:
            self._progress_timer.cancel()
        self._progress_timer = self.ctx.clock.call_later(self.ctx.config.timing.delta_progress, self._no_progress)

    def _no_progress(self) -> None:
        self._progress_timer = None
        self.ctx.emit("pacemaker", "progress-timeout", leader=self.leader)
        self._send_new_epoch(max(self.epoch + 1, self.highest_sent))

    def _switch(self, epoch: int) -> None:
        self.epoch = epoch
        self.highest_sent = max(self.highest_sent, epoch)
        self.leader = leader(self.ctx.config, epoch)
        self.ctx.epoch = epoch
        self._persist()
        if self._resend_timer is not None and self.highest_sent <= epoch:
            self._resend_timer.cancel()
            self._resend_timer = None
        self.ctx.emit("pacemaker", "new-epoch", leader=self.leader)
        self._arm_progress_timer()
        self.on_epoch(epoch, self.leader)

    def stop(self) -> None:
        for timer in (self._progress_timer, self._resend_timer):
            if timer is not None:
                timer.cancel()
