"""The DuckDB store: open (and refuse a corrupt or foreign file), write a chunk atomically, roll
back orphaned blocks, and hand the metrics a connection.

Bulk rows reach DuckDB as numpy columns it scans in place (observations without a Python object
per row: feed and oracle are integer keys, see schema.py), or, when an integer does not fit int64,
through a CSV file its reader loads in one statement: ``executemany`` costs about a millisecond per
row. Each observation's stalled flag is computed as it is stored (stalls.py), over the whole batch.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import duckdb
import numpy as np

from ocr_client.reputation.derive_columns import ObservationBlock, derive_pending
from ocr_client.reputation.errors import StoreError
from ocr_client.reputation.records import Batch, Row
from ocr_client.reputation.schema import (
    APP,
    BLOCK_TABLES,
    DDL,
    OBSERVATION_LINE_COLUMNS,
    SCHEMA_VERSION,
    TABLE_COLUMNS,
    column_types,
)
from ocr_client.reputation.stalls import NO_FLAG, STALL_T, StallTracker, Step

HUGEINT_MAX: Final[int] = 2**127 - 1
HUGEINT_MIN: Final[int] = -(2**127)


@dataclass(frozen=True)
class ContractState:
    contract: str
    format: str
    first_block: int
    next_block: int
    tip_block: int | None
    tip_hash: str | None


def _check(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    try:
        rows = con.execute("SELECT key, value FROM meta").fetchall()
    except duckdb.Error:
        raise StoreError(f"{path} is a DuckDB database but not an ocr reputation store (no meta table)") from None
    meta = {str(k): str(v) for k, v in rows}
    if meta.get("app") != APP:
        raise StoreError(f"{path} is a DuckDB database but not an ocr reputation store")
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise StoreError(f"{path} has reputation schema {meta.get('schema_version')}; this ocr reads {SCHEMA_VERSION}")
    return meta


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A reader gets DuckDB's threads (scoring's aggregates use them); a writer one thread: indexing
    is many small inserts and a commit, where parallel operators cost more than they give (about
    8% of a 10,000-report index, docs/reputation.md) and the other core is wanted by the fetch
    thread and a local RPC node."""
    try:
        return duckdb.connect(str(path), read_only=read_only, config={} if read_only else WRITER_CONFIG)
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StoreError(f"{path} is not a usable DuckDB database (corrupt or another kind of file): {first}") from None


