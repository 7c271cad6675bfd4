"""Decoding a run of NewTransmission logs as numpy columns stores exactly the rows the per-log
decoder stores, for OCRFeed and AccountableFeed logs built to hit every way out of the columnar
path: a layout the contracts do not emit, answers of 2^60 and beyond, round ids beyond int64,
observers outside the committee, configs the book does not know, and several contracts at once."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
from eth_abi import encode

from ocr_client.reputation.configs import ConfigBook
from ocr_client.reputation.decode_columns import decode_transmissions
from ocr_client.reputation.decode_ours import ACCOUNTABLE_TRANSMISSION, FEED_TRANSMISSION, decode_transmission
from ocr_client.reputation.derive_columns import derive_pending
from ocr_client.reputation.records import Batch, LogPlace, RawLog
from ocr_client.reputation.schema import TABLE_COLUMNS

Row = tuple[Any, ...]
CONTRACTS = ("0x" + "a1" * 20, "0x" + "b2" * 20)
DIGESTS = ("0x" + "0d" * 32, "0x" + "0e" * 32, "0x" + "0f" * 32)  # the last one is not in the book
COMMITTEE = tuple(f"0x{i:040x}" for i in range(1, 8))


def _book() -> ConfigBook:
    book = ConfigBook()
    for contract in CONTRACTS:
        book.add(contract, DIGESTS[0], COMMITTEE)
        book.add(contract, DIGESTS[1], COMMITTEE[:5])
    return book


def _log(rng: random.Random, i: int, accountable: bool) -> RawLog:
    k = rng.choice([1, 4, 7, 7, 7])
    answer = rng.choice([3000_00000000, -12_345, 0, 2**61, -(2**70), 2**100])
    values = [answer + rng.randint(-50, 50) for _ in range(k)]
    observers = bytes(rng.choice([rng.randrange(7), rng.randrange(7), rng.randrange(200)]) for _ in range(k))
    offsets = b"".join(rng.randrange(65536).to_bytes(2, "big") for _ in range(k))
    packed = observers + offsets + b"".join((v % (1 << 192)).to_bytes(24, "big") for v in values)
    digest = bytes.fromhex(rng.choice(DIGESTS)[2:])
    head: list[Any] = [digest, rng.randrange(2**40), answer, "0x" + f"{rng.randrange(8):040x}", rng.randrange(2**32)]
    types = ["bytes32", "uint40", "int192", "address", "uint32"]
    if accountable:
        head.append(rng.randrange(2**7) | rng.choice([0, 1 << 200]))
        types.append("uint256")
    data = encode([*types, "bytes"], [*head, packed])
    if rng.random() < 0.05:  # a valid encoding the contracts never emit: a word of padding before the bytes
        data = _padded(types, head, packed)
    round_id = rng.choice([i + 1, i + 1, i + 1, 2**63 + i])
    block = 100 + i // 3
    return {"address": rng.choice(CONTRACTS).upper().replace("0X", "0x"), "topics": [
        ACCOUNTABLE_TRANSMISSION if accountable else FEED_TRANSMISSION, "0x" + round_id.to_bytes(32, "big").hex()],
        "data": "0x" + data.hex(), "blockNumber": hex(block), "blockHash": "0x" + f"{block:064x}",
        "blockTimestamp": hex(1_750_000_000 + block), "transactionHash": "0x" + f"{i:064x}", "logIndex": hex(i % 4)}


def _padded(types: list[str], head: list[Any], packed: bytes) -> bytes:
    """The same fields with one zero word between the head and the bytes (its offset says so)."""
    fields = encode(types, head)
    offset = 32 * (len(types) + 1) + 32
    body = len(packed).to_bytes(32, "big") + packed + bytes(-len(packed) % 32)
    return fields + offset.to_bytes(32, "big") + bytes(32) + body


def _rows(batch: Batch) -> dict[str, list[Row]]:
    derive_pending(batch)
    reports = [tuple(r) for r in batch.reports]
    for block in batch.report_blocks:
        n = len(block["round_id"])
        columns = [[block[name]] * n if isinstance(block[name], str)
                   else [block[name][0][i] for i in block[name][1]] if isinstance(block[name], tuple)
                   else np.ma.masked_array(block[name]).tolist() for name, _ in TABLE_COLUMNS["reports"]]
        reports.extend(zip(*columns, strict=True))
    observations = [tuple(line.split(",")) for line in batch.observations]
    for obs in batch.observation_blocks:
        c = {name: [str(v) for v in array.tolist()] for name, array in obs.columns.items()}
        c["feed"] = [obs.feed] * len(obs)
        c["oracle"] = [obs.oracles[int(i)] if int(i) < len(obs.oracles) else "" for i in c["oracle_index"]]
        c["answer"] = [str(a) for a in obs.answers.tolist()]
        names = [name for name, _ in TABLE_COLUMNS["observations"]] + ["answer"]
        observations.extend(zip(*(c[name] for name in names), strict=True))
    return {"reports": sorted(reports, key=repr), "observations": sorted(observations),
            "signers": sorted(batch.signers, key=repr), "blocks": sorted(batch.blocks.items()),
            "tx_hashes": sorted(batch.tx_hashes)}


def _reference(logs: list[RawLog]) -> Batch:
    batch, book = Batch(), _book()
    for log in logs:
        decode_transmission(log, LogPlace.of(log), book, batch)
    return batch


def test_columns_store_the_rows_the_per_log_decoder_stores() -> None:
    rng = random.Random(20261203)
    for accountable in (False, True):
        logs = [_log(rng, i, accountable) for i in range(600)]
        batch = Batch()
        decode_transmissions(logs, _book(), batch)
        assert batch.report_blocks, "most logs take the columnar path"
        assert batch.reports, "and some take the reference path"
        assert batch.report_count == len(logs)
        assert _rows(batch) == _rows(_reference(logs))


def test_a_typical_run_takes_only_the_columnar_path() -> None:
    rng = random.Random(5)
    logs = []
    for i in range(50):
        log = _log(rng, i, accountable=False)
        data = encode(["bytes32", "uint40", "int192", "address", "uint32", "bytes"],
                      [bytes.fromhex(DIGESTS[0][2:]), i, 3000_00000000 + i, "0x" + "11" * 20, 1_750_000_000,
                       bytes(range(7)) + bytes(14) + b"".join((3000_00000000 + i).to_bytes(24, "big") for _ in range(7))])
        log["data"], log["topics"][1] = "0x" + data.hex(), "0x" + (i + 1).to_bytes(32, "big").hex()
        logs.append(log)
    batch = Batch()
    decode_transmissions(logs, _book(), batch)
    assert batch.reports == [] and batch.packed == []
    derive_pending(batch)
    assert batch.observations == [] and sum(len(b) for b in batch.observation_blocks) == 350
    assert _rows(batch) == _rows(_reference(logs))
