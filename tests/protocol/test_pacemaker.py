"""Pacemaker rules: NEWEPOCH on no progress, resend, the f+1 and 2f+1 rules, never back, floods
ignored, state persisted before an announcement leaves and restored after a restart."""

from __future__ import annotations

from typing import Any

import pytest
from nacl.signing import SigningKey

from ocr_client.net.clock import SimClock
from ocr_client.protocol.config import MAX_EPOCH, ProtocolConfig, Timing, leader
from ocr_client.protocol.context import NodeContext
from ocr_client.protocol.messages import Message, NewEpoch
from ocr_client.protocol.pacemaker import Pacemaker, kth_largest
from ocr_client.protocol.persistence import SqliteNodeStore
from ocr_client.protocol.telemetry import Event

TIMING = Timing(delta_progress=4.0, delta_resend=1.0, delta_round=1.0, delta_grace=0.1, delta_stage=0.5,
                max_duration_observation=0.5, max_duration_transmit=2.0, delta_c=30.0)


class Unused:
    """Ports the pacemaker never touches: any use is a test failure."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the pacemaker used {name}")


class Harness:
    def __init__(self, n: int = 7, f: int = 2, store: SqliteNodeStore | None = None) -> None:
        self.clock = SimClock()
        self.sent: list[tuple[float, int]] = []  # (time, NEWEPOCH value)
        self.epochs: list[tuple[int, int]] = []
        self.store = store or SqliteNodeStore(":memory:")
        config = ProtocolConfig(n=n, f=f, threshold=f + 1, config_digest=bytes(32), shared_secret=bytes(16),
                                timing=TIMING, min_answer=0, max_answer=1)
        self.ctx = NodeContext(index=0, config=config, clock=self.clock, signing_key=SigningKey(bytes(32)),
                               verify_keys=(), signer=Unused(), source=Unused(), chain=Unused(), store=self.store,
                               telemetry=self)
        self.ctx.broadcast = self.broadcast
        self.pacemaker = Pacemaker(self.ctx, lambda e, leader_: self.epochs.append((e, leader_)))

    def broadcast(self, message: Message) -> None:
        assert isinstance(message, NewEpoch)
        self.sent.append((self.clock.now(), message.epoch))

    def emit(self, event: Event) -> None:
        pass

    def hear(self, sender: int, epoch: int) -> None:
        self.pacemaker.on_new_epoch(sender, NewEpoch(epoch))


def test_kth_largest() -> None:
    assert kth_largest([5, 1, 9, 3], 1) == 9 and kth_largest([5, 1, 9, 3], 3) == 3


def test_a_starting_node_asks_for_the_epoch_after_the_chains() -> None:
    h = Harness()
    h.pacemaker.start(chain_epoch=41)
    assert h.sent == [(0.0, 42)]


def test_newepoch_is_resent_every_delta_resend_until_the_switch() -> None:
    h = Harness()
    h.pacemaker.start(chain_epoch=0)
    h.clock.run_until(3.5)
    assert [t for t, _ in h.sent] == [0.0, 1.0, 2.0, 3.0]
    for sender in range(1, 5):  # 2f+1 = 5 with ourselves
        h.hear(sender, 1)
    h.hear(0, 1)
    h.clock.run_until(10.0)
    assert h.epochs == [(1, leader(h.ctx.config, 1))]
    assert all(t <= 4.0 for t, e in h.sent if e == 1), "no resend after switching"


def test_f_plus_one_announcements_are_adopted_but_only_2f_plus_one_switch() -> None:
    h = Harness()
    h.pacemaker.start(chain_epoch=0)
    h.hear(0, 1)
    for i in range(1, 5):
        h.hear(i, 1)
    assert h.pacemaker.epoch == 1
    h.sent.clear()
    h.hear(1, 9)
    h.hear(2, 9)
    assert h.pacemaker.highest_sent == 1, "f announcements are not enough to adopt"
    h.hear(3, 9)
    assert h.pacemaker.highest_sent == 9 and (0.0, 9) in h.sent, "f+1 announcements are adopted and echoed"
    assert h.pacemaker.epoch == 1, "but not switched to"
    h.hear(4, 9)
    h.hear(0, 9)
    assert h.pacemaker.epoch == 9 and h.epochs[-1][0] == 9


def test_f_oracles_flooding_huge_epochs_cannot_move_an_honest_node() -> None:
    h = Harness()
    h.pacemaker.start(chain_epoch=0)
    for i in range(7):
        h.hear(i, 1)
    for _ in range(100):
        h.hear(5, MAX_EPOCH)
        h.hear(6, MAX_EPOCH)
    assert h.pacemaker.epoch == 1 and h.pacemaker.highest_sent == 1
    h.hear(5, MAX_EPOCH + 1)  # beyond uint32: ignored outright
    assert h.pacemaker.highest_received[5] == MAX_EPOCH


def test_no_progress_for_delta_progress_asks_for_the_next_epoch_and_progress_postpones_it() -> None:
    h = Harness()
    h.pacemaker.start(chain_epoch=0)
    for i in range(7):
        h.hear(i, 1)
    h.sent.clear()
    for t in (3.0, 6.0, 9.0):
        h.clock.run_until(t)
        h.pacemaker.progress()
    assert h.sent == []
    h.clock.run_until(13.5)
    assert h.sent and h.sent[0] == (13.0, 2)


def test_a_node_never_goes_back_to_an_older_epoch() -> None:
    h = Harness()
    h.pacemaker.start(chain_epoch=0)
    for i in range(7):
        h.hear(i, 5)
    for i in range(7):
        h.hear(i, 3)
    assert h.pacemaker.epoch == 5 and [e for e, _ in h.epochs] == [5]


def test_state_survives_a_restart_and_the_restarted_node_never_announces_less(tmp_path: Any) -> None:
    path = tmp_path / "node.sqlite"
    h = Harness(store=SqliteNodeStore(path))
    h.pacemaker.start(chain_epoch=0)
    for i in range(7):
        h.hear(i, 6)
    h.pacemaker.change_leader("test")
    assert h.pacemaker.highest_sent == 7
    h.store.close()
    again = Harness(store=SqliteNodeStore(path))
    again.pacemaker.start(chain_epoch=0)
    assert again.pacemaker.epoch == 6
    assert again.sent == [(0.0, 7)], "resumes announcing its highest epoch, never a lower one"


@pytest.mark.parametrize("sender_epochs", [[1, 1, 1, 1], [2, 2, 2, 2]])
def test_fewer_than_2f_plus_one_announcements_never_switch(sender_epochs: list[int]) -> None:
    h = Harness()
    h.pacemaker.start(chain_epoch=0)
    for sender, e in enumerate(sender_epochs, start=1):
        h.hear(sender, e)
    assert h.pacemaker.epoch == 0 and h.epochs == []
