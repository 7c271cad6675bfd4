"""Which chain a CLI command talks to, and with which key.

Order: ``--rpc-url``, then ``OCR_RPC_URL``, then the anvil started by ``ocr chain up`` (its
state lives in ``.ocr/chain.json``). Only that managed anvil may fall back to its well-known dev
key; any other chain needs ``--private-key-file`` or ``OCR_PRIVATE_KEY``.
"""

from __future__ import annotations

import json
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil, log_path
from ocr_client.chain.rpc import ChainInfo, connect, preflight, rpc_url_from_env
from ocr_client.errors import AnvilError, ChainError, KeyFileError

PRIVATE_KEY_ENV: Final[str] = "OCR_PRIVATE_KEY"
STATE_DIR_ENV: Final[str] = "OCR_STATE_DIR"


def state_file() -> Path:
    return Path(os.environ.get(STATE_DIR_ENV, ".ocr")) / "chain.json"


@dataclass(frozen=True)
class Session:
    """A connected, preflighted chain plus the account that will pay."""

    w3: Web3
    info: ChainInfo
    rpc_url: str
    managed: bool


def _managed_url() -> str | None:
    path = state_file()
    if not path.exists():
        return None
    try:
        state = json.loads(path.read_text())
        pid, url = int(state["pid"]), str(state["rpc_url"])
    except (ValueError, KeyError, TypeError):
        raise ChainError(f"{path} is corrupted; remove it or run `ocr chain down`") from None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return url


def open_session(rpc_url: str | None) -> Session:
    """Connect to the chosen chain and preflight it (chain id, EIP-2537)."""
    url = rpc_url or rpc_url_from_env()
    managed = False
    if url is None:
        url = _managed_url()
        managed = url is not None
    if url is None:
        raise ChainError("no chain: pass --rpc-url, set OCR_RPC_URL, or start one with `ocr chain up`")
    w3 = connect(url)
    return Session(w3=w3, info=preflight(w3), rpc_url=url, managed=managed)


def load_account(private_key_file: str | None, allow_dev_key: bool) -> LocalAccount:
    """The paying account: a key file, ``OCR_PRIVATE_KEY``, or (managed anvil only) dev account 0."""
    raw: str | None = None
    source = ""
    if private_key_file:
        path = Path(private_key_file)
        try:
            raw = path.read_text().strip()
        except OSError as exc:
            raise KeyFileError(f"cannot read private key file {path}: {exc.strerror}") from None
        source = str(path)
    elif os.environ.get(PRIVATE_KEY_ENV, "").strip():
        raw, source = os.environ[PRIVATE_KEY_ENV].strip(), PRIVATE_KEY_ENV
    if raw is None:
        if allow_dev_key:
            return dev_account(0)
        raise KeyFileError(f"this chain needs a key: pass --private-key-file or set {PRIVATE_KEY_ENV}")
    text = raw[2:] if raw.startswith("0x") else raw
    if len(text) != 64 or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise KeyFileError(
            f"{source} is not a secp256k1 private key (expected 32 bytes of hex; is it a keystore or a BLS share?)"
        )
    account: LocalAccount = Account.from_key(bytes.fromhex(text))
    return account


def chain_up() -> dict[str, object]:
    """Start a detached managed anvil and record it; an already running one is reused."""
    if _managed_url() is not None:
        return json.loads(state_file().read_text())  # type: ignore[no-any-return]
    anvil = Anvil()
    anvil.start()
    assert anvil.process is not None  # start() returned, so the process is running
    state: dict[str, object] = {"pid": anvil.pid, "rpc_url": anvil.rpc_url, "chain_id": anvil.chain_id, "hardfork": anvil.hardfork}
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state))
    os.replace(tmp, path)
    anvil.process = None  # detach: the process outlives this command; `chain down` stops it by PID
    return state


def chain_down() -> bool:
    """Stop the managed anvil by its PID; False if none was running."""
    path = state_file()
    if not path.exists():
        return False
    try:
        state = json.loads(path.read_text())
        pid = int(state["pid"])
        port = str(state.get("rpc_url", "")).rsplit(":", 1)[-1]
    except (ValueError, KeyError, TypeError):
        path.unlink()
        return False
    stopped = False
    try:
        os.killpg(pid, signal.SIGTERM)
        stopped = True
        for _ in range(100):
            os.kill(pid, 0)
            time.sleep(0.05)
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    except PermissionError as exc:
        raise AnvilError(f"cannot stop anvil pid {pid}: {exc}") from None
    path.unlink(missing_ok=True)
    if port:
        log_path(port).unlink(missing_ok=True)
    return stopped


__all__ = ["Session", "chain_down", "chain_up", "load_account", "open_session"]
