"""Checks shared by the DKG tests: agreement, test-side reconstruction, and signing with the result."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from ocr_client.constants import CURVE_ORDER
from ocr_client.crypto import combine, get_backend, lagrange_coefficients_at_zero, partial_sign
from ocr_client.dkg import DkgResult

MESSAGE = b"ocr-client dkg test report"


def all_done(results: Sequence[DkgResult | None]) -> list[DkgResult]:
    done = [r for r in results if r is not None]
    assert len(done) == len(results), "every node must finish"
    return done


def assert_agree(results: Sequence[DkgResult]) -> None:
    first = results[0]
    for r in results:
        assert r.committee == first.committee
        assert r.qual == first.qual
        assert r.excluded == first.excluded
    assert [r.share.index for r in results] == list(range(1, len(results) + 1))


def reconstruct(results: Sequence[DkgResult], members: Sequence[int]) -> int:
    """Test-side only: the group secret from the shares of ``members`` (0-based)."""
    indices = [results[m].share.index for m in members]
    lambdas = lagrange_coefficients_at_zero(indices)
    return sum(lam * results[m].share.secret for lam, m in zip(lambdas, members, strict=True)) % CURVE_ORDER


def assert_consistent_key(results: Sequence[DkgResult], max_subsets: int = 40) -> None:
    """Shares match public shares, every t-subset gives the same secret, whose public key is the group key."""
    backend = get_backend()
    committee = results[0].committee
    t, n = committee.threshold, committee.size
    for r in results:
        assert backend.public_key(r.share.secret) == committee.public_share(r.share.index)
    secrets_ = {reconstruct(results, subset) for subset in itertools.islice(itertools.combinations(range(n), t), max_subsets)}
    assert len(secrets_) == 1
    assert backend.public_key(secrets_.pop()) == committee.group_public_key
    # t - 1 shares are not enough: they interpolate to something else
    if t > 1:
        assert backend.public_key(reconstruct(results, range(t - 1))) != committee.group_public_key


def assert_signs(results: Sequence[DkgResult], signers: Sequence[int] | None = None) -> None:
    backend = get_backend()
    committee = results[0].committee
    chosen = list(signers) if signers is not None else list(range(len(results)))[-committee.threshold:]
    partials = [partial_sign(results[i].share, MESSAGE, backend) for i in chosen]
    combined = combine(partials, committee.threshold, committee.public_shares, MESSAGE, backend)
    assert backend.verify(committee.group_public_key, MESSAGE, combined.signature)
