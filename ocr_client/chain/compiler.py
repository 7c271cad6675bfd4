"""Compile ``contracts/`` offline through py-solc-x, with artifacts cached by source hash.

py-solc-x downloads compilers, which cannot work here, so when no native solc of the pinned
version is installed we register a small wrapper over solc-js (``ocr_client/solcjs/solc.js``)
under the name py-solc-x looks for (``solc-v<version>`` in its install folder). ape-solidity
looks in the same folder, so ``ape compile`` works offline too.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import solcx
import solcx.install

from ocr_client import paths, settings
from ocr_client.errors import CompilationError, ToolchainError

_WRAPPER_MARKER = "# ocr-client solc-js wrapper"

#: Artifacts already parsed in this process, by cache file: sources are still hashed on every
#: call (so an edited contract recompiles), but the artifacts JSON is parsed once.
_loaded: dict[Path, dict[str, Artifact]] = {}


@dataclass(frozen=True)
class Artifact:
    """What deployment and decoding need from one compiled contract."""

    name: str
    source: str
    abi: list[dict[str, Any]]
    bytecode: bytes
    runtime_bytecode: bytes


def _native_solc() -> Path | None:
    """A solc on PATH of exactly the pinned version, if there is one."""
    found = shutil.which("solc")
    if not found:
        return None
    try:
        out = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(found) if f"Version: {settings.SOLC_VERSION}+" in out else None


def register_solcjs_wrapper() -> Path:
    """Install ``solc-v<version>`` into py-solc-x's folder as a wrapper over solc-js; return its path.

    A real compiler already at that path is left alone; our own wrapper is rewritten so it always
    points at this checkout's node_modules.
    """
    node = shutil.which("node")
    if node is None:
        raise ToolchainError("node is not installed: it is needed to run solc-js (or install solc "
                             f"{settings.SOLC_VERSION} natively)")
    solcjs_pkg = paths.node_modules_dir() / "solc"
    if not (solcjs_pkg / "package.json").exists():
        raise ToolchainError(f"solc-js not found in {paths.node_modules_dir()}: run `npm ci` (or `make setup`)")
    folder = solcx.install.get_solcx_install_folder()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"solc-v{settings.SOLC_VERSION}"
    if target.exists() and _WRAPPER_MARKER not in target.read_text(errors="replace")[:200]:
        return target  # a real binary someone installed: prefer it
    script = (
        "#!/bin/sh\n"
        f"{_WRAPPER_MARKER}: answers like native solc {settings.SOLC_VERSION}\n"
        f'NODE_PATH="{paths.node_modules_dir()}" exec "{node}" "{paths.solcjs_script()}" "$@"\n'
    )
    tmp = target.with_suffix(".tmp")
    tmp.write_text(script)
    tmp.chmod(0o755)
    os.replace(tmp, target)
    return target


def solc_binary() -> Path:
    """The compiler to use: native solc of the pinned version, else the registered solc-js wrapper."""
    native = _native_solc()
    if native is not None:
        return native
    try:
        existing = solcx.install.get_executable(settings.SOLC_VERSION)
        if _WRAPPER_MARKER not in existing.read_text(errors="replace")[:200]:
            return existing
    except (solcx.exceptions.SolcNotInstalled, UnicodeDecodeError, OSError):
        pass
    return register_solcjs_wrapper()


def _sources(contracts: Path) -> dict[str, str]:
    return {
        str(p.relative_to(contracts.parent)): p.read_text()
        for p in sorted(contracts.rglob("*.sol"))
    }


def _imported_node_sources(sources: dict[str, str]) -> list[Path]:
    """Node-package files our sources import, hashed into the cache key so upgrades recompile."""
    found: list[Path] = []
    for text in sources.values():
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("import") and '"@' in line:
                rel = line.split('"')[1]
                candidate = paths.node_modules_dir() / rel
                if candidate.exists():
                    found.append(candidate)
    return sorted(set(found))


def _remappings(base: Path) -> list[str]:
    """Map each node import prefix into node_modules, relative to the base path when possible."""
    modules = paths.node_modules_dir()
    try:
        where = str(modules.relative_to(base))
    except ValueError:
        where = str(modules)
    return [f"{prefix}={where}/{prefix}" for prefix in settings.NODE_IMPORT_PREFIXES]


def standard_input(sources: dict[str, str], base: Path) -> dict[str, Any]:
    """The solc standard-JSON input: every setting comes from :mod:`ocr_client.settings`."""
    return {
        "language": "Solidity",
        "sources": {name: {"content": text} for name, text in sources.items()},
        "settings": {
            "evmVersion": settings.EVM_VERSION,
            "viaIR": settings.VIA_IR,
            "optimizer": {"enabled": settings.OPTIMIZER_ENABLED, "runs": settings.OPTIMIZER_RUNS},
            "remappings": _remappings(base),
            "metadata": {"bytecodeHash": settings.BYTECODE_HASH},
            "outputSelection": {
                "*": {"*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"]}
            },
        },
    }


def compile_contracts(force: bool = False) -> dict[str, Artifact]:
    """Compile every contract under ``contracts/`` (cached by a hash of sources and settings)."""
    contracts = paths.contracts_dir()
    sources = _sources(contracts)
    std_input = standard_input(sources, contracts.parent)
    digest = hashlib.sha256(json.dumps(std_input, sort_keys=True).encode())
    digest.update(settings.SOLC_VERSION.encode())
    for dep in _imported_node_sources(sources):
        digest.update(dep.read_bytes())
    cache = paths.build_dir() / f"artifacts-{digest.hexdigest()[:24]}.json"
    if not force:
        if (loaded := _loaded.get(cache)) is not None:
            return loaded
        if cache.exists():
            loaded = _loaded[cache] = _load_artifacts(json.loads(cache.read_text()))
            return loaded
    binary = solc_binary()
    try:
        output = solcx.compile_standard(
            std_input,
            solc_binary=binary,
            base_path=str(contracts.parent),
            allow_paths=[str(contracts.parent), str(paths.node_modules_dir())],
        )
    except solcx.exceptions.SolcError as exc:
        raise CompilationError(_summarise_solc_error(exc)) from None
    errors = [e for e in output.get("errors", []) if e.get("severity") == "error"]
    if errors:
        raise CompilationError("; ".join(e.get("formattedMessage", e.get("message", "?")).strip() for e in errors))
    # Per-process temporary name: two test workers compiling at once must not write one file.
    tmp = cache.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(output))
    os.replace(tmp, cache)
    artifacts = _loaded[cache] = _load_artifacts(output)
    return artifacts


def _summarise_solc_error(exc: Exception) -> str:
    text = str(exc)
    return text.splitlines()[0] if text else "solc failed"


def _load_artifacts(output: dict[str, Any]) -> dict[str, Artifact]:
    artifacts: dict[str, Artifact] = {}
    for source, contracts in output.get("contracts", {}).items():
        if not source.startswith("contracts/"):
            continue
        for name, data in contracts.items():
            evm = data.get("evm", {})
            artifacts[name] = Artifact(
                name=name,
                source=source,
                abi=data.get("abi", []),
                bytecode=bytes.fromhex(evm.get("bytecode", {}).get("object", "")),
                runtime_bytecode=bytes.fromhex(evm.get("deployedBytecode", {}).get("object", "")),
            )
    return artifacts


def artifact(name: str) -> Artifact:
    """One compiled contract by name; a clear error if it does not exist."""
    artifacts = compile_contracts()
    try:
        return artifacts[name]
    except KeyError:
        raise ToolchainError(f"no contract named {name!r} under contracts/ (have: {sorted(artifacts)})") from None
