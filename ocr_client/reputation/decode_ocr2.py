"""Decoder for Chainlink's OCR2Aggregator events, exactly as deployed on mainnet.

``NewTransmission(uint32 indexed aggregatorRoundId, int192 answer, address transmitter, uint32
observationsTimestamp, int192[] observations, bytes observers, int192 juelsPerFeeCoin, bytes32
configDigest, uint40 epochAndRound)``: the observations sorted ascending, one observer-index byte
per observation, but ONE timestamp for the whole report and no signers. So per-oracle latency,
timestamp percentile and signing are unavailable for this format (stored as NULL, never zero).
``contracts/baselines/OCR2StyleAggregator.sol`` emits the same ABI and stands in for it in tests.
"""

from __future__ import annotations

from typing import Final

from eth_abi import decode as abi_decode

from ocr_client.reputation.abi import HEX_WORD, WORD, hex_address, hex_bytes_at, hex_int, hex_uint, hex_word, topic
from ocr_client.reputation.configs import ConfigBook
from ocr_client.reputation.decode_ours import append_report, unpack_observations
from ocr_client.reputation.records import Batch, LogPlace, RawLog

OCR2_TRANSMISSION: Final[str] = topic(
    "NewTransmission(uint32,int192,address,uint32,int192[],bytes,int192,bytes32,uint40)")
OCR2_CONFIG_SET: Final[str] = topic("ConfigSet(uint32,bytes32,uint64,address[],address[],uint8,bytes,uint64,bytes)")
_CONFIG_TYPES: Final[tuple[str, ...]] = ("uint32", "bytes32", "uint64", "address[]", "address[]", "uint8", "bytes",
                                         "uint64", "bytes")
ROUND_BITS: Final[int] = 8
ROUND_MASK: Final[int] = 0xFF
FORMAT: Final[str] = "ocr2-aggregator"


def decode_config(log: RawLog, place: LogPlace, book: ConfigBook, out: Batch) -> int:
    """ConfigSet with signers and transmitters by oracle index; returns previousConfigBlockNumber."""
    contract = log["address"].lower()
    previous, digest, count, signers, transmitters, f, _, _, _ = abi_decode(_CONFIG_TYPES, bytes.fromhex(log["data"][2:]))
    digest_hex = "0x" + bytes(digest).hex()
    senders = tuple(str(a).lower() for a in transmitters)
    out.configs.append((contract, digest_hex, int(count), len(senders), int(f), None, place.block_number,
                        place.tx_hash, place.log_index, FORMAT))
    out.config_oracles.extend(
        (contract, digest_hex, i, a, str(s).lower()) for i, (a, s) in enumerate(zip(senders, signers, strict=True)))
    out.see_block(place)
    book.add(contract, digest_hex, senders)
    return int(previous)


def decode_transmission(log: RawLog, place: LogPlace, book: ConfigBook, out: Batch) -> None:
    contract = log["address"].lower()
    data: str = log["data"]
    round_id = int(log["topics"][1], 16)
    offset = 2 + 2 * hex_uint(data, 3)
    k = int(data[offset: offset + HEX_WORD], 16)
    values = data[offset + HEX_WORD: offset + HEX_WORD * (k + 1)]
    observers = hex_bytes_at(data, 4)[: 2 * k]
    epoch_and_round = hex_uint(data, 7)
    observer_bytes, _, decoded = unpack_observations(bytes.fromhex(observers + values), k, None, 0, WORD)
    append_report(out, book, contract, None, round_id, "0x" + hex_word(data, 6), epoch_and_round >> ROUND_BITS,
                  epoch_and_round & ROUND_MASK, hex_int(data, 0), hex_address(data, 1), hex_uint(data, 2),
                  observer_bytes, None, decoded, place)
