"""The indexer against what real RPCs and chains do: ranges refused as too large, a node that dies
mid-run, and reorgs. Each run must end with exactly the chain's data, nothing counted twice."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from web3 import Web3

from ocr_client.chain.anvil import Anvil
from ocr_client.chain.rpc import connect
from ocr_client.feed import Feed
from ocr_client.reputation.errors import RpcUnavailableError
from ocr_client.reputation.stalls import STALL_T
from ocr_client.testing import LocalFeed
from tests.reputation.conftest import chain_time, honest_values, index, query
from tests.reputation.rpc_proxy import RpcProxy

N = 4

pytestmark = pytest.mark.slow


@pytest.fixture
def own_chain() -> Iterator[tuple[Anvil, Web3]]:
    """A private anvil: these tests kill, reorg and revert it."""
    with Anvil() as node:
        yield node, connect(node.rpc_url)


def push_reports(local: LocalFeed, w3: Web3, count: int, seed: int = 1, empty_blocks: int = 0) -> None:
    """Oracle 0's source is frozen (its value never moves), so the stalled flags have 1s to carry."""
    rng = random.Random(seed)
    for r in range(count):
        values = honest_values(N, r, rng)
        values[0] = honest_values(1, 0, random.Random(0))[0]
        local.push(values, timestamps=[chain_time(w3)] * N)
        for _ in range(empty_blocks):
            w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]


def stored_stalls(db: Path) -> list[tuple[object, ...]]:
    return query(db, "SELECT feed, oracle, round_id, stalled FROM observations WHERE stalled IS NOT NULL ORDER BY ALL")


def window_stalls(db: Path) -> list[tuple[object, ...]]:
    """The stalled flag as a window over every stored observation (what scoring used to compute)."""
    lags = " AND ".join(f"o.value = lag(o.value, {i}) OVER h" for i in range(1, STALL_T + 1))
    return query(db, f"""SELECT * FROM (
        SELECT o.feed, o.oracle, o.round_id, CASE WHEN lag(o.value, {STALL_T}) OVER h IS NULL THEN NULL
            WHEN {lags} AND r.answer <> lag(r.answer, {STALL_T}) OVER h THEN 1 ELSE 0 END AS stalled
        FROM observations o JOIN reports r USING (feed, round_id) WHERE o.oracle IS NOT NULL AND o.value IS NOT NULL
        WINDOW h AS (PARTITION BY o.feed, o.oracle ORDER BY o.round_id)) WHERE stalled IS NOT NULL ORDER BY ALL""")


def table_rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    return {
        "reports": query(db, "SELECT feed, round_id, answer, block_number, tx_hash FROM reports ORDER BY ALL"),
        "observations": query(db, "SELECT feed, round_id, position, oracle, value, observed_at, stalled FROM observations "
                                  "ORDER BY ALL"),
        "configs": query(db, "SELECT contract, config_digest FROM configs ORDER BY ALL"),
    }


def test_refused_ranges_shrink_the_chunk_and_lose_nothing(own_chain: tuple[Anvil, Web3], db: Path, tmp_path: Path) -> None:
    node, w3 = own_chain
    local = LocalFeed.deploy(w3, n=N)
    push_reports(local, w3, 6, empty_blocks=3)
    with RpcProxy(node.rpc_url, max_log_range=5) as proxy:
        progress = index(proxy.url, [local.address], db, from_block=0, chunk=1000)
    assert proxy.refused > 0
    assert progress.reports == 6
    index(node.rpc_url, [local.address], tmp_path / "direct.duckdb", from_block=0)
    assert table_rows(db) == table_rows(tmp_path / "direct.duckdb")


def test_a_dead_rpc_stops_the_run_and_a_later_run_completes_the_same_data(own_chain: tuple[Anvil, Web3], db: Path,
                                                                          tmp_path: Path) -> None:
    node, w3 = own_chain
    local = LocalFeed.deploy(w3, n=N)
    push_reports(local, w3, 8, empty_blocks=2)
    with RpcProxy(node.rpc_url, die_after_get_logs=3) as proxy, pytest.raises(RpcUnavailableError, match="stopped answering"):
        index(proxy.url, [local.address], db, from_block=0, chunk=4)
    partial = query(db, "SELECT count(*) FROM reports")[0][0]
    assert 0 < partial < 8  # type: ignore[operator]  # the chunks before the failure are kept, whole
    with RpcProxy(node.rpc_url) as healed:
        index(healed.url, [local.address], db, chunk=4)
    index(node.rpc_url, [local.address], tmp_path / "clean.duckdb", from_block=0)
    assert table_rows(db) == table_rows(tmp_path / "clean.duckdb")
    assert query(db, "SELECT count(*), sum(stalled) FROM observations WHERE stalled IS NOT NULL") == [
        (N * (8 - STALL_T), 8 - STALL_T)]
    assert stored_stalls(db) == window_stalls(db)  # the flags carried across the two runs are the definition's


def test_a_reorg_rolls_back_orphaned_rows_without_double_counting(own_chain: tuple[Anvil, Web3], db: Path,
                                                                   tmp_path: Path) -> None:
    node, w3 = own_chain
    local = LocalFeed.deploy(w3, n=N)
    push_reports(local, w3, 3)
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    push_reports(local, w3, 3, seed=2)  # these three blocks will be orphaned
    index(node.rpc_url, [local.address], db)
    assert query(db, "SELECT count(*) FROM reports") == [(6,)]
    w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]
    # A fresh connection: the sender's nonce counter belongs to the orphaned branch.
    w3 = connect(node.rpc_url)
    local = LocalFeed(w3, Feed(w3, local.address), local.committee, local.owner)
    local.epoch, local.round = 1, 3
    push_reports(local, w3, 5, seed=3)  # the new branch: different values, more blocks
    progress = index(node.rpc_url, [local.address], db)
    assert progress.rolled_back == 3
    index(node.rpc_url, [local.address], tmp_path / "fresh.duckdb")
    assert table_rows(db) == table_rows(tmp_path / "fresh.duckdb")
    assert query(db, "SELECT count(*), count(DISTINCT round_id) FROM reports") == [(8, 8)]


def test_anvil_reorg_replacing_the_tip_is_detected(own_chain: tuple[Anvil, Web3], db: Path, tmp_path: Path) -> None:
    node, w3 = own_chain
    local = LocalFeed.deploy(w3, n=N)
    push_reports(local, w3, 4)
    index(node.rpc_url, [local.address], db)
    answer = w3.provider.make_request("anvil_reorg", [2, []])  # type: ignore[arg-type]
    assert "error" not in answer, answer
    progress = index(node.rpc_url, [local.address], db)
    assert progress.rolled_back == 2  # the last two reports' blocks were replaced by empty ones
    index(node.rpc_url, [local.address], tmp_path / "fresh.duckdb")
    assert table_rows(db) == table_rows(tmp_path / "fresh.duckdb")
    assert query(db, "SELECT count(*) FROM reports") == [(2,)]
