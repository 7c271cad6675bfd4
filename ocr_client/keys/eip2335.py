"""EIP-2335 keystores: a secret encrypted under a password, as a JSON-ready ``dict``.

The format (version 4) has three *modules*, each ``{"function", "params", "message"}``:

* ``kdf``: scrypt or PBKDF2-HMAC-SHA256 turns the processed password into a 32-byte
  ``decryption_key``;
* ``checksum``: ``sha256(decryption_key[16:32] || cipher.message)`` proves the password is right
  before anything is decrypted, so a wrong password is always reported as such and never yields
  garbage;
* ``cipher``: AES-128-CTR with key ``decryption_key[:16]`` and the 16-byte ``iv`` as the initial
  128-bit big-endian counter block.

Passwords are processed as the EIP says: NFKD normalisation, then removal of the C0 (U+0000 to
U+001F), DEL (U+007F) and C1 (U+0080 to U+009F) control codes, then UTF-8.

AES comes from pycryptodome (``Crypto.Cipher.AES``), already installed through eth-account's
eth-keyfile; scrypt and PBKDF2 come from :mod:`hashlib`.

Every error is a :class:`~ocr_client.errors.KeyFileError`; no message, repr or chained exception
ever contains the password, the secret or the decryption key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
import uuid as _uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from Crypto.Cipher import AES

from ocr_client.crypto import get_backend, secret_key_from_bytes, secret_key_to_bytes
from ocr_client.errors import InvalidSecretKeyError, KeyFileError

KdfName = Literal["scrypt", "pbkdf2"]

#: The keystore ``version`` this module reads and writes.
KEYSTORE_VERSION: Final[int] = 4
#: Parameters the EIP recommends and :func:`encrypt_keystore` uses by default.
SCRYPT_N: Final[int] = 262144
SCRYPT_R: Final[int] = 8
SCRYPT_P: Final[int] = 1
PBKDF2_C: Final[int] = 262144
DKLEN: Final[int] = 32
SALT_SIZE: Final[int] = 32
IV_SIZE: Final[int] = 16
#: Length of the secrets :func:`encrypt_keystore` accepts (a BLS12-381 secret key).
SECRET_SIZE: Final[int] = 32

# Limits on what a keystore may ask of us, so a hostile file cannot exhaust memory or CPU.
_MIN_SALT_SIZE: Final[int] = 16
_MAX_SCRYPT_MEMORY: Final[int] = 1 << 30  # 1 GiB; the recommended parameters need 256 MiB
_MAX_SCRYPT_P: Final[int] = 16
_MAX_PBKDF2_C: Final[int] = 1 << 24
_MAX_SECRET_SIZE: Final[int] = 1024

_HEX: Final[re.Pattern[str]] = re.compile(r"(?:[0-9a-fA-F]{2})*")


class KeystoreError(KeyFileError):
    """An EIP-2335 keystore could not be written or read."""


class CorruptKeystoreError(KeystoreError):
    """A keystore that is malformed: a missing or mistyped field, bad hex, an unknown function."""


class WrongPasswordError(KeystoreError):
    """The keystore's checksum does not match the password: the password is wrong."""


# --- password ---------------------------------------------------------------------------------


def _is_control(ch: str) -> bool:
    code = ord(ch)
    return code <= 0x1F or 0x7F <= code <= 0x9F


def process_password(password: str) -> bytes:
    """EIP-2335 password processing: NFKD, strip C0/C1/DEL control codes, UTF-8 encode."""
    if not isinstance(password, str):
        raise TypeError(f"password must be a str, got {type(password).__name__}")
    normalised = unicodedata.normalize("NFKD", password)
    return "".join(ch for ch in normalised if not _is_control(ch)).encode("utf-8")


# --- primitives -------------------------------------------------------------------------------


def _scrypt_memory(n: int, r: int, p: int) -> int:
    # hashlib/OpenSSL need 128*r*(n + p + 2) bytes plus a little bookkeeping.
    return 128 * r * (n + p + 2)


