"""Durable per-node protocol state, kept in one SQLite file per node.

An oracle must write what it is about to commit to *before* it sends the message that depends on
it. Otherwise a crash between "sent" and "written" lets the restarted node act as though it never
sent anything: it could rejoin an older epoch, or -- worst of all -- sign a second, different report
for an ``(epoch, round)`` it already signed, which is exactly the equivocation the protocol's safety
argument assumes honest nodes never commit. So every write here is its own transaction, committed
with ``synchronous=FULL`` before the method returns: once a call has returned, the fact survives a
crash or power loss, and the caller may send.

Three kinds of state are kept, each keyed by the config digest so that a new configuration always
starts from nothing and can never be confused with an old one:

* the pacemaker state (current epoch, highest NEWEPOCH sent, highest NEWEPOCH heard per oracle),
  so a restarted node neither regresses its epoch nor re-sends stale NEWEPOCH messages;
* the hash of the report signed for each ``(epoch, round)`` -- the equivocation guard;
* transmissions this node has scheduled, so a restart still delivers a report it promised to send;
* its transmitter's nonces, transactions and signed attempts (the ``txm_*`` tables of
  :mod:`ocr_client.chain.nonces`), so a restarted node never reuses or skips a nonce.
* equivocation evidence it received: two valid shares from one oracle over different reports for
  one ``(epoch, round)`` (``ocr_client.protocol.evidence``), kept until it is submitted on-chain.

The stdlib :mod:`sqlite3` is enough: one writer per file, tiny rows, and WAL journaling makes each
commit a single sequential append plus fsync.
"""

from __future__ import annotations

import json
import math
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol, runtime_checkable

from ocr_client.chain.nonces import TX_SCHEMA
from ocr_client.errors import OCRError
from ocr_client.protocol.evidence import ConflictingShares

__all__ = [
    "DIGEST_LENGTH",
    "MAX_EPOCH",
    "MAX_ROUND",
    "REPORT_HASH_LENGTH",
    "SCHEMA_VERSION",
    "SIGNATURE_LENGTH",
    "EvidenceRecord",
    "NodeStore",
    "PacemakerState",
    "PendingTransmission",
    "SqliteNodeStore",
    "StoreError",
    "StoreInputError",
]

SCHEMA_VERSION: Final[int] = 2
"""Bumped whenever the tables change shape; a store refuses files written with any other version,
except version 1, which it upgrades in place (version 2 only adds the evidence table)."""

DIGEST_LENGTH: Final[int] = 32
REPORT_HASH_LENGTH: Final[int] = 32
SIGNATURE_LENGTH: Final[int] = 128
"""An uncompressed G1 point in the EIP-2537 encoding, which is what the contract verifies."""

MAX_EPOCH: Final[int] = 2**32 - 1
"""Epochs travel on-chain as uint32 (see ``ocr_client.report.layout``); anything larger is a bug."""

MAX_ROUND: Final[int] = 255
"""Rounds travel on-chain as uint8."""

_MEMORY: Final[str] = ":memory:"


class StoreError(OCRError):
    """The node store cannot be opened or used: wrong path, not SQLite, corrupted, unknown schema, closed."""


class StoreInputError(StoreError, ValueError):
    """A value handed to the store that the protocol could never produce (bad digest, epoch, round...).

    Rejected up front so that a caller bug cannot be written to disk and resurface after a restart.
    """


# --- value types ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PacemakerState:
    """What a pacemaker needs to resume without going backwards after a restart."""

    epoch: int
    """Current epoch ``e``."""
    highest_sent_epoch: int
    """``ne``: the highest epoch this node has sent NEWEPOCH for."""
    highest_received: tuple[int, ...]
    """Per oracle index: the highest NEWEPOCH epoch heard from that oracle."""


@dataclass(frozen=True)
class PendingTransmission:
    """A report this node has committed to transmitting at time ``due`` unless someone else does first."""

    config_digest: bytes
    epoch: int
    round: int
    report: bytes
    """The packed report bytes, exactly as they go into ``transmit``."""
    signature: bytes
    """The combined signature (128 bytes)."""
    signers: tuple[int, ...]
    extra: bytes
    """Scheme-specific tail (for example the accountable signer bitmap); may be ``b""``."""
    due: float
    """Clock time at which this node plans to transmit."""


@dataclass(frozen=True)
class EvidenceRecord:
    """Stored evidence and whether (and by which transaction) it was submitted."""

    conflict: ConflictingShares
    submitted_tx: str | None


