"""The outside world as the protocol sees it: small interfaces, so tests and the simulator can
plug in a seeded price source or a chain handle while the protocol code stays the same."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ocr_client.protocol.telemetry import Event


class ObservationSource(Protocol):
    """A node's reading of the value, scaled to the feed's decimals; None when no source answered."""

    def observe(self) -> int | None: ...


@dataclass(frozen=True)
class Attestation:
    """A combined signature over a report and the oracles it counts (oracle indices)."""

    signature: bytes
    signers: tuple[int, ...]


class ReportSigner(Protocol):
    """The report-signing scheme of one oracle: threshold BLS or accountable BLS."""

    @property
    def mode(self) -> str: ...

    def share(self, digest: bytes) -> bytes:
        """This oracle's signature share over a signing digest."""
        ...

    def combine(self, shares: dict[int, bytes], digest: bytes) -> Attestation | None:
        """Combine shares (oracle index -> share) into an attestation, leaving out bad shares;
        None while fewer than the threshold are valid."""
        ...

    def verify(self, digest: bytes, attestation: Attestation) -> bool:
        """Whether an attestation is what the contract will accept for this digest."""
        ...

    def verify_share(self, oracle: int, share: bytes, digest: bytes) -> bool:
        """Whether ``share`` is oracle ``oracle``'s own partial signature of ``digest`` (against its
        public share, or its registered key): what a staking contract checks in a slashing proof."""
        ...

    def calldata(self, report: bytes, attestation: Attestation, transmitter_index: int) -> bytes:
        """transmit() calldata for this scheme's contract."""
        ...


#: A report's identity: (config digest, epoch, round).
ReportId = tuple[bytes, int, int]


@dataclass(frozen=True)
class TransmitOutcome:
    """What one transmit attempt did."""

    status: str  # "accepted" | "reverted" | "failed" | "submitted" (a transaction manager took it)
    tx: str | None = None
    gas_used: int | None = None
    error: str | None = None


class ChainPort(Protocol):
    """One oracle's access to its feed contract (reads, and sends from its transmitter account)."""

    @property
    def chain_id(self) -> int: ...

    @property
    def address(self) -> str: ...

    def latest_epoch_round(self) -> tuple[bytes, int, int]:
        """(config digest, epoch, round) of the newest report on-chain."""
        ...

    def latest_report(self) -> tuple[int, int] | None:
        """(answer, updatedAt in Unix seconds) of the newest report on-chain; None before the first."""
        ...

    def transmit(self, calldata: bytes, report: ReportId | None = None) -> TransmitOutcome:
        """Send ``calldata`` for ``report``: at once and awaited, or handed to a transaction manager
        ("submitted"; its final outcome arrives later as a telemetry event)."""
        ...


class Telemetry(Protocol):
    """Where nodes report what they do: a trace, logs, metrics."""

    def emit(self, event: Event) -> None: ...
