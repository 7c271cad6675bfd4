"""Chain -> store: fetch logs in chunks, decode them, store each chunk with its cursor atomically.

::

    ChainReader ──eth_getLogs (chunked)──► decoders (formats.py) ──Batch──► Store (a transaction
        │                                                                    holds whole chunks: rows + cursor)
        └── headers / receipts / block bodies, only for what the batch needs

Resumable and idempotent: a contract's cursor (next block) moves in the same transaction as the
chunks' rows. Chunks are committed together, at least every COMMIT_S seconds (a commit costs
about as much as storing 50,000 rows, and DuckDB writes a large transaction's rows straight to the
file instead of through its log; the chunks' block and report rows and the cursor wait for the
commit, which writes them in one statement each); a fetch that fails commits the chunks stored before it, so a
run that dies loses at most the chunk it was fetching, and a second run starts where the first
stopped. Reorg-safe: the hash of the last indexed block (the tip) is stored; each
run and each --follow poll compares it with the chain, and on a mismatch walks down the stored
block hashes of the last K blocks to the newest one still on the chain and deletes every row above
it (hashes chain, so a block that matches vouches for every block below it).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from eth_utils import keccak

from ocr_client.reputation.configs import ConfigBook
from ocr_client.reputation.derive_columns import derive_pending
from ocr_client.reputation.errors import NotAFeedError, ReputationError
from ocr_client.reputation.formats import Format, build_formats, by_name, detect
from ocr_client.reputation.records import Batch, LogPlace, RawLog
from ocr_client.reputation.rpc import BlockHeader, ChainReader, ChunkedLogs
from ocr_client.reputation.store import Store

DEFAULT_CONFIRMATIONS: Final[int] = 12
POLL_S: Final[float] = 2.0
#: Blocks of the first eth_getLogs (doubling after each answer, as rpc.ChunkedLogs does), and the
#: logs a chunk aims at: a dense feed comes in pieces, each stored while the next one is fetched.
#: The first is small so that it is in hand by the time a new store is created (HeadStart): at 100
#: reports a block, 8 blocks take about as long to fetch as DuckDB takes to create the file.
FIRST_CHUNK: Final[int] = 8
TARGET_CHUNK_LOGS: Final[int] = 2_000
#: Chunks stored in one transaction: committed after this many seconds or observation rows.
COMMIT_S: Final[float] = 2.0
COMMIT_ROWS: Final[int] = 1_000_000
#: How long leaving a run early waits for the fetch thread.
STOP_WAIT_S: Final[float] = 1.0
#: How often a --follow pause looks whether a stop was asked for.
STOP_CHECK_S: Final[float] = 0.1
#: latestConfigDetails() -> (uint32 configCount, uint32 blockNumber, bytes32 configDigest): ours and OCR2's.
LATEST_CONFIG_DETAILS: Final[str] = "0x" + keccak(text="latestConfigDetails()")[:4].hex()


@dataclass(frozen=True)
class IndexOptions:
    from_block: int | None = None
    confirmations: int = DEFAULT_CONFIRMATIONS
    #: fetch receipts of transmissions (gas used, effective gas price)
    receipts: bool = False
    #: scan every block's transactions for failed transmit attempts (one full block per block)
    scan_reverts: bool = False
    chunk: int | None = None


@dataclass
class Progress:
    """Counts one run reports; ``on_chunk`` sees them after every stored chunk."""

    contract: str = ""
    block: int = 0
    head: int = 0
    start: int = 0
    reports: int = 0
    rolled_back: int = 0
    chunks: int = 0
    #: fetch counts only the time spent waiting for a chunk (the rest overlaps decoding and storing)
    seconds: dict[str, float] = field(default_factory=lambda: {"fetch": 0.0, "decode": 0.0, "store": 0.0})


@dataclass(frozen=True)
class Target:
    contract: str
    fmt: Format


def resolve_feeds(reader: ChainReader, addresses: Sequence[str], formats: tuple[Format, ...]) -> list[Target]:
    """Check every address before anything is written: it must hold code of a known format."""
    targets = []
    for address in addresses:
        contract = address.lower()
        if not (contract.startswith("0x") and len(contract) == 42 and all(c in "0123456789abcdef" for c in contract[2:])):
            raise NotAFeedError(f"{address!r} is not an address (0x and 40 hex digits)")
        code = reader.code(contract)
        if code in ("0x", "", None):
            raise NotAFeedError(f"no contract at {address}: nothing to index (is this the right chain?)")
        fmt = detect(code, formats)
        if fmt is None:
            known = ", ".join(f.name for f in formats)
            raise NotAFeedError(f"{address} is a contract of unknown format: it emits none of the transmission "
                                f"events this indexer reads ({known})")
        targets.append(Target(contract, fmt))
    return targets


def _chunked_logs(reader: ChainReader, options: IndexOptions) -> ChunkedLogs:
    return ChunkedLogs(reader, FIRST_CHUNK if options.chunk is None else options.chunk, target_logs=TARGET_CHUNK_LOGS)


def _first_block(options: IndexOptions, first_config: int | None) -> int:
    """Where indexing a new contract starts: --from-block, else its first config."""
    return options.from_block if options.from_block is not None else (first_config or 0)


def _config_history(reader: ChainReader, book: ConfigBook, target: Target, batch: Batch) -> int | None:
    """Decode a contract's every config into ``batch`` and ``book`` (walking previousConfigBlockNumber
    back from latestConfigDetails); returns the block of its first (None: not found)."""
    try:
        answer = reader.call(target.contract, LATEST_CONFIG_DETAILS)
    except ReputationError:
        return None
    raw = bytes.fromhex(answer[2:])
    block = int.from_bytes(raw[32:64], "big") if len(raw) >= 64 else 0
    first: int | None = None
    decoder = target.fmt.decoders[target.fmt.config_topic]
    seen = set()
    while block and block not in seen:
        seen.add(block)
        logs = reader.logs([target.contract], [target.fmt.config_topic], block, block)
        previous = 0
        for log in logs:
            previous = int(str(decoder(log, LogPlace.of(log), book, batch)))
        first = block
        block = previous
    return first


class Indexer:
    """Indexes a set of feed contracts into one store."""

    def __init__(self, reader: ChainReader, store: Store, options: IndexOptions,
                 on_chunk: Callable[[Progress], None] | None = None, head_start: HeadStart | None = None,
                 stop: Callable[[], bool] = lambda: False) -> None:
        self.reader = reader
        self.store = store
        self.options = options
        self.on_chunk = on_chunk
        self.formats = build_formats()
        self.book = ConfigBook()
        for contract, digest, _, _ in store.known_config_digests():
            self.book.transmitters.setdefault((contract, digest), ())
        self._load_book()
        self.logs = _chunked_logs(reader, options)
        self.progress = Progress()
        #: the first feed's config history and first chunks, read while a new store was created
        self.head_start = head_start
        if head_start is not None:
            self.book, self.logs = head_start.book, head_start.logs
        #: asked after every stored chunk: True ends :meth:`run` and :meth:`follow` there, with
        #: that chunk committed (what an interrupt should do: raised inside a DuckDB statement, it
        #: becomes an error of DuckDB's own; see ``ocr_client.signals``)
        self.stop = stop

    def _load_book(self) -> None:
        grouped: dict[tuple[str, str], list[str]] = {}
        for contract, digest, _, transmitter in self.store.known_config_digests():
            grouped.setdefault((contract, digest), []).append(transmitter)
        for key, addresses in grouped.items():
            self.book.add(key[0], key[1], tuple(addresses))

    # --- one pass --------------------------------------------------------------------------

    def run(self, targets: Sequence[Target]) -> Progress:
        """Index every target up to the current head once."""
        early, self.head_start = self.head_start, None  # a head start serves the first run only
        head = self.reader.block_number() if early is None else early.head
        self.progress.head = head
        for target in targets:
            if self.stop():
                break
            state = self.store.contract_state(target.contract)
            prefetch = None
            if state is None and early is not None and early.target.contract == target.contract:
                self._store_history(target, early.start, early.configs)
                prefetch = early.prefetch
            elif state is None:
                self._register(target)
            else:
                if state.format != target.fmt.name:
                    raise ReputationError(f"{target.contract} was indexed as {state.format}, its code is now "
                                          f"{target.fmt.name}")
                self._check_reorg(target.contract)
            with self.store.transaction():
                self.store.set_options(target.contract, self.options.receipts, self.options.scan_reverts)
            self._catch_up(target, head, prefetch)
        return self.progress

    def follow(self, targets: Sequence[Target], poll_s: float = POLL_S) -> Progress:
        """Index, then keep polling for new blocks (re-checking the tip for reorgs) until ``stop()``."""
        self.run(targets)
        while not self.stop():
            deadline = time.monotonic() + poll_s
            while not self.stop() and (left := deadline - time.monotonic()) > 0:
                time.sleep(min(STOP_CHECK_S, left))
            if not self.stop():
                self.run(targets)
        return self.progress

    def _register(self, target: Target) -> None:
        """First sight of a contract: read its config history so transmissions before --from-block
        still find their oracles, and store it with the contract's first block."""
        configs = Batch()
        start = _first_block(self.options, _config_history(self.reader, self.book, target, configs))
        self._store_history(target, start, configs)

    def _store_history(self, target: Target, start: int, configs: Batch) -> None:
        with self.store.transaction():
            self.store.register(target.contract, target.fmt.name, start)
            self.store.write_batch(configs)

    def _catch_up(self, target: Target, head: int, prefetch: _Prefetch | None = None) -> None:
        """Every chunk from the contract's cursor to ``head``: fetched by ``prefetch`` when a head
        start began it (from the same block), else by a prefetch started here."""
        state = self.store.contract_state(target.contract)
        assert state is not None  # registered above
        start = state.next_block
        self.progress.contract, self.progress.start = target.contract, start
        unit = _CommitUnit(self.store)
        if prefetch is None:
            prefetch = _Prefetch(self.logs, [target.contract], target.fmt.topics, start, head)
        assert prefetch.start == start, (prefetch.start, start)
        with prefetch as chunks, unit:
            for chunk_start, stop, logs, headers, waited in chunks:
                t1 = time.perf_counter()
                batch = self._decode(target.fmt, logs)
                t2 = time.perf_counter()
                self._enrich(target, batch, chunk_start, stop, headers)
                tip = headers[stop]
                t3 = time.perf_counter()
                unit.write(batch, target.contract, stop, tip.hash if tip else None)
                t4 = time.perf_counter()
                p = self.progress
                p.seconds["fetch"] += waited + (t3 - t2)
                p.seconds["decode"] += t2 - t1
                p.seconds["store"] += t4 - t3
                p.block, p.reports, p.chunks = stop, p.reports + batch.report_count, p.chunks + 1
                if self.on_chunk is not None:
                    self.on_chunk(p)
                if self.stop():  # leaving commits the chunks stored so far
                    break

    def _decode(self, fmt: Format, logs: list[RawLog]) -> Batch:
        """Logs in order; consecutive logs of a topic with a run decoder go to it together."""
        batch = Batch()
        decoders, runs = fmt.decoders, fmt.run_decoders
        run: list[RawLog] = []
        run_topic = ""
        for log in logs:
            if log.get("removed") or not log.get("topics"):
                continue
            topic0 = log["topics"][0]
            if run and topic0 != run_topic:
                runs[run_topic](run, self.book, batch)
                run = []
            if topic0 in runs:
                run.append(log)
                run_topic = topic0
                continue
            decoder = decoders.get(topic0)
            if decoder is not None:
                decoder(log, LogPlace.of(log), self.book, batch)
        if run:
            runs[run_topic](run, self.book, batch)
        derive_pending(batch)
        return batch

    def _enrich(self, target: Target, batch: Batch, start: int, stop: int, headers: dict[int, BlockHeader | None]) -> None:
        """Block times when the node's logs lack ``blockTimestamp`` (fetched with the chunk);
        receipts and failed attempts when asked."""
        missing = [n for n, (_, ts) in batch.blocks.items() if ts is None]
        unfetched = [n for n in missing if n not in headers]
        if unfetched:
            headers = {**headers, **self.reader.headers(unfetched)}
        for n in missing:
            header = headers.get(n)
            if header is not None:
                batch.blocks[n] = (header.hash, header.timestamp)
        if self.options.receipts and batch.tx_hashes:
            batch.receipts.extend(_receipt_rows(target.contract, self.reader.receipts(sorted(set(batch.tx_hashes)))))
        if self.options.scan_reverts:
            known = set(batch.tx_hashes)
            failed: list[str] = []
            for block in self.reader.blocks_with_transactions(range(start, stop + 1)):
                mine = [tx["hash"] for tx in block.get("transactions", [])
                        if isinstance(tx, dict) and (tx.get("to") or "").lower() == target.contract
                        and tx["hash"] not in known]
                if mine:  # the block of a failed attempt is kept for its time (the window filters by it)
                    batch.blocks[int(block["number"], 16)] = (block["hash"], int(block["timestamp"], 16))
                failed.extend(mine)
            rows = [r for r in _receipt_rows(target.contract, self.reader.receipts(failed)) if r[3] == 0]
            batch.receipts.extend(rows)

    # --- reorgs ----------------------------------------------------------------------------

    def _check_reorg(self, contract: str) -> None:
        state = self.store.contract_state(contract)
        if state is None or state.tip_block is None:
            return
        current = self.reader.headers([state.tip_block])[state.tip_block]
        if current is not None and current.hash == state.tip_hash:
            return
        window_start = max(state.first_block, state.tip_block - self.options.confirmations + 1)
        stored = self.store.stored_blocks(window_start, state.tip_block)
        chain = self.reader.headers([n for n, _ in stored]) if stored else {}
        resume, resume_hash = window_start, None
        for number, block_hash in stored:  # newest first
            header = chain.get(number)
            if header is not None and header.hash == block_hash:
                resume, resume_hash = number + 1, block_hash
                break
        with self.store.transaction():
            self.progress.rolled_back += self.store.rollback_from(contract, resume)
            self.store.set_cursor(contract, resume, resume - 1 if resume_hash else None, resume_hash)
        self._reload_book()

    def _reload_book(self) -> None:
        self.book = ConfigBook()
        self._load_book()


