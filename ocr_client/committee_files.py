"""Committee files on disk: a public ``committee.json`` and one secrets file per oracle.

Each file names its ``kind``, so a transmitter key given where a committee is expected (or the
reverse) is refused with a clear message instead of a stack trace. Secrets files are written
with mode 0600 and atomically. They hold plaintext keys: EIP-2335 keystores replace them in the
trustless-keys issue.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Final

from eth_account import Account

from ocr_client.committee import LocalCommittee
from ocr_client.crypto import Committee, Dealing, SecretShare, get_backend
from ocr_client.errors import KeyFileError, OCRError
from ocr_client.report.config import OnchainConfig

COMMITTEE_KIND: Final[str] = "ocr-client/committee"
ORACLE_KIND: Final[str] = "ocr-client/oracle-secrets"
FORMAT_VERSION: Final[int] = 1


def _write_atomic(path: Path, data: dict[str, Any], mode: int) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as out:
        json.dump(data, out, indent=2)
        out.write("\n")
    os.replace(tmp, path)


def _read(path: Path, kind: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except OSError as exc:
        raise KeyFileError(f"cannot read {path}: {exc.strerror}") from None
    except ValueError:
        raise KeyFileError(f"{path} is not valid JSON (corrupted?)") from None
    if not isinstance(data, dict) or data.get("kind") != kind:
        found = data.get("kind") if isinstance(data, dict) else None
        raise KeyFileError(f"{path} is not a {kind} file (kind: {found!r})")
    if data.get("version") != FORMAT_VERSION:
        raise KeyFileError(f"{path} has format version {data.get('version')!r}; this ocr reads {FORMAT_VERSION}")
    return data


def write_committee(committee: LocalCommittee, out_dir: Path) -> Path:
    """Write committee.json and oracle-<i>.json files; refuse to overwrite an existing committee."""
    if out_dir.exists() and not out_dir.is_dir():
        raise KeyFileError(f"{out_dir} exists and is not a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    public = out_dir / "committee.json"
    if public.exists():
        raise KeyFileError(f"{public} already exists; choose another --out folder")
    for i in range(committee.n):
        _write_atomic(out_dir / f"oracle-{i}.json", {
            "kind": ORACLE_KIND, "version": FORMAT_VERSION, "index": i,
            "bls_secret_share": committee.share(i).secret.to_bytes(32, "big").hex(),
            "transmitter_private_key": committee.transmitters[i].key.hex(),
        }, 0o600)
    _write_atomic(public, {
        "kind": COMMITTEE_KIND, "version": FORMAT_VERSION,
        "n": committee.n, "f": committee.f, "threshold": committee.threshold,
        "group_public_key": committee.group_public_key.hex(),
        "public_shares": [s.hex() for s in committee.dealing.public_shares],
        "transmitters": [a.address for a in committee.transmitters],
    }, 0o644)
    return public


def read_onchain_config(path: Path, min_answer: int, max_answer: int) -> OnchainConfig:
    """The setConfig argument from a committee.json."""
    data = _read(path, COMMITTEE_KIND)
    try:
        return OnchainConfig(
            f=int(data["f"]), threshold=int(data["threshold"]),
            group_public_key=bytes.fromhex(data["group_public_key"]),
            public_shares=tuple(bytes.fromhex(s) for s in data["public_shares"]),
            transmitters=tuple(str(t) for t in data["transmitters"]),
            min_answer=min_answer, max_answer=max_answer,
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise KeyFileError(f"{path} is missing or has a malformed field: {exc}") from None


def read_committee(folder: Path) -> LocalCommittee:
    """A LocalCommittee from committee.json plus every oracle-<i>.json in ``folder``."""
    data = _read(folder / "committee.json", COMMITTEE_KIND)
    try:
        n, f, t = int(data["n"]), int(data["f"]), int(data["threshold"])
        public = Committee(t, bytes.fromhex(data["group_public_key"]),
                           tuple(bytes.fromhex(s) for s in data["public_shares"]))
        shares, accounts = [], []
        for i in range(n):
            oracle = _read(folder / f"oracle-{i}.json", ORACLE_KIND)
            shares.append(SecretShare(i + 1, int(oracle["bls_secret_share"], 16)))
            accounts.append(Account.from_key(bytes.fromhex(oracle["transmitter_private_key"])))
    except KeyFileError:
        raise
    except (KeyError, ValueError, TypeError, OCRError) as exc:
        raise KeyFileError(f"committee in {folder} is malformed: {exc}") from None
    return LocalCommittee(f=f, dealing=Dealing(public, tuple(shares)), transmitters=tuple(accounts),
                          backend=get_backend())
