"""Durable transaction-manager state: each account's next nonce, every transaction and every
signed attempt, in SQLite.

The rule that keeps nonces honest across crashes: a nonce is taken and the signed attempt is
written (committed, ``synchronous=FULL``) *before* the attempt is broadcast. A process killed
right after broadcasting therefore finds, on restart, the exact bytes it may have sent and keeps
tracking them; it never signs something else at that nonce (reuse) and never moves past it
without a transaction there (skip).

The tables live in the node's own store file (:mod:`ocr_client.protocol.persistence` creates them
with its schema) or in a standalone file for ``ocr push`` and scripts; :class:`SqliteTxStore`
creates them where missing, so either works.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ocr_client.chain.fees import Fees
from ocr_client.chain.tx_errors import TxManagerError

#: DDL of the transaction-manager tables; the node store includes it in its own schema.
TX_SCHEMA: Final[tuple[str, ...]] = (
    """CREATE TABLE IF NOT EXISTS txm_accounts (
        chain_id INTEGER NOT NULL,
        address TEXT NOT NULL,
        next_nonce INTEGER NOT NULL,
        PRIMARY KEY (chain_id, address)
    )""",
    """CREATE TABLE IF NOT EXISTS txm_txs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        chain_id INTEGER NOT NULL,
        address TEXT NOT NULL,
        key TEXT NOT NULL,
        to_address TEXT,
        data BLOB NOT NULL,
        value TEXT NOT NULL,
        gas_limit INTEGER NOT NULL,
        nonce INTEGER,
        nonce_released INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL,
        created_block INTEGER NOT NULL,
        created_at REAL NOT NULL,
        mined_block INTEGER,
        mined_block_hash TEXT,
        mined_hash TEXT,
        gas_used INTEGER,
        effective_gas_price TEXT,
        error TEXT,
        UNIQUE (chain_id, address, key)
    )""",
    """CREATE TABLE IF NOT EXISTS txm_attempts (
        hash TEXT PRIMARY KEY,
        tx_id INTEGER NOT NULL REFERENCES txm_txs (id),
        max_fee TEXT NOT NULL,
        priority_fee TEXT NOT NULL,
        raw BLOB NOT NULL,
        sent_block INTEGER NOT NULL,
        sent_at REAL NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS txm_txs_live ON txm_txs (chain_id, address, state)",
    "CREATE INDEX IF NOT EXISTS txm_attempts_tx ON txm_attempts (tx_id)",
)

#: States a transaction can be in. ``queued``: no nonce yet. ``unconfirmed``: nonce taken, attempts
#: broadcast. ``mined``: a receipt, fewer than K confirmations. The rest are final.
QUEUED: Final[str] = "queued"
UNCONFIRMED: Final[str] = "unconfirmed"
MINED: Final[str] = "mined"
CONFIRMED: Final[str] = "confirmed"
REVERTED: Final[str] = "reverted"
ABANDONED: Final[str] = "abandoned"
FAILED: Final[str] = "failed"
LIVE_STATES: Final[frozenset[str]] = frozenset({QUEUED, UNCONFIRMED, MINED})
FINAL_STATES: Final[frozenset[str]] = frozenset({CONFIRMED, REVERTED, ABANDONED, FAILED})


class TxStoreError(TxManagerError):
    """The transaction store cannot be opened or written."""


@dataclass(frozen=True)
class Attempt:
    """One signed, stored (and possibly broadcast) version of a transaction."""

    hash: str
    tx_id: int
    fees: Fees
    raw: bytes
    sent_block: int
    sent_at: float


@dataclass(frozen=True)
class TxRecord:
    """A transaction as the store knows it."""

    id: int
    chain_id: int
    address: str
    key: str
    to: str | None
    data: bytes
    value: int
    gas_limit: int
    nonce: int | None
    nonce_released: bool
    state: str
    created_block: int
    created_at: float
    mined_block: int | None
    mined_block_hash: str | None
    mined_hash: str | None
    gas_used: int | None
    effective_gas_price: int | None
    error: str | None

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def fee_paid_wei(self) -> int | None:
        if self.gas_used is None or self.effective_gas_price is None:
            return None
        return self.gas_used * self.effective_gas_price

    @property
    def blocks_to_land(self) -> int | None:
        return None if self.mined_block is None else self.mined_block - self.created_block