class Store:
    """One open reputation database."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, meta: dict[str, str]) -> None:
        self.con = con
        self.path = path
        self.meta = meta
        self.stalls = StallTracker(self._stall_tails)
        #: what the metrics learnt of the scope materialised last (metrics.available)
        self.scope_facts: dict[str, bool] = {}
        #: whether the scope views exist on this connection (metrics._create_views)
        self.scope_views = False
        #: the join the observation views were created with on this connection (metrics.observation_join)
        self.scope_join: str | None = None
        self._keys: dict[str, dict[str, int]] = {}
        #: the highest stored block number (read at the first write): a batch of newer blocks needs
        #: no delete before its insert
        self._top_block: int | None = None
        #: rows held by :meth:`stage_batch` until the commit (see there)
        self._staged_blocks: dict[int, tuple[str, int | None]] = {}
        self._staged_reports: list[dict[str, Any]] = []
        self._load_keys()

    def _load_keys(self) -> None:
        """The name -> key maps of the feed_keys and oracle_keys tables (as committed)."""
        self._keys = {table: {str(name): int(key) for key, name in self.con.execute(
            f"SELECT {column}_key, {column} FROM {table}").fetchall()} for table, column in _KEY_TABLES.items()}

    def _stored_top_block(self) -> int:
        row = self.con.execute("SELECT max(number) FROM blocks").fetchone()
        return -1 if row is None or row[0] is None else int(row[0])

    # --- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, write: bool = False, chain_id: int | None = None) -> Store:
        """Open an existing store (checked read-only first, so a foreign file is never touched);
        with ``write`` create it when missing."""
        path = Path(path)
        if not path.exists():
            if not write:
                raise StoreError(f"no reputation database at {path}: run `ocr reputation index` first")
            return cls._create(path, chain_id)
        if path.is_dir():
            raise StoreError(f"{path} is a directory, not a database file")
        con = _connect(path, read_only=True)
        try:
            meta = _check(con, path)
        finally:
            if write:
                con.close()
        if not write:
            return cls(con, path, meta)
        if chain_id is not None and meta.get("chain_id") != str(chain_id):
            raise StoreError(f"{path} holds chain {meta.get('chain_id')}, the RPC serves chain {chain_id}")
        return cls(_connect(path, read_only=False), path, meta)

    @classmethod
    def _create(cls, path: Path, chain_id: int | None) -> Store:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError as exc:  # mkdir met a file where a directory should be
            raise StoreError(f"cannot create {path}: {exc.filename} is a file, not a directory") from None
        except OSError as exc:  # no permission, a read-only file system, ...
            raise StoreError(f"cannot create {path}: {exc.strerror or type(exc).__name__} ({exc.filename})") from None
        con = _connect(path, read_only=False)
        meta = {"app": APP, "schema_version": SCHEMA_VERSION, "chain_id": str(chain_id)}
        con.execute("BEGIN")
        con.execute(DDL)
        _insert_rows(con, "meta", list(meta.items()))
        con.execute("COMMIT")
        return cls(con, path, meta)

    def close(self) -> None:
        self.con.close()

    # --- cursor ----------------------------------------------------------------------------

    def contract_state(self, contract: str) -> ContractState | None:
        row = self.con.execute(
            "SELECT contract, format, first_block, next_block, tip_block, tip_hash FROM contracts WHERE contract = ?",
            [contract]).fetchone()
        return None if row is None else ContractState(*row)

    def known_config_digests(self) -> list[tuple[str, str, int, str]]:
        """(contract, digest, oracle index, transmitter) of every stored config."""
        rows = self.con.execute("SELECT contract, config_digest, oracle_index, transmitter FROM config_oracles "
                                "ORDER BY contract, config_digest, oracle_index").fetchall()
        return [(str(c), str(d), int(i), str(t)) for c, d, i, t in rows]

    # --- writing ---------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.begin()
        try:
            yield
        except BaseException:
            self.rollback()
            raise
        self.commit()

    def begin(self) -> None:
        self.con.execute("BEGIN")

    def commit(self) -> None:
        """Insert the staged rows, then commit (a failed insert rolls the transaction back)."""
        try:
            self.flush_staged()
        except BaseException:
            self.rollback()
            raise
        self.con.execute("COMMIT")

    def rollback(self) -> None:
        self._staged_blocks, self._staged_reports = {}, []
        self.con.execute("ROLLBACK")
        self._load_keys()
        self._top_block = None
        self.stalls.reset()

    def register(self, contract: str, fmt: str, first_block: int) -> None:
        self.con.execute("INSERT INTO contracts (contract, format, first_block, next_block) VALUES (?, ?, ?, ?)",
                         [contract, fmt, first_block, first_block])

    def write_batch(self, batch: Batch) -> None:
        """Insert every row of the batch (call inside :meth:`transaction`)."""
        self.stage_batch(batch)
        self.flush_staged()

    def stage_batch(self, batch: Batch) -> None:
        """Insert the batch's rows but its block rows and its report columns, which wait for
        :meth:`flush_staged` (the commit calls it; a rollback drops them) and then go in as one
        statement per table for all the batches staged: a statement costs 1-3 ms whatever its size,
        so the chunks of a transaction share two. Until then the store's reads do not see them."""
        new_configs = [r for r in batch.configs if not self._has_config(r[0], r[1])]
        digests = {(r[0], r[1]) for r in new_configs}
        self._insert("configs", new_configs)
        self._insert("config_oracles", [r for r in batch.config_oracles if (r[0], r[1]) in digests])
        self._staged_blocks.update(batch.blocks)
        if batch.reports:  # row-form reports keep their place before the column-form ones
            self._flush_reports()
            self._insert("reports", [_clamp_value(r, 7) for r in batch.reports])
        self._staged_reports.extend(batch.report_blocks)
        derive_pending(batch)
        self._insert_observations(batch.observation_blocks, batch.observations)
        self._insert("signers", batch.signers)
        self._insert("receipts", batch.receipts)
        self._insert("stakes", batch.stakes)
        self._insert("alerts", batch.alerts)

    def flush_staged(self) -> None:
        """Insert the rows :meth:`stage_batch` held: the blocks, then the reports."""
        if self._staged_blocks:
            rows = sorted((n, h, t) for n, (h, t) in self._staged_blocks.items())
            self._staged_blocks = {}
            if self._top_block is None:
                self._top_block = self._stored_top_block()
            if rows[0][0] <= self._top_block:  # a block seen again (its config history, a re-indexed range)
                self.con.execute("DELETE FROM blocks WHERE number IN (SELECT unnest(?::BIGINT[]))", [[r[0] for r in rows]])
            self._insert_small("blocks", rows)
            self._top_block = max(self._top_block, rows[-1][0])
        self._flush_reports()

    def _flush_reports(self) -> None:
        if self._staged_reports:
            columns = merged_columns(self._staged_reports)
            self._staged_reports = []
            self._insert_shared("reports", columns)

    def _has_config(self, contract: str, digest: str) -> bool:
        return self.con.execute("SELECT 1 FROM configs WHERE contract = ? AND config_digest = ?",
                                [contract, digest]).fetchone() is not None

    def set_cursor(self, contract: str, next_block: int, tip_block: int | None, tip_hash: str | None) -> None:
        self.con.execute("UPDATE contracts SET next_block = ?, tip_block = ?, tip_hash = ? WHERE contract = ?",
                         [next_block, tip_block, tip_hash, contract])

    def set_options(self, contract: str, receipts: bool, scan_reverts: bool) -> None:
        self.con.execute("UPDATE contracts SET receipts = receipts OR ?, scan_reverts = scan_reverts OR ? "
                         "WHERE contract = ?", [receipts, scan_reverts, contract])

    def rollback_from(self, contract: str, block: int) -> int:
        """Delete the contract's rows from ``block`` on (orphaned by a reorg); returns reports removed."""
        removed = self.con.execute("SELECT count(*) FROM reports WHERE contract = ? AND block_number >= ?",
                                   [contract, block]).fetchone()
        self.con.execute("DELETE FROM config_oracles WHERE contract = ? AND config_digest IN "
                         "(SELECT config_digest FROM configs WHERE contract = ? AND block_number >= ?)",
                         [contract, contract, block])
        for table, key in BLOCK_TABLES.items():
            if key == "feed":
                self.con.execute(f"DELETE FROM {table} WHERE (feed = ? OR feed LIKE ?) AND block_number >= ?",
                                 [contract, contract + "/%", block])
            elif key == "feed_key":
                self.con.execute(f"DELETE FROM {table} WHERE feed_key IN (SELECT feed_key FROM feed_keys "
                                 "WHERE feed = ? OR feed LIKE ?) AND block_number >= ?", [contract, contract + "/%", block])
            else:
                self.con.execute(f"DELETE FROM {table} WHERE {key} = ? AND block_number >= ?", [contract, block])
        self.con.execute("DELETE FROM blocks WHERE number >= ?", [block])
        self.stalls.reset()
        return int(removed[0]) if removed else 0

    def stored_blocks(self, start: int, end: int) -> list[tuple[int, str]]:
        """(number, hash) of stored blocks in [start, end], newest first."""
        return [(int(n), str(h)) for n, h in self.con.execute(
            "SELECT number, hash FROM blocks WHERE number BETWEEN ? AND ? ORDER BY number DESC", [start, end]).fetchall()]

    def blocks_missing_time(self) -> list[int]:
        return [int(r[0]) for r in self.con.execute("SELECT number FROM blocks WHERE timestamp IS NULL").fetchall()]

    def set_operators(self, mapping: dict[str, str]) -> None:
        self.con.execute("DELETE FROM operators")
        self._insert_small("operators", sorted(mapping.items()))

    def set_funders(self, rows: Sequence[Row]) -> None:
        self.con.execute("DELETE FROM funders WHERE address IN (SELECT unnest(?))", [[r[0] for r in rows]])
        self._insert_small("funders", list(rows))

    # --- bulk insert -----------------------------------------------------------------------

    def _insert(self, table: str, rows: Sequence[Row]) -> None:
        if not rows:
            return
        if len(rows) < SMALL_INSERT:
            self._insert_small(table, rows)
            return
        columns = _as_columns(table, rows)
        if columns is not None:
            self._insert_columns(table, columns)
            return
        fd, name = tempfile.mkstemp(prefix=f"ocr-rep-{table}-", suffix=".csv")
        try:
            with os.fdopen(fd, "w", newline="") as out:
                csv.writer(out).writerows(rows)
            self._load_csv(table, name)
        finally:
            os.unlink(name)

    def _insert_columns(self, table: str, columns: dict[str, Any]) -> None:
        """Rows as numpy arrays in the table's column order: DuckDB scans them in place."""
        self.con.register("ocr_rep_columns", columns)
        try:
            self.con.execute(f"INSERT INTO {table} SELECT * FROM ocr_rep_columns")
        finally:
            self.con.unregister("ocr_rep_columns")

    # --- observations -----------------------------------------------------------------------

    def _key_of(self, table: str, names: Sequence[str]) -> list[int]:
        """Keys of names in feed_keys or oracle_keys, adding the new ones (in the open transaction)."""
        known = self._keys[table]
        new = [name for name in dict.fromkeys(names) if name not in known]
        if new:
            first = max(known.values(), default=-1) + 1
            rows = [(first + i, name) for i, name in enumerate(new)]
            self._insert_small(table, rows)
            known.update((name, key) for key, name in rows)
        return [known[name] for name in names]

    def _insert_shared(self, table: str, columns: dict[str, Any]) -> None:
        """Columns in the table's order, each a numpy array, one string for every row, or (names,
        int32 indices into them): DuckDB expands the last two itself, so no string is made per row."""
        select: list[str] = []
        params: list[object] = []
        arrays: dict[str, Any] = {}
        for name, _ in TABLE_COLUMNS[table]:
            column = columns[name]
            if isinstance(column, str):
                select.append("?::VARCHAR")
                params.append(column)
            elif isinstance(column, tuple):
                names, index = column
                select.append(f"list_extract(?::VARCHAR[], {name} + 1)")
                params.append(list(names))
                arrays[name] = index
            else:
                select.append(name)
                arrays[name] = column
        self.con.register("ocr_rep_columns", arrays)
        try:
            self.con.execute(f"INSERT INTO {table} SELECT {', '.join(select)} FROM ocr_rep_columns", params)
        finally:
            self.con.unregister("ocr_rep_columns")

    def _insert_observations(self, blocks: Sequence[ObservationBlock], lines: Sequence[str]) -> None:
        """Every observation row of a batch: the stalled flags over all of them at once (a feed's
        rows may be split between column blocks and reference lines), then the blocks as columns and
        the lines through one CSV file."""
        feed_parts, oracle_parts, round_parts, value_parts, answer_parts = [], [], [], [], []
        keyed: list[tuple[ObservationBlock, int, np.ndarray[Any, Any]]] = []
        for block in blocks:
            feed_key = self._key_of("feed_keys", [block.feed])[0]
            lookup = np.array([*self._key_of("oracle_keys", list(block.oracles)), NO_FLAG], dtype=np.int64)
            index = block.columns["oracle_index"]
            oracle_keys = lookup[np.minimum(index, len(block.oracles))]
            keyed.append((block, feed_key, oracle_keys))
            feed_parts.append(np.full(len(block), feed_key, dtype=np.int64))
            oracle_parts.append(oracle_keys)
            round_parts.append(block.columns["round_id"])
            value_parts.append(block.columns["value"])
            answer_parts.append(block.answers)
        fields = [line.split(",") for line in lines]
        if fields:
            feed_keys = self._key_of("feed_keys", [f[0] for f in fields])
            self._key_of("oracle_keys", [f[4] for f in fields if f[4]])
            known = self._keys["oracle_keys"]
            feed_parts.append(np.array(feed_keys, dtype=np.int64))
            oracle_parts.append(np.array([known[f[4]] if f[4] else NO_FLAG for f in fields], dtype=np.int64))
            round_parts.append(np.array([int(f[1]) for f in fields], dtype=np.int64))
            value_parts.append(np.array([int(f[5]) if f[5] else None for f in fields], dtype=object))
            answer_parts.append(np.array([int(f[13]) if f[13] else None for f in fields], dtype=object))
        if not feed_parts:
            return
        # int64 columns and the lines' Python ints concatenate to object arrays, which the tracker compares exactly
        flags = self.stalls.flags(
            np.concatenate(feed_parts), np.concatenate(oracle_parts), np.concatenate(round_parts),
            np.concatenate(value_parts), np.concatenate(answer_parts))
        at = 0
        for block, feed_key, oracle_keys in keyed:
            stalled = flags[at: at + len(block)]
            at += len(block)
            columns = {"feed_key": np.full(len(block), feed_key, dtype=np.int32), **block.columns,
                       "oracle_key": np.ma.masked_array(oracle_keys, mask=oracle_keys == NO_FLAG),  # type: ignore[no-untyped-call]
                       "stalled": np.ma.masked_array(stalled, mask=stalled == NO_FLAG)}  # type: ignore[no-untyped-call]
            self._insert_columns("observation_rows", {name: columns[name] for name, _ in TABLE_COLUMNS["observation_rows"]})
        if lines:
            flagged = [f"{line},{'' if flag == NO_FLAG else int(flag)}" for line, flag in zip(lines, flags[at:], strict=True)]
            self._insert_lines(flagged)

    def _insert_lines(self, lines: Sequence[str]) -> None:
        """Observation rows as CSV lines (derive.observation_lines, with the stalled flag appended),
        their feed and oracle names already keyed."""
        fd, name = tempfile.mkstemp(prefix="ocr-rep-observations-", suffix=".csv")
        try:
            with os.fdopen(fd, "w") as out:
                out.write("\n".join(lines))
                out.write("\n")
            select = ", ".join("f.feed_key" if c == "feed_key" else "k.oracle_key" if c == "oracle_key" else f"s.{c}"
                               for c, _ in TABLE_COLUMNS["observation_rows"])
            self.con.execute(f"INSERT INTO observation_rows SELECT {select} FROM {_csv_scan(OBSERVATION_LINE_COLUMNS)} s "
                             "JOIN feed_keys f ON f.feed = s.feed LEFT JOIN oracle_keys k ON k.oracle = s.oracle", [name])
        finally:
            os.unlink(name)

    def _stall_tails(self, feed_key: int) -> dict[int, list[Step]]:
        """The last STALL_T stored observations of every oracle of a feed, oldest first."""
        rows = self.con.execute(f"""
            SELECT o.oracle_key, o.round_id, o.value, r.answer FROM observation_rows o
            JOIN feed_keys f ON f.feed_key = o.feed_key JOIN reports r ON r.feed = f.feed AND r.round_id = o.round_id
            WHERE o.feed_key = ? AND o.oracle_key IS NOT NULL AND o.value IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY o.oracle_key ORDER BY o.round_id DESC) <= {STALL_T}
            ORDER BY o.oracle_key, o.round_id""", [feed_key]).fetchall()
        tails: dict[int, list[Step]] = {}
        for oracle, round_id, value, answer in rows:
            tails.setdefault(int(oracle), []).append((int(round_id), int(value), None if answer is None else int(answer)))
        return tails

    def _load_csv(self, table: str, name: str) -> None:
        self.con.execute(f"INSERT INTO {table} SELECT * FROM {_csv_scan(TABLE_COLUMNS[table])}", [name])

    def _insert_small(self, table: str, rows: Sequence[Row]) -> None:
        _insert_rows(self.con, table, rows)

    # --- reading ---------------------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.con.execute(sql, list(params)).fetchall()]


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Row]) -> None:
    """A few rows in one statement: one typed list parameter per column, unnested side by side
    (binding a parameter per value costs about twice as much)."""
    if not rows:
        return
    select = ", ".join(f"unnest(?::{t}[])" for t in column_types(table))
    con.execute(f"INSERT INTO {table} SELECT {select}", [list(c) for c in zip(*rows, strict=True)])


