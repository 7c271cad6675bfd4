"""The JSON configuration of one oracle process, validated before anything starts.

A node runs unattended for months, so a typo must fail at start-up with one line naming the
field (``transport.peers[2].endpoint: ...``) instead of surfacing as a stalled feed. Unknown
fields are errors too: a misspelt optional field would otherwise silently keep its default.

Layout (paths are relative to the config file's folder; a secret is either the value itself or
``{"file": "path"}`` whose first line is the value)::

    {
      "index": 0,
      "rpc_url": "http://127.0.0.1:8545",         # or a list: several RPCs, the highest head is used
      "chain_id": 11155111,                        # optional: refuse RPCs of any other chain
      "feed": "0x...",
      "expected_config_digest": "0x...",          # optional: refuse to run another configuration
      "keys": {"committee": "committee", "password_file": null,
               "transmitter_keystore": null},     # optional V3 keystore instead of the committee's
      "transmission": {"confirmations": 3, "max_fee_per_gas": 100000000000, "spend_limit_per_report": null,
                       "bump_after_blocks": 3, "priority_percentile": 50, "gas_limit": 1000000},  # all optional
      "secrets": {"ed25519": "<hex>", "x25519": "<hex>", "curve": "<z85>"},
      "transport": {"bind": "tcp://127.0.0.1:7000", "peers": [{"index": 0, "public_key": "<z85>", "endpoint": "..."}]},
      "offchain": {"n": 4, "f": 1, "threshold": 2, "timing": {...}, "min_answer": 1, "max_answer": 10**30,
                   "sanity_band": null, "ed25519_public_keys": ["<hex>", ...], "sealed_shared_secrets": ["<hex>", ...]},
      "sources": [{"type": "random-walk", "seed": 1}],
      "store": "node-0.sqlite",
      "metrics_port": null,
      "log_level": "INFO"
    }

The ``offchain`` section is identical for every oracle (it is what the operators agree on); the
shared secret inside it is sealed per oracle (:mod:`ocr_client.node.offchain`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.public import PrivateKey
from nacl.signing import SigningKey, VerifyKey
from web3 import Web3

from ocr_client.errors import ConfigError, OCRError
from ocr_client.net.zmq_transport import PeerInfo, public_key_of, validate_peers
from ocr_client.node.offchain import open_shared_secret
from ocr_client.protocol.config import ProtocolConfig, Timing
from ocr_client.sources import source_from_config

_TOP: Final[frozenset[str]] = frozenset({
    "index", "rpc_url", "chain_id", "feed", "expected_config_digest", "keys", "secrets", "transport", "offchain",
    "sources", "store", "metrics_port", "metrics_addr", "log_level", "transmission"})
_KEYS: Final[frozenset[str]] = frozenset({"committee", "password_file", "transmitter_keystore"})
_SECRETS: Final[frozenset[str]] = frozenset({"ed25519", "x25519", "curve"})
_TRANSPORT: Final[frozenset[str]] = frozenset({"bind", "peers"})
_OFFCHAIN: Final[frozenset[str]] = frozenset({
    "n", "f", "threshold", "timing", "min_answer", "max_answer", "sanity_band", "ed25519_public_keys",
    "sealed_shared_secrets"})
_TIMING_FIELDS: Final[dict[str, type]] = {f.name: (int if f.name == "r_max" else float) for f in dataclasses.fields(Timing)}

#: The log levels a node config (and ``ocr node --log-level``) accepts.
LOG_LEVELS: Final[tuple[str, ...]] = ("DEBUG", "INFO", "WARNING", "ERROR")


_TRANSMISSION_MIN: Final[dict[str, int]] = {
    "confirmations": 1, "max_fee_per_gas": 1, "spend_limit_per_report": 1, "bump_after_blocks": 1,
    "priority_percentile": 0, "gas_limit": 21_000, "resend_after_s": 1, "low_balance_transactions": 1}
_TRANSMISSION: Final[frozenset[str]] = frozenset(_TRANSMISSION_MIN)


@dataclass(frozen=True)
class TransmissionConfig:
    """How this node's transaction manager sends (the ``transmission`` section; every field optional)."""

    confirmations: int = 1
    """K: a transmit counts once its block is K deep (use 3 or more on a public testnet)."""
    max_fee_per_gas: int = 100 * 10**9
    """Never offer more than this per gas, in wei (default 100 gwei, Chainlink's default cap)."""
    spend_limit_per_report: int | None = None
    """Most one report's transmit may cost in wei (gas_limit x max fee stays within it)."""
    bump_after_blocks: int = 3
    priority_percentile: float = 50.0
    gas_limit: int = 1_000_000
    resend_after_s: int = 60
    low_balance_transactions: int = 10


