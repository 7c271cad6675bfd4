"""A node's automatic evidence submission: every ``period`` seconds of the node's clock, submit
whatever new evidence its store holds (``submitter.submit_stored``). Enabled by ``ocr node
--slash-staking ADDR``; several nodes may run it on the same evidence, and only one proof lands
per offence, the others see it settled and send nothing."""

from __future__ import annotations

import logging
from typing import Final

from eth_account.signers.local import LocalAccount

from ocr_client.errors import OCRError
from ocr_client.net.clock import Clock
from ocr_client.protocol.persistence import NodeStore
from ocr_client.staking.contract import StakingContract
from ocr_client.staking.submitter import submit_stored

LOG = logging.getLogger(__name__)
#: Seconds between two looks at the store.
POLL_SECONDS: Final[float] = 5.0


class EvidenceWatcher:
    """Submits a node's stored evidence on a timer; a failing chain costs one attempt, not the node."""

    def __init__(self, store: NodeStore, staking: StakingContract, reporter: LocalAccount, clock: Clock,
                 period: float = POLL_SECONDS) -> None:
        self.store = store
        self.staking = staking
        self.reporter = reporter
        self.clock = clock
        self.period = period
        self.running = False

    def start(self) -> None:
        self.running = True
        self.clock.call_later(self.period, self._tick)

    def stop(self) -> None:
        self.running = False

    def _tick(self) -> None:
        if not self.running:
            return
        try:
            for result in submit_stored(self.store, self.staking, self.reporter):
                LOG.info("event=\"evidence-submitted\" oracle=%d epoch=%d round=%d outcome=%s tx=%s error=%s",
                         result.evidence.oracle, result.evidence.epoch, result.evidence.round, result.outcome,
                         result.tx, result.error)
        except OCRError as exc:
            LOG.warning("event=\"evidence-submission-failed\" error=%s", exc)
        self.clock.call_later(self.period, self._tick)
