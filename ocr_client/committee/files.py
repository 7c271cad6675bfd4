"""Committee files on disk: a public ``committee.json`` and the secrets of each oracle.

Secrets come in two forms. With a password (``ocr keys new``): an EIP-2335 keystore per BLS
share (``oracle-<i>.bls.json``, its pubkey the oracle's public share) and a web3 V3 keystore per
transmitter key (``oracle-<i>.transmitter.json``). Without one (``ocr committee new``, for local
development only): plaintext ``oracle-<i>.json``. The share index and the group key live in the
public ``committee.json`` beside them. Every file names its ``kind`` (or is a keystore), so a file
of the wrong kind is refused with a clear message; everything is written with mode 0600 for
secrets, atomically.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Final

from eth_account import Account
from eth_account.signers.local import LocalAccount

from ocr_client.committee.local import LocalCommittee
from ocr_client.crypto import Committee, Dealing, SecretShare, get_backend
from ocr_client.errors import KeyFileError, OCRError
from ocr_client.keys import KdfName, KeystoreError, decrypt_secret_key, encrypt_secret_key
from ocr_client.report.config import OnchainConfig

COMMITTEE_KIND: Final[str] = "ocr-client/committee"
PASSWORD_ENV: Final[str] = "OCR_KEYSTORE_PASSWORD"
ORACLE_KIND: Final[str] = "ocr-client/oracle-secrets"
FORMAT_VERSION: Final[int] = 1


def _write_atomic(path: Path, data: dict[str, Any], mode: int) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as out:
        json.dump(data, out, indent=2)
        out.write("\n")
    os.replace(tmp, path)


def load_key_json(path: Path) -> Any:
    """A key or committee file's JSON; one KeyFileError line if unreadable or not JSON."""
    try:
        return json.loads(path.read_text())
    except OSError as exc:
        raise KeyFileError(f"cannot read {path}: {exc.strerror}") from None
    except ValueError:
        raise KeyFileError(f"{path} is not valid JSON (corrupted?)") from None


def _read(path: Path, kind: str) -> dict[str, Any]:
    data = load_key_json(path)
    if not isinstance(data, dict) or data.get("kind") != kind:
        found = data.get("kind") if isinstance(data, dict) else None
        raise KeyFileError(f"{path} is not a {kind} file (kind: {found!r})")
    if data.get("version") != FORMAT_VERSION:
        raise KeyFileError(f"{path} has format version {data.get('version')!r}; this ocr reads {FORMAT_VERSION}")
    return data


