"""Byte encodings of BLS12-381 points: EIP-2537 on the API, zcash-compressed in files.

Every point crosses our API as bytes in the EIP-2537 layout, because those are the exact bytes the
on-chain precompiles take: a base-field element is 64 bytes big-endian whose top 16 bytes are zero
and whose value is below p; a G1 point is ``x || y`` (128 bytes); a G2 point is
``x.c0 || x.c1 || y.c0 || y.c1`` (256 bytes, real part first); the point at infinity is all zeros.

The zcash/IETF *compressed* format (48 bytes for G1, 96 for G2) is what key files use. Beware that
it orders an Fp2 element the other way round, ``c1 || c0``, and keeps three flag bits in the top of
the first byte (compression, infinity, sign of y).

Everything here is plain integer arithmetic with no curve library, so both backends share one
definition of "well formed" and therefore raise the same errors for the same bytes. What needs real
curve arithmetic (subgroup membership, square roots for decompression) lives in the backends.
"""

from __future__ import annotations

from typing import Final

from ocr_client.constants import FIELD_MODULUS
from ocr_client.errors import InfinityPointError, MalformedPointError

#: Bytes of one base-field element in the EIP-2537 encoding.
FP_SIZE: Final[int] = 64
#: Leading zero bytes of an EIP-2537 field element (64 - 48).
FP_PADDING: Final[int] = 16
#: Bytes of a big-endian field element without padding (the zcash/arkworks width).
FP_BYTES: Final[int] = 48
#: Bytes of a G1 point in the EIP-2537 encoding.
G1_SIZE: Final[int] = 2 * FP_SIZE
#: Bytes of a G2 point in the EIP-2537 encoding.
G2_SIZE: Final[int] = 4 * FP_SIZE
#: Bytes of a compressed G1 point (zcash format).
G1_COMPRESSED_SIZE: Final[int] = FP_BYTES
#: Bytes of a compressed G2 point (zcash format).
G2_COMPRESSED_SIZE: Final[int] = 2 * FP_BYTES

#: The point at infinity of G1, EIP-2537 encoded.
G1_INFINITY: Final[bytes] = bytes(G1_SIZE)
#: The point at infinity of G2, EIP-2537 encoded.
G2_INFINITY: Final[bytes] = bytes(G2_SIZE)

_P: Final[int] = FIELD_MODULUS
_ZERO_PADDING: Final[bytes] = bytes(FP_PADDING)

# Flag bits of the first byte of a compressed point (zcash format).
_FLAG_COMPRESSED: Final[int] = 0x80
_FLAG_INFINITY: Final[int] = 0x40
_FLAG_SIGN: Final[int] = 0x20
_FLAG_MASK: Final[int] = 0xE0

#: An affine G1 point as integers ``(x, y)``.
G1Affine = tuple[int, int]
#: An element ``c0 + c1*u`` of Fp2 as ``(c0, c1)``.
Fp2 = tuple[int, int]
#: An affine G2 point as ``((x.c0, x.c1), (y.c0, y.c1))``.
G2Affine = tuple[Fp2, Fp2]

#: Standard generator of G1 (the same in every BLS12-381 implementation).
G1_GENERATOR_AFFINE: Final[G1Affine] = (
    0x17F1D3A73197D7942695638C4FA9AC0FC3688C4F9774B905A14E3A3F171BAC586C55E83FF97A1AEFFB3AF00ADB22C6BB,
    0x08B3F481E3AAA0F1A09E30ED741D8AE4FCF5E095D5D00AF600DB18CB2C04B3EDD03CC744A2888AE40CAA232946C5E7E1,
)
#: Standard generator of G2.
G2_GENERATOR_AFFINE: Final[G2Affine] = (
    (
        0x024AA2B2F08F0A91260805272DC51051C6E47AD4FA403B02B4510B647AE3D1770BAC0326A805BBEFD48056C8C121BDB8,
        0x13E02B6052719F607DACD3A088274F65596BD0D09920B61AB5DA61BBDC7F5049334CF11213945D57E5AC7D055D042B7E,
    ),
    (
        0x0CE5D527727D6E118CC9CDC6DA2E351AADFD9BAA8CBDD3A76D429A695160D12C923AC9CC3BACA289E193548608B82801,
        0x0606C4A02EA734CC32ACD2B02BC28B99CB3E287E85A763AF267492AB572E99AB3F370D275CEC1DA1AAA9075FF05F79BE,
    ),
)


# --- field elements ---------------------------------------------------------------------------


def encode_fp(value: int) -> bytes:
    """Encode a base-field element as 64 big-endian bytes (EIP-2537)."""
    if not 0 <= value < _P:
        raise ValueError("field element out of range [0, p)")
    return value.to_bytes(FP_SIZE, "big")


