"""The packed report layout, defined once for Python; contracts/feed/ReportLayout.sol mirrors it.

Calldata of ``transmit()`` is ``selector || report || signature`` with no padding anywhere, so
every byte matters (the byte-flip test proves it). The report:

=========  =======  ============================================
offset     bytes    field
=========  =======  ============================================
0          32       config digest
32         4        epoch (uint32)
36         1        round (uint8)
37         24       answer (int192, two's complement)
61         1        count k of observations
62         k        observer index of each observation (uint8)
62+k       4k       timestamp of each observation (uint32)
62+5k      24k      observations (int192), ascending
=========  =======  ============================================

then the 128-byte G1 signature and one byte: the transmitter's oracle index (unsigned: it only
says which configured transmitter the sender claims to be; a wrong one is refused). Integers
are big-endian.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from eth_utils import keccak

from ocr_client.errors import ReportError

TRANSMIT_SELECTOR: Final[bytes] = keccak(text="transmit()")[:4]
HEADER_LENGTH: Final[int] = 62
BYTES_PER_OBSERVATION: Final[int] = 29
SIGNATURE_LENGTH: Final[int] = 128
TRANSMITTER_INDEX_LENGTH: Final[int] = 1
MAX_OBSERVATIONS: Final[int] = 255
INT192_MIN: Final[int] = -(2**191)
INT192_MAX: Final[int] = 2**191 - 1
UINT32_MAX: Final[int] = 2**32 - 1


@dataclass(frozen=True)
class Observation:
    """One oracle's signed reading: who, when, what."""

    observer: int
    timestamp: int
    value: int


@dataclass(frozen=True)
class Report:
    """A report as the contract reads it. ``observations`` must already be sorted by value."""

    config_digest: bytes
    epoch: int
    round: int
    answer: int
    observations: tuple[Observation, ...]

    @property
    def count(self) -> int:
        return len(self.observations)


def encode_int192(value: int, what: str) -> bytes:
    """24 big-endian bytes, two's complement; ``what`` names the field in the error."""
    if not INT192_MIN <= value <= INT192_MAX:
        raise ReportError(f"{what} {value} does not fit in int192")
    return (value % 2**192).to_bytes(24, "big")


def decode_int192(raw: bytes) -> int:
    """The int192 in 24 big-endian two's-complement bytes."""
    value = int.from_bytes(raw, "big")
    return value - 2**192 if value >= 2**191 else value


def encode_report(report: Report) -> bytes:
    """The packed report bytes (what the committee signs, inside the signing digest)."""
    if len(report.config_digest) != 32:
        raise ReportError(f"config digest must be 32 bytes, got {len(report.config_digest)}")
    if not 0 <= report.epoch <= UINT32_MAX:
        raise ReportError(f"epoch {report.epoch} does not fit in uint32")
    if not 0 <= report.round <= 255:
        raise ReportError(f"round {report.round} does not fit in uint8")
    if report.count > MAX_OBSERVATIONS:
        raise ReportError(f"{report.count} observations; at most {MAX_OBSERVATIONS} fit")
    parts = [
        report.config_digest,
        report.epoch.to_bytes(4, "big"),
        bytes([report.round]),
        encode_int192(report.answer, "answer"),
        bytes([report.count]),
    ]
    for o in report.observations:
        if not 0 <= o.observer <= 255:
            raise ReportError(f"observer index {o.observer} does not fit in one byte")
        parts.append(bytes([o.observer]))
    for o in report.observations:
        if not 0 <= o.timestamp <= UINT32_MAX:
            raise ReportError(f"timestamp {o.timestamp} does not fit in uint32")
        parts.append(o.timestamp.to_bytes(4, "big"))
    parts.extend(encode_int192(o.value, "observation") for o in report.observations)
    return b"".join(parts)


def decode_report(data: bytes) -> Report:
    """Parse packed report bytes; the length must be exactly what the count implies."""
    if len(data) < HEADER_LENGTH:
        raise ReportError(f"report is {len(data)} bytes; the header alone is {HEADER_LENGTH}")
    k = data[61]
    expected = HEADER_LENGTH + BYTES_PER_OBSERVATION * k
    if len(data) != expected:
        raise ReportError(f"report with {k} observations must be {expected} bytes, got {len(data)}")
    observers = data[62 : 62 + k]
    ts_at, val_at = 62 + k, 62 + 5 * k
    observations = tuple(
        Observation(
            observer=observers[i],
            timestamp=int.from_bytes(data[ts_at + 4 * i : ts_at + 4 * i + 4], "big"),
            value=decode_int192(data[val_at + 24 * i : val_at + 24 * i + 24]),
        )
        for i in range(k)
    )
    return Report(
        config_digest=data[0:32],
        epoch=int.from_bytes(data[32:36], "big"),
        round=data[36],
        answer=decode_int192(data[37:61]),
        observations=observations,
    )


def encode_transmit_calldata(report: Report | bytes, signature: bytes, transmitter_index: int) -> bytes:
    """``transmit()`` calldata: selector, packed report, 128-byte signature, transmitter index."""
    raw = report if isinstance(report, bytes) else encode_report(report)
    if len(signature) != SIGNATURE_LENGTH:
        raise ReportError(f"signature must be {SIGNATURE_LENGTH} bytes (EIP-2537 G1), got {len(signature)}")
    if not 0 <= transmitter_index <= 255:
        raise ReportError(f"transmitter index {transmitter_index} does not fit in one byte")
    return TRANSMIT_SELECTOR + raw + signature + bytes([transmitter_index])


def split_transmit_calldata(calldata: bytes) -> tuple[bytes, bytes, int]:
    """(report, signature, transmitter index) from ``transmit()`` calldata."""
    if calldata[:4] != TRANSMIT_SELECTOR:
        raise ReportError("calldata does not start with the transmit() selector")
    body = calldata[4:]
    if len(body) < SIGNATURE_LENGTH + TRANSMITTER_INDEX_LENGTH:
        raise ReportError("calldata too short to hold a signature and a transmitter index")
    end = len(body) - TRANSMITTER_INDEX_LENGTH
    return body[: end - SIGNATURE_LENGTH], body[end - SIGNATURE_LENGTH : end], body[end]


def signing_digest(chain_id: int, contract: str | bytes, report: bytes) -> bytes:
    """keccak256(chain id as 32 bytes || contract address (20 bytes) || report): what is signed."""
    addr = contract if isinstance(contract, bytes) else bytes.fromhex(contract[2:] if contract.startswith("0x") else contract)
    if len(addr) != 20:
        raise ReportError(f"contract address must be 20 bytes, got {len(addr)}")
    return keccak(chain_id.to_bytes(32, "big") + addr + report)


def decode_event_observations(observers: bytes, timestamps: bytes, values: bytes) -> tuple[Observation, ...]:
    """Observations from the packed bytes fields of a NewTransmission event."""
    k = len(observers)
    if len(timestamps) != 4 * k or len(values) != 24 * k:
        raise ReportError("NewTransmission fields disagree on the number of observations")
    return tuple(
        Observation(
            observer=observers[i],
            timestamp=int.from_bytes(timestamps[4 * i : 4 * i + 4], "big"),
            value=decode_int192(values[24 * i : 24 * i + 24]),
        )
        for i in range(k)
    )
