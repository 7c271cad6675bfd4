"""A multi-feed hub on a local (or any) chain with an in-process n-node committee.

``LocalMultiFeed.push(values_per_feed)`` runs the full signing path: every oracle observes every
feed once, the report sorts each feed and takes its median, t partial BLS signatures over the one
report are checked and combined, and one transmission carries all k feeds.
``signed_transmit`` stops before sending, so a test can tamper with any byte.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any, Final

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.types import TxReceipt

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.chain.rpc import connect, preflight
from ocr_client.chain.transactions import send_transaction
from ocr_client.committee import LocalCommittee
from ocr_client.crypto.threshold import CombinedSignature
from ocr_client.multifeed.config import MultiFeedConfig
from ocr_client.multifeed.hub import MultiFeed
from ocr_client.multifeed.layout import (
    MultiReport,
    build_multi_report,
    encode_multi_report,
    encode_transmit_calldata,
    signing_digest,
)
from ocr_client.testing.local_feed import DEFAULT_MAX_ANSWER, DEFAULT_MIN_ANSWER, DEFAULT_TIMESTAMP, FUNDING_WEI

DEFAULT_DECIMALS: Final[int] = 8

#: Per feed: one int (every oracle saw that value) or one value per row.
FeedValues = int | Sequence[int]


@dataclass(frozen=True)
class SignedMultiTransmit:
    """A signed multi-feed report ready to send from ``sender`` (claiming ``transmitter_index``)."""

    report: MultiReport
    report_bytes: bytes
    digest: bytes
    signature: bytes
    sender: LocalAccount = field(repr=False)
    transmitter_index: int = 0
    signers: tuple[int, ...] = ()  # oracle indices whose partials were combined

    @property
    def calldata(self) -> bytes:
        """transmit() calldata: selector, report, signature, transmitter index."""
        return encode_transmit_calldata(self.report_bytes, self.signature, self.transmitter_index)


class LocalMultiFeed:
    """A deployed, configured hub plus the committee that signs for it."""

    def __init__(self, w3: Web3, hub: MultiFeed, committee: LocalCommittee, owner: LocalAccount,
                 anvil: Anvil | None = None) -> None:
        self.w3 = w3
        self.hub = hub
        self.committee = committee
        self.owner = owner
        self._anvil = anvil
        self.chain_id = int(w3.eth.chain_id)
        self.feeds = hub.feed_count()
        self.epoch = 1
        self.round = 0

    # --- construction ---------------------------------------------------------------------

    @classmethod
    def start(cls, n: int = 4, feeds: int = 2, **kwargs: Any) -> LocalMultiFeed:
        """Start a managed anvil, deploy a hub there (see :meth:`deploy`); close() stops the anvil."""
        anvil = Anvil().start()
        try:
            w3 = connect(anvil.rpc_url)
            preflight(w3)
            return cls.deploy(w3, n=n, feeds=feeds, anvil=anvil, **kwargs)
        except BaseException:
            anvil.stop()
            raise

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

    def close(self) -> None:
        """Stop the anvil this helper started, if any."""
        if self._anvil is not None:
            self._anvil.stop()
            self._anvil = None

    def __enter__(self) -> LocalMultiFeed:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # --- signing and sending --------------------------------------------------------------

    @property
    def address(self) -> str:
        return self.hub.address

    def next_epoch_round(self) -> tuple[int, int]:
        """The (epoch, round) after the last one this helper used; round 255 rolls into a new epoch."""
        if self.round >= 255:
            return self.epoch + 1, 1
        return self.epoch, self.round + 1

    def rows(self, values_per_feed: Sequence[FeedValues], timestamps: Sequence[int] | None = None,
             observers: Sequence[int] | None = None) -> tuple[list[int], list[int], list[list[int]]]:
        """(observers, timestamps, per-feed values in row order); an int feed value means every row saw it."""
        given = [len(v) for v in values_per_feed if not isinstance(v, int)]
        m = given[0] if given else (len(observers) if observers is not None else self.committee.n)
        who = list(range(m)) if observers is None else list(observers)
        when = [DEFAULT_TIMESTAMP] * m if timestamps is None else list(timestamps)
        values = [[v] * m if isinstance(v, int) else list(v) for v in values_per_feed]
        return who, when, values

    def digest(self, report: MultiReport) -> bytes:
        """What the committee signs for ``report`` on this hub."""
        return signing_digest(self.chain_id, self.address, encode_multi_report(report))

    def sign_report(self, report: MultiReport, signers: Sequence[int] | None = None,
                    sender: LocalAccount | None = None) -> SignedMultiTransmit:
        """Sign an arbitrary report (even an invalid one) with the committee, without sending it."""
        raw = encode_multi_report(report)
        digest = signing_digest(self.chain_id, self.address, raw)
        return self._signed(report, raw, digest, self.committee.sign(digest, signers), sender)

    def _signed(self, report: MultiReport, raw: bytes, digest: bytes, combined: CombinedSignature,
                sender: LocalAccount | None) -> SignedMultiTransmit:
        account = sender or self.committee.transmitters[0]
        return SignedMultiTransmit(
            report=report, report_bytes=raw, digest=digest, signature=combined.signature,
            sender=account, transmitter_index=self.transmitter_index(account.address),
            signers=tuple(i - 1 for i in combined.signers),
        )

    def transmitter_index(self, address: str) -> int:
        """The oracle index whose transmitter is ``address``; 0 for strangers (the hub refuses them)."""
        for i, account in enumerate(self.committee.transmitters):
            if account.address.lower() == address.lower():
                return i
        return 0

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

    def send(self, signed: SignedMultiTransmit, gas: int | None = None) -> TxReceipt:
        """Transmit a signed report (funding the transmitter on first use) and remember its (epoch, round)."""
        self.fund(signed.sender.address)
        receipt = self.hub.transmit(signed.sender, signed.calldata, gas=gas)
        self.epoch, self.round = signed.report.epoch, signed.report.round
        return receipt

    def push(self, values_per_feed: Sequence[FeedValues], epoch: int | None = None, round: int | None = None,
             timestamps: Sequence[int] | None = None, observers: Sequence[int] | None = None,
             signers: Sequence[int] | None = None) -> TxReceipt:
        """Observe, sign and transmit every feed in one call; returns the receipt."""
        return self.send(self.signed_transmit(values_per_feed, epoch, round, timestamps, observers, signers))

    def fund(self, address: str) -> None:
        """Give a transmitter gas money from the owner if it has less than half of FUNDING_WEI."""
        if int(self.w3.eth.get_balance(Web3.to_checksum_address(address))) >= FUNDING_WEI // 2:
            return
        send_transaction(self.w3, self.owner, Web3.to_checksum_address(address), b"", value=FUNDING_WEI)

    def with_sender(self, signed: SignedMultiTransmit, sender: LocalAccount) -> SignedMultiTransmit:
        """The same signed call from another account, claiming that account's oracle index."""
        return replace(signed, sender=sender, transmitter_index=self.transmitter_index(sender.address))
