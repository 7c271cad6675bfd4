"""Reference backend: pure-Python ``py_ecc`` (the Ethereum Foundation's reference implementation).

It is slow (a verification costs a few hundred milliseconds) but easy to read and audit, and it is
an implementation independent of arkworks: the test suite demands byte-identical output from both,
which catches encoding and byte-order mistakes that a single library could not reveal.

Subgroup membership is tested the obvious way, ``r * P == O``; faster endomorphism tests exist
but would defeat the point of a reference.
"""

from __future__ import annotations

import hashlib
from typing import Any, cast

from py_ecc.bls.hash_to_curve import hash_to_G1
from py_ecc.bls.point_compression import compress_G1, compress_G2, decompress_G1, decompress_G2
from py_ecc.bls.typing import G1Compressed, G2Compressed
from py_ecc.fields import optimized_bls12_381_FQ as FQ
from py_ecc.fields import optimized_bls12_381_FQ2 as FQ2
from py_ecc.fields import optimized_bls12_381_FQ12 as FQ12
from py_ecc.optimized_bls12_381.optimized_curve import (
    Z1,
    Z2,
    add,
    curve_order,
    is_inf,
    multiply,
    normalize,
)
from py_ecc.optimized_bls12_381.optimized_pairing import final_exponentiate, pairing

from ocr_client.crypto.backend import BackendBase
from ocr_client.crypto.encoding import FP_BYTES, G1Affine, G2Affine, encode_g1, encode_g2

_G1 = tuple[FQ, FQ, FQ]
_G2 = tuple[FQ2, FQ2, FQ2]


class PyEccBackend(BackendBase[_G1, _G2]):
    """BLS over py_ecc's optimized (projective) BLS12-381 arithmetic."""

    name = "py_ecc"

    def _g1_from_affine(self, point: G1Affine) -> _G1:
        return (FQ(point[0]), FQ(point[1]), FQ.one())

    def _g2_from_affine(self, point: G2Affine) -> _G2:
        (x0, x1), (y0, y1) = point
        return (FQ2([x0, x1]), FQ2([y0, y1]), FQ2.one())

    def _g1_identity(self) -> _G1:
        return Z1

    def _g2_identity(self) -> _G2:
        return Z2

    def _g1_in_subgroup(self, point: _G1) -> bool:
        return bool(is_inf(multiply(point, curve_order)))

    def _g2_in_subgroup(self, point: _G2) -> bool:
        return bool(is_inf(multiply(point, curve_order)))

    def _g1_to_bytes(self, point: _G1) -> bytes:
        if is_inf(point):
            return encode_g1(None)
        x, y = normalize(point)
        return encode_g1((int(x), int(y)))

    def _g2_to_bytes(self, point: _G2) -> bytes:
        if is_inf(point):
            return encode_g2(None)
        x, y = normalize(point)
        # FQ2.coeffs is (c0, c1): real part first, like EIP-2537.
        return encode_g2(((int(x.coeffs[0]), int(x.coeffs[1])), (int(y.coeffs[0]), int(y.coeffs[1]))))

    def _g1_msm(self, points: list[_G1], scalars: list[int]) -> _G1:
        acc: _G1 = Z1
        for point, scalar in zip(points, scalars, strict=True):
            acc = add(acc, multiply(point, scalar))
        return acc

    def _g2_msm(self, points: list[_G2], scalars: list[int]) -> _G2:
        acc: _G2 = Z2
        for point, scalar in zip(points, scalars, strict=True):
            acc = add(acc, multiply(point, scalar))
        return acc

    def _hash_to_g1(self, message: bytes, dst: bytes) -> _G1:
        # py_ecc annotates the hash argument as a hash *object* but calls it as a constructor.
        result: _G1 = hash_to_G1(message, dst, cast(Any, hashlib.sha256))
        return result

    def _pairing_check(self, g1s: list[_G1], g2s: list[_G2]) -> bool:
        # One Miller loop per pair, a single final exponentiation for the product.
        acc = FQ12.one()
        for p, q in zip(g1s, g2s, strict=True):
            if is_inf(p) or is_inf(q):
                continue
            acc = acc * pairing(q, p, final_exponentiate=False)
        return bool(final_exponentiate(acc) == FQ12.one())

    def _g1_compress(self, point: _G1) -> bytes:
        return int(compress_G1(point)).to_bytes(FP_BYTES, "big")

    def _g2_compress(self, point: _G2) -> bytes:
        z1, z2 = compress_G2(point)
        return int(z1).to_bytes(FP_BYTES, "big") + int(z2).to_bytes(FP_BYTES, "big")

    def _g1_decompress(self, data: bytes) -> _G1:
        result: _G1 = decompress_G1(G1Compressed(int.from_bytes(data, "big")))
        return result

    def _g2_decompress(self, data: bytes) -> _G2:
        z1 = int.from_bytes(data[:FP_BYTES], "big")
        z2 = int.from_bytes(data[FP_BYTES:], "big")
        result: _G2 = decompress_G2(G2Compressed((z1, z2)))
        return result
