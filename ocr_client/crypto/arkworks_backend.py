"""Fast backend: the Rust arkworks library through ``py_arkworks_bls12381``.

Byte-order facts this module relies on (checked against py_ecc and the generator coordinates, and
pinned by tests):

* ``to_xy_bytes_be`` / ``from_xy_bytes_*_be`` use 48-byte big-endian field elements, so each
  coordinate needs the 16 zero bytes of EIP-2537 padding added or stripped;
* for G2 they order Fp2 elements ``c0 || c1`` (real part first), the same as EIP-2537 and the
  reverse of the compressed format;
* the point at infinity is serialised as all zeros, which is also EIP-2537's infinity;
* ``hash_to_curve(msg, dst)`` takes the message first; it accepts empty and over-long tags, which
  :class:`BackendBase` refuses before calling it;
* ``multiexp_unchecked`` silently truncates to the shorter of points/scalars and does no subgroup
  check; :class:`BackendBase` checks lengths and subgroups before calling it;
* ``Scalar(n)`` reduces ``n`` modulo r.
"""

from __future__ import annotations

from typing import Final

from py_arkworks_bls12381 import GT, G1Point, G2Point, Scalar

from ocr_client.crypto.backend import BackendBase
from ocr_client.crypto.encoding import FP_BYTES, FP_PADDING, G1Affine, G2Affine

_PAD: Final[bytes] = bytes(FP_PADDING)


def _fp48(value: int) -> bytes:
    return value.to_bytes(FP_BYTES, "big")


def _pad_elements(raw: bytes) -> bytes:
    """48-byte big-endian elements back to back -> 64-byte EIP-2537 elements back to back."""
    return b"".join(_PAD + raw[i : i + FP_BYTES] for i in range(0, len(raw), FP_BYTES))


class ArkworksBackend(BackendBase[G1Point, G2Point]):
    """BLS over arkworks: about a hundred times faster than py_ecc; the default backend."""

    name = "arkworks"

    def _g1_from_affine(self, point: G1Affine) -> G1Point:
        return G1Point.from_xy_bytes_unchecked_be(_fp48(point[0]) + _fp48(point[1]))

    def _g2_from_affine(self, point: G2Affine) -> G2Point:
        (x0, x1), (y0, y1) = point
        return G2Point.from_xy_bytes_unchecked_be(_fp48(x0) + _fp48(x1) + _fp48(y0) + _fp48(y1))

    def _g1_identity(self) -> G1Point:
        return G1Point.identity()

    def _g2_identity(self) -> G2Point:
        return G2Point.identity()

    def _g1_in_subgroup(self, point: G1Point) -> bool:
        return point.is_in_subgroup()

    def _g2_in_subgroup(self, point: G2Point) -> bool:
        return point.is_in_subgroup()

    def _g1_to_bytes(self, point: G1Point) -> bytes:
        return _pad_elements(point.to_xy_bytes_be())

    def _g2_to_bytes(self, point: G2Point) -> bytes:
        return _pad_elements(point.to_xy_bytes_be())

    def _g1_msm(self, points: list[G1Point], scalars: list[int]) -> G1Point:
        if not points:
            return G1Point.identity()
        if len(points) == 1:
            return points[0] * Scalar(scalars[0])
        return G1Point.multiexp_unchecked(points, [Scalar(s) for s in scalars])

    def _g2_msm(self, points: list[G2Point], scalars: list[int]) -> G2Point:
        if not points:
            return G2Point.identity()
        if len(points) == 1:
            return points[0] * Scalar(scalars[0])
        return G2Point.multiexp_unchecked(points, [Scalar(s) for s in scalars])

    def _hash_to_g1(self, message: bytes, dst: bytes) -> G1Point:
        return G1Point.hash_to_curve(message, dst)

    def _pairing_check(self, g1s: list[G1Point], g2s: list[G2Point]) -> bool:
        return GT.pairing_check(g1s, g2s)

    def _g1_compress(self, point: G1Point) -> bytes:
        return point.to_compressed_bytes()

    def _g2_compress(self, point: G2Point) -> bytes:
        return point.to_compressed_bytes()

    def _g1_decompress(self, data: bytes) -> G1Point:
        return G1Point.from_compressed_bytes_unchecked(data)

    def _g2_decompress(self, data: bytes) -> G2Point:
        return G2Point.from_compressed_bytes_unchecked(data)
