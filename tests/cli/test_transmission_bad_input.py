"""Bad input to transmission, each answered with one clear line, and no key or nonce state lost:
an RPC down at start, an RPC of the wrong chain, a fee cap below the base fee (waits, says so),
an empty account, a locked keystore without a password."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil, free_port
from ocr_client.chain.fees import GWEI
from ocr_client.chain.nonces import SqliteTxStore
from ocr_client.cli.node import main as node_main
from ocr_client.committee.local import LocalCommittee
from tests.cli.test_cli import Result, assert_one_line_error, ocr
from tests.node.support import provision


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Anvil, Path, Path, str]]:
    """Its own anvil (the base fee is spiked here), a deployer key file, a committee and its feed."""
    folder = tmp_path_factory.mktemp("transmission")
    key = folder / "deployer.key"
    key.write_text(dev_account(0).key.hex() + "\n")
    keys = folder / "keys"
    ocr("committee", "new", "--nodes", "4", "--seed", "41", "--out", str(keys), "--json").json()
    with Anvil() as node:
        args = ("--rpc-url", node.rpc_url, "--private-key-file", str(key))
        feed = str(ocr("deploy", *args, "--json").json()["feed"])
        ocr("set-config", "--feed", feed, "--committee", str(keys / "committee.json"), *args, "--json").json()
        yield node, key, keys, feed


def push(chain: tuple[Anvil, Path, Path, str], store: Path, *extra: str) -> tuple[int, str, str]:
    node, key, keys, feed = chain
    result = ocr("push", "--feed", feed, "--keys", str(keys), "--value", "3000", "--rpc-url", node.rpc_url,
                 "--private-key-file", str(key), "--tx-store", str(store), *extra)
    return result.code, result.out, result.err


def stored(store: Path) -> list[tuple[str, int | None]]:
    tx_store = SqliteTxStore(store)
    try:
        return [(r.state, r.nonce) for r in tx_store.all(31337, _transmitter(store))]
    finally:
        tx_store.close()


def _transmitter(store: Path) -> str:
    return LocalCommittee.create(4, seed=41).transmitters[0].address


def test_an_empty_transmitter_gets_one_line_and_takes_no_nonce_then_the_funded_push_uses_nonce_0(
        chain: tuple[Anvil, Path, Path, str], tmp_path: Path) -> None:
    store = tmp_path / "txm.sqlite"
    code, out, err = push(chain, store)
    line = assert_one_line_error(Result(code, out, err), 1, "has 0 wei", "fund the account")
    assert line.startswith("ocr push: error: transmitter 0x")
    assert stored(store) == [("abandoned", None)]  # nothing was sent, no nonce was taken
    code, out, err = push(chain, store, "--fund-transmitter", "--json")
    assert code == 0, err
    assert json.loads(out)["nonce"] == 0
    assert stored(store) == [("confirmed", 0)]  # the same report, queued again: one transaction


def test_a_fee_cap_below_the_base_fee_waits_says_so_and_gives_up_without_holding_a_nonce(
        chain: tuple[Anvil, Path, Path, str], tmp_path: Path) -> None:
    node = chain[0]
    store = tmp_path / "txm.sqlite"
    node.set_balance(_transmitter(store), 10**18)
    node.set_next_base_fee(50 * GWEI)
    node.mine()
    code, out, err = push(chain, store, "--max-fee-per-gas", "20", "--timeout", "1")
    lines = err.strip().splitlines()
    assert code == 1 and out == "" and "Traceback" not in err
    assert len(lines) == 2, err
    assert lines[0].startswith("ocr push: waiting: the fee cap 20 gwei is below the base fee 43.75 gwei")
    assert lines[1].startswith("ocr push: error: max_fee_per_gas cap 20 gwei is below the base fee")
    assert stored(store) == [("abandoned", None)]
    node.set_next_base_fee(1 * GWEI)
    node.mine()
    mined = int(str(node.rpc("eth_getTransactionCount", _transmitter(store), "latest")), 16)
    code, out, err = push(chain, store, "--json")
    assert code == 0, err
    assert json.loads(out)["nonce"] == mined  # the next nonce of this key: the wait skipped none


def test_ocr_node_with_its_only_rpc_down_says_so_in_one_line_and_writes_no_store(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    provision(tmp_path, LocalCommittee.create(4, seed=3), rpc_url=dead)
    err = _node_error(tmp_path)
    assert err.startswith(f"ocr node: error: no usable RPC: {dead} is down")
    assert not (tmp_path / "stores" / "node-0.sqlite").exists()


def test_ocr_node_refuses_an_rpc_of_another_chain_in_one_line(tmp_path: Path, anvil: Anvil) -> None:
    provision(tmp_path, LocalCommittee.create(4, seed=3), rpc_url=anvil.rpc_url)
    _edit(tmp_path / "node-0.json", chain_id=11155111)
    err = _node_error(tmp_path)
    assert f"RPC {anvil.rpc_url} serves chain id 31337, expected 11155111" in err
    assert not (tmp_path / "stores" / "node-0.sqlite").exists()


def test_ocr_node_with_a_locked_transmitter_keystore_and_no_password_says_so_in_one_line(
        tmp_path: Path, anvil: Anvil, monkeypatch: pytest.MonkeyPatch) -> None:
    from ocr_client.chain.rpc import connect
    from ocr_client.local.feed import LocalFeed

    monkeypatch.delenv("OCR_KEYSTORE_PASSWORD", raising=False)
    local = LocalFeed.deploy(connect(anvil.rpc_url), n=4, seed=3)
    provision(tmp_path, local.committee, rpc_url=anvil.rpc_url, feed=local.address,
              digest=local.feed.config_digest())
    keystore = tmp_path / "transmitter.json"
    ocr_keystore = {"crypto": {"cipher": "aes-128-ctr"}, "version": 3}  # its contents are never reached
    keystore.write_text(json.dumps(ocr_keystore))
    _edit(tmp_path / "node-0.json", keys={"committee": "committee", "password_file": None,
                                          "transmitter_keystore": "transmitter.json"})
    err = _node_error(tmp_path)
    assert "transmitter.json is a locked keystore: set keys.password_file or OCR_KEYSTORE_PASSWORD" in err


def _edit(path: Path, **fields: object) -> None:
    doc = json.loads(path.read_text())
    doc.update(fields)
    path.write_text(json.dumps(doc))


def _node_error(folder: Path) -> str:
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = node_main(["node", "--config", str(folder / "node-0.json")])
    text = err.getvalue()
    lines = [ln for ln in text.splitlines() if ln.startswith("ocr node:")]
    assert code == 1 and len(lines) == 1 and "Traceback" not in text, text
    return lines[0]