def _csv_scan(columns: Sequence[tuple[str, str]]) -> str:
    """DuckDB's reader over one of our CSV files (its path the statement's parameter): the columns
    and types given, nothing guessed, an empty field NULL."""
    spec = ", ".join(f"'{c}': '{t}'" for c, t in columns)
    return f"read_csv(?, header = false, columns = {{{spec}}}, nullstr = '', quote = '\"', auto_detect = false)"


#: Tables of integer keys for names, and the name column of each.
_KEY_TABLES: Final[dict[str, str]] = {"feed_keys": "feed", "oracle_keys": "oracle"}

#: DuckDB threads of a store opened for writing (see _connect).
WRITER_THREADS: Final[int] = 1

#: A writer's DuckDB settings: one thread (see _connect), and each full row group of a bulk insert
#: compressed and written as soon as it fills rather than five at a time at the commit, so the work
#: happens while the next chunk of logs is being fetched instead of after the last one (the commit
#: of a 10,000-report index drops from ~80 to ~20 ms).
WRITER_CONFIG: Final[dict[str, str | bool | int | float | list[str]]] = {
    "threads": WRITER_THREADS, "write_buffer_row_group_count": 1}

#: Below this many rows one multi-row INSERT is cheaper than writing a CSV file.
SMALL_INSERT: Final[int] = 200


