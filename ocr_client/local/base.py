"""What a feed under test and its in-process committee do whatever the report format: sign a
report, assemble the transmit call, fund and send it, and track (epoch, round). LocalFeed
(single-feed reports) and LocalMultiFeed (multi-feed reports) add building their reports.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Final, Generic, Protocol, Self, TypeVar

from eth_account.signers.local import LocalAccount
from web3 import HTTPProvider, Web3
from web3.types import TxReceipt

from ocr_client.chain.anvil import Anvil
from ocr_client.chain.rpc import connect, preflight
from ocr_client.chain.transactions import send_transaction
from ocr_client.committee.contract import CommitteeContract
from ocr_client.crypto.threshold import CombinedSignature
from ocr_client.report.layout import Observation, encode_transmit_calldata, signing_digest

FUNDING_WEI: Final[int] = 10**18
MAX_ROUND: Final[int] = 255


#: Observation timestamps used when a test does not give any: fixed, so calldata and gas are too.
DEFAULT_TIMESTAMP: Final[int] = 1_700_000_000


class EpochRound(Protocol):
    """Any report: it names its (epoch, round)."""

    @property
    def epoch(self) -> int: ...

    @property
    def round(self) -> int: ...


class SigningCommittee(Protocol):
    """Any committee that can sign a report digest: a threshold committee or accountable signers."""

    @property
    def transmitters(self) -> tuple[LocalAccount, ...]: ...

    def sign(self, digest: bytes, signers: Iterable[int] | None = None) -> CombinedSignature: ...


ReportT = TypeVar("ReportT", bound=EpochRound)
CommitteeT = TypeVar("CommitteeT", bound=SigningCommittee)
HandleT = TypeVar("HandleT", bound=CommitteeContract)
T = TypeVar("T")


@dataclass(frozen=True)
class SignedCall(Generic[ReportT]):
    """A signed report ready to send from ``sender``, who claims oracle index ``transmitter_index``."""

    report: ReportT
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


def on_chain(rpc_url: str | None, build: Callable[[Web3, Anvil | None], T]) -> T:
    """Run ``build`` on ``rpc_url``, or on a managed anvil started for it (stopped again if it fails)."""
    anvil = None if rpc_url else Anvil().start()
    try:
        w3 = connect(rpc_url or anvil.rpc_url)  # type: ignore[union-attr]
        preflight(w3)
        return build(w3, anvil)
    except BaseException:
        if anvil is not None:
            anvil.stop()
        raise


class LocalCommitteeFeed(ABC, Generic[HandleT, ReportT, CommitteeT]):
    """A deployed, configured committee contract plus the committee that signs for it."""

    def __init__(self, w3: Web3, handle: HandleT, committee: CommitteeT, owner: LocalAccount,
                 anvil: Anvil | None = None) -> None:
        self.w3 = w3
        self.handle = handle
        self.committee = committee
        self.owner = owner
        self._anvil = anvil
        self.chain_id = int(w3.eth.chain_id)
        self.epoch = 1
        self.round = 0

    def observations(self, values: int | Sequence[int], timestamps: Sequence[int] | None = None,
                     observers: Sequence[int] | None = None) -> list[Observation]:
        """One observation per value (an int means every oracle saw that value), observer i by
        default, at :data:`DEFAULT_TIMESTAMP` unless ``timestamps`` says otherwise."""
        vals = [values] * len(self.committee.transmitters) if isinstance(values, int) else list(values)
        who = list(range(len(vals))) if observers is None else list(observers)
        when = [DEFAULT_TIMESTAMP] * len(vals) if timestamps is None else list(timestamps)
        return [Observation(observer=o, timestamp=t, value=v) for o, t, v in zip(who, when, vals, strict=True)]

    @abstractmethod
    def encode(self, report: ReportT) -> bytes:
        """The packed report bytes (what is signed, inside the signing digest)."""

    # --- lifetime -------------------------------------------------------------------------

    def close(self) -> None:
        """Stop the anvil this helper started, if any."""
        if self._anvil is not None:
            self._anvil.stop()
            self._anvil = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # --- signing and sending --------------------------------------------------------------

    @property
    def address(self) -> str:
        return self.handle.address

    @property
    def rpc_url(self) -> str | None:
        """The JSON-RPC URL the chain answers on (what an indexer reads it through), if HTTP."""
        provider = self.w3.provider
        return str(provider.endpoint_uri) if isinstance(provider, HTTPProvider) else None

    def next_epoch_round(self) -> tuple[int, int]:
        """The (epoch, round) after the last one this helper used; round 255 rolls into a new epoch."""
        if self.round >= MAX_ROUND:
            return self.epoch + 1, 1
        return self.epoch, self.round + 1

    def digest(self, report: ReportT) -> bytes:
        """What the committee signs for ``report`` on this contract."""
        return signing_digest(self.chain_id, self.address, self.encode(report))

    def sign_report(self, report: ReportT, signers: Sequence[int] | None = None,
                    sender: LocalAccount | None = None) -> SignedCall[ReportT]:
        """Sign an arbitrary report (even an invalid one) with the committee, without sending it."""
        raw = self.encode(report)
        digest = signing_digest(self.chain_id, self.address, raw)
        return self._signed(report, raw, digest, self.committee.sign(digest, signers), sender)

    def assemble(self, report: ReportT, combined: CombinedSignature,
                 sender: LocalAccount | None = None) -> SignedCall[ReportT]:
        """A signed call from a report and its already combined signature."""
        raw = self.encode(report)
        return self._signed(report, raw, signing_digest(self.chain_id, self.address, raw), combined, sender)

    def _signed(self, report: ReportT, raw: bytes, digest: bytes, combined: CombinedSignature,
                sender: LocalAccount | None) -> SignedCall[ReportT]:
        account = sender or self.committee.transmitters[0]
        return SignedCall(
            report=report, report_bytes=raw, digest=digest, signature=combined.signature,
            sender=account, transmitter_index=self.transmitter_index(account.address),
            signers=tuple(i - 1 for i in combined.signers),  # share index = oracle index + 1
        )

    def transmitter_index(self, address: str) -> int:
        """The oracle index whose transmitter is ``address``; 0 for strangers (the contract refuses them)."""
        for i, account in enumerate(self.committee.transmitters):
            if account.address.lower() == address.lower():
                return i
        return 0

    def with_sender(self, signed: SignedCall[ReportT], sender: LocalAccount) -> SignedCall[ReportT]:
        """The same signed call from another account, claiming that account's oracle index."""
        return replace(signed, sender=sender, transmitter_index=self.transmitter_index(sender.address))

    def send(self, signed: SignedCall[ReportT], gas: int | None = None) -> TxReceipt:
        """Transmit a signed report (funding the transmitter on first use) and remember its (epoch, round)."""
        self.fund(signed.sender.address)
        receipt = self.handle.transmit(signed.sender, signed.calldata, gas=gas)
        self.epoch, self.round = signed.report.epoch, signed.report.round
        return receipt

    def fund(self, address: str) -> None:
        """Give a transmitter gas money from the owner if it has less than half of FUNDING_WEI."""
        if int(self.w3.eth.get_balance(Web3.to_checksum_address(address))) >= FUNDING_WEI // 2:
            return
        send_transaction(self.w3, self.owner, Web3.to_checksum_address(address), b"", value=FUNDING_WEI)
