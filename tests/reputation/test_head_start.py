"""A new store's first feed is fetched while DuckDB creates the file (indexer.HeadStart): the
indexer must then use the chunks already fetched, none twice and none missed, and store exactly
what an index without the head start stores."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from web3 import Web3

from ocr_client.reputation.formats import build_formats
from ocr_client.reputation.indexer import HeadStart, Indexer, IndexOptions, indexing, resolve_feeds
from ocr_client.reputation.records import RawLog
from ocr_client.reputation.rpc import JsonRpcReader
from ocr_client.reputation.store import Store
from ocr_client.testing import LocalFeed
from tests.reputation.conftest import push_honest, query

N = 4
REPORTS = 6


@pytest.fixture(scope="module")
def feed(ocr_web3: Web3) -> LocalFeed:
    local = LocalFeed.deploy(ocr_web3, n=N, seed=21)
    push_honest(local, ocr_web3, REPORTS, seed=5)
    return local


class CountingReader(JsonRpcReader):
    """Counts the eth_getLogs ranges asked for the transmissions (not the config history)."""

    def __init__(self, url: str, config_topics: set[str]) -> None:
        super().__init__(url)
        self.config_topics = config_topics
        self.ranges: list[tuple[int, int]] = []

    def logs(self, addresses: Sequence[str], topics: Sequence[str], start: int, end: int) -> list[RawLog]:
        if not set(topics) <= self.config_topics:
            self.ranges.append((start, end))
        return super().logs(addresses, topics, start, end)


def stored(db: Path) -> list[list[tuple[object, ...]]]:
    return [query(db, "SELECT feed, round_id, answer, block_number, tx_hash FROM reports ORDER BY ALL"),
            query(db, "SELECT feed, round_id, position, oracle, value, observed_at, abs_dev FROM observations ORDER BY ALL"),
            query(db, "SELECT contract, config_digest, oracle_index, transmitter FROM config_oracles ORDER BY ALL"),
            query(db, "SELECT contract, first_block, next_block, tip_block, tip_hash FROM contracts")]


def test_the_first_chunk_is_fetched_before_the_store_exists_and_used_once(
        feed: LocalFeed, ocr_anvil: object, tmp_path: Path) -> None:
    url = ocr_anvil.rpc_url  # type: ignore[attr-defined]
    formats = build_formats()
    reader = CountingReader(url, {f.config_topic for f in formats})
    [target] = resolve_feeds(reader, [feed.address], formats)
    db = tmp_path / "head-start.duckdb"
    early = HeadStart(reader, target, IndexOptions(chunk=2))
    try:
        deadline = time.monotonic() + 30
        while early.prefetch.queue.empty() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not db.exists()
        assert reader.ranges, "the head start fetched nothing before the store was created"
        store = Store.open(db, write=True, chain_id=reader.chain_id())
        try:
            progress = Indexer(reader, store, IndexOptions(chunk=2), head_start=early).run([target])
        finally:
            store.close()
    finally:
        early.stop()
    assert progress.reports == REPORTS
    blocks = [n for a, b in reader.ranges for n in range(a, b + 1)]
    assert blocks == list(range(early.start, early.head + 1))  # every block asked for once, in order

    plain = tmp_path / "plain.duckdb"
    store = Store.open(plain, write=True, chain_id=reader.chain_id())
    try:
        Indexer(JsonRpcReader(url), store, IndexOptions(chunk=2)).run([target])
    finally:
        store.close()
    assert stored(db) == stored(plain)


def test_an_existing_store_resumes_from_its_cursor_without_a_head_start(
        feed: LocalFeed, ocr_anvil: object, tmp_path: Path) -> None:
    url = ocr_anvil.rpc_url  # type: ignore[attr-defined]
    formats = build_formats()
    reader = CountingReader(url, {f.config_topic for f in formats})
    targets = resolve_feeds(reader, [feed.address], formats)
    db = tmp_path / "resumed.duckdb"
    with indexing(reader, db, targets, IndexOptions()) as indexer:
        assert indexer.head_start is not None  # a new file: begun before it was created
        first = indexer.run(targets)
    asked = len(reader.ranges)
    with indexing(reader, db, targets, IndexOptions()) as indexer:
        assert indexer.head_start is None
        again = indexer.run(targets)
    assert (first.reports, again.reports) == (REPORTS, 0)
    head = query(db, "SELECT tip_block FROM contracts")[0][0]
    assert all(a > head for a, _ in reader.ranges[asked:])  # only blocks past the cursor, if any