INT64_MIN: Final[int] = -(2**63)
INT64_MAX: Final[int] = 2**63 - 1


def merged_columns(blocks: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Column blocks of one table (the forms :meth:`Store._insert_shared` takes) as one block, in
    order: a string shared by every block stays one string, strings named by index get one list of
    names, arrays are joined (masked ones keep their masks)."""
    if len(blocks) == 1:
        return dict(blocks[0])
    sizes = [len(next(c for c in b.values() if not isinstance(c, (str, tuple)))) for b in blocks]
    merged: dict[str, Any] = {}
    for name in blocks[0]:
        parts = [b[name] for b in blocks]
        if all(isinstance(p, str) for p in parts) and len(set(parts)) == 1:
            merged[name] = parts[0]
        elif all(isinstance(p, (str, tuple)) for p in parts):
            names: dict[str, int] = {}
            indices = []
            for part, size in zip(parts, sizes, strict=True):
                own, index = ([part], np.zeros(size, dtype=np.int32)) if isinstance(part, str) else part
                lookup = np.array([names.setdefault(n, len(names)) for n in own], dtype=np.int32)
                indices.append(lookup[index])
            merged[name] = (list(names), np.concatenate(indices))
        elif any(isinstance(p, (str, tuple)) for p in parts):
            raise TypeError(f"column {name} mixes shared strings and arrays")
        elif any(isinstance(p, np.ma.MaskedArray) for p in parts):
            merged[name] = np.ma.concatenate(parts)  # type: ignore[no-untyped-call]
        else:
            merged[name] = np.concatenate(parts)
    return merged


def _as_columns(table: str, rows: Sequence[Row]) -> dict[str, Any] | None:
    """The rows as numpy columns (NULLs masked), or None when an integer does not fit int64 (the CSV
    path then carries it as text)."""
    columns: dict[str, Any] = {}
    for i, (name, kind) in enumerate(TABLE_COLUMNS[table]):
        values = [r[i] for r in rows]
        if kind == "VARCHAR":
            columns[name] = np.array(values, dtype=object)
            continue
        if any(v is None for v in values):
            mask = np.array([v is None for v in values])
            values = [0 if v is None else v for v in values]
        else:
            mask = None
        if not all(INT64_MIN <= v <= INT64_MAX for v in values):
            return None
        array = np.array(values, dtype=np.int64)
        columns[name] = array if mask is None else np.ma.masked_array(array, mask=mask)  # type: ignore[no-untyped-call]
    return columns


def _clamp_value(row: Row, at: int) -> Row:
    value = row[at]
    if value is None or HUGEINT_MIN <= value <= HUGEINT_MAX:
        return row
    return (*row[:at], None, *row[at + 1:])