def decode_fp(data: bytes, what: str = "field element") -> int:
    """Decode a 64-byte EIP-2537 field element, naming ``what`` in the error if it is malformed.

    The precompiles reject nonzero padding and values >= p rather than reducing them, so we do too:
    a value that we accepted and the chain rejected would turn into a reverted transaction.
    """
    if len(data) != FP_SIZE:
        raise MalformedPointError(f"{what}: expected {FP_SIZE} bytes, got {len(data)}")
    if data[:FP_PADDING] != _ZERO_PADDING:
        raise MalformedPointError(
            f"{what}: the top {FP_PADDING} bytes of a 64-byte field element must be zero (nonzero padding)"
        )
    value = int.from_bytes(data, "big")
    if value >= _P:
        raise MalformedPointError(f"{what}: field element >= p (not reduced modulo the field modulus)")
    return value


def _check_bytes(data: object, what: str) -> bytes:
    # bytearray/memoryview are fine; str or lists are a programming error, reported as malformed
    # rather than as a confusing TypeError deep inside slicing.
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise MalformedPointError(f"{what}: expected bytes, got {type(data).__name__}")


# --- curve equations ----------------------------------------------------------------------------


def _fp2_mul(a: Fp2, b: Fp2) -> Fp2:
    # (a0 + a1 u)(b0 + b1 u) with u^2 = -1
    return ((a[0] * b[0] - a[1] * b[1]) % _P, (a[0] * b[1] + a[1] * b[0]) % _P)


def is_on_curve_g1(point: G1Affine) -> bool:
    """Whether ``(x, y)`` satisfies the G1 curve equation ``y^2 = x^3 + 4`` over Fp."""
    x, y = point
    return (y * y - x * x * x - 4) % _P == 0


def is_on_curve_g2(point: G2Affine) -> bool:
    """Whether ``(x, y)`` satisfies the twist equation ``y^2 = x^3 + 4(1 + u)`` over Fp2."""
    x, y = point
    lhs = _fp2_mul(y, y)
    x3 = _fp2_mul(_fp2_mul(x, x), x)
    return lhs == ((x3[0] + 4) % _P, (x3[1] + 4) % _P)


# --- EIP-2537 points ---------------------------------------------------------------------------


def encode_g1(point: G1Affine | None) -> bytes:
    """Encode an affine G1 point (``None`` for infinity) in the 128-byte EIP-2537 layout."""
    if point is None:
        return G1_INFINITY
    return encode_fp(point[0]) + encode_fp(point[1])


def encode_g2(point: G2Affine | None) -> bytes:
    """Encode an affine G2 point (``None`` for infinity) as ``x.c0 || x.c1 || y.c0 || y.c1``."""
    if point is None:
        return G2_INFINITY
    (x0, x1), (y0, y1) = point
    return encode_fp(x0) + encode_fp(x1) + encode_fp(y0) + encode_fp(y1)


def decode_g1(data: bytes, what: str = "G1 point") -> G1Affine | None:
    """Decode and check a 128-byte EIP-2537 G1 point; ``None`` means the point at infinity.

    Checks length, padding, range and the curve equation. It does not check subgroup membership,
    which needs curve arithmetic; the backends do that.
    """
    data = _check_bytes(data, what)
    if len(data) != G1_SIZE:
        raise MalformedPointError(f"{what}: expected {G1_SIZE} bytes, got {len(data)}")
    if data == G1_INFINITY:
        return None
    x = decode_fp(data[:FP_SIZE], f"{what} x")
    y = decode_fp(data[FP_SIZE:], f"{what} y")
    if not is_on_curve_g1((x, y)):
        raise MalformedPointError(f"{what}: not on the curve y^2 = x^3 + 4")
    return (x, y)


def decode_g2(data: bytes, what: str = "G2 point") -> G2Affine | None:
    """Decode and check a 256-byte EIP-2537 G2 point; ``None`` means the point at infinity.

    Checks length, padding, range and the twist equation, not subgroup membership.
    """
    data = _check_bytes(data, what)
    if len(data) != G2_SIZE:
        raise MalformedPointError(f"{what}: expected {G2_SIZE} bytes, got {len(data)}")
    if data == G2_INFINITY:
        return None
    x0 = decode_fp(data[0:64], f"{what} x.c0")
    x1 = decode_fp(data[64:128], f"{what} x.c1")
    y0 = decode_fp(data[128:192], f"{what} y.c0")
    y1 = decode_fp(data[192:256], f"{what} y.c1")
    point: G2Affine = ((x0, x1), (y0, y1))
    if not is_on_curve_g2(point):
        raise MalformedPointError(f"{what}: not on the twist curve y^2 = x^3 + 4(1 + u)")
    return point


def decode_g1_nonzero(data: bytes, what: str = "G1 point") -> G1Affine:
    """Like :func:`decode_g1` but refuse infinity, as every key or signature must."""
    point = decode_g1(data, what)
    if point is None:
        raise InfinityPointError(f"{what} is the point at infinity")
    return point


def decode_g2_nonzero(data: bytes, what: str = "G2 point") -> G2Affine:
    """Like :func:`decode_g2` but refuse infinity, as every public key must."""
    point = decode_g2(data, what)
    if point is None:
        raise InfinityPointError(f"{what} is the point at infinity")
    return point


