"""The one decoder of our single feeds' NewTransmission events (OCRFeed and AccountableFeed).

Every reader of these events (the feed handles, the accountable handle, the reputation indexer)
goes through :func:`decode_transmission`, so the event's shape is written down in one place. The
exact ABI, word by word, is in docs/report-format.md:

    NewTransmission(uint80 indexed roundId, bytes32 configDigest, uint40 epochAndRound,
                    int192 answer, address transmitter, uint32 observationsTimestamp,
                    [uint256 signers,]  -- AccountableFeed only
                    bytes observations)

``observations`` is the report's packed per-observation sections unchanged (k observer bytes,
k uint16 time offsets from ``observationsTimestamp``, k int192 values), so it decodes with the
report layout's own :func:`~ocr_client.report.layout.decode_observations`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from ocr_client.errors import ReportError
from ocr_client.report.layout import Observation, decode_observations

#: Bits of the round in ``epochAndRound`` ((epoch << 8) | round), as in OCR2's event.
ROUND_BITS: Final[int] = 8
ROUND_MASK: Final[int] = 0xFF


def split_epoch_and_round(epoch_and_round: int) -> tuple[int, int]:
    """(epoch, round) of the event's packed ``epochAndRound``."""
    return epoch_and_round >> ROUND_BITS, epoch_and_round & ROUND_MASK


def signers_of(bitmap: int) -> tuple[int, ...]:
    """Oracle indices set in a signer bitmap (bit i = oracle i), ascending."""
    return tuple(i for i in range(bitmap.bit_length()) if bitmap >> i & 1)


@dataclass(frozen=True)
class Transmission:
    """A decoded NewTransmission event of an OCRFeed (``signer_bitmap`` None) or an AccountableFeed."""

    round_id: int
    config_digest: bytes
    epoch: int
    round: int
    answer: int
    transmitter: str
    observations_timestamp: int
    observations: tuple[Observation, ...]
    signer_bitmap: int | None
    tx_hash: str
    block_number: int

    @property
    def signers(self) -> tuple[int, ...]:
        """Oracles whose signatures the aggregate holds; empty for a threshold (OCRFeed) report."""
        return () if self.signer_bitmap is None else signers_of(self.signer_bitmap)


def decode_transmission(event: Mapping[str, Any]) -> Transmission:
    """A web3-decoded NewTransmission log (``args``, ``transactionHash``, ``blockNumber``)."""
    args = event["args"]
    try:
        epoch, round_ = split_epoch_and_round(int(args["epochAndRound"]))
        signers = args.get("signers")
        return Transmission(
            round_id=int(args["roundId"]),
            config_digest=bytes(args["configDigest"]),
            epoch=epoch,
            round=round_,
            answer=int(args["answer"]),
            transmitter=str(args["transmitter"]),
            observations_timestamp=int(args["observationsTimestamp"]),
            observations=decode_observations(int(args["observationsTimestamp"]), bytes(args["observations"])),
            signer_bitmap=None if signers is None else int(signers),
            tx_hash="0x" + bytes(event["transactionHash"]).hex(),
            block_number=int(event["blockNumber"]),
        )
    except KeyError as exc:
        raise ReportError(f"not a NewTransmission of this feed format: no field {exc.args[0]!r}") from exc