def _derive_key(kdf: _Kdf, password: bytes) -> bytes:
    if kdf.function == "scrypt":
        maxmem = _scrypt_memory(kdf.n, kdf.r, kdf.p) + (1 << 20)
        return hashlib.scrypt(password, salt=kdf.salt, n=kdf.n, r=kdf.r, p=kdf.p, dklen=kdf.dklen, maxmem=maxmem)
    return hashlib.pbkdf2_hmac("sha256", password, kdf.salt, kdf.c, dklen=kdf.dklen)


def _checksum(decryption_key: bytes, cipher_message: bytes) -> bytes:
    return hashlib.sha256(decryption_key[16:32] + cipher_message).digest()


def _aes_128_ctr(key: bytes, iv: bytes, data: bytes) -> bytes:
    # The whole 16-byte IV is the initial counter block, incremented as one 128-bit integer.
    return AES.new(key[:16], AES.MODE_CTR, nonce=b"", initial_value=iv).encrypt(data)


# --- parsing ----------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class _Kdf:
    function: KdfName
    salt: bytes
    dklen: int
    n: int = 0
    r: int = 0
    p: int = 0
    c: int = 0


@dataclass(frozen=True, repr=False)
class _Parsed:
    kdf: _Kdf
    checksum: bytes
    iv: bytes
    cipher_message: bytes


def _corrupt(what: str) -> CorruptKeystoreError:
    return CorruptKeystoreError(f"corrupt EIP-2335 keystore: {what}")