def write_committee(committee: LocalCommittee, out_dir: Path, password: str | None = None,
                    kdf: KdfName = "scrypt") -> Path:
    """Write committee.json and each oracle's secrets (keystores when a password is given);
    refuse to overwrite an existing committee."""
    if out_dir.exists() and not out_dir.is_dir():
        raise KeyFileError(f"{out_dir} exists and is not a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    public = out_dir / "committee.json"
    if public.exists():
        raise KeyFileError(f"{public} already exists; choose another --out folder")
    for i in range(committee.n):
        if password is None:
            _write_atomic(out_dir / f"oracle-{i}.json", {
                "kind": ORACLE_KIND, "version": FORMAT_VERSION, "index": i,
                "bls_secret_share": committee.share(i).secret.to_bytes(32, "big").hex(),
                "transmitter_private_key": committee.transmitters[i].key.hex(),
            }, 0o600)
            continue
        _write_atomic(out_dir / f"oracle-{i}.bls.json", encrypt_secret_key(
            committee.share(i).secret, password, kdf, path=f"ocr/{committee.threshold}-of-{committee.n}/{i}",
            description=f"ocr-client BLS share index {i + 1} (oracle {i})",
        ), 0o600)
        _write_atomic(out_dir / f"oracle-{i}.transmitter.json",
                      dict(Account.encrypt(committee.transmitters[i].key, password, kdf=kdf)), 0o600)
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


def _read_keystore(path: Path) -> dict[str, Any]:
    data = load_key_json(path)
    if not isinstance(data, dict) or "crypto" not in data:
        raise KeyFileError(f"{path} is not a keystore")
    return data


def _oracle_secrets(folder: Path, i: int, password: str | None) -> tuple[int, LocalAccount]:
    """Oracle ``i``'s (BLS secret share, transmitter account), from keystores or plaintext."""
    bls_path = folder / f"oracle-{i}.bls.json"
    if not bls_path.exists():
        oracle = _read(folder / f"oracle-{i}.json", ORACLE_KIND)
        account: LocalAccount = Account.from_key(bytes.fromhex(oracle["transmitter_private_key"]))
        return int(oracle["bls_secret_share"], 16), account
    if password is None:
        raise KeyFileError(f"{folder} holds keystores: give --password-file or set {PASSWORD_ENV}")
    try:
        secret = decrypt_secret_key(_read_keystore(bls_path), password)
    except KeystoreError as exc:
        raise KeyFileError(f"{bls_path}: {exc}") from None
    tx_path = folder / f"oracle-{i}.transmitter.json"
    try:
        key = Account.decrypt(_read_keystore(tx_path), password)
    except ValueError as exc:  # eth-account's wrong-password and malformed-keystore errors
        raise KeyFileError(f"{tx_path}: cannot decrypt ({exc})") from None
    account = Account.from_key(key)
    return secret, account


def read_committee(folder: Path, password: str | None = None) -> LocalCommittee:
    """A LocalCommittee from committee.json plus each oracle's secrets in ``folder``."""
    data = _read(folder / "committee.json", COMMITTEE_KIND)
    try:
        n, f, t = int(data["n"]), int(data["f"]), int(data["threshold"])
        public = Committee(t, bytes.fromhex(data["group_public_key"]),
                           tuple(bytes.fromhex(s) for s in data["public_shares"]))
        shares, accounts = [], []
        backend = get_backend()
        for i in range(n):
            secret, account = _oracle_secrets(folder, i, password)
            # a share from another committee (or a mixed-up file) is caught before decrypting the rest
            if backend.public_key(secret) != public.public_share(i + 1):
                raise KeyFileError(f"the share for oracle {i} does not match committee.json's public share")
            shares.append(SecretShare(i + 1, secret))
            accounts.append(account)
    except KeyFileError:
        raise
    except (KeyError, ValueError, TypeError, OCRError) as exc:
        raise KeyFileError(f"committee in {folder} is malformed: {exc}") from None
    return LocalCommittee(f=f, dealing=Dealing(public, tuple(shares)), transmitters=tuple(accounts),
                          backend=get_backend())


def load_password(password_file: str | None) -> str | None:
    """The keystore password from ``--password-file`` (first line), else ``OCR_KEYSTORE_PASSWORD``, else None."""
    if password_file:
        try:
            lines = Path(password_file).read_text().splitlines()
        except OSError as exc:
            raise KeyFileError(f"cannot read password file {password_file}: {exc.strerror}") from None
        if not lines or not lines[0]:
            raise KeyFileError(f"password file {password_file} is empty")
        return lines[0]
    return os.environ.get(PASSWORD_ENV) or None


def read_oracle_keys(folder: Path, index: int, password: str | None = None) -> tuple[SecretShare, Committee, LocalAccount]:
    """Only oracle ``index``'s secrets from ``folder``: its share, the public committee, its transmitter.

    A node process must not decrypt (or even need the password for) the other oracles' keys, so
    unlike :func:`read_committee` this touches one oracle's files plus the public committee.json.
    """
    data = _read(folder / "committee.json", COMMITTEE_KIND)
    try:
        n = int(data["n"])
        public = Committee(int(data["threshold"]), bytes.fromhex(data["group_public_key"]),
                           tuple(bytes.fromhex(s) for s in data["public_shares"]))
    except (KeyError, ValueError, TypeError, OCRError) as exc:
        raise KeyFileError(f"committee in {folder} is malformed: {exc}") from None
    if not 0 <= index < n:
        raise KeyFileError(f"oracle {index} is not in the committee of {n} in {folder}")
    try:
        secret, account = _oracle_secrets(folder, index, password)
        if get_backend().public_key(secret) != public.public_share(index + 1):
            raise KeyFileError(f"the share for oracle {index} does not match committee.json's public share")
        share = SecretShare(index + 1, secret)
    except KeyFileError:
        raise
    except (KeyError, ValueError, TypeError, OCRError) as exc:
        raise KeyFileError(f"oracle {index}'s secrets in {folder} are malformed: {exc}") from None
    return share, public, account
