"""``ocr demo --reputation``: the demo's own feed judged from the chain alone, right after the run.

The demo knows who lied; the reputation engine must not. So this step gets nothing from the run
but the feed's address and the chain's RPC URL: it runs ``ocr reputation index`` over RPC, then
``ocr reputation score`` on what was indexed, through the same command handlers a user types, and
shows the ranking (a table, or the score document inside the demo's JSON).
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

#: Runs one ``ocr`` command line (the CLI's parser and handlers), printing to stdout.
Dispatch = Callable[[list[str]], None]


@contextlib.contextmanager
def _database(path: str | None) -> Iterator[Path]:
    """``path`` when the user wants to keep the database, else one in a directory removed after."""
    if path is not None:
        yield Path(path)
        return
    with tempfile.TemporaryDirectory(prefix="ocr-demo-reputation-") as folder:
        yield Path(folder) / "reputation.duckdb"


def _commands(rpc_url: str, feed: str, db: Path) -> tuple[list[str], list[str]]:
    index = ["reputation", "index", "--rpc-url", rpc_url, "--feed", feed, "--db", str(db)]
    score = ["reputation", "score", "--db", str(db), "--feed", feed]
    return index, score


def print_reputation(dispatch: Dispatch, rpc_url: str, feed: str, db_path: str | None = None) -> None:
    """Index ``feed`` over ``rpc_url`` and print its ranking table."""
    with _database(db_path) as db:
        index, score = _commands(rpc_url, feed, db)
        print(f"reputation of feed {feed}, computed from the chain alone (rank 1 is best):")
        dispatch(index)
        dispatch(score)


def reputation_json(dispatch: Dispatch, rpc_url: str, feed: str, db_path: str | None = None) -> Any:
    """Index ``feed`` over ``rpc_url`` and return ``ocr reputation score --json``'s document."""
    with _database(db_path) as db:
        index, score = _commands(rpc_url, feed, db)
        with contextlib.redirect_stdout(io.StringIO()):
            dispatch([*index, "--json"])
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            dispatch([*score, "--json"])
    return json.loads(out.getvalue())