def negate_g1(data: bytes) -> bytes:
    """``-P`` for a well-formed EIP-2537 G1 point (infinity stays infinity)."""
    point = decode_g1(data)
    if point is None:
        return G1_INFINITY
    x, y = point
    return encode_g1((x, (-y) % _P))


def negate_g2(data: bytes) -> bytes:
    """``-Q`` for a well-formed EIP-2537 G2 point (infinity stays infinity)."""
    point = decode_g2(data)
    if point is None:
        return G2_INFINITY
    x, (y0, y1) = point
    return encode_g2((x, ((-y0) % _P, (-y1) % _P)))


#: The G1 generator, EIP-2537 encoded.
G1_GENERATOR: Final[bytes] = encode_g1(G1_GENERATOR_AFFINE)
#: The G2 generator, EIP-2537 encoded.
G2_GENERATOR: Final[bytes] = encode_g2(G2_GENERATOR_AFFINE)
#: ``-G2`` generator: ``e(sig, -g2) * e(H(m), pk) == 1`` is the usual single-check verification.
G2_GENERATOR_NEG: Final[bytes] = negate_g2(G2_GENERATOR)


def is_infinity(data: bytes) -> bool:
    """Whether ``data`` is the all-zero EIP-2537 encoding of infinity (either group)."""
    return len(data) in (G1_SIZE, G2_SIZE) and not any(data)


# --- zcash compressed framing ----------------------------------------------------------------


def _check_compressed_header(data: bytes, size: int, what: str) -> tuple[bool, int]:
    """Check length and flag bits; return ``(sign_flag, first_coordinate_integer)``."""
    data = _check_bytes(data, what)
    if len(data) != size:
        raise MalformedPointError(f"{what}: expected {size} compressed bytes, got {len(data)}")
    flags = data[0] & _FLAG_MASK
    if not flags & _FLAG_COMPRESSED:
        raise MalformedPointError(f"{what}: compression flag (top bit) is not set")
    rest_first = bytes([data[0] & ~_FLAG_MASK & 0xFF]) + data[1:FP_BYTES]
    if flags & _FLAG_INFINITY:
        if flags & _FLAG_SIGN or any(rest_first) or any(data[FP_BYTES:]):
            raise MalformedPointError(f"{what}: infinity flag set but the remaining bits are not all zero")
        raise InfinityPointError(f"{what} is the point at infinity")
    return bool(flags & _FLAG_SIGN), int.from_bytes(rest_first, "big")


def parse_compressed_g1(data: bytes, what: str = "compressed G1 point") -> tuple[int, bool]:
    """Check the framing of a 48-byte compressed G1 point and return ``(x, y_sign_flag)``.

    Refuses infinity (InfinityPointError) because compressed files only hold keys and signatures.
    Whether ``x`` is really on the curve needs a square root, which the backends compute.
    """
    sign, x = _check_compressed_header(data, G1_COMPRESSED_SIZE, what)
    if x >= _P:
        raise MalformedPointError(f"{what}: x >= p (not reduced modulo the field modulus)")
    return x, sign


def parse_compressed_g2(data: bytes, what: str = "compressed G2 point") -> tuple[Fp2, bool]:
    """Check the framing of a 96-byte compressed G2 point and return ``((x.c0, x.c1), sign)``.

    The compressed layout is ``x.c1 || x.c0`` (imaginary part first, flags in its top bits), the
    reverse of EIP-2537.
    """
    sign, x1 = _check_compressed_header(data, G2_COMPRESSED_SIZE, what)
    if x1 >= _P:
        raise MalformedPointError(f"{what}: x.c1 >= p (not reduced modulo the field modulus)")
    x0 = int.from_bytes(bytes(data[FP_BYTES:]), "big")
    if x0 >= _P:
        raise MalformedPointError(f"{what}: x.c0 >= p (not reduced modulo the field modulus)")
    return (x0, x1), sign


def _fp_is_lexicographically_largest(v: int) -> bool:
    return v > (_P - 1) // 2


def compress_g1_affine(point: G1Affine) -> bytes:
    """Compress an affine G1 point (zcash format); pure arithmetic, used to cross-check backends."""
    x, y = point
    flags = _FLAG_COMPRESSED | (_FLAG_SIGN if _fp_is_lexicographically_largest(y) else 0)
    out = bytearray(x.to_bytes(FP_BYTES, "big"))
    out[0] |= flags
    return bytes(out)


def compress_g2_affine(point: G2Affine) -> bytes:
    """Compress an affine G2 point (zcash format: ``x.c1 || x.c0``, sign of y.c1, or y.c0 if c1 = 0)."""
    (x0, x1), (y0, y1) = point
    largest = _fp_is_lexicographically_largest(y1) if y1 != 0 else _fp_is_lexicographically_largest(y0)
    out = bytearray(x1.to_bytes(FP_BYTES, "big") + x0.to_bytes(FP_BYTES, "big"))
    out[0] |= _FLAG_COMPRESSED | (_FLAG_SIGN if largest else 0)
    return bytes(out)