class HeadStart:
    """A new store's first feed, begun before the store exists: its config history read and its
    first chunks fetched while DuckDB creates the file (25-30 ms, about one chunk's fetch), so the
    indexer finds them waiting. The :class:`Indexer` given it adopts its config book and chunk
    sizes and uses it in its first run; :meth:`stop` ends the fetch if nothing does."""

    def __init__(self, reader: ChainReader, target: Target, options: IndexOptions) -> None:
        self.target = target
        self.head = reader.block_number()
        self.book = ConfigBook()
        self.configs = Batch()
        self.start = _first_block(options, _config_history(reader, self.book, target, self.configs))
        self.logs = _chunked_logs(reader, options)
        self.prefetch = _Prefetch(self.logs, [target.contract], target.fmt.topics, self.start, self.head)
        self.prefetch.begin()

    def stop(self) -> None:
        self.prefetch.__exit__(None, None, None)


@contextmanager
def indexing(reader: ChainReader, path: str | Path, targets: Sequence[Target], options: IndexOptions,
             chain_id: int | None = None, on_chunk: Callable[[Progress], None] | None = None,
             stop: Callable[[], bool] = lambda: False) -> Iterator[Indexer]:
    """An :class:`Indexer` over the store at ``path`` (created when missing; closed on leaving).

    Creating a store and fetching the first feed's first chunk overlap: for a new file the chunk is
    on its way (:class:`HeadStart`) before DuckDB is asked for the file. An existing store is read
    first (its cursor says where to start), so it gets no head start."""
    path = Path(path)
    early = HeadStart(reader, targets[0], options) if targets and not path.exists() else None
    try:
        store = Store.open(path, write=True, chain_id=reader.chain_id() if chain_id is None else chain_id)
        try:
            yield Indexer(reader, store, options, on_chunk, head_start=early, stop=stop)
        finally:
            store.close()
    finally:
        if early is not None:
            early.stop()


