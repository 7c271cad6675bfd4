"""An AccountableFeed on a local (or any) chain with an in-process committee of n own-key oracles.

``LocalAccountableFeed.push(values, signers=...)`` runs the full path: observations, the median
report, each chosen oracle's own signature, their sum, the bitmap naming them, one transmission.
``signed_transmit`` stops before sending so tests can tamper with the bitmap or any byte.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.types import TxReceipt

from ocr_client.accountable.contract import AccountableFeedHandle
from ocr_client.accountable.keys import AccountableCommittee
from ocr_client.accountable.layout import bitmap_of, encode_accountable_calldata
from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.crypto.threshold import CombinedSignature
from ocr_client.local.base import LocalCommitteeFeed, SignedCall, on_chain
from ocr_client.local.feed import DEFAULT_MAX_ANSWER, DEFAULT_MIN_ANSWER
from ocr_client.report.layout import Report, encode_report
from ocr_client.report.median import build_report


@dataclass(frozen=True)
class AccountableSignedCall(SignedCall[Report]):
    """A signed report plus its signer bitmap (``bitmap`` overrides the one ``signers`` imply)."""

    bitmap: int | None = None

    @property
    def signer_bitmap(self) -> int:
        return bitmap_of(self.signers) if self.bitmap is None else self.bitmap

    @property
    def calldata(self) -> bytes:
        """transmit() calldata: selector, report, aggregate signature, signer bitmap, transmitter index."""
        return encode_accountable_calldata(self.report_bytes, self.signature, self.signer_bitmap,
                                           self.transmitter_index)


class LocalAccountableFeed(LocalCommitteeFeed[AccountableFeedHandle, Report, AccountableCommittee]):
    """A deployed, configured AccountableFeed plus the committee that signs for it."""

    committee: AccountableCommittee

    def __init__(self, w3: Web3, handle: AccountableFeedHandle, committee: AccountableCommittee,
                 owner: LocalAccount, anvil: Anvil | None = None) -> None:
        super().__init__(w3, handle, committee, owner, anvil)
        self.committee = committee

    @property
    def feed(self) -> AccountableFeedHandle:
        return self.handle

    def encode(self, report: Report) -> bytes:
        return encode_report(report)

    @classmethod
    def start(cls, n: int = 4, f: int | None = None, threshold: int | None = None, seed: int | None = 0,
              rpc_url: str | None = None) -> LocalAccountableFeed:
        """Start anvil (unless ``rpc_url``), deploy a feed and configure an n-oracle committee."""
        return on_chain(rpc_url, lambda w3, anvil: cls.deploy(w3, n, f, threshold, seed, anvil=anvil))

    @classmethod
    def deploy(
        cls,
        w3: Web3,
        n: int = 4,
        f: int | None = None,
        threshold: int | None = None,
        seed: int | None = 0,
        owner: LocalAccount | None = None,
        min_answer: int = DEFAULT_MIN_ANSWER,
        max_answer: int = DEFAULT_MAX_ANSWER,
        anvil: Anvil | None = None,
        committee: AccountableCommittee | None = None,
    ) -> LocalAccountableFeed:
        """Deploy and configure a feed on an already connected chain."""
        owner = owner or dev_account(0)
        committee = committee or AccountableCommittee.create(n, f, threshold, seed)
        feed = AccountableFeedHandle.deploy(w3, owner, 8, "TEST / USD")
        feed.set_config(owner, committee.accountable_config(min_answer, max_answer))
        return cls(w3, feed, committee, owner, anvil)

    # --- reports --------------------------------------------------------------------------

    def _signed(self, report: Report, raw: bytes, digest: bytes, combined: CombinedSignature,
                sender: LocalAccount | None) -> AccountableSignedCall:
        base = super()._signed(report, raw, digest, combined, sender)
        return AccountableSignedCall(
            report=base.report, report_bytes=base.report_bytes, digest=base.digest, signature=base.signature,
            sender=base.sender, transmitter_index=base.transmitter_index, signers=base.signers,
        )

    def signed_transmit(self, values: int | Sequence[int], signers: Sequence[int] | None = None,
                        timestamps: Sequence[int] | None = None, bitmap: int | None = None) -> AccountableSignedCall:
        """The signed transmit() call for ``values`` at the next (epoch, round), not sent.

        ``signers`` sign (default: the first t); ``bitmap`` replaces the bitmap they imply."""
        epoch, round_ = self.next_epoch_round()
        report = build_report(self.feed.config_digest(), epoch, round_, self.observations(values, timestamps))
        signed = self.sign_report(report, signers)
        assert isinstance(signed, AccountableSignedCall)
        return signed if bitmap is None else replace(signed, bitmap=bitmap)

    def push(self, values: int | Sequence[int], signers: Sequence[int] | None = None,
             timestamps: Sequence[int] | None = None) -> TxReceipt:
        """Observe, sign with ``signers`` and transmit in one call; returns the receipt."""
        return self.send(self.signed_transmit(values, signers, timestamps))


__all__ = ["AccountableSignedCall", "LocalAccountableFeed"]