def _field(obj: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in obj:
        raise _corrupt(f"missing {where}{key}")
    value = obj[key]
    # bool is an int subclass; a boolean where a number belongs is corruption.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _corrupt(f"{where}{key} must be a {'string' if kind is str else kind.__name__}, got {type(value).__name__}")
    return value


def _hex(obj: Mapping[str, Any], key: str, where: str, *, size: int | None = None, min_size: int = 0) -> bytes:
    text = _field(obj, key, str, where)
    if not _HEX.fullmatch(text):
        raise _corrupt(f"{where}{key} is not an even-length hex string")
    data = bytes.fromhex(text)
    if size is not None and len(data) != size:
        raise _corrupt(f"{where}{key} must be {size} bytes, got {len(data)}")
    if len(data) < min_size:
        raise _corrupt(f"{where}{key} must be at least {min_size} bytes, got {len(data)}")
    return data


def _module(crypto: Mapping[str, Any], name: str) -> tuple[str, Mapping[str, Any]]:
    module = _field(crypto, name, dict, "crypto.")
    where = f"crypto.{name}."
    function = _field(module, "function", str, where)
    params = _field(module, "params", dict, where)
    _field(module, "message", str, where)
    return function, params


def _positive(params: Mapping[str, Any], key: str, where: str) -> int:
    value: int = _field(params, key, int, where)
    if value < 1:
        raise _corrupt(f"{where}{key} must be positive, got {value}")
    return value


def _parse_kdf(crypto: Mapping[str, Any]) -> _Kdf:
    function, params = _module(crypto, "kdf")
    where = "crypto.kdf.params."
    if function not in ("scrypt", "pbkdf2"):
        raise _corrupt(f"unsupported kdf function {function!r} (expected 'scrypt' or 'pbkdf2')")
    dklen = _positive(params, "dklen", where)
    if dklen != DKLEN:
        raise _corrupt(f"{where}dklen must be {DKLEN}, got {dklen}")
    salt = _hex(params, "salt", where, min_size=_MIN_SALT_SIZE)
    if function == "scrypt":
        n = _positive(params, "n", where)
        r = _positive(params, "r", where)
        p = _positive(params, "p", where)
        if n < 2 or n & (n - 1):
            raise _corrupt(f"{where}n must be a power of two greater than 1, got {n}")
        if p > _MAX_SCRYPT_P or _scrypt_memory(n, r, p) > _MAX_SCRYPT_MEMORY:
            raise _corrupt(f"scrypt parameters n={n} r={r} p={p} exceed this reader's limits")
        return _Kdf("scrypt", salt, dklen, n=n, r=r, p=p)
    prf = _field(params, "prf", str, where)
    if prf != "hmac-sha256":
        raise _corrupt(f"unsupported pbkdf2 prf {prf!r} (expected 'hmac-sha256')")
    c = _positive(params, "c", where)
    if c > _MAX_PBKDF2_C:
        raise _corrupt(f"pbkdf2 iteration count c={c} exceeds this reader's limit {_MAX_PBKDF2_C}")
    return _Kdf("pbkdf2", salt, dklen, c=c)


def _parse(keystore: Mapping[str, Any]) -> _Parsed:
    if not isinstance(keystore, Mapping):
        raise _corrupt(f"expected a JSON object, got {type(keystore).__name__}")
    version = _field(keystore, "version", int, "")
    if version != KEYSTORE_VERSION:
        raise _corrupt(f"version is {version}; EIP-2335 keystores are version {KEYSTORE_VERSION}")
    uuid_text = _field(keystore, "uuid", str, "")
    try:
        _uuid.UUID(uuid_text)
    except ValueError:
        raise _corrupt("uuid is not a valid UUID") from None
    _field(keystore, "path", str, "")
    if "description" in keystore:
        _field(keystore, "description", str, "")
    if "pubkey" in keystore:
        _hex(keystore, "pubkey", "")
    crypto = _field(keystore, "crypto", dict, "")

    kdf = _parse_kdf(crypto)

    function, _params = _module(crypto, "checksum")
    if function != "sha256":
        raise _corrupt(f"unsupported checksum function {function!r} (expected 'sha256')")
    checksum = _hex(crypto["checksum"], "message", "crypto.checksum.", size=32)

    function, params = _module(crypto, "cipher")
    if function != "aes-128-ctr":
        raise _corrupt(f"unsupported cipher function {function!r} (expected 'aes-128-ctr')")
    iv = _hex(params, "iv", "crypto.cipher.params.", size=IV_SIZE)
    cipher_message = _hex(crypto["cipher"], "message", "crypto.cipher.")
    if not 1 <= len(cipher_message) <= _MAX_SECRET_SIZE:
        raise _corrupt(f"crypto.cipher.message must be 1 to {_MAX_SECRET_SIZE} bytes, got {len(cipher_message)}")
    return _Parsed(kdf, checksum, iv, cipher_message)


# --- public API -------------------------------------------------------------------------------


def encrypt_keystore(
    secret: bytes,
    password: str,
    kdf: KdfName = "scrypt",
    *,
    path: str = "",
    description: str = "",
    pubkey: bytes | None = None,
    salt: bytes | None = None,
    iv: bytes | None = None,
    uuid: str | None = None,
    scrypt_n: int = SCRYPT_N,
    pbkdf2_c: int = PBKDF2_C,
) -> dict[str, Any]:
    """Encrypt a 32-byte ``secret`` under ``password`` as an EIP-2335 (version 4) keystore.

    ``salt`` (32 random bytes), ``iv`` (16) and ``uuid`` (a random UUID4) are fresh unless given;
    pass them only to reproduce test vectors. ``scrypt_n``/``pbkdf2_c`` lower the work factor for
    tests only; real keystores keep the EIP's 262144. ``pubkey`` is stored as hex if given (this
    project's keys are 96-byte compressed G2 points). The result is ready for ``json.dump``.
    """
    if not isinstance(secret, (bytes, bytearray)) or len(secret) != SECRET_SIZE:
        size = f"{len(secret)} bytes" if isinstance(secret, (bytes, bytearray)) else type(secret).__name__
        raise KeystoreError(f"the secret must be {SECRET_SIZE} bytes, got {size}")
    if kdf not in ("scrypt", "pbkdf2"):
        raise KeystoreError(f"kdf must be 'scrypt' or 'pbkdf2', got {kdf!r}")
    salt = secrets.token_bytes(SALT_SIZE) if salt is None else bytes(salt)
    iv = secrets.token_bytes(IV_SIZE) if iv is None else bytes(iv)
    uuid = str(_uuid.uuid4()) if uuid is None else uuid

    kdf_params: dict[str, Any]
    if kdf == "scrypt":
        kdf_params = {"dklen": DKLEN, "n": scrypt_n, "r": SCRYPT_R, "p": SCRYPT_P, "salt": salt.hex()}
    else:
        kdf_params = {"dklen": DKLEN, "c": pbkdf2_c, "prf": "hmac-sha256", "salt": salt.hex()}
    keystore: dict[str, Any] = {
        "crypto": {
            "kdf": {"function": kdf, "params": kdf_params, "message": ""},
            "checksum": {"function": "sha256", "params": {}, "message": ""},
            "cipher": {"function": "aes-128-ctr", "params": {"iv": iv.hex()}, "message": ""},
        },
        "description": description,
        "path": path,
        "uuid": uuid,
        "version": KEYSTORE_VERSION,
    }
    if pubkey is not None:
        keystore["pubkey"] = bytes(pubkey).hex()
    # Validate our own output with the reader's rules (salt/iv sizes, n a power of two, ...).
    # The cipher and checksum messages are placeholders until the key is derived.
    crypto = keystore["crypto"]
    crypto["cipher"]["message"] = "00" * SECRET_SIZE
    crypto["checksum"]["message"] = "00" * 32
    try:
        parsed = _parse(keystore)
    except CorruptKeystoreError as exc:
        raise KeystoreError(f"invalid keystore parameters: {exc}") from None

    decryption_key = _derive_key(parsed.kdf, process_password(password))
    cipher_message = _aes_128_ctr(decryption_key, iv, bytes(secret))
    crypto["cipher"]["message"] = cipher_message.hex()
    crypto["checksum"]["message"] = _checksum(decryption_key, cipher_message).hex()
    return keystore


def decrypt_keystore(keystore: Mapping[str, Any], password: str) -> bytes:
    """Return the secret held in an EIP-2335 keystore.

    Raises :class:`CorruptKeystoreError` naming the bad field if the keystore is malformed, and
    :class:`WrongPasswordError` if the checksum does not match (the password is wrong).
    """
    parsed = _parse(keystore)
    decryption_key = _derive_key(parsed.kdf, process_password(password))
    if not hmac.compare_digest(_checksum(decryption_key, parsed.cipher_message), parsed.checksum):
        raise WrongPasswordError("wrong password for this keystore (checksum mismatch)")
    return _aes_128_ctr(decryption_key, parsed.iv, parsed.cipher_message)


def keystore_pubkey(keystore: Mapping[str, Any]) -> bytes | None:
    """The keystore's ``pubkey`` as bytes (no password needed), or ``None`` if it has none."""
    if not isinstance(keystore, Mapping):
        raise _corrupt(f"expected a JSON object, got {type(keystore).__name__}")
    if "pubkey" not in keystore:
        return None
    return _hex(keystore, "pubkey", "")


# --- BLS secret keys --------------------------------------------------------------------------


def encrypt_secret_key(sk: int, password: str, kdf: KdfName = "scrypt", **options: Any) -> dict[str, Any]:
    """Encrypt a BLS secret key (an int in ``[1, r)``), storing its 96-byte compressed G2 pubkey.

    ``options`` are passed to :func:`encrypt_keystore` (``path``, ``description``, ...).
    """
    backend = get_backend()
    pubkey = backend.g2_compress(backend.public_key(sk))
    return encrypt_keystore(secret_key_to_bytes(sk), password, kdf, pubkey=pubkey, **options)


def decrypt_secret_key(keystore: Mapping[str, Any], password: str) -> int:
    """Decrypt a keystore holding a BLS secret key and check it against the stored pubkey, if any.

    The pubkey must be this project's 96-byte compressed G2 key: an Ethereum validator keystore,
    whose pubkey is a 48-byte G1 point, is refused rather than silently accepted.
    """
    secret = decrypt_keystore(keystore, password)
    try:
        sk = secret_key_from_bytes(secret)
    except InvalidSecretKeyError:
        raise _corrupt("the decrypted secret is not a valid BLS12-381 secret key") from None
    stored = keystore_pubkey(keystore)
    if stored is not None:
        backend = get_backend()
        if not hmac.compare_digest(stored, backend.g2_compress(backend.public_key(sk))):
            raise _corrupt(
                f"pubkey ({len(stored)} bytes) is not the secret key's compressed G2 public key"
                + (" (48 bytes looks like an Ethereum validator's G1 key)" if len(stored) == 48 else "")
            )
    return sk