@runtime_checkable
class NodeStore(Protocol):
    """Durable state of one node. Every mutating call is durable when it returns."""

    def load_pacemaker(self, config_digest: bytes) -> PacemakerState | None: ...

    def save_pacemaker(self, config_digest: bytes, state: PacemakerState) -> None: ...

    def record_signed(self, config_digest: bytes, epoch: int, round: int, report_hash: bytes) -> bool:
        """Durably remember that this node signs ``report_hash`` for ``(digest, epoch, round)``.

        True if nothing was recorded yet (now recorded) or the same hash was; False if a DIFFERENT
        hash is recorded: the caller must then refuse to sign.
        """
        ...

    def signed_hash(self, config_digest: bytes, epoch: int, round: int) -> bytes | None: ...

    def add_pending(self, t: PendingTransmission) -> None: ...

    def remove_pending(self, config_digest: bytes, epoch: int, round: int) -> None: ...

    def pending(self, config_digest: bytes) -> list[PendingTransmission]: ...

    def prune(self, config_digest: bytes, below_epoch: int) -> int: ...

    def record_evidence(self, conflict: ConflictingShares) -> bool:
        """Durably keep evidence; True if new, False if this (digest, epoch, round, oracle) is known."""
        ...

    def evidence(self) -> list[EvidenceRecord]: ...

    def mark_evidence_submitted(self, conflict: ConflictingShares, tx: str) -> None: ...

    def close(self) -> None: ...


# --- input validation -------------------------------------------------------------------------


def _check_bytes(name: str, value: object, length: int | None = None) -> bytes:
    if not isinstance(value, bytes):
        raise StoreInputError(f"{name} must be bytes, got {type(value).__name__}")
    if length is not None and len(value) != length:
        raise StoreInputError(f"{name} must be {length} bytes, got {len(value)}")
    return value


def _check_int(name: str, value: object, low: int, high: int) -> int:
    # bool is an int subclass; True as an epoch is a caller bug, not epoch 1.
    if not isinstance(value, int) or isinstance(value, bool):
        raise StoreInputError(f"{name} must be an int, got {type(value).__name__}")
    if not low <= value <= high:
        raise StoreInputError(f"{name} {value} is outside [{low}, {high}]")
    return value


def _check_digest(value: object) -> bytes:
    return _check_bytes("config digest", value, DIGEST_LENGTH)


def _check_epoch(value: object, name: str = "epoch") -> int:
    return _check_int(name, value, 0, MAX_EPOCH)


def _check_round(value: object) -> int:
    return _check_int("round", value, 0, MAX_ROUND)


def _check_pacemaker(state: object) -> PacemakerState:
    if not isinstance(state, PacemakerState):
        raise StoreInputError(f"pacemaker state must be a PacemakerState, got {type(state).__name__}")
    _check_epoch(state.epoch, "epoch")
    _check_epoch(state.highest_sent_epoch, "highest_sent_epoch")
    if not isinstance(state.highest_received, tuple):
        raise StoreInputError(f"highest_received must be a tuple, got {type(state.highest_received).__name__}")
    for i, e in enumerate(state.highest_received):
        _check_epoch(e, f"highest_received[{i}]")
    return state


def _check_pending(t: object) -> PendingTransmission:
    if not isinstance(t, PendingTransmission):
        raise StoreInputError(f"pending transmission must be a PendingTransmission, got {type(t).__name__}")
    _check_digest(t.config_digest)
    _check_epoch(t.epoch)
    _check_round(t.round)
    _check_bytes("report", t.report)
    if not t.report:
        raise StoreInputError("report must not be empty")
    _check_bytes("signature", t.signature, SIGNATURE_LENGTH)
    _check_bytes("extra", t.extra)
    if not isinstance(t.signers, tuple):
        raise StoreInputError(f"signers must be a tuple, got {type(t.signers).__name__}")
    for i, s in enumerate(t.signers):
        _check_int(f"signers[{i}]", s, 0, 255)
    if not isinstance(t.due, int | float) or isinstance(t.due, bool) or not math.isfinite(t.due):
        raise StoreInputError(f"due must be a finite number, got {t.due!r}")
    return t


def _check_conflict(c: object) -> ConflictingShares:
    if not isinstance(c, ConflictingShares):
        raise StoreInputError(f"evidence must be ConflictingShares, got {type(c).__name__}")
    _check_digest(c.config_digest)
    _check_epoch(c.epoch)
    _check_round(c.round)
    _check_int("oracle", c.oracle, 0, 255)
    for name in ("report_a", "report_b"):
        if not _check_bytes(name, getattr(c, name)):
            raise StoreInputError(f"{name} must not be empty")
    _check_bytes("share_a", c.share_a, SIGNATURE_LENGTH)
    _check_bytes("share_b", c.share_b, SIGNATURE_LENGTH)
    if c.report_a == c.report_b:
        raise StoreInputError("evidence needs two different reports")
    return c


