"""A feed on a local (or any) chain with an in-process n-node committee.

``LocalFeed.push(value)`` runs the full signing path: n observations, the median report, t
partial BLS signatures checked and combined, one transmission. ``signed_transmit`` stops before
sending and returns the calldata, so a test can tamper with any byte and watch the contract refuse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Final

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.types import TxReceipt

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.chain.rpc import connect, preflight
from ocr_client.chain.transactions import send_transaction
from ocr_client.committee import LocalCommittee
from ocr_client.crypto.threshold import CombinedSignature
from ocr_client.feed import Feed
from ocr_client.report.layout import (
    Observation,
    Report,
    encode_report,
    encode_transmit_calldata,
    signing_digest,
)
from ocr_client.report.median import build_report

DEFAULT_MIN_ANSWER: Final[int] = 1
DEFAULT_MAX_ANSWER: Final[int] = 10**30
#: Observation timestamps used when a test does not give any: fixed, so calldata and gas are too.
DEFAULT_TIMESTAMP: Final[int] = 1_700_000_000
FUNDING_WEI: Final[int] = 10**18


@dataclass(frozen=True)
class SignedTransmit:
    """A signed report ready to send from ``sender``, who claims oracle index ``transmitter_index``."""

    report: Report
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


class LocalFeed:
    """A deployed, configured feed plus the committee that signs for it."""

    def __init__(self, w3: Web3, feed: Feed, committee: LocalCommittee, owner: LocalAccount,
                 anvil: Anvil | None = None) -> None:
        self.w3 = w3
        self.feed = feed
        self.committee = committee
        self.owner = owner
        self._anvil = anvil
        self.chain_id = int(w3.eth.chain_id)
        self.epoch = 1
        self.round = 0

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
    ) -> LocalFeed:
        """Start anvil (unless ``rpc_url``), deploy a feed and configure an n-node committee."""
        anvil = None if rpc_url else Anvil().start()
        try:
            w3 = connect(rpc_url or anvil.rpc_url)  # type: ignore[union-attr]
            preflight(w3)
            return cls.deploy(w3, n, f, threshold, seed, owner, decimals, description, min_answer, max_answer, anvil)
        except BaseException:
            if anvil is not None:
                anvil.stop()
            raise

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
    ) -> LocalFeed:
        """Deploy and configure a feed on an already connected chain."""
        owner = owner or dev_account(0)
        committee = LocalCommittee.create(n, f, threshold, seed)
        feed = Feed.deploy(w3, owner, decimals, description)
        feed.set_config(owner, committee.onchain_config(min_answer, max_answer))
        return cls(w3, feed, committee, owner, anvil)

    def close(self) -> None:
        """Stop the anvil this helper started, if any."""
        if self._anvil is not None:
            self._anvil.stop()
            self._anvil = None

    def __enter__(self) -> LocalFeed:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # --- signing and sending --------------------------------------------------------------

    @property
    def address(self) -> str:
        return self.feed.address

    def next_epoch_round(self) -> tuple[int, int]:
        """The (epoch, round) after the last one this helper used; round 255 rolls into a new epoch."""
        if self.round >= 255:
            return self.epoch + 1, 1
        return self.epoch, self.round + 1

    def observations(self, values: int | Sequence[int], timestamps: Sequence[int] | None = None,
                     observers: Sequence[int] | None = None) -> list[Observation]:
        """One observation per value (an int means every oracle saw that value)."""
        vals = [values] * self.committee.n if isinstance(values, int) else list(values)
        who = list(range(len(vals))) if observers is None else list(observers)
        when = [DEFAULT_TIMESTAMP] * len(vals) if timestamps is None else list(timestamps)
        return [Observation(observer=o, timestamp=t, value=v) for o, t, v in zip(who, when, vals, strict=True)]

    def sign_report(self, report: Report, signers: Sequence[int] | None = None,
                    sender: LocalAccount | None = None) -> SignedTransmit:
        """Sign an arbitrary report (even an invalid one) with the committee, without sending it."""
        raw = encode_report(report)
        digest = signing_digest(self.chain_id, self.address, raw)
        return self._signed(report, raw, digest, self.committee.sign(digest, signers), sender)

    def digest(self, report: Report) -> bytes:
        """What the committee signs for ``report`` on this feed."""
        return signing_digest(self.chain_id, self.address, encode_report(report))

    def assemble(self, report: Report, combined: CombinedSignature,
                 sender: LocalAccount | None = None) -> SignedTransmit:
        """A SignedTransmit from a report and its already combined signature."""
        raw = encode_report(report)
        return self._signed(report, raw, signing_digest(self.chain_id, self.address, raw), combined, sender)

    def _signed(self, report: Report, raw: bytes, digest: bytes, combined: CombinedSignature,
                sender: LocalAccount | None) -> SignedTransmit:
        account = sender or self.committee.transmitters[0]
        return SignedTransmit(
            report=report, report_bytes=raw, digest=digest, signature=combined.signature,
            sender=account, transmitter_index=self.transmitter_index(account.address),
            signers=tuple(i - 1 for i in combined.signers),
        )

    def transmitter_index(self, address: str) -> int:
        """The oracle index whose transmitter is ``address``; 0 for strangers (the contract refuses them)."""
        for i, account in enumerate(self.committee.transmitters):
            if account.address.lower() == address.lower():
                return i
        return 0

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

    def send(self, signed: SignedTransmit, gas: int | None = None) -> TxReceipt:
        """Transmit a signed report (funding the transmitter on first use) and remember its (epoch, round)."""
        self.fund(signed.sender.address)
        receipt = self.feed.transmit(signed.sender, signed.calldata, gas=gas)
        self.epoch, self.round = signed.report.epoch, signed.report.round
        return receipt

    def push(self, values: int | Sequence[int], **kwargs: object) -> TxReceipt:
        """Observe, sign and transmit in one call; returns the receipt."""
        return self.send(self.signed_transmit(values, **kwargs))  # type: ignore[arg-type]

    def fund(self, address: str) -> None:
        """Give a transmitter gas money from the owner if it has less than half of FUNDING_WEI."""
        if int(self.w3.eth.get_balance(Web3.to_checksum_address(address))) >= FUNDING_WEI // 2:
            return
        send_transaction(self.w3, self.owner, Web3.to_checksum_address(address), b"", value=FUNDING_WEI)

    def with_sender(self, signed: SignedTransmit, sender: LocalAccount) -> SignedTransmit:
        """The same signed call from another account, claiming that account's oracle index."""
        return replace(signed, sender=sender, transmitter_index=self.transmitter_index(sender.address))
