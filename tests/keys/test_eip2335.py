"""EIP-2335 keystores: the EIP's own test vectors, password processing, round trips, bad files.

The vectors (tests/keys/vectors/, see the README there) use the real work factors and take about
a second each for scrypt; everything else uses tiny work factors so the module stays fast.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ocr_client.crypto import get_backend, secret_key_to_bytes
from ocr_client.errors import KeyFileError
from ocr_client.keys import (
    CorruptKeystoreError,
    KeystoreError,
    WrongPasswordError,
    decrypt_keystore,
    decrypt_secret_key,
    encrypt_keystore,
    encrypt_secret_key,
    keystore_pubkey,
    process_password,
)

VECTORS = Path(__file__).parent / "vectors"
# The EIP's password: "testpassword" in MATHEMATICAL FRAKTUR SMALL letters, then U+1F511 KEY.
PASSWORD = (
    "\U0001d531\U0001d522\U0001d530\U0001d531\U0001d52d\U0001d51e\U0001d530\U0001d530"
    "\U0001d534\U0001d52c\U0001d52f\U0001d521\U0001f511"
)
PROCESSED_PASSWORD = bytes.fromhex("7465737470617373776f7264f09f9491")
SECRET = bytes.fromhex("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")
FAST_N = 16  # tiny work factors for everything but the vectors
FAST_C = 2


def load_vector(kdf: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / f"eip2335_{kdf}.json").read_text(encoding="utf-8"))
    return data


# --- official vectors (real parameters) ---------------------------------------------------------


@pytest.mark.parametrize("kdf", ["scrypt", "pbkdf2"])
def test_vector_decrypts_to_the_secret(kdf: str) -> None:
    assert decrypt_keystore(load_vector(kdf), PASSWORD) == SECRET


@pytest.mark.parametrize("kdf", ["scrypt", "pbkdf2"])
def test_encrypting_with_the_vector_salt_and_iv_reproduces_it(kdf: str) -> None:
    vector = load_vector(kdf)
    params = vector["crypto"]["kdf"]["params"]
    keystore = encrypt_keystore(
        SECRET,
        PASSWORD,
        "scrypt" if kdf == "scrypt" else "pbkdf2",
        path=vector["path"],
        description=vector["description"],
        pubkey=bytes.fromhex(vector["pubkey"]),
        salt=bytes.fromhex(params["salt"]),
        iv=bytes.fromhex(vector["crypto"]["cipher"]["params"]["iv"]),
        uuid=vector["uuid"],
    )
    assert keystore["crypto"]["checksum"]["message"] == vector["crypto"]["checksum"]["message"]
    assert keystore["crypto"]["cipher"]["message"] == vector["crypto"]["cipher"]["message"]
    # With every input fixed, the whole document is the vector, parameters included.
    assert keystore == vector


def test_vector_password_is_processed_as_the_eip_says() -> None:
    assert process_password(PASSWORD) == PROCESSED_PASSWORD


def test_vector_pubkey_is_a_g1_key_so_decrypt_secret_key_refuses_it() -> None:
    vector = load_vector("pbkdf2")
    assert keystore_pubkey(vector) == bytes.fromhex(vector["pubkey"])
    with pytest.raises(CorruptKeystoreError, match="G1") as info:
        decrypt_secret_key(vector, PASSWORD)
    assert SECRET.hex() not in str(info.value)


# --- password processing ----------------------------------------------------------------------


@pytest.mark.parametrize("control", ["\x00", "\x1f", "\x7f", "\x80", "\x9f", "\n", "\t"])
def test_control_codes_are_stripped(control: str) -> None:
    assert process_password(f"pass{control}word{control}") == b"password"


def test_space_and_neighbours_of_the_control_ranges_are_kept() -> None:
    assert process_password(" a~") == b" a~"  # U+0020 and U+007E border the stripped ranges
    assert process_password("\xa1") == "\xa1".encode()  # U+00A1 is just past C1
    assert process_password("\xa0") == b" "  # no-break space: not a control code; NFKD makes it U+0020


def test_nfkd_is_applied() -> None:
    # Composed and decomposed forms, and compatibility characters, give the same bytes.
    assert process_password("\u00e9") == process_password("e\u0301") == "e\u0301".encode()
    assert process_password("\ufb01") == b"fi"  # the "fi" ligature
    assert process_password("\u2460") == b"1"  # circled digit one


def test_stripping_happens_after_normalisation() -> None:
    # fraktur "test" with DEL and US inside: NFKD first, then the control codes go
    assert process_password("\U0001d531\x7f\U0001d522\x1f\U0001d530\U0001d531") == b"test"


@pytest.mark.parametrize("kdf", ["scrypt", "pbkdf2"])
def test_control_codes_do_not_change_the_key(kdf: Any) -> None:
    keystore = encrypt_keystore(SECRET, "secret\x7fpass", kdf, scrypt_n=FAST_N, pbkdf2_c=FAST_C)
    assert decrypt_keystore(keystore, "secretpass") == SECRET
    assert decrypt_keystore(keystore, "secret\x1fpass\x00") == SECRET


def test_password_must_be_a_string() -> None:
    with pytest.raises(TypeError):
        process_password(b"bytes")  # type: ignore[arg-type]


# --- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("kdf", ["scrypt", "pbkdf2"])
def test_round_trip(kdf: Any) -> None:
    secret = bytes(range(32))
    keystore = encrypt_keystore(
        secret, "correct horse", kdf, path="m/12381/0", description="oracle 1", scrypt_n=FAST_N, pbkdf2_c=FAST_C
    )
    keystore = json.loads(json.dumps(keystore))  # survives JSON
    assert decrypt_keystore(keystore, "correct horse") == secret
    assert keystore["version"] == 4
    assert keystore["path"] == "m/12381/0"
    assert keystore["description"] == "oracle 1"
    assert "pubkey" not in keystore
    assert uuid.UUID(keystore["uuid"]).version == 4
    params = keystore["crypto"]["kdf"]["params"]
    assert len(bytes.fromhex(params["salt"])) == 32
    assert len(bytes.fromhex(keystore["crypto"]["cipher"]["params"]["iv"])) == 16
    assert secret.hex() not in json.dumps(keystore)


def test_default_parameters_are_the_eips() -> None:
    # PBKDF2 with the real c costs 0.1 s; the real scrypt defaults are checked without running them.
    import inspect

    defaults = inspect.signature(encrypt_keystore).parameters
    assert defaults["scrypt_n"].default == 262144 and defaults["kdf"].default == "scrypt"
    keystore = encrypt_keystore(SECRET, "pw", "pbkdf2")
    assert keystore["crypto"]["kdf"]["params"] == {
        "dklen": 32,
        "c": 262144,
        "prf": "hmac-sha256",
        "salt": keystore["crypto"]["kdf"]["params"]["salt"],
    }


def test_fresh_salt_iv_and_uuid_each_time() -> None:
    a = encrypt_keystore(SECRET, "pw", "pbkdf2", scrypt_n=FAST_N, pbkdf2_c=FAST_C)
    b = encrypt_keystore(SECRET, "pw", "pbkdf2", scrypt_n=FAST_N, pbkdf2_c=FAST_C)
    assert a["uuid"] != b["uuid"]
    assert a["crypto"]["kdf"]["params"]["salt"] != b["crypto"]["kdf"]["params"]["salt"]
    assert a["crypto"]["cipher"]["params"]["iv"] != b["crypto"]["cipher"]["params"]["iv"]
    assert a["crypto"]["cipher"]["message"] != b["crypto"]["cipher"]["message"]


def test_secret_key_round_trip_stores_the_g2_pubkey() -> None:
    sk = 0x1234567890ABCDEF
    keystore = encrypt_secret_key(sk, "pw", "scrypt", scrypt_n=FAST_N, pbkdf2_c=FAST_C)
    backend = get_backend()
    pubkey = keystore_pubkey(keystore)
    assert pubkey is not None and len(pubkey) == 96
    assert pubkey == backend.g2_compress(backend.public_key(sk))
    assert decrypt_secret_key(keystore, "pw") == sk
    assert decrypt_keystore(keystore, "pw") == secret_key_to_bytes(sk)


def test_secret_key_with_a_foreign_pubkey_is_refused() -> None:
    keystore = encrypt_secret_key(7, "pw", "pbkdf2", scrypt_n=FAST_N, pbkdf2_c=FAST_C)
    other = encrypt_secret_key(8, "pw", "pbkdf2", scrypt_n=FAST_N, pbkdf2_c=FAST_C)
    keystore["pubkey"] = other["pubkey"]
    with pytest.raises(CorruptKeystoreError, match="pubkey"):
        decrypt_secret_key(keystore, "pw")


def test_secret_that_is_not_a_bls_key_is_refused_by_decrypt_secret_key() -> None:
    keystore = encrypt_keystore(b"\xff" * 32, "pw", "pbkdf2", scrypt_n=FAST_N, pbkdf2_c=FAST_C)  # >= r
    assert decrypt_keystore(keystore, "pw") == b"\xff" * 32
    with pytest.raises(CorruptKeystoreError, match="not a valid BLS12-381 secret key") as info:
        decrypt_secret_key(keystore, "pw")
    assert "ff" * 32 not in str(info.value)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((b"\x01" * 31, "pw", "pbkdf2"), {}),
        ((b"\x01" * 33, "pw", "pbkdf2"), {}),
        (("0" * 32, "pw", "pbkdf2"), {}),
        ((SECRET, "pw", "argon2"), {}),
        ((SECRET, "pw", "pbkdf2"), {"salt": b"short"}),
        ((SECRET, "pw", "pbkdf2"), {"iv": b"\x00" * 8}),
        ((SECRET, "pw", "pbkdf2"), {"uuid": "not-a-uuid"}),
        ((SECRET, "pw", "scrypt"), {"scrypt_n": 1000}),
        ((SECRET, "pw", "pbkdf2"), {"pbkdf2_c": 0}),
    ],
)
def test_encrypt_rejects_bad_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    with pytest.raises(KeystoreError):
        encrypt_keystore(*args, **kwargs)


# --- wrong password and corrupted files -------------------------------------------------------

SECRET_HEX = SECRET.hex()
PW = "hunter2-Password"


@pytest.fixture(scope="module")
def good() -> dict[str, Any]:
    return encrypt_keystore(SECRET, PW, "scrypt", pubkey=b"\xab" * 96, scrypt_n=FAST_N, pbkdf2_c=FAST_C)


def assert_no_leak(exc: BaseException) -> None:
    for text in (str(exc), repr(exc), repr(exc.args)):
        assert SECRET_HEX not in text
        assert PW not in text
    assert exc.__cause__ is None and (exc.__context__ is None or exc.__suppress_context__)


@pytest.mark.parametrize("kdf", ["scrypt", "pbkdf2"])
@pytest.mark.parametrize("password", ["hunter2-password", "", "hunter2-Password "])
def test_wrong_password(kdf: Any, password: str) -> None:
    keystore = encrypt_keystore(SECRET, PW, kdf, scrypt_n=FAST_N, pbkdf2_c=FAST_C)
    with pytest.raises(WrongPasswordError, match="wrong password") as info:
        decrypt_keystore(keystore, password)
    assert isinstance(info.value, KeyFileError)
    assert_no_leak(info.value)
    if password:
        assert password not in str(info.value) and password not in repr(info.value)


def test_wrong_password_on_the_pbkdf2_vector() -> None:
    # Only PBKDF2: with the real parameters it costs 0.1 s, scrypt 1 s (covered by the fast cases).
    with pytest.raises(WrongPasswordError):
        decrypt_keystore(load_vector("pbkdf2"), "testpassword")
    assert decrypt_keystore(load_vector("pbkdf2"), "testpassword\U0001f511") == SECRET  # = processed form


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    keys = path.split(".")

    def mutate(ks: dict[str, Any]) -> None:
        target = ks
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return mutate


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    keys = path.split(".")

    def mutate(ks: dict[str, Any]) -> None:
        target = ks
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]

    return mutate


CORRUPTIONS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("version 3", _set("version", 3), "version"),
    ("version as string", _set("version", "4"), "version"),
    ("version as bool", _set("version", True), "version"),
    ("no version", _delete("version"), "version"),
    ("no uuid", _delete("uuid"), "uuid"),
    ("bad uuid", _set("uuid", "xyz"), "uuid"),
    ("no path", _delete("path"), "path"),
    ("path not a string", _set("path", 5), "path"),
    ("description not a string", _set("description", None), "description"),
    ("pubkey bad hex", _set("pubkey", "zz"), "pubkey"),
    ("pubkey with 0x", _set("pubkey", "0x" + "ab" * 96), "pubkey"),
    ("no crypto", _delete("crypto"), "crypto"),
    ("crypto not an object", _set("crypto", []), "crypto"),
    ("no kdf", _delete("crypto.kdf"), "crypto.kdf"),
    ("unknown kdf", _set("crypto.kdf.function", "argon2id"), "argon2id"),
    ("no kdf params", _delete("crypto.kdf.params"), "crypto.kdf.params"),
    ("no kdf message", _delete("crypto.kdf.message"), "crypto.kdf.message"),
    ("no salt", _delete("crypto.kdf.params.salt"), "salt"),
    ("odd-length salt", _set("crypto.kdf.params.salt", "abc"), "salt"),
    ("non-hex salt", _set("crypto.kdf.params.salt", "g" * 64), "salt"),
    ("hex with spaces", _set("crypto.kdf.params.salt", "ab " * 32), "salt"),
    ("short salt", _set("crypto.kdf.params.salt", "ab" * 8), "salt"),
    ("dklen 16", _set("crypto.kdf.params.dklen", 16), "dklen"),
    ("dklen as string", _set("crypto.kdf.params.dklen", "32"), "dklen"),
    ("scrypt n not a power of two", _set("crypto.kdf.params.n", 1000), "n"),
    ("scrypt n zero", _set("crypto.kdf.params.n", 0), "n"),
    ("scrypt n missing", _delete("crypto.kdf.params.n"), "n"),
    ("scrypt n float", _set("crypto.kdf.params.n", 16.0), "n"),
    ("scrypt r zero", _set("crypto.kdf.params.r", 0), "r"),
    ("scrypt p missing", _delete("crypto.kdf.params.p"), "p"),
    ("scrypt too costly", _set("crypto.kdf.params.n", 1 << 30), "limits"),
    ("no checksum", _delete("crypto.checksum"), "crypto.checksum"),
    ("unknown checksum", _set("crypto.checksum.function", "keccak256"), "keccak256"),
    ("short checksum", _set("crypto.checksum.message", "ab" * 31), "checksum"),
    ("checksum bad hex", _set("crypto.checksum.message", "x" * 64), "checksum"),
    ("no cipher", _delete("crypto.cipher"), "crypto.cipher"),
    ("unknown cipher", _set("crypto.cipher.function", "aes-256-gcm"), "aes-256-gcm"),
    ("no iv", _delete("crypto.cipher.params.iv"), "iv"),
    ("short iv", _set("crypto.cipher.params.iv", "00" * 15), "iv"),
    ("cipher params not an object", _set("crypto.cipher.params", "iv"), "params"),
    ("empty cipher message", _set("crypto.cipher.message", ""), "cipher.message"),
    ("cipher message bad hex", _set("crypto.cipher.message", "q" * 64), "cipher.message"),
    ("cipher message not a string", _set("crypto.cipher.message", 1), "cipher.message"),
]


@pytest.mark.parametrize(("mutate", "named"), [c[1:] for c in CORRUPTIONS], ids=[c[0] for c in CORRUPTIONS])
def test_corrupt_keystore(good: dict[str, Any], mutate: Callable[[dict[str, Any]], None], named: str) -> None:
    keystore = copy.deepcopy(good)
    assert decrypt_keystore(keystore, PW) == SECRET
    mutate(keystore)
    with pytest.raises(CorruptKeystoreError, match="corrupt EIP-2335 keystore") as info:
        decrypt_keystore(keystore, PW)
    assert named in str(info.value)
    assert isinstance(info.value, KeyFileError) and isinstance(info.value, ValueError)
    assert_no_leak(info.value)


@pytest.mark.parametrize("document", [[], "keystore", None, 4])
def test_keystore_must_be_an_object(document: Any) -> None:
    with pytest.raises(CorruptKeystoreError, match="JSON object"):
        decrypt_keystore(document, PW)


@pytest.mark.parametrize(
    "mutate",
    [
        _set("crypto.checksum.message", "00" * 32),
        _set("crypto.cipher.message", "00" * 32),  # valid shape, tampered ciphertext
        _set("crypto.kdf.params.salt", "00" * 32),
        _set("crypto.kdf.params.n", 32),
    ],
    ids=["checksum", "ciphertext", "salt", "work-factor"],
)
def test_tampering_with_well_formed_fields_is_caught_by_the_checksum(
    good: dict[str, Any], mutate: Callable[[dict[str, Any]], None]
) -> None:
    keystore = copy.deepcopy(good)
    mutate(keystore)
    # Indistinguishable from a wrong password, which is what the EIP's checksum is for: never garbage.
    with pytest.raises(WrongPasswordError) as info:
        decrypt_keystore(keystore, PW)
    assert_no_leak(info.value)


def test_unknown_extra_fields_are_ignored(good: dict[str, Any]) -> None:
    keystore = copy.deepcopy(good)
    keystore["crypto"]["kdf"]["params"]["note"] = "x"
    keystore["name"] = "oracle"
    assert decrypt_keystore(keystore, PW) == SECRET


def test_pbkdf2_specific_fields() -> None:
    keystore = encrypt_keystore(SECRET, PW, "pbkdf2", scrypt_n=FAST_N, pbkdf2_c=FAST_C)
    for mutate, named in [
        (_set("crypto.kdf.params.prf", "hmac-sha512"), "prf"),
        (_delete("crypto.kdf.params.prf"), "prf"),
        (_delete("crypto.kdf.params.c"), "c"),
        (_set("crypto.kdf.params.c", -1), "c"),
        (_set("crypto.kdf.params.c", 1 << 40), "c"),
    ]:
        broken = copy.deepcopy(keystore)
        mutate(broken)
        with pytest.raises(CorruptKeystoreError, match=named) as info:
            decrypt_keystore(broken, PW)
        assert_no_leak(info.value)


def test_keystore_pubkey_without_pubkey() -> None:
    assert keystore_pubkey(encrypt_keystore(SECRET, PW, "pbkdf2", scrypt_n=FAST_N, pbkdf2_c=FAST_C)) is None
