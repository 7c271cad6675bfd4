"""Real node processes over the real transport against a real anvil (slow).

Every wait is a poll with a deadline; nothing asserts how long anything took. Every process is
stopped by PID in ``finally`` (the devnet's stop(), or by hand for the CLI subprocess).
"""

from __future__ import annotations

import json
import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ocr_client.chain.rpc import connect
from ocr_client.errors import RPCUnreachableError
from ocr_client.feed import Feed
from ocr_client.node.devnet import Devnet, DevnetError
from ocr_client.node.provision import config_path

pytestmark = pytest.mark.slow

REPORT_TIMEOUT = 90.0
SignedRows = defaultdict[tuple[bytes, int, int], set[bytes]]


def wait_until(condition: Callable[[], bool], timeout: float, what: str, poll: float = 0.25) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(poll)


def collect_signed(devnet: Devnet, rows: SignedRows, per_node: dict[tuple[int, bytes, int, int], set[bytes]]) -> None:
    """Add every node's recorded (digest, epoch, round) -> report hash to ``rows`` (stores are read-only here)."""
    for i in range(devnet.n):
        path = devnet.store_path(i)
        if not path.exists():
            continue
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            for digest, epoch, round_, report_hash in conn.execute(
                    "SELECT config_digest, epoch, round, report_hash FROM signed"):
                key = (bytes(digest), int(epoch), int(round_))
                rows[key].add(bytes(report_hash))
                per_node[(i, *key)].add(bytes(report_hash))
        finally:
            conn.close()


def log_after(devnet: Devnet, i: int, offset: int) -> str:
    with open(devnet.log_path(i), "rb") as log:
        log.seek(offset)
        return log.read().decode(errors="replace")


@pytest.fixture
def devnet(tmp_path: Path) -> Iterator[Devnet]:
    net = Devnet(nodes=4, directory=tmp_path / "devnet", seed=11)
    try:
        net.start()
        yield net
    finally:
        net.stop()


def test_reports_survive_a_crashed_and_restarted_node(devnet: Devnet) -> None:
    rows: SignedRows = defaultdict(set)
    per_node: dict[tuple[int, bytes, int, int], set[bytes]] = defaultdict(set)
    first = devnet.wait_for_round(1, REPORT_TIMEOUT)  # at least two reports
    assert first is not None and first.round_id >= 2
    collect_signed(devnet, rows, per_node)

    victim = 2
    pid = devnet.processes[victim].pid
    devnet.kill(victim, signal.SIGKILL)
    assert victim not in devnet.processes and not _alive(pid)
    before = devnet.latest_round()
    assert before is not None
    after_crash = devnet.wait_for_round(before.round_id + 1, REPORT_TIMEOUT)  # two more without it
    assert after_crash is not None
    collect_signed(devnet, rows, per_node)

    offset = devnet.log_path(victim).stat().st_size
    devnet.launch(victim)  # same config, same SQLite store
    wait_until(lambda: 'event="signed"' in log_after(devnet, victim, offset), REPORT_TIMEOUT,
               "the restarted node to sign a report again")
    restarted_log = log_after(devnet, victim, offset)
    assert 'event="started"' in restarted_log
    assert 'event="observed"' in restarted_log
    resumed = devnet.latest_round()
    assert resumed is not None
    final = devnet.wait_for_round(resumed.round_id + 1, REPORT_TIMEOUT)
    assert final is not None
    devnet.check_alive()
    collect_signed(devnet, rows, per_node)

    assert rows, "no node recorded a signed report"
    equivocations = {key: hashes for key, hashes in per_node.items() if len(hashes) > 1}
    assert not equivocations, f"a node signed two reports for one round: {equivocations}"
    conflicts = {key: hashes for key, hashes in rows.items() if len(hashes) > 1}
    assert not conflicts, f"nodes signed different reports for one (epoch, round): {conflicts}"
    for i in range(devnet.n):
        assert "refused-equivocation" not in devnet.log_path(i).read_text(errors="replace")


