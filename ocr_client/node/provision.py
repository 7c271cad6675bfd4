"""Provision a committee's node folder: keys, per-oracle identities and one node config each.

The devnet and the tests need the same thing an operator team would assemble by hand: the
committee keys (``committee/``), each oracle's off-chain identity (ed25519 for observations,
X25519 for the sealed shared secret, CURVE for the transport) in ``secrets/`` with mode 0600,
and ``node-<i>.json`` configs whose ``offchain`` section is identical for everyone except that
the shared secret inside it is sealed per oracle. Keeping it in one place keeps the devnet and
the config schema (:mod:`ocr_client.node.config`) in step.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nacl.public import PrivateKey
from nacl.signing import SigningKey
from zmq.utils import z85

from ocr_client.chain.anvil import free_ports
from ocr_client.committee.files import write_committee
from ocr_client.committee.local import LocalCommittee
from ocr_client.node.config import timing_to_json
from ocr_client.node.offchain import seal_shared_secret
from ocr_client.protocol.config import SHARED_SECRET_BYTES, Timing


def derived_int(seed: int | None, kind: str, index: int) -> int:
    """A 32-bit number derived from (seed, kind, index), or a random one when seed is None."""
    if seed is None:
        return int.from_bytes(os.urandom(4), "big")
    return int.from_bytes(hashlib.sha256(f"ocr-client devnet {kind}|{seed}|{index}".encode()).digest()[:4], "big")


def _material(seed: int | None, kind: str, index: int, size: int = 32) -> bytes:
    if seed is None:
        return os.urandom(size)
    return hashlib.sha256(f"ocr-client devnet {kind}|{seed}|{index}".encode()).digest()[:size]


@dataclass(frozen=True)
class OracleIdentity:
    """One oracle's off-chain keys: observation signing (ed25519), shared-secret box (X25519), CURVE."""

    ed25519: SigningKey = field(repr=False)
    x25519: PrivateKey = field(repr=False)
    curve: PrivateKey = field(repr=False)

    @classmethod
    def create(cls, seed: int | None, index: int) -> OracleIdentity:
        """Derived from ``seed`` (reproducible devnets and tests), or fresh when seed is None."""
        return cls(SigningKey(_material(seed, "ed25519", index)), PrivateKey(_material(seed, "x25519", index)),
                   PrivateKey(_material(seed, "curve", index)))

    @property
    def curve_public(self) -> str:
        """The CURVE public key in z85 (CURVE keys are X25519 keys)."""
        return z85.encode(bytes(self.curve.public_key)).decode("ascii")

    @property
    def curve_secret(self) -> str:
        return z85.encode(bytes(self.curve)).decode("ascii")


@dataclass(frozen=True)
class NodeSetup:
    """What every node config of one feed shares."""

    rpc_url: str | tuple[str, ...]
    """One RPC URL, or several (each node's pool uses the one with the highest head)."""
    feed: str
    config_digest: bytes
    committee: LocalCommittee
    timing: Timing
    min_answer: int
    max_answer: int
    seed: int | None = None
    log_level: str = "INFO"
    transmission: dict[str, Any] | None = None
    """The nodes' ``transmission`` section (confirmations, fee cap...); None for the defaults."""
    password: str | None = None
    """Write the committee as keystores under this password (kept in ``secrets/keystore-password``)."""


def config_path(folder: Path, i: int) -> Path:
    return folder / f"node-{i}.json"


def store_path(folder: Path, i: int) -> Path:
    return folder / "stores" / f"node-{i}.sqlite"


def log_path(folder: Path, i: int) -> Path:
    return folder / "logs" / f"node-{i}.log"


def write_node_configs(folder: Path, setup: NodeSetup, sources: Callable[[int], list[dict[str, Any]]]) -> list[Path]:
    """Write committee/, secrets/, stores/, logs/ and node-<i>.json into ``folder``; return the config paths.

    Transport endpoints are free ports on 127.0.0.1 picked now (a port taken again before the
    node binds makes that node fail at start, loudly).
    """
    n = setup.committee.n
    for sub in ("logs", "stores", "secrets"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    # pbkdf2: a devnet decrypts every keystore at each start, and scrypt's cost buys nothing there.
    write_committee(setup.committee, folder / "committee", setup.password, kdf="pbkdf2")
    password_file = None
    if setup.password is not None:
        password_file = "secrets/keystore-password"
        _write_private(folder / password_file, setup.password + "\n")
    identities = [OracleIdentity.create(setup.seed, i) for i in range(n)]
    secret = _material(setup.seed, "shared-secret", 0, SHARED_SECRET_BYTES)
    sealed = seal_shared_secret(secret, [ident.x25519.public_key for ident in identities])
    ports = free_ports(2 * n)  # transport endpoints, then metrics, all distinct
    peers = [{"index": i, "public_key": ident.curve_public, "endpoint": f"tcp://127.0.0.1:{ports[i]}"}
             for i, ident in enumerate(identities)]
    offchain = {
        "n": n, "f": setup.committee.f, "threshold": setup.committee.threshold,
        "timing": timing_to_json(setup.timing), "min_answer": setup.min_answer, "max_answer": setup.max_answer,
        "sanity_band": None, "ed25519_public_keys": [bytes(ident.ed25519.verify_key).hex() for ident in identities],
        "sealed_shared_secrets": [s.hex() for s in sealed],
    }
    paths = []
    for i, ident in enumerate(identities):
        secrets = {}
        for kind, value in (("ed25519", bytes(ident.ed25519).hex()), ("x25519", bytes(ident.x25519).hex()),
                            ("curve", ident.curve_secret)):
            name = f"secrets/node-{i}.{kind}"
            _write_private(folder / name, value + "\n")
            secrets[kind] = {"file": name}
        config = {
            "index": i, "rpc_url": setup.rpc_url if isinstance(setup.rpc_url, str) else list(setup.rpc_url),
            "feed": setup.feed, "expected_config_digest": "0x" + setup.config_digest.hex(),
            "keys": {"committee": "committee", "password_file": password_file},
            "secrets": secrets,
            "transport": {"bind": peers[i]["endpoint"], "peers": peers},
            "offchain": offchain,
            "sources": sources(i),
            "store": str(store_path(Path(), i)),
            "metrics_port": ports[n + i],  # Prometheus on 127.0.0.1 (the devnet banner lists them)
            "log_level": setup.log_level,
            **({"transmission": setup.transmission} if setup.transmission else {}),
        }
        path = config_path(folder, i)
        path.write_text(json.dumps(config, indent=2) + "\n")
        paths.append(path)
    return paths


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)