class NodeConfigError(ConfigError):
    """A node configuration that cannot be used; ``field`` is the dotted path of the culprit."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        super().__init__(f"node config field {field!r}: {problem}")


@dataclass(frozen=True)
class NodeConfig:
    """Everything one oracle process needs, parsed and checked (secrets already decoded)."""

    path: Path
    index: int
    rpc_urls: tuple[str, ...]
    chain_id: int | None
    feed: str
    expected_config_digest: bytes | None
    committee_dir: Path
    password_file: Path | None
    transmitter_keystore: Path | None
    transmission: TransmissionConfig
    signing_key: SigningKey = dataclasses.field(repr=False)
    verify_keys: tuple[VerifyKey, ...] = dataclasses.field(repr=False)
    x25519_key: PrivateKey = dataclasses.field(repr=False)
    curve_secret: str = dataclasses.field(repr=False)
    bind: str
    peers: tuple[PeerInfo, ...]
    n: int
    f: int
    threshold: int
    timing: Timing
    min_answer: int
    max_answer: int
    sanity_band: float | None
    shared_secret: bytes = dataclasses.field(repr=False)
    sources: tuple[dict[str, Any], ...]
    store: Path
    metrics_port: int | None
    metrics_addr: str
    log_level: str

    @property
    def rpc_url(self) -> str:
        """The first RPC (what messages name when one URL is meant)."""
        return self.rpc_urls[0]

    def protocol_config(self, config_digest: bytes) -> ProtocolConfig:
        """The protocol configuration, once the chain has told us the config digest."""
        return ProtocolConfig(n=self.n, f=self.f, threshold=self.threshold, config_digest=config_digest,
                              shared_secret=self.shared_secret, timing=self.timing, min_answer=self.min_answer,
                              max_answer=self.max_answer, sanity_band=self.sanity_band)


def load_node_config(path: str | Path) -> NodeConfig:
    """Read and validate a node config file (relative paths inside resolve against its folder)."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise ConfigError(f"cannot read node config {path}: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"node config {path} is not valid JSON: {exc}") from None
    return parse_node_config(data, path)