def test_every_devnet_node_serves_prometheus_metrics(devnet: Devnet) -> None:
    devnet.wait_for_round(1, REPORT_TIMEOUT)
    for i in range(devnet.n):
        port = json.loads(config_path(devnet.folder, i).read_text())["metrics_port"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            text = response.read().decode()
        assert 'ocr_events_total{' in text and 'phase="finalize"' in text, text[:400]
        assert "ocr_phase_latency_seconds_bucket" in text


def _devnet_command() -> list[str]:
    """``ocr devnet`` without the console script."""
    return [sys.executable, "-m", "ocr_client.cli", "devnet"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _read_line(proc: subprocess.Popen[bytes], timeout: float) -> str:
    """The first stdout line of ``proc``, or fail at the deadline or at EOF."""
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    buffer = b""
    while b"\n" not in buffer:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError("no JSON line from `ocr devnet` in time")
        ready, _, _ = select.select([proc.stdout], [], [], min(remaining, 0.5))
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                raise AssertionError(f"`ocr devnet` closed stdout without a JSON line (exit code {proc.wait(10)})")
            buffer += chunk
    return buffer.split(b"\n", 1)[0].decode()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_devnet_cli_json_then_clean_exit(tmp_path: Path, sig: signal.Signals) -> None:
    stderr = tmp_path / "devnet.stderr"
    with open(stderr, "wb") as err:
        proc = subprocess.Popen([*_devnet_command(), "--nodes", "4", "--json", "--dir", str(tmp_path / "net")],
                                stdout=subprocess.PIPE, stderr=err, start_new_session=True)
    pids: list[int] = []
    try:
        line = _read_line(proc, REPORT_TIMEOUT)
        info = json.loads(line)
        assert set(info) == {"rpc_url", "chain_id", "feeds", "pids"}
        assert info["chain_id"] == 31337 and len(info["feeds"]) == 1 and len(info["pids"]) == 4
        pids = list(info["pids"])
        assert all(_alive(p) for p in pids)
        w3 = connect(info["rpc_url"])
        latest = Feed(w3, info["feeds"][0]).latest_round()
        assert latest is not None and latest.round_id >= 1
        proc.send_signal(sig)
        assert proc.wait(timeout=30) == 0, stderr.read_text()
        rest = proc.stdout.read() if proc.stdout else b""
        assert rest.strip() == b"", "only one line on stdout with --json"
        wait_until(lambda: not any(_alive(p) for p in pids), 10, "every node process to be gone")
        with pytest.raises(RPCUnreachableError):
            connect(info["rpc_url"], timeout=2)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for p in pids:
            if _alive(p):
                os.kill(p, signal.SIGKILL)


def test_a_node_that_dies_at_start_is_reported_with_its_log(devnet: Devnet) -> None:
    devnet.kill(0, signal.SIGTERM)
    config = devnet.config_path(0)
    doc = json.loads(config.read_text())
    doc["expected_config_digest"] = "0x" + "ab" * 32
    config.write_text(json.dumps(doc))
    devnet.launch(0)
    with pytest.raises(DevnetError, match=r"node 0 \(pid \d+\) exited with code 1: .*expects 0xabab"):
        devnet.wait_for_round(10**6, REPORT_TIMEOUT)


def test_on_interval_mining_a_node_killed_between_send_and_confirm_resumes_its_transmit(tmp_path: Path) -> None:
    """Blocks every 2 s and K = 3: a transmit takes seconds to confirm. The node that has just sent
    one is SIGKILLed and restarted; its manager finds the stored attempt and follows it to K
    confirmations. Every report lands once, and no transmitter reuses or skips a nonce."""
    net = Devnet(nodes=4, directory=tmp_path / "devnet", seed=12, block_time=2,
                 transmission={"confirmations": 3, "max_fee_per_gas": 50 * 10**9})
    try:
        net.start()
        first = net.wait_for_round(0, REPORT_TIMEOUT)
        assert first is not None
        victim: int | None = None
        deadline = time.monotonic() + REPORT_TIMEOUT
        while victim is None and time.monotonic() < deadline:
            time.sleep(0.05)
            victim = next((i for i in range(net.n) if _sent_unconfirmed(net, i)), None)
        assert victim is not None, "no node had a transmit in flight"
        key = _sent_unconfirmed(net, victim)
        net.kill(victim, signal.SIGKILL)
        offset = net.log_path(victim).stat().st_size
        net.launch(victim)
        wait_until(lambda: _state(net, victim, key) in ("confirmed", "reverted", "abandoned"), REPORT_TIMEOUT,
                   "the restarted node to finish the transmit it had in flight")
        assert 'event="started"' in log_after(net, victim, offset)
        latest = net.latest_round()
        assert latest is not None
        net.wait_for_round(latest.round_id + 1, REPORT_TIMEOUT)
        net.check_alive()
        assert net.feed is not None and net.committee is not None
        landed = [(t.epoch, t.round) for t in net.feed.transmissions()]
        assert len(landed) == len(set(landed)), f"a report landed twice: {landed}"
        w3 = net.feed.w3
        for i, account in enumerate(net.committee.transmitters):
            nonces = _store_nonces(net, i)
            assert len(nonces) == len(set(nonces)), f"node {i} used a nonce twice: {nonces}"
            mined = int(w3.eth.get_transaction_count(account.address))
            assert sorted(nonces)[:mined] == list(range(mined)), f"node {i} skipped a nonce: {nonces}, chain {mined}"
    finally:
        net.stop()


def _sent_unconfirmed(net: Devnet, i: int) -> str | None:
    """The key of a transmit node i has sent and not yet confirmed, from its store (read-only)."""
    path = net.store_path(i)
    if not path.exists():
        return None
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        row = conn.execute("SELECT key FROM txm_txs WHERE state IN ('unconfirmed', 'mined') LIMIT 1").fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()
    return None if row is None else str(row[0])


def _state(net: Devnet, i: int, key: str | None) -> str:
    conn = sqlite3.connect(f"file:{net.store_path(i)}?mode=ro", uri=True, timeout=5)
    try:
        row = conn.execute("SELECT state FROM txm_txs WHERE key = ?", (key,)).fetchone()
    finally:
        conn.close()
    return "" if row is None else str(row[0])


def _store_nonces(net: Devnet, i: int) -> list[int]:
    """Nonces of node i's transactions that were sent and not given up before landing."""
    conn = sqlite3.connect(f"file:{net.store_path(i)}?mode=ro", uri=True, timeout=5)
    try:
        rows = conn.execute("SELECT nonce FROM txm_txs WHERE nonce IS NOT NULL AND nonce_released = 0 "
                            "AND state IN ('confirmed', 'reverted', 'mined', 'unconfirmed')").fetchall()
    finally:
        conn.close()
    return [int(r[0]) for r in rows]
