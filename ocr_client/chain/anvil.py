"""A managed anvil: a free port on 127.0.0.1, the pinned hardfork, stopped by its PID.

Modelled on what ape-foundry does, with the failure modes made explicit: a port taken between
choosing and binding is retried on another port, a process that dies during start-up reports
its own last words, and :meth:`Anvil.stop` kills the process group so no child outlives us.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Final

import requests

from ocr_client import paths, settings
from ocr_client.errors import AnvilError

#: The well-known anvil mnemonic gives these accounts; account 0 deploys, the rest transmit.
DEFAULT_MNEMONIC: Final[str] = "test test test test test test test test test test test junk"
DEFAULT_ACCOUNTS: Final[int] = 10
START_TIMEOUT_S: Final[float] = 20.0
PORT_ATTEMPTS: Final[int] = 3
RPC_CALL_TIMEOUT_S: Final[float] = 10.0


def anvil_binary() -> Path:
    """``anvil`` from PATH (a Foundry install) first, else the npm package in node_modules."""
    found = shutil.which("anvil")
    if found:
        return Path(found)
    bundled = paths.node_modules_dir() / "@foundry-rs" / "anvil-linux-amd64" / "bin" / "anvil"
    if bundled.exists():
        return bundled
    raise AnvilError(
        "anvil not found: run `npm ci` in the checkout (Linux x86-64) or install Foundry so `anvil` is on PATH"
    )


def log_path(port: int | str) -> Path:
    """Where the anvil listening on ``port`` writes its output (removed when it is stopped)."""
    return paths.build_dir() / f"anvil-{port}.log"


def free_port() -> int:
    """A port the kernel just gave us on 127.0.0.1 (it may be taken again before anvil binds)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_ports(count: int) -> list[int]:
    """``count`` distinct free ports (the kernel may hand out one port twice in a row)."""
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


@dataclass
class Anvil:
    """One anvil process. Use as a context manager, or call :meth:`start` and :meth:`stop`."""

    hardfork: str = settings.ANVIL_HARDFORK
    chain_id: int = 31337
    accounts: int = DEFAULT_ACCOUNTS
    block_time: float | None = None
    """Interval mining: a block every ``block_time`` seconds (anvil's ``--block-time``)."""
    no_mining: bool = False
    """Mine only on :meth:`mine` (anvil's ``--no-mining``), to step a test block by block."""
    extra_args: tuple[str, ...] = ()
    port: int = 0
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _log: Path | None = field(default=None, repr=False)

    @property
    def rpc_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self) -> Anvil:
        binary = anvil_binary()
        last_error = ""
        for _ in range(PORT_ATTEMPTS):
            self.port = free_port()
            args = [
                str(binary), "--host", "127.0.0.1", "--port", str(self.port),
                "--hardfork", self.hardfork, "--chain-id", str(self.chain_id),
                "--accounts", str(self.accounts), "--mnemonic", DEFAULT_MNEMONIC,
                *(["--block-time", str(self.block_time)] if self.block_time else []),
                *(["--no-mining"] if self.no_mining else []),
                *self.extra_args,
            ]
            log = log_path(self.port)
            with open(log, "wb") as out:
                self.process = subprocess.Popen(
                    args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
                )
            self._log = log
            if self._wait_ready():
                return self
            last_error = self._tail()
            self.stop()
            if "Address already in use" not in last_error:
                break
        raise AnvilError(f"anvil did not start: {last_error or 'no output'}")

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + START_TIMEOUT_S
        body = {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            try:
                if requests.post(self.rpc_url, json=body, timeout=1).ok:
                    return True
            except requests.RequestException:
                pass
            time.sleep(0.05)
        return False

    def _tail(self) -> str:
        if self._log is None or not self._log.exists():
            return ""
        lines = [ln for ln in self._log.read_text(errors="replace").splitlines() if ln.strip()]
        return lines[-1] if lines else ""

    # --- testnet conditions (anvil's own RPC methods) ------------------------------------------

    def rpc(self, method: str, *params: object) -> object:
        """One JSON-RPC call to this anvil; an AnvilError for an error answer."""
        body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
        try:
            answer = requests.post(self.rpc_url, json=body, timeout=RPC_CALL_TIMEOUT_S).json()
        except (requests.RequestException, ValueError) as exc:
            raise AnvilError(f"anvil {method} failed: {type(exc).__name__}") from None
        if answer.get("error"):
            raise AnvilError(f"anvil {method} failed: {answer['error'].get('message')}")
        return answer.get("result")

    def mine(self, blocks: int = 1) -> None:
        """Mine ``blocks`` blocks now (with whatever the mempool holds)."""
        for _ in range(blocks):
            self.rpc("evm_mine")

    def set_automine(self, enabled: bool) -> None:
        """Automine (a block per transaction) on or off; off leaves manual :meth:`mine` or interval mining."""
        self.rpc("evm_setAutomine", enabled)

    def set_interval_mining(self, seconds: int) -> None:
        """A block every ``seconds`` (whole seconds, as anvil takes them; 0 turns interval mining off)."""
        self.rpc("evm_setIntervalMining", seconds)

    def set_next_base_fee(self, wei: int) -> None:
        """The base fee of the next block (a spike, or a fall)."""
        self.rpc("anvil_setNextBlockBaseFeePerGas", hex(wei))

    def drop_transaction(self, tx_hash: str) -> None:
        """Remove a pending transaction from the mempool, as a congested node may."""
        self.rpc("anvil_dropTransaction", tx_hash)

    def reorg(self, depth: int) -> None:
        """Replace the newest ``depth`` blocks with empty ones; their transactions are gone, not re-queued."""
        self.rpc("anvil_reorg", depth, [])

    def set_balance(self, address: str, wei: int) -> None:
        self.rpc("anvil_setBalance", address, hex(wei))

    def block_number(self) -> int:
        return int(str(self.rpc("eth_blockNumber")), 16)

    def stop(self) -> None:
        """Stop the process group by PID: SIGTERM, then SIGKILL if it lingers."""
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=5)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        if self._log is not None:
            self._log.unlink(missing_ok=True)
            self._log = None

    def __enter__(self) -> Anvil:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