def parse_node_config(data: object, path: Path) -> NodeConfig:
    """Validate a decoded config document; ``path`` anchors relative paths and names the file."""
    top = _object(data, "(top level)", _TOP)
    base = path.parent
    index = _int(top, "index", low=0)
    rpc_urls = _rpc_urls(_get(top, "rpc_url"))
    chain_id = _int(top, "chain_id", low=1) if top.get("chain_id") is not None else None
    feed = _str(top, "feed")
    if not Web3.is_address(feed):
        raise NodeConfigError("feed", f"not an Ethereum address: {feed!r}")
    expected = None
    if top.get("expected_config_digest") is not None:
        expected = _hex(top, "expected_config_digest", length=32)

    keys = _object(_get(top, "keys"), "keys", _KEYS)
    committee_dir = base / _str(keys, "committee", "keys.committee")
    password_file = base / _str(keys, "password_file", "keys.password_file") if keys.get("password_file") else None
    transmitter_keystore = (base / _str(keys, "transmitter_keystore", "keys.transmitter_keystore")
                            if keys.get("transmitter_keystore") else None)
    transmission = _transmission(top.get("transmission"))

    secrets = _object(_get(top, "secrets"), "secrets", _SECRETS)
    signing_key = _ed25519_secret(_secret(secrets, "ed25519", base))
    x25519_key = _x25519_secret(_secret(secrets, "x25519", base))
    curve_secret = _secret(secrets, "curve", base)

    transport = _object(_get(top, "transport"), "transport", _TRANSPORT)
    bind = _str(transport, "bind", "transport.bind")
    if "://" not in bind:
        raise NodeConfigError("transport.bind", f"must look like tcp://host:port, got {bind!r}")
    peers = _peers(_get(transport, "peers", "transport.peers"))

    off = _object(_get(top, "offchain"), "offchain", _OFFCHAIN)
    n = _int(off, "n", "offchain.n", low=1)
    f = _int(off, "f", "offchain.f", low=0)
    threshold = _int(off, "threshold", "offchain.threshold", low=1)
    if index >= n:
        raise NodeConfigError("index", f"oracle {index} is not in a committee of n={n}")
    timing = _timing(_get(off, "timing", "offchain.timing"))
    min_answer = _int(off, "min_answer", "offchain.min_answer")
    max_answer = _int(off, "max_answer", "offchain.max_answer")
    band = off.get("sanity_band")
    if band is not None and (isinstance(band, bool) or not isinstance(band, int | float)):
        raise NodeConfigError("offchain.sanity_band", f"expected a number or null, got {band!r}")
    public_keys = _hex_list(off, "ed25519_public_keys", n, 32)
    sealed = _hex_list(off, "sealed_shared_secrets", n, None)
    if len(peers) != n:
        raise NodeConfigError("transport.peers", f"lists {len(peers)} oracles but offchain.n is {n}")

    verify_keys = tuple(VerifyKey(k) for k in public_keys)
    if signing_key.verify_key != verify_keys[index]:
        raise NodeConfigError("secrets.ed25519", f"does not match offchain.ed25519_public_keys[{index}]")
    try:
        curve_public = public_key_of(curve_secret)
    except OCRError as exc:
        raise NodeConfigError("secrets.curve", str(exc)) from None
    if curve_public != peers[index].public_key:
        raise NodeConfigError("secrets.curve", f"does not match transport.peers[{index}].public_key")
    try:
        shared_secret = open_shared_secret(sealed[index], x25519_key)
    except ConfigError as exc:
        raise NodeConfigError(f"offchain.sealed_shared_secrets[{index}]", str(exc)) from None

    sources = _sources(_get(top, "sources"))
    store = base / _str(top, "store")
    metrics_port = None
    if top.get("metrics_port") is not None:
        metrics_port = _int(top, "metrics_port", low=0, high=65535)
    metrics_addr = _str(top, "metrics_addr") if top.get("metrics_addr") is not None else "127.0.0.1"
    log_level = _str(top, "log_level").upper() if top.get("log_level") is not None else "INFO"
    if log_level not in LOG_LEVELS:
        raise NodeConfigError("log_level", f"expected one of {list(LOG_LEVELS)}, got {log_level!r}")

    config = NodeConfig(
        path=path, index=index, rpc_urls=rpc_urls, chain_id=chain_id, feed=Web3.to_checksum_address(feed),
        expected_config_digest=expected,
        committee_dir=committee_dir, password_file=password_file, transmitter_keystore=transmitter_keystore,
        transmission=transmission, signing_key=signing_key, verify_keys=verify_keys,
        x25519_key=x25519_key, curve_secret=curve_secret, bind=bind, peers=peers, n=n, f=f, threshold=threshold,
        timing=timing, min_answer=min_answer, max_answer=max_answer, sanity_band=None if band is None else float(band),
        shared_secret=shared_secret, sources=sources, store=store, metrics_port=metrics_port, metrics_addr=metrics_addr,
        log_level=log_level)
    try:  # the protocol's own rules (3f < n, timing...), checked now with a placeholder digest
        config.protocol_config(b"\x00" * 32)
    except ConfigError as exc:
        raise NodeConfigError("offchain", str(exc)) from None
    return config


def log_level_number(name: str) -> int:
    """logging's number for one of :data:`LOG_LEVELS`."""
    return int(getattr(logging, name.upper()))


# --- field readers ----------------------------------------------------------------------------


def _get(d: Mapping[str, Any], key: str, name: str | None = None) -> Any:
    if key not in d or d[key] is None:
        raise NodeConfigError(name or key, "missing")
    return d[key]