_TX_COLUMNS: Final[str] = ("id, chain_id, address, key, to_address, data, value, gas_limit, nonce, nonce_released, "
                           "state, created_block, created_at, mined_block, mined_block_hash, mined_hash, gas_used, "
                           "effective_gas_price, error")


def _tx(row: sqlite3.Row | tuple[Any, ...]) -> TxRecord:
    r: tuple[Any, ...] = tuple(row)
    return TxRecord(
        id=int(r[0]), chain_id=int(r[1]), address=str(r[2]), key=str(r[3]),
        to=None if r[4] is None else str(r[4]), data=bytes(r[5]), value=int(str(r[6])),
        gas_limit=int(r[7]), nonce=None if r[8] is None else int(r[8]),
        nonce_released=bool(r[9]), state=str(r[10]), created_block=int(r[11]),
        created_at=float(r[12]), mined_block=None if r[13] is None else int(r[13]),
        mined_block_hash=None if r[14] is None else str(r[14]), mined_hash=None if r[15] is None else str(r[15]),
        gas_used=None if r[16] is None else int(r[16]),
        effective_gas_price=None if r[17] is None else int(str(r[17])), error=None if r[18] is None else str(r[18]))


class SqliteTxStore:
    """The transaction manager's tables in one SQLite file (the node store's, or a standalone one)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:" and not Path(self.path).parent.is_dir():
            raise TxStoreError(f"transaction store {self.path}: directory {Path(self.path).parent} does not exist")
        self._lock = threading.Lock()
        try:
            self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10.0)
            if self.path != ":memory:":
                self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            with self._write() as conn:
                for statement in TX_SCHEMA:
                    conn.execute(statement)
        except sqlite3.Error as exc:
            raise TxStoreError(f"transaction store {self.path}: {exc}") from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction, committed (and fsynced) before the caller continues."""
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
                yield conn
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise TxStoreError(f"transaction store {self.path}: write failed: {exc}") from None
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # --- nonces ----------------------------------------------------------------------------

    def next_nonce(self, chain_id: int, address: str) -> int | None:
        """The next nonce this store would hand out, None before the account's first transaction."""
        with self._lock:
            row = self._conn.execute("SELECT next_nonce FROM txm_accounts WHERE chain_id = ? AND address = ?",
                                     (chain_id, address)).fetchone()
        return None if row is None else int(row[0])

    def assign_nonce(self, tx_id: int, chain_id: int, address: str, chain_nonce: int,
                     head: int = -1) -> tuple[int, Fees | None]:
        """Give queued transaction ``tx_id`` its nonce, durably, and return it with the fees it must beat.

        A nonce released by an abandoned transaction (at or above ``chain_nonce``, the chain's
        count of mined transactions) is handed over first, so abandoning never leaves a gap; its
        old attempts' highest fees come back as the floor a replacement must exceed. Otherwise the
        account's next nonce, never below ``chain_nonce``.
        """
        with self._write() as conn:
            released = conn.execute(
                "SELECT id, nonce FROM txm_txs WHERE chain_id = ? AND address = ? AND nonce_released = 1 "
                "AND nonce >= ? ORDER BY nonce LIMIT 1", (chain_id, address, chain_nonce)).fetchone()
            floor: Fees | None = None
            if released is not None:
                old_id, nonce = int(released[0]), int(released[1])
                conn.execute("UPDATE txm_txs SET nonce_released = 0 WHERE id = ?", (old_id,))
                rows = conn.execute(
                    "SELECT a.max_fee, a.priority_fee FROM txm_attempts a JOIN txm_txs t ON a.tx_id = t.id "
                    "WHERE t.chain_id = ? AND t.address = ? AND t.nonce = ?", (chain_id, address, nonce)).fetchall()
                if rows:
                    floor = Fees(max(int(r[0]) for r in rows), max(int(r[1]) for r in rows))
            else:
                row = conn.execute("SELECT next_nonce FROM txm_accounts WHERE chain_id = ? AND address = ?",
                                   (chain_id, address)).fetchone()
                nonce = max(chain_nonce, int(row[0]) if row is not None else 0)
                conn.execute("INSERT INTO txm_accounts (chain_id, address, next_nonce) VALUES (?, ?, ?) "
                             "ON CONFLICT (chain_id, address) DO UPDATE SET next_nonce = excluded.next_nonce",
                             (chain_id, address, nonce + 1))
            # Queued while no RPC answered: its blocks to land count from now.
            conn.execute("UPDATE txm_txs SET nonce = ?, state = ?, created_block = CASE WHEN created_block < 0 "
                         "THEN ? ELSE created_block END WHERE id = ?", (nonce, UNCONFIRMED, head, tx_id))
        return nonce, floor

    def adopt_chain_nonce(self, chain_id: int, address: str, chain_nonce: int) -> int | None:
        """When the chain has mined more of this account's transactions than the store ever handed
        out (another sender uses the key, or the store was replaced), move up; the old value, else None."""
        with self._write() as conn:
            row = conn.execute("SELECT next_nonce FROM txm_accounts WHERE chain_id = ? AND address = ?",
                               (chain_id, address)).fetchone()
            if row is None or int(row[0]) >= chain_nonce:
                return None
            conn.execute("UPDATE txm_accounts SET next_nonce = ? WHERE chain_id = ? AND address = ?",
                         (chain_nonce, chain_id, address))
            return int(row[0])

    # --- transactions ----------------------------------------------------------------------

    def add(self, chain_id: int, address: str, key: str, to: str | None, data: bytes, value: int, gas_limit: int,
            created_block: int, created_at: float) -> tuple[TxRecord, bool]:
        """Queue a transaction; an existing one with the same key is returned instead (and False).

        One given up before it was ever sent (no funds, fee cap, timeout) is queued again: it holds
        no nonce, so asking again is a fresh start, not a second transaction."""
        with self._write() as conn:
            row = conn.execute(f"SELECT {_TX_COLUMNS} FROM txm_txs WHERE chain_id = ? AND address = ? AND key = ?",
                               (chain_id, address, key)).fetchone()
            if row is not None:
                old = _tx(row)
                if old.state == ABANDONED and old.nonce is None:
                    conn.execute("UPDATE txm_txs SET state = ?, error = NULL, created_block = ?, created_at = ?, "
                                 "data = ?, gas_limit = ? WHERE id = ?",
                                 (QUEUED, created_block, created_at, data, gas_limit, old.id))
                    return _tx(conn.execute(f"SELECT {_TX_COLUMNS} FROM txm_txs WHERE id = ?", (old.id,)).fetchone()), True
                return old, False
            cursor = conn.execute(
                "INSERT INTO txm_txs (chain_id, address, key, to_address, data, value, gas_limit, state, "
                "created_block, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (chain_id, address, key, to, data, str(value), gas_limit, QUEUED, created_block, created_at))
            tx_id = int(cursor.lastrowid or 0)
            row = conn.execute(f"SELECT {_TX_COLUMNS} FROM txm_txs WHERE id = ?", (tx_id,)).fetchone()
        return _tx(row), True

    def get(self, tx_id: int) -> TxRecord:
        with self._lock:
            row = self._conn.execute(f"SELECT {_TX_COLUMNS} FROM txm_txs WHERE id = ?", (tx_id,)).fetchone()
        if row is None:
            raise TxStoreError(f"transaction store {self.path}: no transaction {tx_id}")
        return _tx(row)

    def live(self, chain_id: int, address: str) -> list[TxRecord]:
        """Unfinished transactions: those with a nonce in nonce order, then the queue in arrival order."""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_TX_COLUMNS} FROM txm_txs WHERE chain_id = ? AND address = ? AND state IN (?, ?, ?) "
                "ORDER BY nonce IS NULL, nonce, id", (chain_id, address, QUEUED, UNCONFIRMED, MINED)).fetchall()
        return [_tx(r) for r in rows]

    def all(self, chain_id: int, address: str) -> list[TxRecord]:
        with self._lock:
            rows = self._conn.execute(f"SELECT {_TX_COLUMNS} FROM txm_txs WHERE chain_id = ? AND address = ? ORDER BY id",
                                      (chain_id, address)).fetchall()
        return [_tx(r) for r in rows]

    def released(self, chain_id: int, address: str) -> list[TxRecord]:
        """Abandoned transactions whose nonce is waiting for a successor."""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_TX_COLUMNS} FROM txm_txs WHERE chain_id = ? AND address = ? AND nonce_released = 1 "
                "ORDER BY nonce", (chain_id, address)).fetchall()
        return [_tx(r) for r in rows]

    def set_state(self, tx_id: int, state: str, error: str | None = None, release_nonce: bool = False) -> None:
        with self._write() as conn:
            conn.execute("UPDATE txm_txs SET state = ?, error = COALESCE(?, error), nonce_released = ? WHERE id = ?",
                         (state, error, 1 if release_nonce else 0, tx_id))

    def holders(self, chain_id: int, address: str, nonce: int) -> list[TxRecord]:
        """Every transaction that was ever given ``nonce`` (an abandoned one and its successor)."""
        with self._lock:
            rows = self._conn.execute(f"SELECT {_TX_COLUMNS} FROM txm_txs WHERE chain_id = ? AND address = ? AND nonce = ?",
                                      (chain_id, address, nonce)).fetchall()
        return [_tx(r) for r in rows]

    def requeue(self, tx_id: int) -> None:
        """Its nonce was consumed by another of our transactions: it needs a new one."""
        with self._write() as conn:
            conn.execute("UPDATE txm_txs SET state = ?, nonce = NULL WHERE id = ?", (QUEUED, tx_id))

    def unrelease(self, tx_id: int) -> None:
        with self._write() as conn:
            conn.execute("UPDATE txm_txs SET nonce_released = 0 WHERE id = ?", (tx_id,))

    def set_mined(self, tx_id: int, state: str, tx_hash: str, block: int, block_hash: str, gas_used: int,
                  effective_gas_price: int) -> None:
        with self._write() as conn:
            conn.execute("UPDATE txm_txs SET state = ?, mined_hash = ?, mined_block = ?, mined_block_hash = ?, "
                         "gas_used = ?, effective_gas_price = ?, nonce_released = 0 WHERE id = ?",
                         (state, tx_hash, block, block_hash, gas_used, str(effective_gas_price), tx_id))

    def unmine(self, tx_id: int) -> None:
        """Its block left the canonical chain: it is unconfirmed again."""
        with self._write() as conn:
            conn.execute("UPDATE txm_txs SET state = ?, mined_hash = NULL, mined_block = NULL, mined_block_hash = NULL, "
                         "gas_used = NULL, effective_gas_price = NULL WHERE id = ?", (UNCONFIRMED, tx_id))

    # --- attempts --------------------------------------------------------------------------

    def add_attempt(self, attempt: Attempt) -> None:
        """Store a signed attempt; durable before it is broadcast."""
        with self._write() as conn:
            conn.execute("INSERT OR IGNORE INTO txm_attempts (hash, tx_id, max_fee, priority_fee, raw, sent_block, "
                         "sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (attempt.hash, attempt.tx_id, str(attempt.fees.max_fee), str(attempt.fees.priority_fee),
                          attempt.raw, attempt.sent_block, attempt.sent_at))

    def touch_attempt(self, tx_hash: str, sent_block: int, sent_at: float) -> None:
        """A rebroadcast: the attempt counts as sent again now."""
        with self._write() as conn:
            conn.execute("UPDATE txm_attempts SET sent_block = ?, sent_at = ? WHERE hash = ?", (sent_block, sent_at, tx_hash))

    def attempts(self, tx_id: int) -> list[Attempt]:
        """Attempts of one transaction, oldest first."""
        with self._lock:
            rows = self._conn.execute("SELECT hash, tx_id, max_fee, priority_fee, raw, sent_block, sent_at FROM "
                                      "txm_attempts WHERE tx_id = ? ORDER BY rowid", (tx_id,)).fetchall()
        return [Attempt(hash=str(r[0]), tx_id=int(r[1]), fees=Fees(int(r[2]), int(r[3])), raw=bytes(r[4]),
                        sent_block=int(r[5]), sent_at=float(r[6])) for r in rows]