# --- SQLite implementation --------------------------------------------------------------------

_EVIDENCE_TABLE: Final[str] = """CREATE TABLE evidence (
        config_digest BLOB NOT NULL,
        epoch INTEGER NOT NULL,
        round INTEGER NOT NULL,
        oracle INTEGER NOT NULL,
        report_a BLOB NOT NULL,
        share_a BLOB NOT NULL,
        report_b BLOB NOT NULL,
        share_b BLOB NOT NULL,
        submitted_tx TEXT,
        PRIMARY KEY (config_digest, epoch, round, oracle)
    )"""

_SCHEMA: Final[tuple[str, ...]] = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE pacemaker (
        config_digest BLOB PRIMARY KEY,
        epoch INTEGER NOT NULL,
        highest_sent_epoch INTEGER NOT NULL,
        highest_received TEXT NOT NULL
    )""",
    """CREATE TABLE signed (
        config_digest BLOB NOT NULL,
        epoch INTEGER NOT NULL,
        round INTEGER NOT NULL,
        report_hash BLOB NOT NULL,
        PRIMARY KEY (config_digest, epoch, round)
    )""",
    """CREATE TABLE pending (
        config_digest BLOB NOT NULL,
        epoch INTEGER NOT NULL,
        round INTEGER NOT NULL,
        report BLOB NOT NULL,
        signature BLOB NOT NULL,
        signers TEXT NOT NULL,
        extra BLOB NOT NULL,
        due REAL NOT NULL,
        PRIMARY KEY (config_digest, epoch, round)
    )""",
    # The transaction manager's tables (a store from before they existed gets them when the
    # manager opens it: every statement is CREATE ... IF NOT EXISTS).
    *TX_SCHEMA,
    _EVIDENCE_TABLE,
)


class SqliteNodeStore:
    """:class:`NodeStore` on one SQLite database (a file, or ``":memory:"`` for simulations).

    Simulations keep a ``":memory:"`` store object alive across a simulated restart, which models a
    disk that survives the process; real nodes pass a file path.

    Calls are serialised by a lock so a node may share one store between its protocol loop and a
    transmission thread.
    """

    def __init__(self, path: str | Path) -> None:
        self._memory = isinstance(path, str) and path == _MEMORY
        self._path = _MEMORY if self._memory else str(Path(path))
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        if not self._memory:
            parent = Path(self._path).parent
            if not parent.is_dir():
                raise StoreError(f"node store {self._path}: directory {parent} does not exist")
            if Path(self._path).is_dir():
                raise StoreError(f"node store {self._path}: is a directory, not a database file")
        try:
            # isolation_level=None: no implicit transactions; we issue BEGIN/COMMIT ourselves so the
            # commit point (the durability point) is exactly where the code says it is.
            conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"node store {self._path}: cannot open: {exc}") from exc
        try:
            self._initialise(conn)
        except StoreError:
            conn.close()
            raise
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(f"node store {self._path}: not a usable SQLite database ({exc})") from exc
        self._conn = conn

    @property
    def path(self) -> str:
        """The database path as given (or ``":memory:"``), for messages and logs."""
        return self._path

    def _initialise(self, conn: sqlite3.Connection) -> None:
        # Reading the schema first forces SQLite to read the header, so a non-SQLite file fails here
        # with "file is not a database" before we try to change any settings on it.
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not self._memory:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()
            if mode is None or str(mode[0]).lower() != "wal":
                raise StoreError(f"node store {self._path}: could not enable WAL journaling (got {mode!r})")
            # A valid header over damaged pages would otherwise only surface mid-protocol.
            check = conn.execute("PRAGMA quick_check").fetchall()
            if [tuple(r) for r in check] != [("ok",)]:
                problems = "; ".join(" ".join(str(r[0]).split()) for r in check[:3])
                raise StoreError(f"node store {self._path}: database is corrupted ({problems})")
        # FULL: fsync at every commit, including the WAL, so a returned write survives power loss.
        conn.execute("PRAGMA synchronous=FULL")
        if not tables:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for stmt in _SCHEMA:
                    conn.execute(stmt)
                conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return
        if "meta" not in tables:
            raise StoreError(f"node store {self._path}: SQLite database without a meta table; not an ocr-client node store")
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            raise StoreError(f"node store {self._path}: meta table has no schema_version")
        if str(row[0]) == "1" and "evidence" not in tables:
            self._upgrade_from_1(conn)
            tables.add("evidence")
        elif str(row[0]) != str(SCHEMA_VERSION):
            raise StoreError(
                f"node store {self._path}: unknown schema version {row[0]!r} (this client reads version {SCHEMA_VERSION})"
            )
        missing = {"pacemaker", "signed", "pending", "evidence"} - tables
        if missing:
            raise StoreError(f"node store {self._path}: schema version {SCHEMA_VERSION} but tables {sorted(missing)} are missing")

    def _upgrade_from_1(self, conn: sqlite3.Connection) -> None:
        """Version 1 lacked only the evidence table: add it and the new version in one commit."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(_EVIDENCE_TABLE)
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._require_open()
            try:
                yield conn
            except sqlite3.Error as exc:
                raise StoreError(f"node store {self._path}: read failed: {exc}") from exc

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction, committed before the ``with`` block's caller returns.

        ``BEGIN IMMEDIATE`` takes the write lock up front so a read-then-write (``record_signed``)
        cannot interleave with another writer on the same file.
        """
        with self._lock:
            conn = self._require_open()
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"node store {self._path}: cannot begin write: {exc}") from exc
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(f"node store {self._path}: write failed: {exc}") from exc
                raise

    def _require_open(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"node store {self._path}: used after close()")
        return self._conn

    # --- pacemaker ---

    def load_pacemaker(self, config_digest: bytes) -> PacemakerState | None:
        """The last saved pacemaker state for this config, or None for a config never seen."""
        digest = _check_digest(config_digest)
        with self._read() as conn:
            row = conn.execute(
                "SELECT epoch, highest_sent_epoch, highest_received FROM pacemaker WHERE config_digest = ?", (digest,)
            ).fetchone()
        if row is None:
            return None
        return PacemakerState(int(row[0]), int(row[1]), tuple(int(x) for x in json.loads(row[2])))

    def save_pacemaker(self, config_digest: bytes, state: PacemakerState) -> None:
        """Replace the pacemaker state for this config; durable on return."""
        digest = _check_digest(config_digest)
        st = _check_pacemaker(state)
        with self._write() as conn:
            conn.execute(
                """INSERT INTO pacemaker (config_digest, epoch, highest_sent_epoch, highest_received)
                   VALUES (?, ?, ?, ?)
                   ON CONFLICT (config_digest) DO UPDATE SET
                     epoch = excluded.epoch,
                     highest_sent_epoch = excluded.highest_sent_epoch,
                     highest_received = excluded.highest_received""",
                (digest, st.epoch, st.highest_sent_epoch, json.dumps(list(st.highest_received))),
            )

    # --- equivocation guard ---

    def record_signed(self, config_digest: bytes, epoch: int, round: int, report_hash: bytes) -> bool:
        """Durably remember that this node signs ``report_hash`` for ``(digest, epoch, round)``.

        True if nothing was recorded yet (now recorded) or the same hash was; False if a DIFFERENT
        hash is recorded: the caller must then refuse to sign. Insert and read-back happen in one
        write transaction, so two racing callers cannot both be told True for different hashes.
        """
        digest = _check_digest(config_digest)
        e = _check_epoch(epoch)
        r = _check_round(round)
        h = _check_bytes("report hash", report_hash, REPORT_HASH_LENGTH)
        with self._write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO signed (config_digest, epoch, round, report_hash) VALUES (?, ?, ?, ?)",
                (digest, e, r, h),
            )
            row = conn.execute(
                "SELECT report_hash FROM signed WHERE config_digest = ? AND epoch = ? AND round = ?", (digest, e, r)
            ).fetchone()
        return row is not None and bytes(row[0]) == h

    def signed_hash(self, config_digest: bytes, epoch: int, round: int) -> bytes | None:
        """The report hash recorded for ``(digest, epoch, round)``, or None if this node signed nothing there."""
        digest = _check_digest(config_digest)
        e = _check_epoch(epoch)
        r = _check_round(round)
        with self._read() as conn:
            row = conn.execute(
                "SELECT report_hash FROM signed WHERE config_digest = ? AND epoch = ? AND round = ?", (digest, e, r)
            ).fetchone()
        return None if row is None else bytes(row[0])

    def prune(self, config_digest: bytes, below_epoch: int) -> int:
        """Drop signed records of epochs below ``below_epoch`` for this config; returns how many.

        Safe once the pacemaker has moved past those epochs: the node will never be asked to sign in
        them again, because it refuses messages from epochs older than its current one.
        """
        digest = _check_digest(config_digest)
        below = _check_int("below_epoch", below_epoch, 0, MAX_EPOCH + 1)
        with self._write() as conn:
            cur = conn.execute("DELETE FROM signed WHERE config_digest = ? AND epoch < ?", (digest, below))
            count = cur.rowcount
        return int(count)

    # --- pending transmissions ---

    def add_pending(self, t: PendingTransmission) -> None:
        """Remember a scheduled transmission; durable on return.

        Idempotent per ``(digest, epoch, round)``: the first record wins, because a node transmits at
        most one report per round and re-adding after a restart must not change what it promised.
        """
        p = _check_pending(t)
        with self._write() as conn:
            conn.execute(
                """INSERT OR IGNORE INTO pending
                   (config_digest, epoch, round, report, signature, signers, extra, due)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (p.config_digest, p.epoch, p.round, p.report, p.signature, json.dumps(list(p.signers)), p.extra, float(p.due)),
            )

    def remove_pending(self, config_digest: bytes, epoch: int, round: int) -> None:
        """Forget a scheduled transmission (sent, or made moot by someone else's); absent is fine."""
        digest = _check_digest(config_digest)
        e = _check_epoch(epoch)
        r = _check_round(round)
        with self._write() as conn:
            conn.execute("DELETE FROM pending WHERE config_digest = ? AND epoch = ? AND round = ?", (digest, e, r))

    def pending(self, config_digest: bytes) -> list[PendingTransmission]:
        """Scheduled transmissions for this config, oldest ``(epoch, round)`` first."""
        digest = _check_digest(config_digest)
        with self._read() as conn:
            rows = conn.execute(
                """SELECT config_digest, epoch, round, report, signature, signers, extra, due
                   FROM pending WHERE config_digest = ? ORDER BY epoch, round""",
                (digest,),
            ).fetchall()
        return [
            PendingTransmission(
                config_digest=bytes(row[0]),
                epoch=int(row[1]),
                round=int(row[2]),
                report=bytes(row[3]),
                signature=bytes(row[4]),
                signers=tuple(int(x) for x in json.loads(row[5])),
                extra=bytes(row[6]),
                due=float(row[7]),
            )
            for row in rows
        ]

    # --- equivocation evidence ---

    def record_evidence(self, conflict: ConflictingShares) -> bool:
        """Durably keep evidence; True if new, False if this (digest, epoch, round, oracle) is known.

        One record per offence: the contract slashes each (digest, epoch, round, oracle) once, so a
        third conflicting share for the same offence adds nothing.
        """
        c = _check_conflict(conflict)
        with self._write() as conn:
            cur = conn.execute(
                """INSERT OR IGNORE INTO evidence
                   (config_digest, epoch, round, oracle, report_a, share_a, report_b, share_b)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (c.config_digest, c.epoch, c.round, c.oracle, c.report_a, c.share_a, c.report_b, c.share_b),
            )
            added = cur.rowcount == 1
        return added

    def evidence(self) -> list[EvidenceRecord]:
        """All stored evidence, oldest (epoch, round) first."""
        with self._read() as conn:
            rows = conn.execute(
                """SELECT config_digest, epoch, round, oracle, report_a, share_a, report_b, share_b, submitted_tx
                   FROM evidence ORDER BY epoch, round, oracle"""
            ).fetchall()
        return [
            EvidenceRecord(ConflictingShares(bytes(r[0]), int(r[1]), int(r[2]), int(r[3]), bytes(r[4]), bytes(r[5]),
                                             bytes(r[6]), bytes(r[7])), None if r[8] is None else str(r[8]))
            for r in rows
        ]

    def mark_evidence_submitted(self, conflict: ConflictingShares, tx: str) -> None:
        """Remember that this offence is settled on-chain (by ``tx``, ours or someone else's)."""
        c = _check_conflict(conflict)
        with self._write() as conn:
            conn.execute(
                "UPDATE evidence SET submitted_tx = ? WHERE config_digest = ? AND epoch = ? AND round = ? AND oracle = ?",
                (str(tx), c.config_digest, c.epoch, c.round, c.oracle),
            )

    # --- lifecycle ---

    def close(self) -> None:
        """Release the database. Idempotent; any later call raises :class:`StoreError`."""
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def __enter__(self) -> SqliteNodeStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._conn is None else "open"
        return f"SqliteNodeStore({self._path!r}, {state})"
