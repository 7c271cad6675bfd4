"""Options around the core: operators, categories, Parquet export, receipts and reverted attempts,
and --follow as a long-running process."""

from __future__ import annotations

import contextlib
import json
import os
import pty
import random
import re
import select
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from web3 import Web3

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.chain.rpc import connect
from ocr_client.chain.transactions import send_transaction
from ocr_client.cli import main
from ocr_client.errors import TransactionRevertedError
from ocr_client.reputation.cli import DUCKDB_INTERRUPTED, interrupts_as_keyboard
from ocr_client.reputation.formats import build_formats
from ocr_client.reputation.indexer import IndexOptions, indexing, resolve_feeds
from ocr_client.reputation.rpc import JsonRpcReader
from ocr_client.reputation.window import Since
from ocr_client.testing import LocalFeed
from tests.reputation.conftest import OCR, chain_time, honest_values, index, push_honest, query, scored

REPORTS = 4


@pytest.mark.slow
def test_operators_group_addresses_and_tags_rank_categories(ocr_web3: Web3, ocr_anvil: object, db: Path,
                                                           tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = LocalFeed.deploy(ocr_web3, n=4, seed=61), LocalFeed.deploy(ocr_web3, n=4, seed=62)
    push_honest(a, ocr_web3, REPORTS)
    push_honest(b, ocr_web3, REPORTS)
    url = ocr_anvil.rpc_url  # type: ignore[attr-defined]
    owned = [t.address for t in a.committee.transmitters[:2]]
    ops = tmp_path / "ops.json"
    ops.write_text(json.dumps({"acme": owned}))
    tags = tmp_path / "tags.toml"
    tags.write_text(f'"{a.address}" = ["crypto"]\n"{b.address}" = ["crypto", "fx"]\n')
    assert main(["reputation", "index", "--rpc-url", url, "--feed", a.address, "--feed", b.address, "--db", str(db),
                 "--operators", str(ops)]) == 0
    capsys.readouterr()
    assert main(["reputation", "score", "--db", str(db), "--tags", str(tags), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    acme = [o for o in data["oracles"] if o["operator"] == "acme"]
    assert len(acme) == 1 and acme[0]["metrics"]["total_reports"] == 2 * REPORTS  # two addresses, one entity
    assert len(data["oracles"]) == 4 - 2 + 1 + 4
    assert [c["category"] for c in data["categories"]] == ["crypto", "fx"]
    assert len(data["categories"][0]["ranking"]) == len(data["oracles"])
    assert len(data["categories"][1]["ranking"]) == 4  # only feed b is fx
    assert {f["feed"]: len(f["ranking"]) for f in data["feeds"]} == {a.address.lower(): 3, b.address.lower(): 4}


@pytest.mark.slow
def test_export_writes_every_table_as_parquet(ocr_web3: Web3, ocr_anvil: object, db: Path, tmp_path: Path) -> None:
    local = LocalFeed.deploy(ocr_web3, n=4, seed=63)
    push_honest(local, ocr_web3, REPORTS)
    index(ocr_anvil.rpc_url, [local.address], db)  # type: ignore[attr-defined]
    out = tmp_path / "parquet"
    assert main(["reputation", "export", "--db", str(db), "--parquet", str(out)]) == 0
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*) FROM read_parquet('{out / 'observations.parquet'}')").fetchone() == (4 * REPORTS,)
    assert con.execute(f"SELECT count(*) FROM read_parquet('{out / 'reports.parquet'}')").fetchone() == (REPORTS,)


@pytest.mark.slow
def test_receipts_and_reverted_attempts_are_counted_per_sender(ocr_web3: Web3, ocr_anvil: object, db: Path) -> None:
    local = LocalFeed.deploy(ocr_web3, n=4, seed=64)
    push_honest(local, ocr_web3, REPORTS)
    stale = local.signed_transmit(honest_values(4, 9, random.Random(2)), round=1)  # (epoch, round) already used
    late_sender = local.committee.transmitters[2]
    local.fund(late_sender.address)
    with pytest.raises(TransactionRevertedError):
        local.handle.transmit(late_sender, local.with_sender(stale, late_sender).calldata, gas=600_000)
    index(ocr_anvil.rpc_url, [local.address], db, receipts=True, scan_reverts=True)  # type: ignore[attr-defined]
    metrics = {o.oracle: o.metrics for o in scored(db).oracles}
    assert metrics[late_sender.address]["reverted_attempts"] == 1
    assert metrics[late_sender.address]["wasted_gas"] > 0  # type: ignore[operator]
    sender = local.committee.transmitters[0].address
    assert metrics[sender]["reverted_attempts"] == 0 and metrics[sender]["reports_transmitted"] == REPORTS
    assert metrics[sender]["effective_gas_price_gwei"] > 0  # type: ignore[operator]
    assert query(db, "SELECT count(*) FROM receipts WHERE status = 0") == [(1,)]
    # a window after the failed attempt sees none of it, and only the later transmissions' receipts
    ocr_web3.provider.make_request("evm_increaseTime", [3600])  # type: ignore[arg-type]
    since = chain_time(ocr_web3) + 1800
    push_honest(local, ocr_web3, REPORTS, seed=3)
    index(ocr_anvil.rpc_url, [local.address], db, receipts=True, scan_reverts=True)  # type: ignore[attr-defined]
    windowed = {o.oracle: o.metrics for o in scored(db, since=Since(absolute=since)).oracles}
    assert windowed[late_sender.address]["reverted_attempts"] == 0
    assert windowed[late_sender.address]["wasted_gas"] == 0
    assert windowed[sender]["reports_transmitted"] == REPORTS and windowed[sender]["effective_gas_price_gwei"] > 0  # type: ignore[operator]
    assert {o.oracle: o.metrics["reverted_attempts"] for o in scored(db).oracles}[late_sender.address] == 1


@pytest.fixture
def own_chain() -> Iterator[tuple[Anvil, Web3]]:
    with Anvil() as node:
        yield node, connect(node.rpc_url)


def _read(terminal: int, wait_s: float = 0.1) -> str:
    """What the terminal has for us within ``wait_s`` ("" if nothing, or once the other end is
    closed and read out)."""
    with contextlib.suppress(OSError):  # EIO: the process ended and everything was read
        if select.select([terminal], [], [], wait_s)[0]:
            return os.read(terminal, 65536).decode(errors="replace")
    return ""


def _reports_shown(terminal: int, proc: subprocess.Popen[str], wanted: int, timeout_s: float = 120.0) -> None:
    """Read the index's progress line from its terminal until it counts ``wanted`` reports: the
    process has then stored them (a line is written after each stored chunk)."""
    shown = ""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None:
        shown += _read(terminal)
        counts = [int(n.replace(",", "")) for n in re.findall(r"([\d,]+) reports", shown)]
        if counts and max(counts) >= wanted:
            return
    raise AssertionError(f"no progress line with {wanted} reports (exit code {proc.poll()}): {shown[-300:]!r}")


def _drain(terminal: int) -> str:
    """What is left to read on a terminal whose process has ended."""
    said = ""
    while chunk := _read(terminal):
        said += chunk
    return said


@pytest.mark.slow
def test_follow_keeps_indexing_until_interrupted(own_chain: tuple[Anvil, Web3], db: Path) -> None:
    """A following index picks up reports made after its first pass, shows its progress on a
    terminal, and an interrupt ends it cleanly with everything stored once."""
    node, w3 = own_chain
    local = LocalFeed.deploy(w3, n=4)
    push_honest(local, w3, 2)
    terminal, terminal_end = pty.openpty()  # stderr is a terminal, so the progress line is drawn
    proc = subprocess.Popen([OCR, "reputation", "index", "--rpc-url", node.rpc_url, "--feed", local.address,
                             "--db", str(db), "--follow", "--poll", "0.3", "--json"],
                            stdout=subprocess.PIPE, stderr=terminal_end, text=True)
    os.close(terminal_end)
    try:
        _reports_shown(terminal, proc, 2)  # the first pass is done
        push_honest(local, w3, 3, seed=2)  # rounds continue from the helper's (epoch, round)
        _reports_shown(terminal, proc, 5)  # a later poll found them
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
        said = _drain(terminal)
        os.close(terminal)
    assert proc.returncode == 0
    assert "stopping after the chunk in hand" in said
    assert json.loads(out)["reports_added"] == 5
    assert query(db, "SELECT count(*) FROM reports") == [(5,)]


def test_a_stop_ends_a_run_after_the_chunk_in_hand(ocr_web3: Web3, ocr_anvil: object, db: Path) -> None:
    """What Ctrl-C asks for: the chunk being stored is committed with its cursor, nothing after it,
    and the next run goes on from there without counting anything twice."""
    local = LocalFeed.deploy(ocr_web3, n=4, seed=66)
    push_honest(local, ocr_web3, 6)  # one report a block
    reader = JsonRpcReader(ocr_anvil.rpc_url)  # type: ignore[attr-defined]
    targets = resolve_feeds(reader, [local.address], build_formats())
    stored: list[int] = []  # reports after each chunk: stop once there are any
    with indexing(reader, db, targets, IndexOptions(chunk=1), on_chunk=lambda p: stored.append(p.reports),
                  stop=lambda: any(stored)) as indexer:
        first = indexer.run(targets)
    assert 1 <= first.reports < 6
    assert query(db, "SELECT count(*) FROM reports") == [(first.reports,)]
    assert query(db, "SELECT next_block FROM contracts") == [(first.block + 1,)]
    rest = index(ocr_anvil.rpc_url, [local.address], db)  # type: ignore[attr-defined]
    assert rest.reports == 6 - first.reports
    assert query(db, "SELECT count(*), count(DISTINCT round_id) FROM reports") == [(6, 6)]


@pytest.mark.slow
def test_transmitters_first_funded_by_one_address_are_flagged(ocr_web3: Web3, ocr_anvil: object, db: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    local = LocalFeed.deploy(ocr_web3, n=4, seed=65)
    push_honest(local, ocr_web3, REPORTS)
    patron = dev_account(7)
    shared = [local.committee.transmitters[i].address for i in (2, 3)]
    for address in shared:
        send_transaction(ocr_web3, patron, address, b"", value=10**17)
    assert main(["reputation", "index", "--rpc-url", ocr_anvil.rpc_url, "--feed", local.address,  # type: ignore[attr-defined]
                 "--db", str(db), "--funders"]) == 0
    for sybil in (True, False):  # the funders are read beside the pair analysis, or alone without it
        flags = {o.oracle: [f for f in o.flags if f["kind"] == "common-funder"] for o in scored(db, sybil=sybil).oracles}
        assert {a for a, f in flags.items() if f} == set(shared)
        assert flags[shared[0]][0]["funder"] == patron.address and flags[shared[0]][0]["with"] == [shared[1]]


def test_ctrl_c_inside_a_duckdb_statement_ends_the_command_as_an_interrupt() -> None:
    """DuckDB's client raises an interrupt during a statement as RuntimeError("Query interrupted")
    (seen when Ctrl-C landed in an index's commit): the CLI turns it back into an interrupt, so
    `ocr reputation score` says "interrupted" in one line instead of a traceback. Any other
    RuntimeError stays what it is. (A real signal is not sent here: under load DuckDB may look
    for it only after the statement, which makes such a test slow and its path uncertain.)"""
    with pytest.raises(KeyboardInterrupt) as caught, interrupts_as_keyboard():
        raise RuntimeError(DUCKDB_INTERRUPTED)
    assert isinstance(caught.value.__cause__, RuntimeError)
    with pytest.raises(RuntimeError, match="other"), interrupts_as_keyboard():
        raise RuntimeError("other")
