"""How the store writes: a block seen again replaces its row (in a later run, or after a rollback),
small inserts keep every type (HUGEINT, NULL), and a writer runs DuckDB on one thread while a
reader (scoring) gets all of them."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ocr_client.reputation.records import Batch
from ocr_client.reputation.store import Store


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
