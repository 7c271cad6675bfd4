"""Secret keys: the IETF BLS KeyGen, range checks and a fixed 32-byte serialisation.

A secret key is a plain ``int`` in ``[1, r)``. Zero would give the public key at infinity, which
verifies anything; values ``>= r`` are aliases of smaller keys and usually mean a bug (a key read
with the wrong byte order, say), so we refuse both instead of reducing.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Final

from ocr_client.constants import CURVE_ORDER
from ocr_client.crypto.exceptions import CryptoInputError
from ocr_client.errors import InvalidSecretKeyError

#: Bytes of a serialised secret key (big-endian, as in the IETF draft and EIP-2333).
SECRET_KEY_SIZE: Final[int] = 32
#: KeyGen needs at least this much input keying material (draft-irtf-cfrg-bls-signature, 2.3).
MIN_IKM_SIZE: Final[int] = 32

_KEYGEN_SALT: Final[bytes] = b"BLS-SIG-KEYGEN-SALT-"
# L = ceil((3 * ceil(log2(r))) / 16): 48 bytes, so the reduction mod r has negligible bias.
_KEYGEN_L: Final[int] = 48


def check_secret_key(sk: int) -> int:
    """Return ``sk`` if it is a valid secret key (an int in ``[1, r)``), else raise.

    ``bool`` is refused although it is an ``int`` subclass: ``True`` as a key is always a bug.
    """
    if isinstance(sk, bool) or not isinstance(sk, int):
        raise InvalidSecretKeyError(f"secret key must be an int, got {type(sk).__name__}")
    if not 1 <= sk < CURVE_ORDER:
        what = "zero" if sk == 0 else ("negative" if sk < 0 else "not below the group order r")
        raise InvalidSecretKeyError(f"secret key must be in [1, r); it is {what}")
    return sk


def _hkdf_extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def _hkdf_expand(prk: bytes, info: bytes, length: int) -> bytes:
    okm = b""
    block = b""
    counter = 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        okm += block
        counter += 1
    return okm[:length]


def keygen(ikm: bytes, key_info: bytes = b"") -> int:
    """IETF BLS ``KeyGen(IKM, key_info)`` (draft-irtf-cfrg-bls-signature-05, section 2.3).

    Deterministic: the same key material always gives the same key, which makes keys reproducible
    from a backed-up seed. This is also EIP-2333's ``derive_master_SK`` when ``key_info`` is empty.
    The salt is re-hashed until the key is nonzero, as the draft specifies.
    """
    if not isinstance(ikm, (bytes, bytearray)):
        raise CryptoInputError(f"IKM must be bytes, got {type(ikm).__name__}")
    if len(ikm) < MIN_IKM_SIZE:
        raise CryptoInputError(
            f"IKM must be at least {MIN_IKM_SIZE} bytes of secret randomness, got {len(ikm)}"
        )
    salt = _KEYGEN_SALT
    sk = 0
    while sk == 0:
        salt = hashlib.sha256(salt).digest()
        prk = _hkdf_extract(salt, bytes(ikm) + b"\x00")
        okm = _hkdf_expand(prk, bytes(key_info) + _KEYGEN_L.to_bytes(2, "big"), _KEYGEN_L)
        sk = int.from_bytes(okm, "big") % CURVE_ORDER
    return sk


def secret_key_to_bytes(sk: int) -> bytes:
    """Serialise a secret key as 32 big-endian bytes."""
    return check_secret_key(sk).to_bytes(SECRET_KEY_SIZE, "big")


def secret_key_from_bytes(data: bytes) -> int:
    """Parse 32 big-endian bytes as a secret key, refusing zero and values ``>= r``."""
    if len(data) != SECRET_KEY_SIZE:
        raise InvalidSecretKeyError(f"secret key must be {SECRET_KEY_SIZE} bytes, got {len(data)}")
    return check_secret_key(int.from_bytes(data, "big"))
