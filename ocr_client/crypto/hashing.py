"""RFC 9380 ``expand_message_xmd`` (SHA-256) and ``hash_to_field`` for the BLS12-381 base field.

Neither backend needs these: each hashes to G1 with its own library code. They are here as an
independent third implementation of the first half of hash_to_curve, checked against the RFC 9380
appendix K.1 vectors, so that the tests can cross-check the libraries step by step (field elements
``u0, u1`` first, then the mapped point), and because the Solidity side implements exactly this
expansion and needs a readable reference for it.
"""

from __future__ import annotations

import hashlib
from typing import Final

from ocr_client.constants import FIELD_MODULUS
from ocr_client.crypto.exceptions import CryptoInputError

_B_IN_BYTES: Final[int] = 32  # SHA-256 output size
_R_IN_BYTES: Final[int] = 64  # SHA-256 block size
#: Bytes per field element in hash_to_field for BLS12-381: L = ceil((ceil(log2(p)) + k) / 8), k = 128.
HASH_TO_FIELD_L: Final[int] = 64


def check_dst(dst: bytes) -> bytes:
    """Return ``dst`` as bytes if it is a usable domain separation tag (1 to 255 bytes).

    RFC 9380 requires a nonempty tag, and a tag over 255 bytes must first be hashed down
    ("H2C-OVERSIZE-DST-"); py_ecc refuses those outright while arkworks accepts them, so we refuse
    both kinds everywhere and keep the backends identical.
    """
    if not isinstance(dst, (bytes, bytearray, memoryview)):
        raise CryptoInputError(f"domain separation tag must be bytes, got {type(dst).__name__}")
    dst = bytes(dst)
    if not 1 <= len(dst) <= 255:
        raise CryptoInputError(f"domain separation tag must be 1 to 255 bytes long, got {len(dst)}")
    return dst


def expand_message_xmd(msg: bytes, dst: bytes, len_in_bytes: int) -> bytes:
    """RFC 9380 section 5.3.1 ``expand_message_xmd`` with SHA-256."""
    dst = check_dst(dst)
    ell = -(-len_in_bytes // _B_IN_BYTES)
    if not 1 <= len_in_bytes <= 65535 or ell > 255:
        raise CryptoInputError(f"expand_message_xmd cannot produce {len_in_bytes} bytes")
    dst_prime = dst + bytes([len(dst)])
    z_pad = bytes(_R_IN_BYTES)
    l_i_b_str = len_in_bytes.to_bytes(2, "big")
    b0 = hashlib.sha256(z_pad + bytes(msg) + l_i_b_str + b"\x00" + dst_prime).digest()
    bi = hashlib.sha256(b0 + b"\x01" + dst_prime).digest()
    out = [bi]
    for i in range(2, ell + 1):
        mixed = bytes(a ^ b for a, b in zip(b0, bi, strict=True))
        bi = hashlib.sha256(mixed + bytes([i]) + dst_prime).digest()
        out.append(bi)
    return b"".join(out)[:len_in_bytes]


def hash_to_field_fp(msg: bytes, dst: bytes, count: int = 2) -> list[int]:
    """RFC 9380 section 5.2 ``hash_to_field`` into Fp (m = 1), as used by the G1 suites."""
    uniform = expand_message_xmd(msg, dst, count * HASH_TO_FIELD_L)
    return [
        int.from_bytes(uniform[i * HASH_TO_FIELD_L : (i + 1) * HASH_TO_FIELD_L], "big") % FIELD_MODULUS
        for i in range(count)
    ]
