"""A feed on a local (or any) chain with an in-process n-node committee.

``LocalFeed.push(value)`` runs the full signing path: n observations, the median report, t
partial BLS signatures checked and combined, one transmission. ``signed_transmit`` stops before
sending and returns the calldata, so a test can tamper with any byte and watch the contract refuse.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.types import TxReceipt

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.committee.local import LocalCommittee
from ocr_client.feed import Feed
from ocr_client.local.base import DEFAULT_TIMESTAMP, FUNDING_WEI, LocalCommitteeFeed, SignedCall, on_chain
from ocr_client.report.layout import Report, encode_report
from ocr_client.report.median import build_report

DEFAULT_MIN_ANSWER: Final[int] = 1
DEFAULT_MAX_ANSWER: Final[int] = 10**30


#: A signed single-feed report ready to send.
SignedTransmit = SignedCall[Report]


class LocalFeed(LocalCommitteeFeed[Feed, Report, LocalCommittee]):
    """A deployed, configured feed plus the committee that signs for it."""

    @property
    def feed(self) -> Feed:
        return self.handle

    def encode(self, report: Report) -> bytes:
        return encode_report(report)

    # --- construction ---------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        n: int = 4,
        f: int | None = None,
        threshold: int | None = None,
        seed: int | None = 0,
        rpc_url: str | None = None,
        owner: LocalAccount | None = None,
        decimals: int = 8,
        description: str = "TEST / USD",
        min_answer: int = DEFAULT_MIN_ANSWER,
        max_answer: int = DEFAULT_MAX_ANSWER,
        committee: LocalCommittee | None = None,
    ) -> LocalFeed:
        """Start anvil (unless ``rpc_url``), deploy a feed and configure an n-node committee."""
        return on_chain(rpc_url, lambda w3, anvil: cls.deploy(
            w3, n, f, threshold, seed, owner, decimals, description, min_answer, max_answer, anvil, committee))

    @classmethod
    def deploy(
        cls,
        w3: Web3,
        n: int = 4,
        f: int | None = None,
        threshold: int | None = None,
        seed: int | None = 0,
        owner: LocalAccount | None = None,
        decimals: int = 8,
        description: str = "TEST / USD",
        min_answer: int = DEFAULT_MIN_ANSWER,
        max_answer: int = DEFAULT_MAX_ANSWER,
        anvil: Anvil | None = None,
        committee: LocalCommittee | None = None,
    ) -> LocalFeed:
        """Deploy and configure a feed on an already connected chain, for ``committee`` or a new
        seeded one of n nodes."""
        owner = owner or dev_account(0)
        committee = committee or LocalCommittee.create(n, f, threshold, seed)
        feed = Feed.deploy(w3, owner, decimals, description)
        feed.set_config(owner, committee.onchain_config(min_answer, max_answer))
        return cls(w3, feed, committee, owner, anvil)

    # --- reports --------------------------------------------------------------------------

    def signed_transmit(
        self,
        values: int | Sequence[int],
        epoch: int | None = None,
        round: int | None = None,
        timestamps: Sequence[int] | None = None,
        observers: Sequence[int] | None = None,
        signers: Sequence[int] | None = None,
    ) -> SignedTransmit:
        """The signed transmit() call for ``values`` at the next (epoch, round), not sent."""
        next_epoch, next_round = self.next_epoch_round()
        report = build_report(
            self.feed.config_digest(),
            next_epoch if epoch is None else epoch,
            next_round if round is None else round,
            self.observations(values, timestamps, observers),
        )
        return self.sign_report(report, signers)

    def push(self, values: int | Sequence[int], **kwargs: object) -> TxReceipt:
        """Observe, sign and transmit in one call; returns the receipt."""
        return self.send(self.signed_transmit(values, **kwargs))  # type: ignore[arg-type]


__all__ = ["DEFAULT_MAX_ANSWER", "DEFAULT_MIN_ANSWER", "DEFAULT_TIMESTAMP", "FUNDING_WEI", "LocalFeed", "SignedTransmit"]
