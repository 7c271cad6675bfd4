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
from typing import Final

from eth_abi import decode as abi_decode

from ocr_client.reputation.abi import address_at, bytes_at, int_at, topic, topic_uint, uint_at
from ocr_client.reputation.configs import ConfigBook
from ocr_client.reputation.errors import ReputationError
from ocr_client.reputation.records import Batch, LogPlace, RawLog

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


def _observations(observers: bytes, stamps: bytes, values: bytes) -> tuple[list[int], tuple[int, ...], list[int]]:
    k = len(observers)
    if len(stamps) != TIMESTAMP_BYTES * k or len(values) != VALUE_BYTES * k:
        raise ReputationError("a transmission's observation fields disagree on the number of observations")
    vals = [int.from_bytes(values[i: i + VALUE_BYTES], "big", signed=True) for i in range(0, VALUE_BYTES * k, VALUE_BYTES)]
    return list(observers), struct.unpack(f">{k}I", stamps), vals


def _packed_observations(base: int, packed: bytes) -> tuple[list[int], tuple[int, ...], list[int]]:
    k, rest = divmod(len(packed), PACKED_OBSERVATION_BYTES)
    if rest:
        raise ReputationError(f"a NewTransmission carries {len(packed)} bytes of observations, not a multiple of "
                              f"{PACKED_OBSERVATION_BYTES}")
    offsets = struct.unpack(f">{k}H", packed[k: 3 * k])
    start = 3 * k
    values = [int.from_bytes(packed[i: i + VALUE_BYTES], "big", signed=True)
              for i in range(start, start + VALUE_BYTES * k, VALUE_BYTES)]
    return list(packed[:k]), tuple(base + o for o in offsets), values


def decode_transmission(log: RawLog, place: LogPlace, book: ConfigBook, out: Batch) -> None:
    """OCRFeed or AccountableFeed NewTransmission (the latter adds the signer bitmap)."""
    contract = log["address"].lower()
    data = bytes.fromhex(log["data"][2:])
    round_id = topic_uint(log["topics"][1])
    digest = "0x" + data[0:32].hex()
    epoch_and_round, answer = uint_at(data, 1), int_at(data, 2)
    transmitter, base = address_at(data, 3), uint_at(data, 4)
    accountable = log["topics"][0] == ACCOUNTABLE_TRANSMISSION
    observers, stamps, values = _packed_observations(base, bytes_at(data, 6 if accountable else 5))
    _append_report(out, book, contract, None, round_id, digest, epoch_and_round >> ROUND_BITS,
                   epoch_and_round & ROUND_MASK, answer, transmitter, base, observers, stamps, values, place)
    if accountable:
        bitmap = uint_at(data, 5)
        oracles = book.oracles(contract, digest) or ()
        out.signers.extend(
            (contract, round_id, i, oracles[i] if i < len(oracles) else None, place.block_number)
            for i in range(bitmap.bit_length()) if bitmap >> i & 1
        )


def _append_report(out: Batch, book: ConfigBook, contract: str, feed_id: int | None, round_id: int, digest: str,
                   epoch: int, round_: int, answer: int, transmitter: str, report_time: int | None,
                   observers: list[int], stamps: tuple[int, ...] | None, values: list[int], place: LogPlace) -> None:
    """One report row and its observation rows (shared with the OCR2 decoder)."""
    feed = feed_key(contract, feed_id)
    out.reports.append((feed, contract, feed_id, round_id, digest, epoch, round_, answer, transmitter, report_time,
                        len(values), place.block_number, place.tx_hash, place.log_index))
    oracles = book.oracles(contract, digest) or ()
    width = len(oracles)
    block = place.block_number
    if stamps is None:
        out.observations.extend(
            (feed, round_id, pos, who, oracles[who] if who < width else None, value, None, block)
            for pos, (who, value) in enumerate(zip(observers, values, strict=True))
        )
    else:
        out.observations.extend(
            (feed, round_id, pos, who, oracles[who] if who < width else None, value, ts, block)
            for pos, (who, ts, value) in enumerate(zip(observers, stamps, values, strict=True))
        )
    out.see_block(place)
    out.tx_hashes.append(place.tx_hash)


class MultiFeedDecoder:
    """A hub's FeedTransmission events precede their ReportTransmitted in the same transaction:
    held here until the shared rows (observers, timestamps) arrive."""

    def __init__(self) -> None:
        self._pending: dict[tuple[str, int], list[tuple[int, int, bytes]]] = {}

    def feed_part(self, log: RawLog) -> None:
        data = bytes.fromhex(log["data"][2:])
        feed_id, round_id = topic_uint(log["topics"][1]), topic_uint(log["topics"][2])
        self._pending.setdefault((log["transactionHash"], round_id), []).append((feed_id, int_at(data, 0), bytes_at(data, 1)))

    def report(self, log: RawLog, place: LogPlace, book: ConfigBook, out: Batch) -> None:
        contract = log["address"].lower()
        data = bytes.fromhex(log["data"][2:])
        round_id = topic_uint(log["topics"][1])
        digest = "0x" + data[0:32].hex()
        epoch, round_ = uint_at(data, 1), uint_at(data, 2)
        rows_observer, rows_ts = bytes_at(data, 3), bytes_at(data, 4)
        transmitter = address_at(data, 5)
        m = len(rows_observer)
        stamps = struct.unpack(f">{m}I", rows_ts)
        for feed_id, answer, section in self._pending.pop((place.tx_hash, round_id), []):
            positions, values = section[:m], section[m:]
            observers = [rows_observer[row] for row in positions]
            ts = tuple(stamps[row] for row in positions)
            _, _, vals = _observations(bytes(observers), bytes(4 * m), values)
            _append_report(out, book, contract, feed_id, round_id, digest, epoch, round_, answer, transmitter, None,
                           observers, ts, vals, place)