class _CommitUnit:
    """Stored chunks not yet committed: each chunk's rows and cursor go in whole, and the
    transaction commits every COMMIT_S seconds or COMMIT_ROWS rows, and when the run ends, however
    it ends (every chunk written is complete). A failed write rolls back the chunks since the last commit.

    The chunks' block and report rows are staged (:meth:`Store.stage_batch`) and the cursor kept
    here: both are written once, just before the commit, as nothing reads them before it (the
    cursor's update alone cost 2-3 ms a chunk)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.opened: float | None = None
        self.rows = 0
        #: (contract, next block, tip block, tip hash) of the last chunk staged
        self.cursor: tuple[str, int, int, str | None] | None = None

    def write(self, batch: Batch, contract: str, stop: int, tip_hash: str | None) -> None:
        if self.opened is None:
            self.store.begin()
            self.opened, self.rows = time.monotonic(), 0
        try:
            self.store.stage_batch(batch)
        except BaseException:
            self.opened, self.cursor = None, None
            self.store.rollback()
            raise
        self.cursor = (contract, stop + 1, stop, tip_hash)
        self.rows += batch.row_count
        if self.rows >= COMMIT_ROWS or time.monotonic() - self.opened >= COMMIT_S:
            self._commit()

    def _commit(self) -> None:
        cursor, self.opened, self.cursor = self.cursor, None, None
        try:
            if cursor is not None:
                self.store.set_cursor(*cursor)
        except BaseException:
            self.store.rollback()
            raise
        self.store.commit()  # inserts the staged rows first (and rolls back if they fail)

    def __enter__(self) -> _CommitUnit:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.opened is not None:
            self._commit()


#: (first block, last block, logs, headers) of one fetched chunk
_Chunk = tuple[int, int, list[RawLog], dict[int, BlockHeader | None]]


class _Prefetch:
    """The chunks of [start, end], each fetched on a thread while the one before is decoded and
    stored: indexing then costs about the larger of the fetching and the work, not their sum.

    Yields (first block, last block, logs, headers, seconds waited for them) in block order; the
    headers are the last block's (its hash is the stored tip) and those of blocks whose logs lack
    ``blockTimestamp``, so storing a chunk needs no further call. A failed fetch is raised where its
    chunk would have come, so every chunk before it is stored; leaving the ``with`` early stops the
    thread after the fetch in flight."""

    def __init__(self, logs: ChunkedLogs, addresses: Sequence[str], topics: Sequence[str], start: int, end: int) -> None:
        self.logs, self.addresses, self.topics, self.start, self.end = logs, list(addresses), list(topics), start, end
        self.queue: queue.Queue[_Chunk | BaseException | None] = queue.Queue(maxsize=1)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="ocr-reputation-fetch", daemon=True)

    def begin(self) -> None:
        """Start fetching (once: a head start begins before the indexer enters)."""
        if self.thread.ident is None:
            self.thread.start()

    def __enter__(self) -> Iterator[tuple[int, int, list[RawLog], dict[int, BlockHeader | None], float]]:
        self.begin()
        return self._chunks()

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        try:  # a put waiting on the full queue sees the flag within its timeout
            self.queue.get_nowait()
        except queue.Empty:
            pass
        # not forever: a fetch in flight to a hung node may take its whole timeout (the thread is a daemon)
        if self.thread.ident is not None:
            self.thread.join(timeout=STOP_WAIT_S)

    def _run(self) -> None:
        start = self.start
        try:
            while start <= self.end and not self.stopping.is_set():
                stop, got = self.logs.next_chunk(self.addresses, self.topics, start, self.end)
                untimed = {int(log["blockNumber"], 16) for log in got if not log.get("blockTimestamp")}
                self._put((start, stop, got, self.logs.reader.headers(sorted(untimed | {stop}))))
                start = stop + 1
        except BaseException as exc:  # handed to the consumer, raised in chunk order
            self._put(exc)
            return
        self._put(None)

    def _put(self, item: _Chunk | BaseException | None) -> None:
        while not self.stopping.is_set():
            try:
                self.queue.put(item, timeout=0.05)
                return
            except queue.Full:
                continue

    def _chunks(self) -> Iterator[tuple[int, int, list[RawLog], dict[int, BlockHeader | None], float]]:
        while True:
            t0 = time.perf_counter()
            item = self.queue.get()
            waited = time.perf_counter() - t0
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item[0], item[1], item[2], item[3], waited


def _receipt_rows(contract: str, receipts: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    rows = []
    for r in receipts:
        price = r.get("effectiveGasPrice") or r.get("gasPrice")
        rows.append((r["transactionHash"], contract, str(r.get("from", "")).lower(), int(r.get("status", "0x0"), 16),
                     int(r["gasUsed"], 16), int(price, 16) if price else None, int(r["blockNumber"], 16)))
    return rows


def format_of(store: Store, contract: str) -> Format:
    state = store.contract_state(contract)
    if state is None:
        raise ReputationError(f"{contract} is not in {store.path}")
    return by_name(state.format, build_formats())
