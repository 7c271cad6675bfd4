"""How the store writes: a block seen again replaces its row (in a later run, or after a rollback),
small inserts keep every type (HUGEINT, NULL), staged rows wait for the commit and keep their
order, and a writer runs DuckDB on one thread while a reader (scoring) gets all of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest

from ocr_client.reputation.records import Batch
from ocr_client.reputation.schema import TABLE_COLUMNS
from ocr_client.reputation.store import Store, merged_columns


def _blocks(store: Store) -> list[tuple[int, str, int | None]]:
    return [(int(n), str(h), t) for n, h, t in store.query("SELECT number, hash, timestamp FROM blocks ORDER BY number")]


def _write_blocks(store: Store, blocks: dict[int, tuple[str, int | None]]) -> None:
    batch = Batch()
    batch.blocks.update(blocks)
    with store.transaction():
        store.write_batch(batch)


def test_a_block_seen_again_replaces_its_row(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "r.duckdb", write=True, chain_id=1)
    _write_blocks(store, {5: ("0x05", 50), 6: ("0x06", None)})
    _write_blocks(store, {6: ("0x06", 60), 7: ("0x07", 70)})  # 6 again, now with its time
    assert _blocks(store) == [(5, "0x05", 50), (6, "0x06", 60), (7, "0x07", 70)]
    store.close()
    reopened = Store.open(tmp_path / "r.duckdb", write=True, chain_id=1)  # what is stored is known after a reopen
    _write_blocks(reopened, {7: ("0x7b", 71)})
    assert _blocks(reopened)[-1] == (7, "0x7b", 71)
    reopened.close()


def test_a_block_seen_again_after_a_rollback_replaces_its_row(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "r.duckdb", write=True, chain_id=1)
    _write_blocks(store, {5: ("0x05", 50)})
    store.begin()
    batch = Batch()
    batch.blocks[9] = ("0x09", 90)
    store.write_batch(batch)
    store.rollback()
    _write_blocks(store, {9: ("0x9b", 91), 5: ("0x5b", 51)})
    assert _blocks(store) == [(5, "0x5b", 51), (9, "0x9b", 91)]
    store.close()


def test_small_inserts_keep_hugeints_and_nulls(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "r.duckdb", write=True, chain_id=1)
    batch = Batch()
    big = 2**100
    batch.stakes.append(("0xaa", "0xbb", big, -big, 3, "0xcc", None))
    with store.transaction():
        store.write_batch(batch)
    assert store.query("SELECT staked, slashed, block_number, log_index FROM stakes") == [(big, -big, 3, None)]
    store.close()


def test_a_writer_runs_duckdb_on_one_thread_and_a_reader_on_all_of_them(tmp_path: Path) -> None:
    writer = Store.open(tmp_path / "r.duckdb", write=True, chain_id=1)
    assert writer.query("SELECT current_setting('threads')") == [(1,)]
    writer.close()
    reader = Store.open(tmp_path / "r.duckdb")
    assert reader.query("SELECT current_setting('threads')") == [(duckdb.connect().execute(
        "SELECT current_setting('threads')").fetchone()[0],)]  # type: ignore[index]
    reader.close()


def _report_block(feed: str, rounds: list[int], digests: tuple[list[str], list[int]], first_block: int) -> dict[str, Any]:
    """Report rows in the column forms the columnar decoder makes: shared strings, names by index,
    masked and object arrays."""
    n = len(rounds)
    columns: dict[str, Any] = {
        "feed": feed, "contract": feed, "feed_id": np.ma.masked_all(n, dtype=np.int32),
        "round_id": np.array(rounds, dtype=np.int64),
        "config_digest": (digests[0], np.array(digests[1], dtype=np.int32)),
        "epoch": np.arange(n, dtype=np.int64), "round": np.ones(n, dtype=np.int32),
        "answer": np.array([1000 + r for r in rounds], dtype=np.int64),
        "transmitter": (["0xt1", "0xt2"], np.array([r % 2 for r in rounds], dtype=np.int32)),
        "report_timestamp": np.full(n, 77, dtype=np.int64), "observation_count": np.full(n, 4, dtype=np.int32),
        "block_number": np.arange(first_block, first_block + n, dtype=np.int64),
        "tx_hash": np.array([f"0x{feed[2:]}{r:04x}" for r in rounds], dtype=object),
        "log_index": np.zeros(n, dtype=np.int32),
    }
    return {name: columns[name] for name, _ in TABLE_COLUMNS["reports"]}


def _batches() -> list[Batch]:
    """Three chunks: column-form reports of two feeds and two digests, then a row-form report
    (the per-log decoder's) between them, and blocks seen in more than one chunk."""
    first, second, third = Batch(), Batch(), Batch()
    first.report_blocks.append(_report_block("0xaa", [1, 2], (["0xd1"], [0, 0]), 10))
    first.blocks.update({10: ("0x10", 100), 11: ("0x11", None)})
    second.reports.append(("0xaa", "0xaa", None, 3, "0xd2", 0, 1, 2**100, "0xt1", 77, 4, 12, "0xaa0003", 0))
    second.report_blocks.append(_report_block("0xbb", [7, 8, 9], (["0xd2", "0xd1"], [0, 1, 0]), 13))
    second.blocks.update({11: ("0x11", 110), 12: ("0x12", 120)})  # 11 again, now with its time
    third.report_blocks.append(_report_block("0xaa", [4], (["0xd2"], [0]), 16))
    third.blocks.update({16: ("0x16", 160)})
    return [first, second, third]


def _stored(store: Store) -> list[tuple[Any, ...]]:
    return store.query("SELECT rowid, * FROM reports ORDER BY rowid") + store.query(
        "SELECT rowid, * FROM blocks ORDER BY number")


def test_staged_rows_wait_for_the_commit_and_go_in_as_written_one_by_one(tmp_path: Path) -> None:
    """The indexer stages a transaction's chunks (one insert per table at the commit): the rows
    stored, and their order, are those of writing each chunk on its own."""
    one_by_one = Store.open(tmp_path / "a.duckdb", write=True, chain_id=1)
    with one_by_one.transaction():
        for batch in _batches():
            one_by_one.write_batch(batch)
    staged = Store.open(tmp_path / "b.duckdb", write=True, chain_id=1)
    staged.begin()
    for batch in _batches():
        staged.stage_batch(batch)
    # the row-form report is in, after the first chunk's reports (let in ahead of it to keep their
    # order); the last two chunks' reports and every block wait for the commit
    assert staged.query("SELECT count(*) FROM reports") == [(3,)]
    assert staged.query("SELECT count(*) FROM blocks") == [(0,)]
    staged.commit()
    assert _stored(staged) == _stored(one_by_one)
    assert [r[1:] for r in staged.query("SELECT rowid, feed, round_id, config_digest, transmitter FROM reports "
                                        "ORDER BY rowid")] == [
        ("0xaa", 1, "0xd1", "0xt2"), ("0xaa", 2, "0xd1", "0xt1"), ("0xaa", 3, "0xd2", "0xt1"),
        ("0xbb", 7, "0xd2", "0xt2"), ("0xbb", 8, "0xd1", "0xt1"), ("0xbb", 9, "0xd2", "0xt2"),
        ("0xaa", 4, "0xd2", "0xt1")]
    assert _blocks(staged)[1] == (11, "0x11", 110)
    one_by_one.close()
    staged.close()


def test_a_rollback_drops_the_staged_rows(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "r.duckdb", write=True, chain_id=1)
    store.begin()
    for batch in _batches():
        store.stage_batch(batch)
    store.rollback()
    with store.transaction():  # a later commit has nothing of them to insert
        pass
    assert store.query("SELECT count(*) FROM reports") == [(0,)]
    assert _blocks(store) == []
    store.close()


def test_a_failed_insert_of_the_staged_rows_rolls_the_transaction_back(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "r.duckdb", write=True, chain_id=1)
    store.begin()
    good, bad = Batch(), Batch()
    good.report_blocks.append(_report_block("0xaa", [1], (["0xd1"], [0]), 10))
    bad.report_blocks.append({**_report_block("0xaa", [2], (["0xd1"], [0]), 11), "round_id": np.array(["x"], dtype=object)})
    store.stage_batch(good)
    store.stage_batch(bad)
    with pytest.raises(duckdb.Error):
        store.commit()
    with store.transaction():
        store.write_batch(Batch())
    assert store.query("SELECT count(*) FROM reports") == [(0,)]
    store.close()


def test_merged_columns_keep_each_row_and_share_what_they_can() -> None:
    a = _report_block("0xaa", [1, 2], (["0xd1"], [0, 0]), 10)
    b = _report_block("0xbb", [3], (["0xd2", "0xd1"], [1]), 12)
    merged = merged_columns([a, b])
    names, index = merged["config_digest"]
    assert [names[i] for i in index] == ["0xd1", "0xd1", "0xd1"]
    feeds, feed_index = merged["feed"]  # two different constants become names by index
    assert [feeds[i] for i in feed_index] == ["0xaa", "0xaa", "0xbb"]
    assert merged_columns([a, a])["feed"] == "0xaa"  # one constant stays one string
    assert list(merged["round_id"]) == [1, 2, 3]
    assert isinstance(merged["feed_id"], np.ma.MaskedArray) and merged["feed_id"].mask.all()
    assert list(merged["tx_hash"]) == ["0xaa0001", "0xaa0002", "0xbb0003"]
