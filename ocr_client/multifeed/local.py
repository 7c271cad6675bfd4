"""A multi-feed hub on a local (or any) chain with an in-process n-node committee.

``LocalMultiFeed.push(values_per_feed)`` runs the full signing path: every oracle observes every
feed once, the report sorts each feed and takes its median, t partial BLS signatures over the one
report are checked and combined, and one transmission carries all k feeds.
``signed_transmit`` stops before sending, so a test can tamper with any byte.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.types import TxReceipt

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.committee.local import LocalCommittee
from ocr_client.local.base import LocalCommitteeFeed, SignedCall, on_chain
from ocr_client.local.feed import DEFAULT_MAX_ANSWER, DEFAULT_MIN_ANSWER, DEFAULT_TIMESTAMP
from ocr_client.multifeed.config import MultiFeedConfig
from ocr_client.multifeed.hub import MultiFeed
from ocr_client.multifeed.layout import (
    MultiReport,
    build_multi_report,
    encode_multi_report,
)

DEFAULT_DECIMALS: Final[int] = 8

#: Per feed: one int (every oracle saw that value) or one value per row.
FeedValues = int | Sequence[int]


#: A signed multi-feed report ready to send.
SignedMultiTransmit = SignedCall[MultiReport]


class LocalMultiFeed(LocalCommitteeFeed[MultiFeed, MultiReport, LocalCommittee]):
    """A deployed, configured hub plus the committee that signs for it."""

    def __init__(self, w3: Web3, hub: MultiFeed, committee: LocalCommittee, owner: LocalAccount,
                 anvil: Anvil | None = None) -> None:
        super().__init__(w3, hub, committee, owner, anvil)
        self.feeds = hub.feed_count()

    @property
    def hub(self) -> MultiFeed:
        return self.handle

    def encode(self, report: MultiReport) -> bytes:
        return encode_multi_report(report)

    # --- construction ---------------------------------------------------------------------

    @classmethod
    def start(cls, n: int = 4, feeds: int = 2, **kwargs: Any) -> LocalMultiFeed:
        """Start a managed anvil, deploy a hub there (see :meth:`deploy`); close() stops the anvil."""
        return on_chain(None, lambda w3, anvil: cls.deploy(w3, n=n, feeds=feeds, anvil=anvil, **kwargs))

    @classmethod
    def deploy(
        cls,
        w3: Web3,
        n: int = 4,
        feeds: int = 2,
        f: int | None = None,
        threshold: int | None = None,
        seed: int | None = 0,
        owner: LocalAccount | None = None,
        decimals: Sequence[int] | None = None,
        descriptions: Sequence[str] | None = None,
        min_answers: Sequence[int] | None = None,
        max_answers: Sequence[int] | None = None,
        anvil: Anvil | None = None,
    ) -> LocalMultiFeed:
        """Deploy a hub with ``feeds`` feeds (and their views) and configure an n-node committee."""
        owner = owner or dev_account(0)
        committee = LocalCommittee.create(n, f, threshold, seed)
        hub = MultiFeed.deploy(
            w3, owner,
            [DEFAULT_DECIMALS] * feeds if decimals is None else decimals,
            [f"FEED{i} / USD" for i in range(feeds)] if descriptions is None else descriptions,
        )
        config = MultiFeedConfig.for_committee(
            committee,
            [DEFAULT_MIN_ANSWER] * feeds if min_answers is None else min_answers,
            [DEFAULT_MAX_ANSWER] * feeds if max_answers is None else max_answers,
        )
        hub.set_config(owner, config)
        return cls(w3, hub, committee, owner, anvil)

    # --- signing and sending --------------------------------------------------------------

    def rows(self, values_per_feed: Sequence[FeedValues], timestamps: Sequence[int] | None = None,
             observers: Sequence[int] | None = None) -> tuple[list[int], list[int], list[list[int]]]:
        """(observers, timestamps, per-feed values in row order); an int feed value means every row saw it."""
        given = [len(v) for v in values_per_feed if not isinstance(v, int)]
        m = given[0] if given else (len(observers) if observers is not None else self.committee.n)
        who = list(range(m)) if observers is None else list(observers)
        when = [DEFAULT_TIMESTAMP] * m if timestamps is None else list(timestamps)
        values = [[v] * m if isinstance(v, int) else list(v) for v in values_per_feed]
        return who, when, values

    def signed_transmit(
        self,
        values_per_feed: Sequence[FeedValues],
        epoch: int | None = None,
        round: int | None = None,
        timestamps: Sequence[int] | None = None,
        observers: Sequence[int] | None = None,
        signers: Sequence[int] | None = None,
    ) -> SignedMultiTransmit:
        """The signed transmit() call for one value set per feed at the next (epoch, round), not sent."""
        next_epoch, next_round = self.next_epoch_round()
        who, when, values = self.rows(values_per_feed, timestamps, observers)
        report = build_multi_report(
            self.hub.config_digest(),
            next_epoch if epoch is None else epoch,
            next_round if round is None else round,
            who, when, values,
        )
        return self.sign_report(report, signers)

    def push(self, values_per_feed: Sequence[FeedValues], epoch: int | None = None, round: int | None = None,
             timestamps: Sequence[int] | None = None, observers: Sequence[int] | None = None,
             signers: Sequence[int] | None = None) -> TxReceipt:
        """Observe, sign and transmit every feed in one call; returns the receipt."""
        return self.send(self.signed_transmit(values_per_feed, epoch, round, timestamps, observers, signers))
