"""Every event format the indexer reads, decoded from a real contract and checked against the
values sent: our accountable feed (signers), the multi-feed hub (per feed), Chainlink's OCR2 ABI
(one timestamp per report: per-oracle latency and signing are unavailable, never zero)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from web3 import Web3

from ocr_client.accountable.local import LocalAccountableFeed
from ocr_client.baselines.ecdsa import EcdsaAggregator
from ocr_client.multifeed.hub import MultiFeed
from ocr_client.multifeed.local import LocalMultiFeed
from ocr_client.reputation.formats import build_formats, detect
from tests.reputation.conftest import chain_time, honest_values, index, query, scored, true_price


@pytest.mark.slow
def test_accountable_signing_rate_counts_the_bitmap(ocr_web3: Web3, ocr_anvil: object, db: Path) -> None:
    local = LocalAccountableFeed.deploy(ocr_web3, n=4, seed=21)  # t = 2
    rng = random.Random(1)
    signer_sets = [(0, 1), (0, 2), (0, 1, 2), (1, 2)]  # oracle 3 never signs, oracle 0 signs 3 of 4
    for r, signers in enumerate(signer_sets):
        local.push(honest_values(4, r, rng), signers=list(signers), timestamps=[chain_time(ocr_web3)] * 4)
    index(ocr_anvil.rpc_url, [local.address], db)  # type: ignore[attr-defined]
    rates = {o.oracle.lower(): o.metrics["signing_rate"] for o in scored(db).oracles}
    addresses = [a.address.lower() for a in local.committee.transmitters]
    assert [rates[a] for a in addresses] == [0.75, 0.75, 0.75, 0.0]
    assert query(db, "SELECT count(*) FROM signers") == [(9,)]


def test_ocr2_aggregator_metrics_it_cannot_support_are_null(ocr_web3: Web3, ocr_anvil: object, db: Path) -> None:
    aggregator = EcdsaAggregator.deploy(ocr_web3, 4)
    rng = random.Random(2)
    for r in range(1, 5):
        values = sorted(honest_values(4, r, rng))
        aggregator.send(aggregator.signed_transmit(values, chain_time(ocr_web3), 1, r))
    index(ocr_anvil.rpc_url, [aggregator.address], db)  # type: ignore[attr-defined]
    assert query(db, "SELECT DISTINCT format FROM configs") == [("ocr2-aggregator",)]
    result = scored(db)
    assert len(result.oracles) == 4
    for o in result.oracles:
        assert o.metrics["inclusion_rate"] == 1.0 and o.metrics["total_reports"] == 4
        for unavailable in ("latency_median_s", "latency_p90_s", "timestamp_percentile", "signing_rate"):
            assert o.metrics[unavailable] is None, unavailable
    assert "latency_median_s" not in result.method["effective_weights"]
    answers = [int(r[0]) for r in query(db, "SELECT answer FROM reports ORDER BY round_id")]  # type: ignore[call-overload]
    assert answers == [aggregator.contract.functions.getAnswer(r).call() for r in range(1, 5)]


@pytest.mark.slow
def test_multifeed_hub_gives_one_feed_per_feed_id(ocr_web3: Web3, ocr_anvil: object, db: Path) -> None:
    local = LocalMultiFeed.deploy(ocr_web3, n=4, feeds=2, seed=5)
    for r in range(3):
        now = chain_time(ocr_web3)
        local.push([[true_price(r) + i for i in range(4)], [10_000 + r] * 4], timestamps=[now - 1, now, now, now - 3])
    index(ocr_anvil.rpc_url, [local.address], db)  # type: ignore[attr-defined]
    hub = local.address.lower()
    assert query(db, "SELECT feed, count(*) FROM reports GROUP BY feed ORDER BY feed") == [(f"{hub}/0", 3), (f"{hub}/1", 3)]
    result = scored(db, feeds=(f"{hub}/0",))
    assert [f["feed"] for f in result.feeds] == [f"{hub}/0"]
    values = [int(v[0]) for v in query(db, "SELECT value FROM observations WHERE feed = ? AND round_id = 1 "  # type: ignore[call-overload]
                                           "ORDER BY oracle_index", [f"{hub}/0"])]
    assert values == [true_price(0) + i for i in range(4)]
    latencies = query(db, "SELECT DISTINCT oracle_index, b.timestamp - observed_at FROM observations o JOIN blocks b "
                          "ON b.number = o.block_number WHERE feed = ? AND round_id = 1 ORDER BY 1", [f"{hub}/1"])
    assert [lat for _, lat in latencies][3] - [lat for _, lat in latencies][1] == 3


def test_formats_are_recognised_from_runtime_code(ocr_web3: Web3) -> None:
    formats = build_formats()
    feed_code = ocr_web3.eth.get_code(Web3.to_checksum_address(LocalMultiFeed.deploy(ocr_web3, n=4, feeds=1).address))
    assert detect("0x" + bytes(feed_code).hex(), formats).name == "ocr-multifeed"  # type: ignore[union-attr]
    assert MultiFeed  # the hub handle the helper deployed
