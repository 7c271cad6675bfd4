"""The node store keeps what a restarted node needs, and never lets it sign two reports for one round."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocr_client.errors import OCRError
from ocr_client.protocol.persistence import (
    SCHEMA_VERSION,
    NodeStore,
    PacemakerState,
    PendingTransmission,
    SqliteNodeStore,
    StoreError,
    StoreInputError,
)

D1 = b"\x01" * 32
D2 = b"\x02" * 32
H1 = b"\xaa" * 32
H2 = b"\xbb" * 32


def pending(epoch: int, round_: int, digest: bytes = D1, due: float = 10.0) -> PendingTransmission:
    return PendingTransmission(
        config_digest=digest, epoch=epoch, round=round_, report=b"report-%d-%d" % (epoch, round_),
        signature=bytes([epoch % 256]) * 128, signers=(0, 2, 3), extra=b"", due=due,
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "node.sqlite"


@pytest.fixture
def store(db_path: Path) -> Iterator[SqliteNodeStore]:
    s = SqliteNodeStore(db_path)
    yield s
    s.close()


def test_store_satisfies_the_protocol(store: SqliteNodeStore) -> None:
    assert isinstance(store, NodeStore)


def test_pacemaker_state_round_trips_and_is_replaced(store: SqliteNodeStore) -> None:
    assert store.load_pacemaker(D1) is None
    first = PacemakerState(epoch=3, highest_sent_epoch=4, highest_received=(3, 4, 0, 2))
    store.save_pacemaker(D1, first)
    assert store.load_pacemaker(D1) == first
    second = PacemakerState(epoch=5, highest_sent_epoch=5, highest_received=(5, 5, 5, 2))
    store.save_pacemaker(D1, second)
    assert store.load_pacemaker(D1) == second


def test_a_reopened_file_store_sees_everything_written_before_the_restart(db_path: Path) -> None:
    state = PacemakerState(epoch=7, highest_sent_epoch=8, highest_received=(7, 8, 6))
    s = SqliteNodeStore(db_path)
    s.save_pacemaker(D1, state)
    assert s.record_signed(D1, 7, 2, H1)
    s.add_pending(pending(7, 2))
    s.close()

    reopened = SqliteNodeStore(db_path)
    try:
        assert reopened.load_pacemaker(D1) == state
        assert reopened.signed_hash(D1, 7, 2) == H1
        assert reopened.pending(D1) == [pending(7, 2)]
    finally:
        reopened.close()


def test_file_store_uses_wal_and_full_sync(db_path: Path) -> None:
    SqliteNodeStore(db_path).close()
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    finally:
        conn.close()


def test_memory_store_keeps_state_while_the_object_lives() -> None:
    s = SqliteNodeStore(":memory:")
    assert s.record_signed(D1, 0, 0, H1)
    assert not s.record_signed(D1, 0, 0, H2)
    assert s.signed_hash(D1, 0, 0) == H1
    s.close()


def test_record_signed_refuses_a_different_hash_for_the_same_round_even_after_reopening(db_path: Path) -> None:
    s = SqliteNodeStore(db_path)
    assert s.record_signed(D1, 1, 5, H1)
    assert not s.record_signed(D1, 1, 5, H2)
    s.close()

    s = SqliteNodeStore(db_path)
    try:
        assert not s.record_signed(D1, 1, 5, H2)
        assert s.signed_hash(D1, 1, 5) == H1
    finally:
        s.close()


def test_record_signed_with_the_same_hash_is_idempotent(store: SqliteNodeStore) -> None:
    assert store.record_signed(D1, 1, 5, H1)
    assert store.record_signed(D1, 1, 5, H1)
    assert store.signed_hash(D1, 1, 5) == H1


def test_other_rounds_and_epochs_are_independent(store: SqliteNodeStore) -> None:
    assert store.record_signed(D1, 1, 5, H1)
    assert store.record_signed(D1, 1, 6, H2)
    assert store.record_signed(D1, 2, 5, H2)
    assert store.signed_hash(D1, 3, 0) is None


def test_pending_add_remove_and_order(store: SqliteNodeStore) -> None:
    for e, r in [(2, 1), (1, 9), (2, 0), (1, 3)]:
        store.add_pending(pending(e, r))
    assert [(t.epoch, t.round) for t in store.pending(D1)] == [(1, 3), (1, 9), (2, 0), (2, 1)]
    store.remove_pending(D1, 1, 9)
    store.remove_pending(D1, 1, 9)  # absent: no error
    assert [(t.epoch, t.round) for t in store.pending(D1)] == [(1, 3), (2, 0), (2, 1)]


def test_pending_round_trips_every_field(store: SqliteNodeStore) -> None:
    t = PendingTransmission(D1, 4, 255, b"\x00r", b"\x07" * 128, (), b"\x01\xff", 1234.5)
    store.add_pending(t)
    assert store.pending(D1) == [t]


def test_add_pending_is_idempotent_and_first_record_wins(store: SqliteNodeStore) -> None:
    store.add_pending(pending(1, 1, due=5.0))
    store.add_pending(pending(1, 1, due=5.0))
    store.add_pending(pending(1, 1, due=99.0))
    assert store.pending(D1) == [pending(1, 1, due=5.0)]


def test_config_digests_are_kept_apart(store: SqliteNodeStore) -> None:
    store.save_pacemaker(D1, PacemakerState(9, 9, (9,)))
    assert store.record_signed(D1, 1, 1, H1)
    store.add_pending(pending(1, 1, digest=D1))

    assert store.load_pacemaker(D2) is None
    assert store.signed_hash(D2, 1, 1) is None
    assert store.record_signed(D2, 1, 1, H2)  # a new config starts fresh
    assert store.pending(D2) == []
    assert store.prune(D2, 10) == 1
    assert store.signed_hash(D1, 1, 1) == H1


def test_prune_drops_only_older_epochs_of_that_digest(store: SqliteNodeStore) -> None:
    for e in range(5):
        for r in range(3):
            assert store.record_signed(D1, e, r, H1)
    assert store.record_signed(D2, 0, 0, H1)
    assert store.prune(D1, 3) == 9
    assert store.prune(D1, 3) == 0
    assert store.signed_hash(D1, 2, 2) is None
    assert store.signed_hash(D1, 3, 0) == H1
    assert store.signed_hash(D2, 0, 0) == H1


def test_a_junk_file_raises_store_error_naming_the_path(db_path: Path) -> None:
    db_path.write_bytes(b"this is definitely not an sqlite database\x00\xff" * 200)
    with pytest.raises(StoreError, match=str(db_path)) as info:
        SqliteNodeStore(db_path)
    assert isinstance(info.value, OCRError)
    assert "not" in str(info.value)


def test_an_unknown_schema_version_raises_store_error(db_path: Path) -> None:
    SqliteNodeStore(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match=r"schema version '999'") as info:
        SqliteNodeStore(db_path)
    assert str(db_path) in str(info.value)


def test_a_foreign_sqlite_database_raises_store_error(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE something_else (x INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not an ocr-client node store"):
        SqliteNodeStore(db_path)


def test_a_missing_parent_directory_raises_store_error(tmp_path: Path) -> None:
    path = tmp_path / "nope" / "node.sqlite"
    with pytest.raises(StoreError, match="does not exist") as info:
        SqliteNodeStore(path)
    assert str(path) in str(info.value)


def test_use_after_close_raises_store_error(db_path: Path) -> None:
    s = SqliteNodeStore(db_path)
    s.close()
    s.close()
    with pytest.raises(StoreError, match="after close"):
        s.signed_hash(D1, 0, 0)


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.record_signed(b"\x01" * 31, 0, 0, H1),
        lambda s: s.record_signed(D1, -1, 0, H1),
        lambda s: s.record_signed(D1, 2**32, 0, H1),
        lambda s: s.record_signed(D1, 0, 256, H1),
        lambda s: s.record_signed(D1, 0, -1, H1),
        lambda s: s.record_signed(D1, True, 0, H1),
        lambda s: s.record_signed(D1, 0, 0, b"short"),
        lambda s: s.record_signed("00" * 32, 0, 0, H1),
        lambda s: s.signed_hash(D1, 0, 300),
        lambda s: s.load_pacemaker(b""),
        lambda s: s.save_pacemaker(D1, PacemakerState(-1, 0, ())),
        lambda s: s.save_pacemaker(D1, PacemakerState(0, 0, (0, -2))),
        lambda s: s.add_pending(PendingTransmission(D1, 0, 0, b"r", b"\x00" * 127, (), b"", 1.0)),
        lambda s: s.add_pending(PendingTransmission(D1, 0, 0, b"r", b"\x00" * 128, (256,), b"", 1.0)),
        lambda s: s.add_pending(PendingTransmission(D1, 0, 0, b"r", b"\x00" * 128, (), b"", float("nan"))),
        lambda s: s.add_pending(PendingTransmission(D1, 0, 0, b"", b"\x00" * 128, (), b"", 1.0)),
        lambda s: s.prune(D1, -1),
        lambda s: s.remove_pending(D1, 0, 256),
    ],
)
def test_bad_inputs_raise_value_errors_and_write_nothing(store: SqliteNodeStore, call: object) -> None:
    with pytest.raises(StoreInputError) as info:
        call(store)  # type: ignore[operator]
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, StoreError)
    assert store.pending(D1) == []
    assert store.load_pacemaker(D1) is None


keys = st.tuples(st.sampled_from([D1, D2]), st.integers(0, 3), st.integers(0, 3))
# Mostly two fixed hashes so that collisions on the same round are common, plus arbitrary ones.
hashes = st.sampled_from([H1, H2]) | st.binary(min_size=32, max_size=32)
calls = st.lists(st.tuples(keys, hashes), max_size=40)


@settings(max_examples=100, deadline=None)
@given(calls=calls)
def test_at_most_one_hash_is_ever_accepted_per_round(calls: list[tuple[tuple[bytes, int, int], bytes]]) -> None:
    store = SqliteNodeStore(":memory:")
    try:
        accepted: dict[tuple[bytes, int, int], set[bytes]] = {}
        for (digest, epoch, round_), h in calls:
            if store.record_signed(digest, epoch, round_, h):
                accepted.setdefault((digest, epoch, round_), set()).add(h)
        for key, hashes in accepted.items():
            assert len(hashes) == 1
            assert store.signed_hash(*key) in hashes
    finally:
        store.close()
