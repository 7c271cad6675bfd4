"""Decoders for this project's feeds: OCRFeed, AccountableFeed and the OCRMultiFeed hub.

All three carry every observation with its observer index and its own timestamp (docs/report-format.md).
OCRFeed and AccountableFeed: ``NewTransmission(uint80 indexed roundId, bytes32 configDigest, uint40
epochAndRound, int192 answer, address transmitter, uint32 observationsTimestamp, [uint256 signers,]
bytes observations)`` where ``observations`` is k observer bytes, k uint16 offsets from
observationsTimestamp, k int192 values. The hub: ``FeedTransmission`` per feed, then
``ReportTransmitted`` with the shared rows (observer bytes, uint32 timestamps).

This reads raw logs with slices (what makes the indexer fast); ``ocr_client.report.events`` is the
same decoding over web3-decoded events, and the tests check both agree on every log. Kept in one
module because the event shape is ours to change: a change of format is a change here only.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Final

from eth_abi import decode as abi_decode

from ocr_client.reputation.abi import hex_address, hex_bytes_at, hex_int, hex_uint, hex_word, topic
from ocr_client.reputation.configs import ConfigBook
from ocr_client.reputation.derive import observation_lines
from ocr_client.reputation.errors import ReputationError
from ocr_client.reputation.records import Batch, LogPlace, PackedReport, RawLog

VALUE_BYTES: Final[int] = 24
TIMESTAMP_BYTES: Final[int] = 4
OFFSET_BYTES: Final[int] = 2
#: observer (1) + time offset (2) + value (24)
PACKED_OBSERVATION_BYTES: Final[int] = 27
ROUND_BITS: Final[int] = 8
ROUND_MASK: Final[int] = 0xFF

FEED_TRANSMISSION: Final[str] = topic("NewTransmission(uint80,bytes32,uint40,int192,address,uint32,bytes)")
ACCOUNTABLE_TRANSMISSION: Final[str] = topic("NewTransmission(uint80,bytes32,uint40,int192,address,uint32,uint256,bytes)")
FEED_CONFIG_SET: Final[str] = topic(
    "ConfigSet(uint32,bytes32,uint64,uint8,(uint8,uint8,bytes,bytes[],address[],int192,int192))")
ACCOUNTABLE_CONFIG_SET: Final[str] = topic(
    "ConfigSet(uint32,bytes32,uint64,uint8,(uint8,uint8,bytes[],bytes[],address[],int192,int192))")
MULTI_CONFIG_SET: Final[str] = topic(
    "ConfigSet(uint32,bytes32,uint64,uint8,(uint8,uint8,bytes,bytes[],address[],int192[],int192[]))")
MULTI_REPORT: Final[str] = topic("ReportTransmitted(uint80,bytes32,uint32,uint8,bytes,bytes,address)")
MULTI_FEED: Final[str] = topic("FeedTransmission(uint8,uint80,int192,bytes)")

_CONFIG_TYPES: Final[dict[str, tuple[str, ...]]] = {
    FEED_CONFIG_SET: ("uint32", "bytes32", "uint64", "uint8", "(uint8,uint8,bytes,bytes[],address[],int192,int192)"),
    ACCOUNTABLE_CONFIG_SET: ("uint32", "bytes32", "uint64", "uint8",
                             "(uint8,uint8,bytes[],bytes[],address[],int192,int192)"),
    MULTI_CONFIG_SET: ("uint32", "bytes32", "uint64", "uint8", "(uint8,uint8,bytes,bytes[],address[],int192[],int192[])"),
}


def feed_key(contract: str, feed_id: int | None) -> str:
    """A feed's name in the store: the contract, or ``contract/feedId`` for a hub's feed."""
    return contract if feed_id is None else f"{contract}/{feed_id}"


def decode_config(log: RawLog, place: LogPlace, fmt: str, book: ConfigBook, out: Batch) -> int:
    """A ConfigSet of any of our formats (rare: eth_abi is fast enough); returns previousConfigBlockNumber."""
    contract = log["address"].lower()
    data = bytes.fromhex(log["data"][2:])
    previous, digest, count, n, config = abi_decode(_CONFIG_TYPES[log["topics"][0]], data)
    f, threshold, transmitters = int(config[0]), int(config[1]), tuple(str(a).lower() for a in config[4])
    digest_hex = "0x" + bytes(digest).hex()
    out.configs.append((contract, digest_hex, int(count), int(n), f, threshold, place.block_number,
                        place.tx_hash, place.log_index, fmt))
    out.config_oracles.extend((contract, digest_hex, i, a, None) for i, a in enumerate(transmitters))
    out.see_block(place)
    book.add(contract, digest_hex, transmitters)
    return int(previous)


@dataclass(frozen=True)
class RawTransmission:
    """One NewTransmission's fields, observations unpacked (what web3's event decoding yields)."""

    round_id: int
    config_digest: str
    epoch: int
    round: int
    answer: int
    transmitter: str
    observations_timestamp: int
    observers: bytes
    stamps: tuple[int, ...]
    values: list[int]
    signers: int | None


def _packed(log: RawLog) -> tuple[str, int]:
    """(the observations' packed hex, k) of an OCRFeed or AccountableFeed NewTransmission."""
    data: str = log["data"]
    packed_hex = hex_bytes_at(data, 6 if log["topics"][0] == ACCOUNTABLE_TRANSMISSION else 5)
    k, rest = divmod(len(packed_hex), 2 * PACKED_OBSERVATION_BYTES)
    if rest:
        raise ReputationError(f"a NewTransmission of {log['address']} carries {len(packed_hex) // 2} bytes of "
                              f"observations, not a multiple of {PACKED_OBSERVATION_BYTES}")
    return packed_hex, k


def read_transmission(log: RawLog) -> RawTransmission:
    """Decode an OCRFeed or AccountableFeed NewTransmission straight from the RPC's hex."""
    data: str = log["data"]
    epoch_and_round = hex_uint(data, 1)
    base = hex_uint(data, 4)
    accountable = log["topics"][0] == ACCOUNTABLE_TRANSMISSION
    packed_hex, k = _packed(log)
    packed = bytes.fromhex(packed_hex)
    observers, stamps, values = unpack_observations(packed, k, base, OFFSET_BYTES, VALUE_BYTES)
    return RawTransmission(int(log["topics"][1], 16), "0x" + hex_word(data, 0), epoch_and_round >> ROUND_BITS,
                           epoch_and_round & ROUND_MASK, hex_int(data, 2), hex_address(data, 3), base, observers,
                           stamps or (), values, hex_uint(data, 5) if accountable else None)


def decode_transmission(log: RawLog, place: LogPlace, book: ConfigBook, out: Batch) -> None:
    """OCRFeed or AccountableFeed NewTransmission into report and signer rows; its observations
    stay packed in the batch until the whole chunk is unpacked at once (derive_columns.py)."""
    contract = log["address"].lower()
    data: str = log["data"]
    round_id = int(log["topics"][1], 16)
    digest = "0x" + hex_word(data, 0)
    epoch_and_round, answer, base = hex_uint(data, 1), hex_int(data, 2), hex_uint(data, 4)
    packed_hex, k = _packed(log)
    out.reports.append((contract, contract, None, round_id, digest, epoch_and_round >> ROUND_BITS,
                        epoch_and_round & ROUND_MASK, answer, hex_address(data, 3), base, k, place.block_number,
                        place.tx_hash, place.log_index))
    oracles = book.oracles(contract, digest) or ()
    out.packed.append(PackedReport(contract, round_id, answer, base, packed_hex, k, oracles, place.block_number))
    out.see_block(place)
    out.tx_hashes.append(place.tx_hash)
    if log["topics"][0] == ACCOUNTABLE_TRANSMISSION:
        signers = hex_uint(data, 5)
        out.signers.extend(
            (contract, round_id, i, oracles[i] if i < len(oracles) else None, place.block_number)
            for i in range(signers.bit_length()) if signers >> i & 1
        )


def unpack_observations(packed: bytes, k: int, report_time: int | None, stamp_width: int,
                        value_width: int) -> tuple[bytes, tuple[int, ...] | None, list[int]]:
    """(observers, timestamps, values) from k observer bytes, then k timestamps of ``stamp_width``
    bytes (offsets from ``report_time``, or absolute when it is None; none when the width is 0),
    then k signed values of ``value_width`` bytes."""
    at = k + stamp_width * k
    values = [int.from_bytes(packed[i: i + value_width], "big", signed=True) for i in range(at, at + value_width * k, value_width)]
    stamps: tuple[int, ...] | None = None
    if stamp_width:
        raw = struct.unpack(f">{k}{_STRUCT[stamp_width]}", packed[k: at])
        stamps = raw if report_time is None else tuple(report_time + s for s in raw)
    return packed[:k], stamps, values


def append_report(out: Batch, book: ConfigBook, contract: str, feed_id: int | None, round_id: int, digest: str,
                  epoch: int, round_: int, answer: int, transmitter: str, report_time: int | None, observers: bytes,
                  stamps: tuple[int, ...] | None, values: list[int], place: LogPlace) -> None:
    """One report row and its observation rows (shared by every decoder)."""
    feed = feed_key(contract, feed_id)
    out.reports.append((feed, contract, feed_id, round_id, digest, epoch, round_, answer, transmitter, report_time,
                        len(values), place.block_number, place.tx_hash, place.log_index))
    out.observations.extend(observation_lines(feed, round_id, answer, observers, stamps or None, values,
                                              book.oracles(contract, digest) or (), place.block_number))
    out.see_block(place)
    out.tx_hashes.append(place.tx_hash)


_STRUCT: Final[dict[int, str]] = {2: "H", 4: "I"}


class MultiFeedDecoder:
    """A hub's FeedTransmission events precede their ReportTransmitted in the same transaction:
    held here until the shared rows (observers, timestamps) arrive."""

    def __init__(self) -> None:
        self._pending: dict[tuple[str, int], list[tuple[int, int, str]]] = {}

    def feed_part(self, log: RawLog) -> None:
        data: str = log["data"]
        feed_id, round_id = int(log["topics"][1], 16), int(log["topics"][2], 16)
        self._pending.setdefault((log["transactionHash"], round_id), []).append(
            (feed_id, hex_int(data, 0), hex_bytes_at(data, 1)))

    def report(self, log: RawLog, place: LogPlace, book: ConfigBook, out: Batch) -> None:
        contract = log["address"].lower()
        data: str = log["data"]
        round_id = int(log["topics"][1], 16)
        digest = "0x" + hex_word(data, 0)
        epoch, round_ = hex_uint(data, 1), hex_uint(data, 2)
        rows_observer, rows_ts = hex_bytes_at(data, 3), hex_bytes_at(data, 4)
        transmitter = hex_address(data, 5)
        m = len(rows_observer) // 2
        for feed_id, answer, section in self._pending.pop((place.tx_hash, round_id), []):
            positions = bytes.fromhex(section[: 2 * m])
            observers = "".join(rows_observer[2 * row: 2 * row + 2] for row in positions)
            stamps = "".join(rows_ts[8 * row: 8 * row + 8] for row in positions)
            unpacked = unpack_observations(bytes.fromhex(observers + stamps + section[2 * m:]), m, None,
                                           TIMESTAMP_BYTES, VALUE_BYTES)
            append_report(out, book, contract, feed_id, round_id, digest, epoch, round_, answer, transmitter, None,
                          *unpacked, place)
