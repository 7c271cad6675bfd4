"""The packed report layout, defined once for Python; contracts/feed/ReportLayout.sol mirrors it.

Calldata of ``transmit()`` is ``selector || report || signature`` with no padding anywhere, so
every byte matters (the byte-flip test proves it). The report:

=========  =======  ==============================================================
offset     bytes    field
=========  =======  ==============================================================
0          32       config digest
32         4        epoch (uint32)
36         1        round (uint8)
37         24       answer (int192, two's complement)
61         4        observations timestamp T (uint32): the earliest observation's time
65         1        count k of observations
66         k        observer index of each observation (uint8)
66+k       2k       each observation's time as seconds after T (uint16)
66+3k      24k      observations (int192), ascending
=========  =======  ==============================================================

then the 128-byte G1 signature and one byte: the transmitter's oracle index (unsigned: it only
says which configured transmitter the sender claims to be; a wrong one is refused). Integers
are big-endian. Two-byte offsets instead of four-byte times save about 1,900 gas a report at
n = 31 (docs/gas.md); they cap the spread of one report's observation times at 65,535 s (18 h),
far beyond any round. The per-observation sections are contiguous, so the NewTransmission event
carries them as one ``bytes`` copied straight from calldata (``ocr_client.report.events``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from eth_utils import keccak

from ocr_client.errors import ReportError

TRANSMIT_SELECTOR: Final[bytes] = keccak(text="transmit()")[:4]
HEADER_LENGTH: Final[int] = 66
#: Report offset of the count byte, and of the first observer byte.
COUNT_OFFSET: Final[int] = 65
OBSERVERS_OFFSET: Final[int] = 66
#: observer (1) + timestamp offset (2) + value (24).
BYTES_PER_OBSERVATION: Final[int] = 27
TIMESTAMP_OFFSET_LENGTH: Final[int] = 2
VALUE_LENGTH: Final[int] = 24
#: The widest spread of observation times one report can carry (uint16 offsets).
MAX_TIMESTAMP_SPREAD: Final[int] = 2**16 - 1
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

    @property
    def observations_timestamp(self) -> int:
        """T, the time every observation's offset counts from: the earliest observation (0 if none)."""
        return min((o.timestamp for o in self.observations), default=0)


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
    for o in report.observations:
        if not 0 <= o.timestamp <= UINT32_MAX:
            raise ReportError(f"timestamp {o.timestamp} does not fit in uint32")
    base = report.observations_timestamp
    parts = [
        report.config_digest,
        report.epoch.to_bytes(4, "big"),
        bytes([report.round]),
        encode_int192(report.answer, "answer"),
        base.to_bytes(4, "big"),
        bytes([report.count]),
    ]
    for o in report.observations:
        if not 0 <= o.observer <= 255:
            raise ReportError(f"observer index {o.observer} does not fit in one byte")
        parts.append(bytes([o.observer]))
    for o in report.observations:
        if o.timestamp - base > MAX_TIMESTAMP_SPREAD:
            raise ReportError(f"observation timestamps span {o.timestamp - base} s; one report carries at most "
                              f"{MAX_TIMESTAMP_SPREAD} s (uint16 offsets from the earliest)")
        parts.append((o.timestamp - base).to_bytes(2, "big"))
    parts.extend(encode_int192(o.value, "observation") for o in report.observations)
    return b"".join(parts)


def decode_report(data: bytes) -> Report:
    """Parse packed report bytes; the length must be exactly what the count implies."""
    if len(data) < HEADER_LENGTH:
        raise ReportError(f"report is {len(data)} bytes; the header alone is {HEADER_LENGTH}")
    k = data[COUNT_OFFSET]
    expected = HEADER_LENGTH + BYTES_PER_OBSERVATION * k
    if len(data) != expected:
        raise ReportError(f"report with {k} observations must be {expected} bytes, got {len(data)}")
    return Report(
        config_digest=data[0:32],
        epoch=int.from_bytes(data[32:36], "big"),
        round=data[36],
        answer=decode_int192(data[37:61]),
        observations=decode_observations(int.from_bytes(data[61:65], "big"), data[OBSERVERS_OFFSET:]),
    )


def decode_observations(observations_timestamp: int, packed: bytes) -> tuple[Observation, ...]:
    """The observations of the report's packed per-observation sections (observers || offsets ||
    values, k = len / 27), which the NewTransmission event carries unchanged as ``observations``."""
    k, rest = divmod(len(packed), BYTES_PER_OBSERVATION)
    if rest:
        raise ReportError(f"{len(packed)} bytes of observations is not a whole number of {BYTES_PER_OBSERVATION}-byte "
                          "observations")
    ts_at, val_at = k, 3 * k
    return tuple(
        Observation(
            observer=packed[i],
            timestamp=observations_timestamp + int.from_bytes(packed[ts_at + 2 * i : ts_at + 2 * i + 2], "big"),
            value=decode_int192(packed[val_at + VALUE_LENGTH * i : val_at + VALUE_LENGTH * (i + 1)]),
        )
        for i in range(k)
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
