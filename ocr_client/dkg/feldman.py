"""Feldman verifiable secret sharing in G2: polynomials, commitments, and share checks.

A dealer's polynomial ``a(x) = a_0 + a_1 x + ... + a_{t-1} x^{t-1}`` is committed to as
``C_k = a_k * G2``; anyone can then check a share ``s = a(j)`` with ``s * G2 == sum_k C_k j^k``
without learning ``a``. Nothing here ever adds up constant terms of several dealers: the group
secret is never formed in this library, only its public key ``sum_i C_i0``.
"""

from __future__ import annotations

import secrets
from collections.abc import Hashable, Sequence
from typing import Final, TypeVar

from ocr_client.constants import CURVE_ORDER
from ocr_client.crypto.backend import BLSBackend
from ocr_client.crypto.encoding import G2_GENERATOR, G2_INFINITY
from ocr_client.dkg.randomness import DkgRandom

#: Bits of the random weights that batch share checks use (a bad batch passes w.p. 2^-128).
BATCH_WEIGHT_BITS: Final[int] = 128

K = TypeVar("K", bound=Hashable)


def random_polynomial(threshold: int, rng: DkgRandom) -> list[int]:
    """``threshold`` nonzero coefficients: degree exactly t-1, so t-1 shares reveal nothing."""
    return [rng.scalar() for _ in range(threshold)]


def evaluate(coefficients: Sequence[int], x: int) -> int:
    """``a(x) mod r`` by Horner's rule."""
    acc = 0
    for c in reversed(coefficients):
        acc = (acc * x + c) % CURVE_ORDER
    return acc


def commit(coefficients: Sequence[int], backend: BLSBackend) -> tuple[bytes, ...]:
    """Feldman commitments ``C_k = a_k * G2`` (EIP-2537 bytes)."""
    return tuple(backend.public_key(c) for c in coefficients)


def powers(x: int, count: int) -> list[int]:
    """``[1, x, x^2, ..., x^(count-1)] mod r``."""
    out, acc = [], 1
    for _ in range(count):
        out.append(acc)
        acc = acc * x % CURVE_ORDER
    return out


def evaluate_commitments(commitments: Sequence[bytes], x: int, backend: BLSBackend) -> bytes:
    """``sum_k C_k x^k``: the public key of the share at ``x`` (x = 0 gives ``C_0``)."""
    return backend.g2_linear_combination(list(commitments), powers(x, len(commitments)))


def share_matches(commitments: Sequence[bytes], x: int, share: int, backend: BLSBackend) -> bool:
    """True iff ``share * G2 == sum_k C_k x^k`` (one multi-scalar multiplication, zero share allowed)."""
    scalars = [share % CURVE_ORDER] + [CURVE_ORDER - p for p in powers(x, len(commitments))]
    return backend.g2_linear_combination([G2_GENERATOR, *commitments], scalars) == G2_INFINITY


def find_bad_shares(items: Sequence[tuple[K, Sequence[bytes], int, int]], backend: BLSBackend) -> set[K]:
    """Keys of the ``(key, commitments, x, share)`` items whose share at ``x`` does not match.

    All items are first checked at once with random weights ``w_i`` (one MSM over every commitment:
    ``(sum w_i s_i) G2 == sum_i w_i sum_k C_ik x^k``), which passes for valid shares always and for
    a bad batch with probability 2^-128; the weights come from the OS so a dealer cannot aim at
    them. Only a failing batch is checked item by item, so the honest case costs one MSM per node.
    """
    if not items:
        return set()
    if len(items) > 1:
        points: list[bytes] = [G2_GENERATOR]
        scalars: list[int] = [0]
        for _, commitments, x, share in items:
            w = secrets.randbelow(2**BATCH_WEIGHT_BITS - 1) + 1
            scalars[0] = (scalars[0] + w * share) % CURVE_ORDER
            for p, c in zip(powers(x, len(commitments)), commitments, strict=True):
                points.append(c)
                scalars.append(CURVE_ORDER - w * p % CURVE_ORDER)
        if backend.g2_linear_combination(points, scalars) == G2_INFINITY:
            return set()
    return {key for key, commitments, x, share in items if not share_matches(commitments, x, share, backend)}


def aggregate_commitments(all_commitments: Sequence[Sequence[bytes]], backend: BLSBackend) -> tuple[bytes, ...]:
    """``A_k = sum_i C_ik``: the commitments to the sum polynomial, whose ``A_0`` is the group key."""
    width = len(all_commitments[0])
    ones = [1] * len(all_commitments)
    return tuple(backend.g2_linear_combination([c[k] for c in all_commitments], ones) for k in range(width))
