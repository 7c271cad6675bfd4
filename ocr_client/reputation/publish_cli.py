"""``ocr reputation publish`` and ``ocr reputation verify`` (registered by :mod:`.cli`).

``publish`` scores a store, builds the Merkle tree and posts the commitment; ``verify`` recomputes
a publication from chain data alone and exits 0 if its root matches, 1 with a diff if not.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any, Final

from ocr_client.chain.session import load_account, open_session
from ocr_client.registry.contract import ReputationRegistryHandle
from ocr_client.reputation.errors import ReputationError
from ocr_client.reputation.publication import (
    LeafChange,
    ScoreTable,
    leaf_diff,
    read_table_leaves,
    recompute,
    score_table,
)
from ocr_client.reputation.ranking import ScoreOptions
from ocr_client.reputation.rpc import JsonRpcReader
from ocr_client.reputation.store import Store

RPC_URL_ENV: Final[str] = "OCR_RPC_URL"
EXIT_MISMATCH: Final[int] = 1
FILE_URI: Final[str] = "file://"


def add_publication_parsers(sub: Any, scoring_options: Any, method_options: Any) -> None:
    """Add ``publish`` and ``verify`` to the ``ocr reputation`` subcommands. ``scoring_options``
    adds --db, --feed and the method flags; ``method_options`` only the method flags (weights,
    window, decay, operators), which verify must be given as the publisher used them."""
    publish = sub.add_parser("publish", help="score, build the Merkle tree of (oracle, score, rank), post it")
    scoring_options(publish)
    publish.add_argument("--registry", required=True, metavar="ADDR", help="the ReputationRegistry contract")
    publish.add_argument("--rpc-url", default=os.environ.get(RPC_URL_ENV), help="chain of the registry")
    publish.add_argument("--private-key-file", default=None, help="the publisher's key (default: $OCR_PRIVATE_KEY)")
    publish.add_argument("--out", default=None, help="write the table with every oracle's proof here")
    publish.add_argument("--uri", default=None, help="where the table is served (default: file:// of --out)")
    publish.add_argument("--json", action="store_true", help="print one JSON document")

    verify = sub.add_parser("verify", help="recompute a publication from chain data; exit 0 if its root matches")
    verify.add_argument("--registry", required=True, metavar="ADDR", help="the ReputationRegistry contract")
    verify.add_argument("--publication", type=int, required=True, metavar="ID", help="publication id (from 1)")
    verify.add_argument("--rpc-url", default=os.environ.get(RPC_URL_ENV), help="the chain of the registry and feeds")
    method_options(verify)
    verify.add_argument("--table", default=None, help="the published table (default: the publication's file:// URI)")
    verify.add_argument("--json", action="store_true", help="print one JSON document")


def run_publish(args: argparse.Namespace, options: ScoreOptions) -> None:
    store = Store.open(args.db)
    try:
        table = score_table(store, options)
    finally:
        store.close()
    session = open_session(args.rpc_url)
    registry = ReputationRegistryHandle(session.w3, args.registry)
    account = load_account(args.private_key_file, session.managed)
    uri = args.uri if args.uri is not None else (FILE_URI + str(Path(args.out).resolve()) if args.out else "")
    if args.out:
        _write(Path(args.out), table)
    pid, receipt = registry.publish(account, table.method_id, table.contracts, table.from_block, table.to_block,
                                    table.root, uri)
    summary = {"publication": pid, "registry": registry.address, "method_id": "0x" + table.method_id.hex(),
               "root": "0x" + table.root.hex(), "contracts": list(table.contracts), "from_block": table.from_block,
               "to_block": table.to_block, "oracles": len(table.leaves), "uri": uri,
               "tx": "0x" + bytes(receipt["transactionHash"]).hex()}
    print(json.dumps(summary) if args.json else
          f"published {len(table.leaves)} scores as publication {pid} (root {summary['root']}, blocks "
          f"{table.from_block}..{table.to_block})")


def _write(path: Path, table: ScoreTable) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(table.to_json(), indent=1) + "\n")
    tmp.replace(path)


def run_verify(args: argparse.Namespace, options: ScoreOptions) -> int:
    if not args.rpc_url:
        raise ReputationError(f"give --rpc-url or set {RPC_URL_ENV}")
    session = open_session(args.rpc_url)
    publication = ReputationRegistryHandle(session.w3, args.registry).publication(args.publication)
    table = recompute(JsonRpcReader(args.rpc_url), publication.feeds, publication.from_block, publication.to_block,
                      options)
    method_ok = table.method_id == publication.method_id
    root_ok = table.root == publication.root
    changes: list[LeafChange] = []
    published_path = _table_path(args.table, publication.uri)
    if not root_ok and published_path is not None:
        changes = leaf_diff(read_table_leaves(published_path), table.leaves)
    report = {"publication": args.publication, "match": method_ok and root_ok, "method_matches": method_ok,
              "published_root": "0x" + publication.root.hex(), "recomputed_root": "0x" + table.root.hex(),
              "published_method_id": "0x" + publication.method_id.hex(),
              "recomputed_method_id": "0x" + table.method_id.hex(),
              "diff": [{"oracle": c.oracle, "published": _pair(c.published), "recomputed": _pair(c.recomputed)}
                       for c in changes]}
    if args.json:
        print(json.dumps(report))
    else:
        _print_report(report, published_path)
    return 0 if report["match"] else EXIT_MISMATCH


def _pair(value: tuple[int, int] | None) -> dict[str, int] | None:
    return None if value is None else {"score": value[0], "rank": value[1]}


def _table_path(explicit: str | None, uri: str) -> Path | None:
    if explicit:
        return Path(explicit)
    if uri.startswith(FILE_URI) and Path(uri[len(FILE_URI):]).exists():
        return Path(uri[len(FILE_URI):])
    return None


def _print_report(report: dict[str, Any], published: Path | None) -> None:
    if report["match"]:
        print(f"publication {report['publication']}: root {report['published_root']} recomputed from chain data: match")
        return
    if not report["method_matches"]:
        print(f"publication {report['publication']}: method differs (published {report['published_method_id']}, "
              f"recomputed {report['recomputed_method_id']}): pass the publisher's --weights/--since/--operators")
    print(f"publication {report['publication']}: root {report['published_root']} != recomputed "
          f"{report['recomputed_root']}")
    if published is None:
        print("  (no published table to compare oracle by oracle: pass --table FILE)")
    for change in report["diff"]:
        print(f"  {change['oracle']}: published {change['published']}, recomputed {change['recomputed']}")

