"""A whole oracle network on one machine: anvil, a configured feed and N node processes.

``ocr devnet`` is what a dApp developer runs to get a feed that updates by itself, and what the
multi-process tests run to exercise the real transport. Every oracle is a separate OS process
(``python -m ocr_client.cli.node node --config ...``) talking CURVE-authenticated ZeroMQ on
127.0.0.1, with its own SQLite store and log file, so killing and restarting one behaves exactly
like a crashed production node.

Everything the devnet creates lives in one folder (committee keys, node configs, secrets,
stores, logs), kept after exit for inspection. Processes are tracked by PID and always stopped
(SIGTERM, then SIGKILL after a grace period), also when start-up fails half-way.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any, Final

from eth_account.signers.local import LocalAccount
from web3 import Web3

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.chain.rpc import connect, preflight
from ocr_client.chain.rpc_pool import RpcPool, pool_web3
from ocr_client.chain.transactions import send_transaction
from ocr_client.committee.contract import RoundData
from ocr_client.committee.local import LocalCommittee
from ocr_client.errors import OCRError
from ocr_client.feed import Feed
from ocr_client.node.provision import NodeSetup, config_path, derived_int, log_path, store_path, write_node_configs
from ocr_client.protocol.config import Timing

#: Protocol timing for a live devnet: a round a second, reports on 0.05% moves or every 20 s.
DEVNET_TIMING: Final[Timing] = Timing(
    delta_progress=8.0, delta_resend=2.0, delta_round=1.0, delta_grace=0.25, delta_stage=2.0, r_max=20,
    alpha=0.0005, delta_c=20.0, max_duration_observation=1.0, max_duration_transmit=5.0)
#: Gas money per transmitter: a devnet may run for hours, one report costs well under 0.001 ETH.
DEVNET_FUNDING_WEI: Final[int] = 100 * 10**18
STOP_GRACE_S: Final[float] = 5.0
POLL_S: Final[float] = 0.25
MIN_ANSWER: Final[int] = 1
MAX_ANSWER: Final[int] = 10**30
LOG_TAIL_LINES: Final[int] = 5
PR_SET_PDEATHSIG: Final[int] = 1  # linux/prctl.h


class DevnetError(OCRError):
    """The devnet could not start, or a node process died."""


def node_command(config: Path, log_level: str = "INFO") -> list[str]:
    """How the devnet starts one node: this interpreter, so it runs the same code as the caller."""
    return [sys.executable, "-m", "ocr_client.cli.node", "node", "--config", str(config), "--log-level", log_level]


def format_answer(answer: int, decimals: int) -> str:
    return str(Decimal(answer).scaleb(-decimals))


def solidity_snippet(address: str) -> str:
    """What a dApp needs to read the feed (OCRFeed implements AggregatorV3Interface)."""
    return (
        'import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";\n'
        f"AggregatorV3Interface feed = AggregatorV3Interface({address});\n"
        "(uint80 roundId, int256 answer, , uint256 updatedAt, ) = feed.latestRoundData();"
    )


class Devnet:
    """anvil + a configured OCRFeed + ``nodes`` oracle processes. Use as a context manager."""

    def __init__(self, nodes: int = 4, directory: Path | None = None, seed: int | None = None,
                 timing: Timing = DEVNET_TIMING, decimals: int = 8, start_price: float = 3000.0,
                 volatility: float = 0.002, noise: float = 0.0005, log_level: str = "INFO",
                 block_time: int | None = None, rpc_urls: tuple[str, ...] = (), owner: LocalAccount | None = None,
                 transmission: dict[str, Any] | None = None, password: str | None = None,
                 funding_wei: int = DEVNET_FUNDING_WEI, committee: LocalCommittee | None = None) -> None:
        if nodes < 1:
            raise DevnetError(f"a devnet needs at least one node, got {nodes}")
        self.n = nodes
        self.directory = directory
        self.seed = seed
        self.timing = timing
        self.decimals = decimals
        self.start_price = start_price
        self.volatility = volatility
        self.noise = noise
        self.log_level = log_level
        self.block_time = block_time
        self.rpc_urls = rpc_urls
        self.owner = owner
        self.transmission = transmission
        self.password = password
        self.funding_wei = funding_wei
        self._given_committee = committee
        if rpc_urls and owner is None:
            raise DevnetError("a devnet on an existing chain (--rpc-url) needs a funded deployer key "
                              "(--private-key-file or OCR_PRIVATE_KEY)")
        self.anvil: Anvil | None = None
        self.w3: Web3 | None = None
        self.feed: Feed | None = None
        self.committee: LocalCommittee | None = None
        self.processes: dict[int, subprocess.Popen[bytes]] = {}
        self.started_at = 0.0
        self._walk_seed = derived_int(None, "walk", 0)

    # --- paths -----------------------------------------------------------------------------

    @property
    def folder(self) -> Path:
        if self.directory is None:
            raise DevnetError("the devnet has not been started")
        return self.directory

    def config_path(self, i: int) -> Path:
        return config_path(self.folder, i)

    def log_path(self, i: int) -> Path:
        return log_path(self.folder, i)

    def store_path(self, i: int) -> Path:
        return store_path(self.folder, i)

    @property
    def rpc_url(self) -> str:
        if self.rpc_urls:
            return self.rpc_urls[0]
        if self.anvil is None:
            raise DevnetError("the devnet has not been started")
        return self.anvil.rpc_url

    @property
    def address(self) -> str:
        if self.feed is None:
            raise DevnetError("the devnet has not been started")
        return self.feed.address

    @property
    def pids(self) -> list[int]:
        return [p.pid for _, p in sorted(self.processes.items())]

    def info(self) -> dict[str, Any]:
        """The one JSON document ``ocr devnet --json`` prints."""
        chain_id = int(self.w3.eth.chain_id) if self.w3 is not None else None
        return {"rpc_url": self.rpc_url, "chain_id": chain_id, "feeds": [self.address], "pids": self.pids}

    # --- lifetime --------------------------------------------------------------------------

    def start(self) -> Devnet:
        """Start anvil, deploy and configure the feed, write every file and launch every node.

        On any failure everything started so far is stopped before the error propagates.
        """
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        if self.directory is None:
            self.directory = Path(tempfile.mkdtemp(prefix="ocr-devnet-"))
        self.directory = self.directory.resolve()  # the nodes run with it as their working folder
        self.directory.mkdir(parents=True, exist_ok=True)
        if any(self.directory.iterdir()):
            raise DevnetError(f"{self.directory} is not empty; give a new or empty --dir")
        self.started_at = time.time()
        if self.rpc_urls:
            pool = RpcPool(self.rpc_urls)
            pool.check()  # one line naming an RPC that is down or of another chain
            self.w3 = w3 = pool_web3(pool)
        else:
            self.anvil = Anvil(block_time=self.block_time).start()
            self.w3 = w3 = connect(self.anvil.rpc_url)
        preflight(w3)
        owner = self.owner or dev_account(0)
        self.committee = committee = self._given_committee or LocalCommittee.create(self.n, seed=self.seed)
        self.feed = feed = Feed.deploy(w3, owner, self.decimals, "DEVNET / USD")
        feed.set_config(owner, committee.onchain_config(MIN_ANSWER, MAX_ANSWER))
        for account in committee.transmitters:
            send_transaction(w3, owner, account.address, b"", value=self.funding_wei)
        urls = self.rpc_urls or (self.rpc_url,)
        setup = NodeSetup(rpc_url=urls if len(urls) > 1 else urls[0], feed=feed.address,
                          config_digest=feed.config_digest(), committee=committee, timing=self.timing,
                          min_answer=MIN_ANSWER, max_answer=MAX_ANSWER, seed=self.seed, log_level=self.log_level,
                          transmission=self.transmission, password=self.password)
        write_node_configs(self.directory, setup, self._sources)
        for i in range(self.n):
            self.launch(i)

    def _sources(self, i: int) -> list[dict[str, Any]]:
        """Node i reads the shared random walk (same seed, wall-clock origin = devnet start) with its own noise."""
        walk_seed = self.seed if self.seed is not None else self._walk_seed
        return [{"type": "random-walk", "name": "random-walk", "seed": walk_seed, "start": self.start_price,
                 "volatility": self.volatility, "step_seconds": self.timing.delta_round, "origin": self.started_at,
                 "noise": self.noise, "noise_seed": derived_int(self.seed, "noise", i)}]

    def launch(self, i: int) -> subprocess.Popen[bytes]:
        """Start (or restart) node ``i`` with its config and store, appending to its log file."""
        old = self.processes.get(i)
        if old is not None and old.poll() is None:
            raise DevnetError(f"node {i} is already running (pid {old.pid})")
        # A session of its own: Ctrl-C in the terminal reaches the devnet, which stops the nodes in order.
        with open(self.log_path(i), "ab") as log:  # the child keeps its own descriptor
            self.processes[i] = subprocess.Popen(node_command(self.config_path(i), self.log_level),
                                                 stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                                 cwd=self.folder, start_new_session=True,
                                                 preexec_fn=_die_with_parent if sys.platform == "linux" else None)
        return self.processes[i]

    def kill(self, i: int, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to node ``i`` and wait for it to exit (a crash, for SIGKILL)."""
        proc = self.processes.get(i)
        if proc is None:
            return
        _stop_process(proc, sig)
        del self.processes[i]

    def stop(self) -> None:
        """Stop every node (SIGTERM, SIGKILL after STOP_GRACE_S) and anvil; never raises for a dead child."""
        procs, self.processes = self.processes, {}
        for proc in procs.values():
            if proc.poll() is None:
                try:
                    proc.send_signal(signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + STOP_GRACE_S
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _stop_process(proc, signal.SIGKILL)
        anvil, self.anvil = self.anvil, None
        if anvil is not None:
            anvil.stop()

    def __enter__(self) -> Devnet:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    # --- watching --------------------------------------------------------------------------

    def check_alive(self) -> None:
        """Raise DevnetError naming the first node process that exited, with its log's last lines."""
        for i, proc in sorted(self.processes.items()):
            code = proc.poll()
            if code is not None:
                raise DevnetError(f"node {i} (pid {proc.pid}) exited with code {code}: {self.log_tail(i)}")

    def log_tail(self, i: int, lines: int = LOG_TAIL_LINES) -> str:
        try:
            text = self.log_path(i).read_text(errors="replace")
        except OSError:
            return "(no log)"
        tail = [ln.strip() for ln in text.splitlines() if ln.strip()][-lines:]
        return " | ".join(tail) or "(empty log)"

    def latest_round(self) -> RoundData | None:
        if self.feed is None:
            raise DevnetError("the devnet has not been started")
        return self.feed.latest_round()

    def wait_for_round(self, after: int = 0, timeout: float = 60.0,
                       stop: Callable[[], bool] = lambda: False) -> RoundData | None:
        """The newest round once its id exceeds ``after``; None if ``stop()`` became true first.

        Raises DevnetError when ``timeout`` passes or a node process dies while waiting.
        """
        deadline = time.monotonic() + timeout
        while not stop():
            self.check_alive()
            latest = self.latest_round()
            if latest is not None and latest.round_id > after:
                return latest
            if time.monotonic() > deadline:
                seen = "no report" if latest is None else f"round {latest.round_id}"
                raise DevnetError(f"no new report on {self.address} within {timeout:g}s (feed has {seen}); "
                                  f"node logs are in {self.folder / 'logs'}")
            time.sleep(POLL_S)
        return None

    def follow(self, on_round: Callable[[RoundData], None], stop: Callable[[], bool], after: int = 0) -> None:
        """Call ``on_round`` for every new on-chain round after ``after`` until ``stop()``; raise if a node dies."""
        last = after
        while not stop():
            self.check_alive()
            latest = self.latest_round()
            if latest is not None and latest.round_id > last:
                last = latest.round_id
                on_round(latest)
            time.sleep(POLL_S)


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM if the devnet dies without stopping us (even by SIGKILL)."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def _stop_process(proc: subprocess.Popen[bytes], sig: int) -> None:
    """Signal ``proc`` by PID and reap it (SIGKILL if it outlives the grace period)."""
    if proc.poll() is None:
        try:
            proc.send_signal(sig)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=STOP_GRACE_S)