def _object(value: object, name: str, allowed: frozenset[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise NodeConfigError(name, f"expected an object, got {type(value).__name__}")
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        raise NodeConfigError(name, f"unknown field(s) {unknown}; known: {sorted(allowed)}")
    return value


def _str(d: Mapping[str, Any], key: str, name: str | None = None) -> str:
    value = _get(d, key, name)
    if not isinstance(value, str) or not value:
        raise NodeConfigError(name or key, f"expected a non-empty string, got {value!r}")
    return value


def _int(d: Mapping[str, Any], key: str, name: str | None = None, low: int | None = None, high: int | None = None) -> int:
    value = _get(d, key, name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise NodeConfigError(name or key, f"expected an integer, got {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise NodeConfigError(name or key, f"{value} is out of range [{low}, {high}]")
    return value


def _decode_hex(text: object, name: str, length: int | None) -> bytes:
    if not isinstance(text, str):
        raise NodeConfigError(name, f"expected a hex string, got {text!r}")
    try:
        raw = bytes.fromhex(text.removeprefix("0x"))
    except ValueError:
        raise NodeConfigError(name, "not valid hex") from None
    if length is not None and len(raw) != length:
        raise NodeConfigError(name, f"expected {length} bytes, got {len(raw)}")
    return raw


def _hex(d: Mapping[str, Any], key: str, length: int | None) -> bytes:
    return _decode_hex(_get(d, key), key, length)


def _hex_list(off: Mapping[str, Any], key: str, n: int, length: int | None) -> list[bytes]:
    name = f"offchain.{key}"
    values = _get(off, key, name)
    if not isinstance(values, list):
        raise NodeConfigError(name, f"expected a list, got {type(values).__name__}")
    if len(values) != n:
        raise NodeConfigError(name, f"expected one entry per oracle (n={n}), got {len(values)}")
    return [_decode_hex(v, f"{name}[{i}]", length) for i, v in enumerate(values)]


def _secret(secrets: Mapping[str, Any], key: str, base: Path) -> str:
    """A secret given inline, or as ``{"file": path}`` (first line of the file)."""
    name = f"secrets.{key}"
    value = _get(secrets, key, name)
    if isinstance(value, str) and value:
        return value
    if isinstance(value, dict) and set(value) == {"file"} and isinstance(value["file"], str):
        file = base / value["file"]
        try:
            lines = file.read_text().splitlines()
        except OSError as exc:
            raise NodeConfigError(name, f"cannot read {file}: {exc.strerror}") from None
        if not lines or not lines[0].strip():
            raise NodeConfigError(name, f"{file} is empty")
        return lines[0].strip()
    raise NodeConfigError(name, 'expected the secret as a string or {"file": "path"}')


def _ed25519_secret(text: str) -> SigningKey:
    return SigningKey(_decode_hex(text, "secrets.ed25519", 32))


def _x25519_secret(text: str) -> PrivateKey:
    raw = _decode_hex(text, "secrets.x25519", 32)
    try:
        return PrivateKey(raw)
    except (NaclCryptoError, TypeError, ValueError) as exc:
        raise NodeConfigError("secrets.x25519", str(exc)) from None


def _peers(value: object) -> tuple[PeerInfo, ...]:
    if not isinstance(value, list) or not value:
        raise NodeConfigError("transport.peers", "expected a non-empty list of {index, public_key, endpoint}")
    peers = []
    for i, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise NodeConfigError(f"transport.peers[{i}]", "expected an object")
        try:
            peers.append(PeerInfo.from_dict(entry))
        except OCRError as exc:
            raise NodeConfigError(f"transport.peers[{i}]", str(exc)) from None
    try:
        return validate_peers(peers)
    except OCRError as exc:
        raise NodeConfigError("transport.peers", str(exc)) from None


def _timing(value: object) -> Timing:
    timing = _object(value, "offchain.timing", frozenset(_TIMING_FIELDS))
    kwargs: dict[str, Any] = {}
    for key, kind in _TIMING_FIELDS.items():
        if key not in timing:
            continue
        v = timing[key]
        ok = isinstance(v, int) if kind is int else isinstance(v, int | float)
        if isinstance(v, bool) or not ok:
            raise NodeConfigError(f"offchain.timing.{key}", f"expected {'an integer' if kind is int else 'a number'}, got {v!r}")
        kwargs[key] = kind(v)
    return Timing(**kwargs)


def _sources(value: object) -> tuple[dict[str, Any], ...]:
    if not isinstance(value, list) or not value:
        raise NodeConfigError("sources", "expected a non-empty list of source configs")
    for i, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise NodeConfigError(f"sources[{i}]", "expected an object")
        try:  # built once here only to validate; the process builds its own with the real clock
            source_from_config(entry, clock=time.time)
        except OCRError as exc:
            raise NodeConfigError(f"sources[{i}]", str(exc)) from None
    return tuple(value)


def _rpc_urls(value: object) -> tuple[str, ...]:
    urls = [value] if isinstance(value, str) else value
    if not isinstance(urls, list) or not urls:
        raise NodeConfigError("rpc_url", f"expected a URL or a non-empty list of URLs, got {value!r}")
    for i, url in enumerate(urls):
        name = "rpc_url" if isinstance(value, str) else f"rpc_url[{i}]"
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise NodeConfigError(name, f"must start with http:// or https://, got {url!r}")
    if len(set(urls)) != len(urls):
        raise NodeConfigError("rpc_url", "lists the same URL twice")
    return tuple(urls)


def _transmission(value: object) -> TransmissionConfig:
    if value is None:
        return TransmissionConfig()
    section = _object(value, "transmission", _TRANSMISSION)
    kwargs: dict[str, Any] = {}
    for key in _TRANSMISSION:
        if section.get(key) is None:
            continue
        v = section[key]
        name = f"transmission.{key}"
        if key == "priority_percentile":
            if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 100:
                raise NodeConfigError(name, f"expected a number in [0, 100], got {v!r}")
            kwargs[key] = float(v)
            continue
        kwargs[key] = _int(section, key, name, low=_TRANSMISSION_MIN[key])
    return TransmissionConfig(**kwargs)


def timing_to_json(timing: Timing) -> dict[str, Any]:
    """The ``offchain.timing`` object for a :class:`Timing` (what config writers put in the file)."""
    return dataclasses.asdict(timing)
