"""``ocr reputation index | score | report | export``.

Wired into the main parser with :func:`add_reputation_parser` and dispatched to
:func:`run_reputation`. Every refusal is an :class:`OCRError` (one line, exit 1), raised before the
database is opened for writing, so bad input never changes a store.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ocr_client.reputation.errors import ReputationError
from ocr_client.reputation.publish_cli import add_publication_parsers, run_publish, run_verify
from ocr_client.reputation.window import DEFAULT_RECENT_REPORTS, Since, parse_duration
from ocr_client.signals import stop_on_signals

if TYPE_CHECKING:
    from ocr_client.reputation.ranking import ScoreOptions, ScoreResult
    from ocr_client.reputation.store import Store

RPC_URL_ENV = "OCR_RPC_URL"
#: Kept here (not imported from indexer.py) so `ocr --help` does not load DuckDB and the decoders.
DEFAULT_CONFIRMATIONS = 12
POLL_S = 2.0


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {value}")
    return value


def _duration(text: str) -> int:
    try:
        return parse_duration(text)
    except ReputationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _since(text: str) -> Since:
    try:
        return Since.parse(text)
    except ReputationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _scoring_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", required=True, help="the reputation database (DuckDB file)")
    p.add_argument("--feed", action="append", default=[], help="score only this feed (repeat; a hub's feed as 0xHUB/ID)")
    _method_options(p)


def _method_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--weights", help="TOML or JSON metric -> weight (names: docs/reputation.md)")
    p.add_argument("--since", type=_since, help="window start: unix seconds, ISO date (UTC), or 7d/12h before the newest block")
    p.add_argument("--half-life", type=_duration, help="time-decay half-life (e.g. 7d); default: no decay")
    p.add_argument("--recent", type=_positive, default=DEFAULT_RECENT_REPORTS,
                   help=f"reports per feed in the recent window (default {DEFAULT_RECENT_REPORTS})")
    p.add_argument("--operators", help="TOML or JSON operator -> [addresses] (default: the one given to index)")
    p.add_argument("--tags", help="TOML or JSON feed -> [categories], for per-category rankings")


def add_reputation_parser(subparsers: Any) -> None:
    """Add ``reputation`` to the ``ocr`` subcommands (``subparsers`` is argparse's subparsers action)."""
    rep = subparsers.add_parser("reputation", help="score and rank oracles from on-chain data")
    sub = rep.add_subparsers(dest="reputation_command", required=True, parser_class=type(rep))

    index = sub.add_parser("index", help="read feeds' events into a reputation database (resumable, reorg-safe)")
    index.add_argument("--rpc-url", default=os.environ.get(RPC_URL_ENV), help=f"JSON-RPC endpoint (default ${RPC_URL_ENV})")
    index.add_argument("--feed", action="append", required=True, help="feed contract address (repeat for several)")
    index.add_argument("--db", required=True, help="DuckDB file (created if missing)")
    index.add_argument("--from-block", type=_non_negative, help="first block (default: the feed's first ConfigSet)")
    index.add_argument("--confirmations", type=_non_negative, default=DEFAULT_CONFIRMATIONS,
                       help=f"blocks re-checked for reorgs on restart and each --follow poll (default {DEFAULT_CONFIRMATIONS})")
    index.add_argument("--follow", action="store_true", help="keep indexing new blocks until interrupted")
    index.add_argument("--poll", type=float, default=POLL_S, help=f"seconds between --follow polls (default {POLL_S})")
    index.add_argument("--operators", help="TOML or JSON operator -> [addresses], stored with the data")
    index.add_argument("--receipts", action="store_true",
                       help="also fetch each transmission's receipt (gas used, effective gas price): one call per report")
    index.add_argument("--scan-reverts", action="store_true",
                       help="also scan every block's transactions for reverted transmit attempts: one full block per "
                            "block, expensive on a public RPC")
    index.add_argument("--funders", action="store_true",
                       help="also find who first funded each transmitter (binary search on past balances: about "
                            "log2(head) eth_getBalance calls per address; needs historical state)")
    index.add_argument("--chunk", type=_positive, help="initial eth_getLogs block range (adapts to the RPC)")
    index.add_argument("--json", action="store_true", help="print one JSON document")

    sc = sub.add_parser("score", help="rank the oracles of the indexed feeds")
    _scoring_options(sc)
    out = sc.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON document")
    out.add_argument("--csv", help="write the ranking as CSV to this file")

    report = sub.add_parser("report", help="one self-contained offline HTML page: ranking, charts, evidence")
    _scoring_options(report)
    report.add_argument("--html", required=True, help="the page to write")

    add_publication_parsers(sub, _scoring_options, _method_options)

    export = sub.add_parser("export", help="copy every table to Parquet")
    export.add_argument("--db", required=True)
    export.add_argument("--parquet", required=True, help="directory for one .parquet file per table")


#: What DuckDB's Python client raises (a plain RuntimeError) when Ctrl-C lands inside a statement.
DUCKDB_INTERRUPTED = "Query interrupted"


@contextmanager
def interrupts_as_keyboard() -> Iterator[None]:
    """Ctrl-C during a DuckDB statement ends the command as an interrupt, with one line, rather
    than as DuckDB's RuntimeError and a traceback."""
    try:
        yield
    except RuntimeError as exc:
        if str(exc) == DUCKDB_INTERRUPTED:
            raise KeyboardInterrupt from exc
        raise


def run_reputation(args: argparse.Namespace) -> None:
    with interrupts_as_keyboard():
        _run_reputation(args)


def _run_reputation(args: argparse.Namespace) -> None:
    if args.reputation_command == "publish":
        run_publish(args, _options(args))
        return
    if args.reputation_command == "verify":
        args.feed = []
        status = run_verify(args, _options(args))
        if status:
            raise SystemExit(status)
        return
    {"index": _index, "score": _score, "report": _report, "export": _export}[args.reputation_command](args)


STOPPING_NOTICE = "\nocr reputation index: stopping after the chunk in hand (Ctrl-C again to abort)\n"


def _interrupt_stops() -> AbstractContextManager[Callable[[], bool]]:
    """Ctrl-C ends indexing after the chunk in hand is stored and committed, and the summary is
    printed as usual (this is how a --follow run ends). A second Ctrl-C aborts at once."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread has signals
        return nullcontext(lambda: False)
    return stop_on_signals((signal.SIGINT,), then_abort=True, notice=STOPPING_NOTICE)


def _index(args: argparse.Namespace) -> None:
    from ocr_client.reputation.formats import build_formats
    from ocr_client.reputation.indexer import IndexOptions, indexing, resolve_feeds
    from ocr_client.reputation.labels import read_operators
    from ocr_client.reputation.progress import TerminalProgress
    from ocr_client.reputation.rpc import JsonRpcReader

    if not args.rpc_url:
        raise ReputationError(f"give --rpc-url or set {RPC_URL_ENV}")
    operators = read_operators(args.operators) if args.operators else None
    reader = JsonRpcReader(args.rpc_url)
    chain_id = reader.chain_id()
    targets = resolve_feeds(reader, args.feed, build_formats())
    progress = TerminalProgress()
    options = IndexOptions(from_block=args.from_block, confirmations=args.confirmations, receipts=args.receipts,
                           scan_reverts=args.scan_reverts, chunk=args.chunk)
    with _interrupt_stops() as stop, indexing(reader, args.db, targets, options, chain_id, on_chunk=progress,
                                               stop=stop) as indexer:
        store = indexer.store
        if operators is not None:
            with store.transaction():
                store.set_operators(operators)
        result = indexer.follow(targets, args.poll) if args.follow else indexer.run(targets)
        progress.done()
        if args.funders:
            from ocr_client.reputation.funding import funders

            addresses = [str(r[0]) for r in store.query("SELECT DISTINCT transmitter FROM config_oracles")]
            rows = funders(reader, addresses, result.head)
            with store.transaction():
                store.set_funders(rows)
        feeds = [{"feed": t.contract, "format": t.fmt.name, "next_block": s.next_block if s else None,
                  "reports": int(store.query("SELECT count(*) FROM reports WHERE contract = ?", [t.contract])[0][0])}
                 for t in targets for s in [store.contract_state(t.contract)]]
    summary = {"db": str(args.db), "chain_id": chain_id, "head": result.head, "reports_added": result.reports,
               "rolled_back": result.rolled_back, "chunks": result.chunks, "feeds": feeds}
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"indexed {result.reports} new report(s) up to block {result.head} into {args.db}"
              + (f" ({result.rolled_back} orphaned report(s) rolled back)" if result.rolled_back else ""))
        for f in feeds:
            print(f"  {f['feed']}  {f['format']:<16}  {f['reports']} reports, next block {f['next_block']}")


def _options(args: argparse.Namespace) -> ScoreOptions:
    from ocr_client.reputation.labels import read_operators, read_tags, read_weights
    from ocr_client.reputation.metrics import METRIC_NAMES
    from ocr_client.reputation.ranking import ScoreOptions

    return ScoreOptions(
        feeds=tuple(args.feed),
        weights=read_weights(args.weights, METRIC_NAMES) if args.weights else None,
        since=args.since, half_life=args.half_life, recent=args.recent,
        operators=read_operators(args.operators) if args.operators else None,
        tags=read_tags(args.tags) if args.tags else None,
    )


def _scored(args: argparse.Namespace) -> tuple[Store, ScoreResult]:
    from ocr_client.reputation.ranking import score
    from ocr_client.reputation.store import Store

    options = _options(args)
    store = Store.open(args.db)
    try:
        return store, score(store, options)
    except BaseException:
        store.close()
        raise


def _score(args: argparse.Namespace) -> None:
    from ocr_client.reputation.table import format_table, write_csv

    store, result = _scored(args)
    store.close()
    if args.json:
        print(json.dumps(result.to_json()))
    elif args.csv:
        write_csv(result, args.csv)
        print(f"wrote {len(result.oracles)} oracles to {args.csv}")
    else:
        print(format_table(result))


def _report(args: argparse.Namespace) -> None:
    from ocr_client.reputation.report_html import write_report

    store, result = _scored(args)
    try:
        write_report(store, result, Path(args.html))
    finally:
        store.close()
    print(f"wrote {args.html} ({len(result.oracles)} oracles)")


def _export(args: argparse.Namespace) -> None:
    from ocr_client.reputation.export import export_parquet
    from ocr_client.reputation.store import Store

    store = Store.open(args.db)
    try:
        paths = export_parquet(store, args.parquet)
    finally:
        store.close()
    sys.stdout.write(f"wrote {len(paths)} Parquet files to {args.parquet}\n")
