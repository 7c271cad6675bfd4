"""Helpers shared by the crypto tests: vector loading and points that must be refused."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from py_ecc.bls.point_compression import modular_squareroot_in_FQ2
from py_ecc.fields import optimized_bls12_381_FQ2 as FQ2

from ocr_client.constants import CURVE_ORDER, FIELD_MODULUS
from ocr_client.crypto import encoding
from ocr_client.crypto.threshold import SecretShare, lagrange_coefficients_at_zero

VECTORS = Path(__file__).parent / "vectors"
P = FIELD_MODULUS


def load_vectors(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / name).read_text())
    return data


def vector_message(vector: dict[str, Any]) -> bytes:
    """The message of a vector: literal ``msg``, or ``msg_prefix`` + a repeated character."""
    if "msg" in vector:
        return str(vector["msg"]).encode()
    repeat = vector["msg_repeat"]
    return (str(vector["msg_prefix"]) + str(repeat["char"]) * int(repeat["count"])).encode()


@cache
def g1_point_outside_subgroup() -> bytes:
    """A point on y^2 = x^3 + 4 that is not in G1 (smallest such x; the cofactor is huge)."""
    x = 0
    while True:
        rhs = (x**3 + 4) % P
        y = pow(rhs, (P + 1) // 4, P)
        if y * y % P == rhs and x != 0:
            return encoding.encode_g1((x, y))
        x += 1


@cache
def g2_point_outside_subgroup() -> bytes:
    """A point on the twist that is not in G2."""
    c0 = 0
    while True:
        x = FQ2([c0, 1])
        y = modular_squareroot_in_FQ2(x**3 + FQ2([4, 4]))
        if y is not None:
            return encoding.encode_g2(((c0, 1), (int(y.coeffs[0]), int(y.coeffs[1]))))
        c0 += 1


def g1_point_off_curve() -> bytes:
    """Well-padded, reduced coordinates that miss the curve equation."""
    return encoding.encode_fp(1) + encoding.encode_fp(1)


def g2_point_off_curve() -> bytes:
    return b"".join(encoding.encode_fp(v) for v in (1, 0, 1, 0))


def group_secret(shares: list[SecretShare] | tuple[SecretShare, ...]) -> int:
    """Interpolate the group secret from at least t shares (only tests ever need this)."""
    lambdas = lagrange_coefficients_at_zero([s.index for s in shares])
    return sum(lam * s.secret for lam, s in zip(lambdas, shares, strict=True)) % CURVE_ORDER
