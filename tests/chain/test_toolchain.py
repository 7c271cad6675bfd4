"""The toolchain rules: pinned compiler settings in one place, an offline solc, a cached build,
deployable code under EIP-170, and managed anvils that run Prague and leave no process behind."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import solcx
import solcx.install
from web3 import Web3

from ocr_client import paths, settings
from ocr_client.chain import compiler
from ocr_client.chain.anvil import Anvil
from ocr_client.chain.compiler import compile_contracts
from ocr_client.chain.rpc import G1ADD_ADDRESS, connect, preflight
from ocr_client.errors import MissingPrecompileError, RPCUnreachableError
from tests.support.processes import pid_gone

APE_CONFIG = paths.project_root() / "ape-config.yaml"


# --- helpers -----------------------------------------------------------------------------------


def _scalar(text: str) -> Any:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        return text


def parse_simple_yaml(text: str) -> dict[str, Any]:
    """Enough YAML for ape-config.yaml: nested mappings by indentation, `- item` lists, scalars.

    PyYAML is not installed in the venv, so this tiny parser stands in for it.
    """
    root: dict[str, Any] = {}
    # Each entry: [indent of the key that owns the container, container, parent container, key].
    stack: list[list[Any]] = [[-1, root, None, None]]
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if '"' not in stripped and "'" not in stripped and " #" in stripped:
            stripped = stripped.split(" #", 1)[0].rstrip()
        indent = len(raw) - len(raw.lstrip(" "))
        while stack[-1][0] >= indent:
            stack.pop()
        top = stack[-1]
        if stripped.startswith("- "):
            if isinstance(top[1], dict):
                assert not top[1], f"list item under a mapping with keys: {raw!r}"
                top[1] = []
                top[2][top[3]] = top[1]
            top[1].append(_scalar(stripped[2:]))
            continue
        key, sep, value = stripped.partition(":")
        assert sep, f"not a `key: value` line: {raw!r}"
        container = top[1]
        assert isinstance(container, dict), f"mapping entry inside a list: {raw!r}"
        if value.strip():
            container[key.strip()] = _scalar(value)
        else:
            child: dict[str, Any] = {}
            container[key.strip()] = child
            stack.append([indent, child, container, key.strip()])
    return root


def _listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp*) in LISTEN state on ``port``."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if int(port_hex, 16) == port and fields[3] == "0A":
                found.add(address)
    return found


# --- compiled code -----------------------------------------------------------------------------


def test_every_deployable_contract_fits_the_eip170_runtime_size_limit() -> None:
    artifacts = compile_contracts()
    deployable = {name: a for name, a in artifacts.items() if a.runtime_bytecode}
    assert "OCRFeed" in deployable, f"OCRFeed not among compiled contracts: {sorted(artifacts)}"
    sizes = {name: len(a.runtime_bytecode) for name, a in deployable.items()}
    too_big = {name: size for name, size in sizes.items() if size > settings.MAX_RUNTIME_CODE_SIZE}
    assert not too_big, f"over {settings.MAX_RUNTIME_CODE_SIZE} bytes of runtime code: {too_big}"
    assert settings.MAX_RUNTIME_CODE_SIZE == 24_576


def test_ape_config_mirrors_the_pinned_compiler_and_chain_settings() -> None:
    config = parse_simple_yaml(APE_CONFIG.read_text())
    solidity = config["solidity"]
    assert str(solidity["version"]) == settings.SOLC_VERSION
    assert solidity["evm_version"] == settings.EVM_VERSION
    assert solidity["optimize"] is settings.OPTIMIZER_ENABLED
    assert solidity["optimization_runs"] == settings.OPTIMIZER_RUNS
    assert solidity["via_ir"] is settings.VIA_IR
    assert config["foundry"]["evm_version"] == settings.ANVIL_HARDFORK
    assert settings.ANVIL_HARDFORK == settings.EVM_VERSION
    remapped = {entry.split("=", 1)[0].rstrip("/") for entry in solidity.get("import_remapping", [])}
    assert {p.rstrip("/") for p in settings.NODE_IMPORT_PREFIXES} <= remapped


def test_the_tiny_yaml_parser_reads_nesting_lists_and_scalars() -> None:
    parsed = parse_simple_yaml(
        "# comment\nname: x\na:\n  b: 1\n  c: true\n  d:\n    - \"p=q\"\n    - r\ne:\n  f:\n    g: 0.8.37\n"
    )
    assert parsed == {"name": "x", "a": {"b": 1, "c": True, "d": ["p=q", "r"]}, "e": {"f": {"g": "0.8.37"}}}


def test_solc_wrapper_is_registered_where_py_solc_x_looks_and_answers_as_the_pinned_version() -> None:
    compiler.solc_binary()
    executable = solcx.install.get_executable(settings.SOLC_VERSION)
    assert executable.exists()
    assert os.access(executable, os.X_OK)
    out = subprocess.run([str(executable), "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert f"Version: {settings.SOLC_VERSION}" in out.stdout
    assert "Version: 0.8.37" in out.stdout


def test_compilation_is_cached_by_source_hash_and_a_second_compile_never_runs_solc(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = compile_contracts()
    caches = list(paths.build_dir().glob("artifacts-*.json"))
    assert caches, f"no artifacts cache in {paths.build_dir()}"

    class SolcInvoked(Exception):
        pass

    def refuse(*args: object, **kwargs: object) -> None:
        raise SolcInvoked("solc was invoked although the sources did not change")

    monkeypatch.setattr(solcx, "compile_standard", refuse)
    second = compile_contracts()
    assert {name: a.bytecode for name, a in second.items()} == {name: a.bytecode for name, a in first.items()}
    assert {name: a.runtime_bytecode for name, a in second.items()} == {
        name: a.runtime_bytecode for name, a in first.items()
    }
    # The stand-in really intercepts solc: forcing a rebuild reaches it.
    with pytest.raises(SolcInvoked):
        compile_contracts(force=True)


# --- managed anvil -----------------------------------------------------------------------------


def test_managed_anvil_listens_on_loopback_runs_prague_and_is_gone_after_stop() -> None:
    with Anvil() as node:
        pid = node.pid
        assert pid is not None
        assert node.rpc_url == f"http://127.0.0.1:{node.port}"
        listening = _listening_addresses(node.port)
        assert listening == {"0100007F"}, f"anvil listens on {listening}, expected only 127.0.0.1"
        w3 = Web3(Web3.HTTPProvider(node.rpc_url))
        out = bytes(w3.eth.call({"to": G1ADD_ADDRESS, "data": b"\x00" * 256, "gas": 100_000}))
        assert out == b"\x00" * 128, "G1ADD (EIP-2537) missing: the managed anvil is not on prague"
        assert preflight(w3).chain_id == node.chain_id
    assert node.process is None
    assert pid_gone(pid, within=1.0), f"anvil pid {pid} still exists after the with block"


def test_managed_anvil_is_stopped_when_the_with_body_raises() -> None:
    class Boom(Exception):
        pass

    pid: int | None = None
    with pytest.raises(Boom), Anvil() as node:
        pid = node.pid
        raise Boom
    assert pid is not None
    assert pid_gone(pid, within=1.0), f"anvil pid {pid} survived an exception inside `with`"


def test_anvil_stop_is_idempotent_and_kills_the_process_by_pid() -> None:
    node = Anvil().start()
    try:
        pid = node.pid
        assert pid is not None and not pid_gone(pid, within=0)
    finally:
        node.stop()
    node.stop()
    assert pid_gone(pid, within=1.0)


# --- preflight ---------------------------------------------------------------------------------


def test_preflight_refuses_a_chain_without_eip2537_and_names_its_chain_id() -> None:
    with Anvil(hardfork="cancun", chain_id=4242) as node:
        w3 = connect(node.rpc_url)
        with pytest.raises(MissingPrecompileError) as info:
            preflight(w3)
    message = str(info.value)
    assert "4242" in message
    assert "EIP-2537" in message


def test_connect_to_a_port_where_nothing_listens_raises_rpc_unreachable() -> None:
    with pytest.raises(RPCUnreachableError, match=re.escape("http://127.0.0.1:9")):
        connect("http://127.0.0.1:9", timeout=2)


def test_connect_refuses_a_non_http_url() -> None:
    with pytest.raises(RPCUnreachableError, match="http"):
        connect("ftp://x")
