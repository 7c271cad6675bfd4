"""The BLS backend interface, and the shared base class that makes backends behave identically.

Scheme: "minimal-signature-size" BLS on BLS12-381. Public keys live in G2 (256 bytes EIP-2537),
signatures in G1 (128 bytes), ``sig = sk * hash_to_G1(message)`` with RFC 9380 suite
``BLS12381G1_XMD:SHA-256_SSWU_RO_``. Signatures in G1 are what the contract has to hash to and
aggregate, and G1 operations are the cheap ones on chain.

:class:`BLSBackend` is the structural interface the rest of the code depends on.
:class:`BackendBase` implements all of it once (input checks, error types, encodings) on top of a
handful of arithmetic primitives, so the two concrete backends differ only in the arithmetic. That
is what lets the tests demand byte-for-byte equality between them.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar, runtime_checkable

from ocr_client.constants import CURVE_ORDER, REPORT_DST
from ocr_client.crypto import encoding
from ocr_client.crypto.encoding import G1Affine, G2Affine
from ocr_client.crypto.exceptions import CryptoInputError
from ocr_client.crypto.hashing import check_dst
from ocr_client.crypto.keys import check_secret_key
from ocr_client.errors import InfinityPointError, MalformedPointError, SubgroupError


@runtime_checkable
class BLSBackend(Protocol):
    """What the client needs from a BLS12-381 implementation. All points are EIP-2537 bytes.

    Errors: malformed bytes raise :class:`MalformedPointError`, the point at infinity where a key
    or signature is expected raises :class:`InfinityPointError`, a point outside the prime-order
    subgroup raises :class:`SubgroupError`, a bad secret key raises :class:`InvalidSecretKeyError`.
    """

    @property
    def name(self) -> str:
        """Short backend name, as accepted by :func:`ocr_client.crypto.get_backend`."""
        ...

    def public_key(self, sk: int) -> bytes:
        """``sk * G2`` (256 bytes) for a secret key in ``[1, r)``."""
        ...

    def sign(self, sk: int, message: bytes, dst: bytes = REPORT_DST) -> bytes:
        """``sk * hash_to_g1(message, dst)`` (128 bytes)."""
        ...

    def verify(self, pk: bytes, message: bytes, signature: bytes, dst: bytes = REPORT_DST) -> bool:
        """True iff ``e(signature, G2) == e(hash_to_g1(message, dst), pk)``.

        Returns False for a well-formed but wrong signature; raises for malformed, infinity or
        non-subgroup ``pk``/``signature`` so that garbage input is never confused with "invalid".
        """
        ...

    def hash_to_g1(self, message: bytes, dst: bytes) -> bytes:
        """RFC 9380 hash_to_curve, suite ``BLS12381G1_XMD:SHA-256_SSWU_RO_``."""
        ...

    def g1_linear_combination(self, points: Sequence[bytes], scalars: Sequence[int]) -> bytes:
        """``sum(s_i * P_i)`` in G1; scalars are taken mod r; points may be infinity."""
        ...

    def g2_linear_combination(self, points: Sequence[bytes], scalars: Sequence[int]) -> bytes:
        """``sum(s_i * Q_i)`` in G2; scalars are taken mod r; points may be infinity."""
        ...

    def pairing_check(self, pairs: Sequence[tuple[bytes, bytes]]) -> bool:
        """True iff ``prod e(P_i, Q_i) == 1`` for (G1, G2) pairs, as the EIP-2537 pairing precompile."""
        ...

    def validate_g1(self, point: bytes) -> None:
        """Raise unless ``point`` is a well-formed G1 point in the subgroup and not infinity."""
        ...

    def validate_g2(self, point: bytes) -> None:
        """Raise unless ``point`` is a well-formed G2 point in the subgroup and not infinity."""
        ...

    def g1_compress(self, point: bytes) -> bytes:
        """EIP-2537 G1 (validated, not infinity) to the 48-byte zcash compressed form."""
        ...

    def g1_decompress(self, data: bytes) -> bytes:
        """48-byte zcash compressed G1 to EIP-2537, with full validation."""
        ...

    def g2_compress(self, point: bytes) -> bytes:
        """EIP-2537 G2 (validated, not infinity) to the 96-byte zcash compressed form."""
        ...

    def g2_decompress(self, data: bytes) -> bytes:
        """96-byte zcash compressed G2 to EIP-2537, with full validation."""
        ...


G1T = TypeVar("G1T")
G2T = TypeVar("G2T")
_T = TypeVar("_T")


class _BoundedCache(Generic[_T]):
    """A small thread-safe LRU from encoded bytes to an already validated native point.

    Subgroup checks cost ~50 ms per G2 point in pure Python, and committee public keys are used
    again and again; caching the check per exact byte string is safe because the result is a pure
    function of those bytes.
    """

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._items: OrderedDict[bytes, _T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: bytes) -> _T | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: bytes, value: _T) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)


def _check_message(message: bytes) -> bytes:
    if not isinstance(message, (bytes, bytearray, memoryview)):
        raise CryptoInputError(f"message must be bytes, got {type(message).__name__}")
    return bytes(message)


def _check_scalars(points: Sequence[bytes], scalars: Sequence[int]) -> list[int]:
    if len(points) != len(scalars):
        raise CryptoInputError(f"{len(points)} points but {len(scalars)} scalars")
    out = []
    for s in scalars:
        if isinstance(s, bool) or not isinstance(s, int):
            raise CryptoInputError(f"scalars must be ints, got {type(s).__name__}")
        out.append(s % CURVE_ORDER)
    return out


class BackendBase(ABC, Generic[G1T, G2T]):
    """Implements :class:`BLSBackend` on top of a few arithmetic primitives.

    Subclasses provide conversions between affine integers and their native point type, the
    subgroup test, multi-scalar multiplication, hashing to G1, the pairing check and the compressed
    codec; everything that decides what is valid input lives here, once.
    """

    name: str = "base"

    def __init__(self) -> None:
        self._g1_cache: _BoundedCache[G1T] = _BoundedCache(1024)
        self._g2_cache: _BoundedCache[G2T] = _BoundedCache(1024)
        self._g2_generator = self._g2_from_affine(encoding.G2_GENERATOR_AFFINE)
        self._g2_generator_neg = self._g2_from_affine(encoding.decode_g2_nonzero(encoding.G2_GENERATOR_NEG))

    # --- primitives each backend supplies ---------------------------------------------------

    @abstractmethod
    def _g1_from_affine(self, point: G1Affine) -> G1T:
        """Native point from affine coordinates already known to be on the curve."""

    @abstractmethod
    def _g2_from_affine(self, point: G2Affine) -> G2T:
        """Native point from affine coordinates already known to be on the twist."""

    @abstractmethod
    def _g1_identity(self) -> G1T: ...

    @abstractmethod
    def _g2_identity(self) -> G2T: ...

    @abstractmethod
    def _g1_in_subgroup(self, point: G1T) -> bool: ...

    @abstractmethod
    def _g2_in_subgroup(self, point: G2T) -> bool: ...

    @abstractmethod
    def _g1_to_bytes(self, point: G1T) -> bytes:
        """EIP-2537 encoding (all zeros for infinity)."""

    @abstractmethod
    def _g2_to_bytes(self, point: G2T) -> bytes:
        """EIP-2537 encoding (all zeros for infinity)."""

    @abstractmethod
    def _g1_msm(self, points: list[G1T], scalars: list[int]) -> G1T:
        """``sum(s_i * P_i)`` for reduced scalars in ``[0, r)``; empty input gives infinity."""

    @abstractmethod
    def _g2_msm(self, points: list[G2T], scalars: list[int]) -> G2T: ...

    @abstractmethod
    def _hash_to_g1(self, message: bytes, dst: bytes) -> G1T: ...

    @abstractmethod
    def _pairing_check(self, g1s: list[G1T], g2s: list[G2T]) -> bool:
        """True iff ``prod e(g1s[i], g2s[i]) == 1``; inputs are subgroup points, maybe infinity."""

    @abstractmethod
    def _g1_compress(self, point: G1T) -> bytes: ...

    @abstractmethod
    def _g2_compress(self, point: G2T) -> bytes: ...

    @abstractmethod
    def _g1_decompress(self, data: bytes) -> G1T:
        """Decode framing-checked compressed bytes; raise ValueError if x is not on the curve.

        Must not check the subgroup (the caller does, to raise the right error).
        """

    @abstractmethod
    def _g2_decompress(self, data: bytes) -> G2T: ...

    # --- loading and validation ---------------------------------------------------------------

    def _load_g1(self, data: bytes, what: str, *, allow_infinity: bool = False) -> G1T:
        cached = self._g1_cache.get(data) if isinstance(data, bytes) else None
        if cached is not None:
            return cached
        affine = encoding.decode_g1(data, what)
        if affine is None:
            if not allow_infinity:
                raise InfinityPointError(f"{what} is the point at infinity")
            return self._g1_identity()
        point = self._g1_from_affine(affine)
        if not self._g1_in_subgroup(point):
            raise SubgroupError(f"{what} is on the curve but not in the prime-order subgroup G1")
        self._g1_cache.put(bytes(data), point)
        return point

    def _load_g2(self, data: bytes, what: str, *, allow_infinity: bool = False) -> G2T:
        cached = self._g2_cache.get(data) if isinstance(data, bytes) else None
        if cached is not None:
            return cached
        affine = encoding.decode_g2(data, what)
        if affine is None:
            if not allow_infinity:
                raise InfinityPointError(f"{what} is the point at infinity")
            return self._g2_identity()
        point = self._g2_from_affine(affine)
        if not self._g2_in_subgroup(point):
            raise SubgroupError(f"{what} is on the curve but not in the prime-order subgroup G2")
        self._g2_cache.put(bytes(data), point)
        return point

    def validate_g1(self, point: bytes) -> None:
        self._load_g1(point, "G1 point")

    def validate_g2(self, point: bytes) -> None:
        self._load_g2(point, "G2 point")

    # --- BLS -----------------------------------------------------------------------------------

    def public_key(self, sk: int) -> bytes:
        sk = check_secret_key(sk)
        return self._g2_to_bytes(self._g2_msm([self._g2_generator], [sk]))

    def hash_to_g1(self, message: bytes, dst: bytes) -> bytes:
        return self._g1_to_bytes(self._hash_to_g1(_check_message(message), check_dst(dst)))

    def sign(self, sk: int, message: bytes, dst: bytes = REPORT_DST) -> bytes:
        sk = check_secret_key(sk)
        h = self._hash_to_g1(_check_message(message), check_dst(dst))
        return self._g1_to_bytes(self._g1_msm([h], [sk]))

    def verify(self, pk: bytes, message: bytes, signature: bytes, dst: bytes = REPORT_DST) -> bool:
        pk_point = self._load_g2(pk, "public key")
        sig_point = self._load_g1(signature, "signature")
        h = self._hash_to_g1(_check_message(message), check_dst(dst))
        # e(sig, -g2) * e(H(m), pk) == 1  <=>  e(sig, g2) == e(H(m), pk)
        return self._pairing_check([sig_point, h], [self._g2_generator_neg, pk_point])

    def pairing_check(self, pairs: Sequence[tuple[bytes, bytes]]) -> bool:
        g1s = [self._load_g1(p, f"pair {i} G1 point", allow_infinity=True) for i, (p, _) in enumerate(pairs)]
        g2s = [self._load_g2(q, f"pair {i} G2 point", allow_infinity=True) for i, (_, q) in enumerate(pairs)]
        return self._pairing_check(g1s, g2s)

    def g1_linear_combination(self, points: Sequence[bytes], scalars: Sequence[int]) -> bytes:
        reduced = _check_scalars(points, scalars)
        loaded = [self._load_g1(p, f"G1 point {i}", allow_infinity=True) for i, p in enumerate(points)]
        return self._g1_to_bytes(self._g1_msm(loaded, reduced))

    def g2_linear_combination(self, points: Sequence[bytes], scalars: Sequence[int]) -> bytes:
        reduced = _check_scalars(points, scalars)
        loaded = [self._load_g2(p, f"G2 point {i}", allow_infinity=True) for i, p in enumerate(points)]
        return self._g2_to_bytes(self._g2_msm(loaded, reduced))

    # --- compressed form -------------------------------------------------------------------------

    def g1_compress(self, point: bytes) -> bytes:
        return self._g1_compress(self._load_g1(point, "G1 point"))

    def g2_compress(self, point: bytes) -> bytes:
        return self._g2_compress(self._load_g2(point, "G2 point"))

    def g1_decompress(self, data: bytes) -> bytes:
        what = "compressed G1 point"
        encoding.parse_compressed_g1(data, what)
        try:
            point = self._g1_decompress(bytes(data))
        except ValueError as exc:
            raise MalformedPointError(f"{what}: x is not the x-coordinate of a point on the curve") from exc
        if not self._g1_in_subgroup(point):
            raise SubgroupError(f"{what} is on the curve but not in the prime-order subgroup G1")
        return self._g1_to_bytes(point)

    def g2_decompress(self, data: bytes) -> bytes:
        what = "compressed G2 point"
        encoding.parse_compressed_g2(data, what)
        try:
            point = self._g2_decompress(bytes(data))
        except ValueError as exc:
            raise MalformedPointError(f"{what}: x is not the x-coordinate of a point on the twist") from exc
        if not self._g2_in_subgroup(point):
            raise SubgroupError(f"{what} is on the curve but not in the prime-order subgroup G2")
        return self._g2_to_bytes(point)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"
