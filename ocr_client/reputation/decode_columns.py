"""OCRFeed and AccountableFeed NewTransmission logs decoded a run at a time, as numpy columns.

The same rows as :func:`ocr_client.reputation.decode_ours.decode_transmission` (the per-log
reference, still used for what this path does not take), without a Python object per field: the
data of every log of one feed and one length is joined into one buffer and viewed as a (logs x
bytes) matrix, so each ABI head word is a column slice. A feed's transmissions all have the same
layout (six or seven head words, then the observations' ``bytes``), and the report rows leave as
columns DuckDB scans in place, the observations as a :class:`~.records.PackedBlock` that
``derive_columns`` unpacks without another hex step.

A log takes the reference path when its layout is not the canonical one (an offset or length the
contracts do not emit), when its answer is 2^60 or more in magnitude (the derivation's int64
bound), or when its round id is beyond int64: the rows are the same either way
(tests/reputation/test_decode_columns.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np

from ocr_client.reputation.configs import ConfigBook
from ocr_client.reputation.decode_ours import (
    ACCOUNTABLE_TRANSMISSION,
    PACKED_OBSERVATION_BYTES,
    ROUND_BITS,
    ROUND_MASK,
    decode_transmission,
)
from ocr_client.reputation.derive_columns import SAFE_MAGNITUDE
from ocr_client.reputation.records import Batch, LogPlace, PackedBlock, RawLog
from ocr_client.reputation.schema import TABLE_COLUMNS

WORD: Final[int] = 32
#: Head words before the observations' bytes: digest, epochAndRound, answer, transmitter,
#: observationsTimestamp, [signers,] offset.
FEED_HEAD_WORDS: Final[int] = 6
ACCOUNTABLE_HEAD_WORDS: Final[int] = 7
INT64_LIMIT: Final[int] = 2**63
ADDRESS_BYTES: Final[int] = 20
TIMESTAMP_BYTES: Final[int] = 4
EPOCH_ROUND_BYTES: Final[int] = 5
LOW_BYTES: Final[int] = 8


def decode_transmissions(logs: Sequence[RawLog], book: ConfigBook, out: Batch) -> None:
    """A run of one topic's NewTransmission logs, in order, into the batch's columns."""
    if not logs:
        return
    numbers = [int(log["blockNumber"], 16) for log in logs]
    last = -1
    for number, log in zip(numbers, logs, strict=True):
        if number != last:  # logs come in block order: one entry per block
            stamp = log.get("blockTimestamp")
            out.blocks[number] = (log["blockHash"], int(stamp, 16) if stamp else None)
            last = number
    round_ids = [int(log["topics"][1], 16) for log in logs]
    keys = [(log["address"], len(log["data"])) for log in logs]
    if keys.count(keys[0]) == len(keys) and max(round_ids) < INT64_LIMIT:  # the usual run: one feed, one layout
        for i in _decode_group(keys[0][0].lower(), list(logs), numbers, round_ids, book, out):
            decode_transmission(logs[i], LogPlace.of(logs[i]), book, out)
        return
    groups: dict[tuple[str, int], list[int]] = {}
    for i, log in enumerate(logs):
        if round_ids[i] >= INT64_LIMIT:
            decode_transmission(log, LogPlace.of(log), book, out)
            continue
        groups.setdefault(keys[i], []).append(i)
    for (address, _), members in groups.items():
        for i in _decode_group(address.lower(), [logs[j] for j in members], [numbers[j] for j in members],
                               [round_ids[j] for j in members], book, out):
            decode_transmission(logs[members[i]], LogPlace.of(logs[members[i]]), book, out)


def _word(matrix: np.ndarray[Any, Any], index: int) -> np.ndarray[Any, Any]:
    return matrix[:, WORD * index: WORD * (index + 1)]


def _low_int(word: np.ndarray[Any, Any], signed: bool) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """(the word's low 8 bytes as int64, whether the high bytes only extend them)."""
    low = np.ascontiguousarray(word[:, WORD - LOW_BYTES:]).view(">i8" if signed else ">u8").reshape(-1)
    high = word[:, : WORD - LOW_BYTES]
    if signed:
        fits = np.where(low >= 0, (high == 0).all(axis=1), (high == 0xFF).all(axis=1))
    else:
        fits = (high == 0).all(axis=1) & (low < INT64_LIMIT)
    return low.astype(np.int64), fits


def _hex_column(cells: np.ndarray[Any, Any]) -> tuple[list[str], np.ndarray[Any, Any]]:
    """(the distinct values of a byte matrix's rows as 0x-hex, each row's index into them)."""
    width = cells.shape[1]
    distinct, inverse = np.unique(np.ascontiguousarray(cells).view(f"V{width}").reshape(-1), return_inverse=True)
    return ["0x" + bytes(v).hex() for v in distinct], inverse.reshape(-1).astype(np.int32)


def _decode_group(contract: str, logs: list[RawLog], numbers: list[int], round_ids: list[int],
                  book: ConfigBook, out: Batch) -> list[int]:
    """Logs of one contract and data length; returns the positions the reference must decode."""
    accountable = logs[0]["topics"][0] == ACCOUNTABLE_TRANSMISSION
    heads = ACCOUNTABLE_HEAD_WORDS if accountable else FEED_HEAD_WORDS
    n = len(logs)
    length = (len(logs[0]["data"]) - 2) // 2
    if length < WORD * (heads + 1):
        return list(range(n))
    matrix = np.frombuffer(bytes.fromhex("".join(log["data"][2:] for log in logs)), dtype=np.uint8).reshape(n, length)
    offset, offset_fits = _low_int(_word(matrix, heads - 1), signed=False)
    size, size_fits = _low_int(_word(matrix, heads), signed=False)
    answer, answer_fits = _low_int(_word(matrix, 2), signed=True)
    room = length - WORD * (heads + 1)  # the observations' bytes, padded to whole words
    k = int(size[0]) // PACKED_OBSERVATION_BYTES
    canonical = (offset_fits & (offset == WORD * heads) & size_fits & (size == PACKED_OBSERVATION_BYTES * k)
                 & (-(-PACKED_OBSERVATION_BYTES * k // WORD) * WORD == room))
    good = canonical & answer_fits & (np.abs(answer) < SAFE_MAGNITUDE)
    rest = [int(i) for i in np.flatnonzero(~good)]
    if not good.any():
        return rest
    if not good.all():
        keep = np.flatnonzero(good)
        matrix, answer = matrix[keep], answer[keep]
        logs, numbers, round_ids = [logs[i] for i in keep], [numbers[i] for i in keep], [round_ids[i] for i in keep]
        n = len(logs)
    digest_names, digest_of = _hex_column(_word(matrix, 0))
    transmitter_names, transmitter_of = _hex_column(_word(matrix, 3)[:, WORD - ADDRESS_BYTES:])
    epoch_round = _word_tail(matrix, 1, EPOCH_ROUND_BYTES)
    base = _word_tail(matrix, 4, TIMESTAMP_BYTES)
    rounds = np.array(round_ids, dtype=np.int64)
    blocks = np.array(numbers, dtype=np.int64)
    hashes = [log["transactionHash"] for log in logs]
    # strings the rows share are named by index (config_digest, transmitter) or are one constant
    # (feed, contract): the store expands them in SQL, so only the tx hash is a string per row
    columns: dict[str, Any] = {
        "feed": contract, "contract": contract,
        "feed_id": np.ma.masked_all(n, dtype=np.int32),  # type: ignore[no-untyped-call]
        "round_id": rounds, "config_digest": (digest_names, digest_of), "epoch": epoch_round >> ROUND_BITS,
        "round": (epoch_round & ROUND_MASK).astype(np.int32), "answer": answer,
        "transmitter": (transmitter_names, transmitter_of),
        "report_timestamp": base, "observation_count": np.full(n, k, dtype=np.int32), "block_number": blocks,
        "tx_hash": np.array(hashes, dtype=object),
        "log_index": np.array([int(log["logIndex"], 16) for log in logs], dtype=np.int32),
    }
    out.report_blocks.append({name: columns[name] for name, _ in TABLE_COLUMNS["reports"]})
    out.tx_hashes.extend(hashes)
    packed = matrix[:, WORD * (heads + 1): WORD * (heads + 1) + PACKED_OBSERVATION_BYTES * k]
    for index, digest in enumerate(digest_names):
        rows = np.flatnonzero(digest_of == index)
        oracles = book.oracles(contract, digest) or ()
        if k:
            out.packed_blocks.append(PackedBlock(contract, oracles, k, rounds[rows], answer[rows], base[rows],
                                                 blocks[rows], packed[rows]))
        if accountable:
            _signers(out, contract, oracles, _word(matrix, 5)[rows], rounds[rows], blocks[rows])
    return rest


def _word_tail(matrix: np.ndarray[Any, Any], index: int, width: int) -> np.ndarray[Any, Any]:
    """The low ``width`` bytes of a head word as int64 (a uint40 or uint32 field)."""
    cells = _word(matrix, index)[:, WORD - width:].astype(np.int64)
    value = np.zeros(len(matrix), dtype=np.int64)
    for i in range(width):
        value = (value << 8) | cells[:, i]
    return value


def _signers(out: Batch, contract: str, oracles: tuple[str, ...], words: np.ndarray[Any, Any],
             rounds: np.ndarray[Any, Any], blocks: np.ndarray[Any, Any]) -> None:
    """Signer rows from the uint256 bitmaps (bit i: oracle i signed), in bit order per report."""
    bits = np.unpackbits(np.ascontiguousarray(words[:, ::-1]), axis=1, bitorder="little")
    width = len(oracles)
    for row, index in zip(*np.nonzero(bits), strict=True):
        i = int(index)
        out.signers.append((contract, int(rounds[row]), i, oracles[i] if i < width else None, int(blocks[row])))
