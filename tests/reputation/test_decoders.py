"""The hand-written decoders read exactly what web3's ABI decoding reads from the same logs."""

from __future__ import annotations

import random

from web3 import Web3

from ocr_client.reputation.configs import ConfigBook
from ocr_client.reputation.decode_ours import FEED_TRANSMISSION, decode_transmission
from ocr_client.reputation.records import Batch, LogPlace
from ocr_client.reputation.rpc import JsonRpcReader
from ocr_client.testing import LocalFeed
from tests.reputation.conftest import chain_time, honest_values


def test_ocr_feed_logs_decode_as_web3_decodes_them(ocr_web3: Web3, ocr_anvil: object) -> None:
    local = LocalFeed.deploy(ocr_web3, n=5, seed=9)
    rng = random.Random(4)
    for r in range(3):
        now = chain_time(ocr_web3)
        values = honest_values(5, r, rng)
        values[2] = -values[2]  # a negative int192 decodes too
        local.push(values, timestamps=[now - 40, now - 3, now, now - 1, now - 7])
    expected = local.feed.transmissions()
    raw = JsonRpcReader(ocr_anvil.rpc_url).logs([local.address], [FEED_TRANSMISSION], 0, ocr_web3.eth.block_number)  # type: ignore[attr-defined]
    batch = Batch()
    for log in raw:
        decode_transmission(log, LogPlace.of(log), ConfigBook(), batch)
    assert len(batch.reports) == len(expected) == 3
    for row, tx in zip(batch.reports, expected, strict=True):
        assert row[3] == tx.round_id and row[4] == "0x" + tx.config_digest.hex()
        assert (row[5], row[6], row[7], row[8]) == (tx.epoch, tx.round, tx.answer, tx.transmitter.lower())
    observed = [(o[1], o[3], o[5], o[6]) for o in batch.observations]
    assert observed == [(tx.round_id, ob.observer, ob.value, ob.timestamp) for tx in expected for ob in tx.observations]
