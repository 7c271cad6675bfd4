"""The hand-written decoders (Python slices, then SQL over the packed hex) read exactly what web3's
ABI decoding reads from the same logs."""

from __future__ import annotations

import random
from pathlib import Path

from web3 import Web3

from ocr_client.testing import LocalFeed
from tests.reputation.conftest import chain_time, honest_values, index, query


def test_ocr_feed_logs_decode_as_web3_decodes_them(ocr_web3: Web3, ocr_anvil: object, db: Path) -> None:
    local = LocalFeed.deploy(ocr_web3, n=5, seed=9)
    rng = random.Random(4)
    for r in range(3):
        now = chain_time(ocr_web3)
        values = honest_values(5, r, rng)
        values[2] = -values[2]  # a negative int192 decodes too
        local.push(values, timestamps=[now - 40, now - 3, now, now - 1, now - 7])
    expected = local.feed.transmissions()
    index(ocr_anvil.rpc_url, [local.address], db)  # type: ignore[attr-defined]
    reports = query(db, "SELECT round_id, config_digest, epoch, round, answer, transmitter FROM reports ORDER BY round_id")
    assert reports == [(tx.round_id, "0x" + tx.config_digest.hex(), tx.epoch, tx.round, tx.answer, tx.transmitter.lower())
                       for tx in expected]
    observed = query(db, "SELECT round_id, oracle_index, value, observed_at FROM observations ORDER BY round_id, position")
    assert observed == [(tx.round_id, ob.observer, ob.value, ob.timestamp) for tx in expected for ob in tx.observations]
