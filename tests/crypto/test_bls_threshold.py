"""Threshold BLS: dealing, Lagrange interpolation, robust combination."""

from __future__ import annotations

import itertools
import random

import pytest
from bls_test_support import g1_point_outside_subgroup, group_secret
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from py_arkworks_bls12381 import G1Point, G2Point

from ocr_client.constants import CURVE_ORDER, REPORT_DST
from ocr_client.crypto import (
    G1_GENERATOR,
    G1_INFINITY,
    BLSBackend,
    CombinedSignature,
    Committee,
    Dealing,
    PartialSignature,
    SecretShare,
    ThresholdParameterError,
    combine,
    deal,
    lagrange_coefficients_at_zero,
    partial_sign,
    verify_partial,
)
from ocr_client.crypto.arkworks_backend import ArkworksBackend
from ocr_client.errors import ConfigError, InvalidSecretKeyError, NotEnoughPartialsError, ThresholdError

MESSAGE = b"report: ETH/USD 3141.59 epoch 7 round 2"


@pytest.fixture(scope="module")
def dealing_3_of_5(ark: BLSBackend) -> Dealing:
    return deal(5, 3, "seed-3-of-5", ark)


def _partials(dealing: Dealing, backend: BLSBackend, message: bytes = MESSAGE) -> list[PartialSignature]:
    return [partial_sign(share, message, backend) for share in dealing.secret_shares]


def _combine(
    partials: list[PartialSignature], dealing: Dealing, backend: BLSBackend, message: bytes = MESSAGE
) -> CombinedSignature:
    return combine(partials, dealing.threshold, dealing.public_shares, message, backend)


# --- dealing -------------------------------------------------------------------------------------


def test_share_index_is_oracle_index_plus_one(dealing_3_of_5: Dealing) -> None:
    assert [s.index for s in dealing_3_of_5.secret_shares] == [1, 2, 3, 4, 5]
    assert dealing_3_of_5.committee.public_share(1) == dealing_3_of_5.public_shares[0]


def test_public_shares_and_group_key_match_the_secrets(dealing_3_of_5: Dealing, ark: BLSBackend) -> None:
    for share, public in zip(dealing_3_of_5.secret_shares, dealing_3_of_5.public_shares, strict=True):
        assert ark.public_key(share.secret) == public
    assert ark.public_key(group_secret(dealing_3_of_5.secret_shares[:3])) == dealing_3_of_5.group_public_key


def test_any_t_shares_interpolate_to_the_same_secret_but_t_minus_1_do_not(dealing_3_of_5: Dealing) -> None:
    shares = dealing_3_of_5.secret_shares
    secrets = {group_secret(list(subset)) for subset in itertools.combinations(shares, 3)}
    assert len(secrets) == 1
    assert group_secret(list(shares[:2])) not in secrets


def test_seeded_dealing_is_reproducible_and_seed_sensitive(ark: BLSBackend) -> None:
    assert deal(4, 2, 7, ark) == deal(4, 2, 7, ark)
    assert deal(4, 2, 7, ark).group_public_key != deal(4, 2, 8, ark).group_public_key
    assert deal(4, 2, b"7", ark).group_public_key != deal(4, 2, "7", ark).group_public_key
    assert deal(4, 2, random.Random(1), ark) == deal(4, 2, random.Random(1), ark)
    assert deal(4, 2, None, ark).group_public_key != deal(4, 2, None, ark).group_public_key


def test_seeded_dealing_is_identical_on_both_backends(ark: BLSBackend, ref: BLSBackend) -> None:
    assert deal(2, 2, "cross-backend", ark) == deal(2, 2, "cross-backend", ref)


@pytest.mark.parametrize(
    ("n", "t", "message"),
    [
        (0, 1, "committee size n must be in"),
        (256, 3, "committee size n must be in"),
        (5, 0, "threshold t must be in"),
        (5, 6, "threshold t must be in"),
    ],
)
def test_deal_requires_1_le_t_le_n_le_255(ark: BLSBackend, n: int, t: int, message: str) -> None:
    with pytest.raises(ThresholdParameterError, match=message):
        deal(n, t, 1, ark)


def test_parameter_errors_are_both_config_and_threshold_errors(ark: BLSBackend) -> None:
    with pytest.raises(ConfigError):
        deal(3, 4, 1, ark)
    with pytest.raises(ThresholdError):
        deal(3, 4, 1, ark)


def test_deal_allows_the_extremes_1_of_1_and_n_of_n(ark: BLSBackend) -> None:
    one = deal(1, 1, 1, ark)
    assert one.public_shares == (one.group_public_key,)  # f is constant
    all_ = deal(4, 4, 1, ark)
    sig = _combine(_partials(all_, ark), all_, ark).signature
    assert ark.verify(all_.group_public_key, MESSAGE, sig)


def test_secret_shares_stay_out_of_repr(dealing_3_of_5: Dealing) -> None:
    share = dealing_3_of_5.secret_shares[0]
    assert str(share.secret) not in repr(share)
    assert str(share.secret) not in repr(dealing_3_of_5)


def test_secret_share_index_zero_and_bad_secret_are_refused() -> None:
    with pytest.raises(ThresholdParameterError, match="0 is the group secret"):
        SecretShare(index=0, secret=1)
    with pytest.raises(InvalidSecretKeyError):
        SecretShare(index=1, secret=CURVE_ORDER)


def test_committee_refuses_wrong_sized_keys(dealing_3_of_5: Dealing) -> None:
    with pytest.raises(ThresholdParameterError, match="public share 2 must be 256 bytes"):
        Committee(
            3, dealing_3_of_5.group_public_key, (dealing_3_of_5.public_shares[0], b"\x00" * 128, b"", b"")
        )


# --- Lagrange -------------------------------------------------------------------------------------


def test_lagrange_coefficients_for_indices_1_and_2_are_2_and_minus_1() -> None:
    assert lagrange_coefficients_at_zero([1, 2]) == [2, CURVE_ORDER - 1]


@given(
    coefficients=st.lists(st.integers(min_value=0, max_value=CURVE_ORDER - 1), min_size=1, max_size=6),
    data=st.data(),
)
@settings(max_examples=50, deadline=None)
def test_property_lagrange_interpolation_recovers_f_of_zero(
    coefficients: list[int], data: st.DataObject
) -> None:
    t = len(coefficients)
    indices = data.draw(st.lists(st.integers(1, 255), min_size=t, max_size=t, unique=True))

    def f(x: int) -> int:
        return sum(c * pow(x, k, CURVE_ORDER) for k, c in enumerate(coefficients)) % CURVE_ORDER

    lambdas = lagrange_coefficients_at_zero(indices)
    assert sum(lam * f(i) for lam, i in zip(lambdas, indices, strict=True)) % CURVE_ORDER == f(0)


@pytest.mark.parametrize("indices", [[0, 1], [1, -2], [1, 256]])
def test_lagrange_rejects_index_zero_and_out_of_range_indices(indices: list[int]) -> None:
    with pytest.raises(ThresholdParameterError, match="share index must be in"):
        lagrange_coefficients_at_zero(indices)


def test_lagrange_rejects_duplicate_indices() -> None:
    with pytest.raises(ThresholdParameterError, match=r"repeated: \[2\]"):
        lagrange_coefficients_at_zero([1, 2, 2])


# --- combining -----------------------------------------------------------------------------------


def test_any_t_of_n_partials_give_the_group_keys_own_signature(
    dealing_3_of_5: Dealing, ark: BLSBackend
) -> None:
    group_sig = ark.sign(group_secret(dealing_3_of_5.secret_shares), MESSAGE)
    partials = _partials(dealing_3_of_5, ark)
    for subset in itertools.combinations(partials, 3):
        result = _combine(list(subset), dealing_3_of_5, ark)
        assert result.signature == group_sig
        assert result.signers == tuple(p.index for p in subset)
        assert result.rejected == ()
    assert ark.verify(dealing_3_of_5.group_public_key, MESSAGE, group_sig)


def test_first_t_valid_partials_in_input_order_are_used(dealing_3_of_5: Dealing, ark: BLSBackend) -> None:
    partials = _partials(dealing_3_of_5, ark)
    result = _combine([partials[4], partials[0], partials[2], partials[1]], dealing_3_of_5, ark)
    assert result.signers == (5, 1, 3)
    assert result.valid == (5, 1, 3, 2)


def test_21_of_31_combination_verifies_under_the_group_key(ark: BLSBackend) -> None:
    dealing = deal(31, 21, "bench", ark)
    partials = _partials(dealing, ark)
    random.Random(3).shuffle(partials)
    result = _combine(partials, dealing, ark)
    assert len(result.signers) == 21 and len(result.valid) == 31
    assert ark.verify(dealing.group_public_key, MESSAGE, result.signature)


def test_fewer_than_t_partials_raise_not_enough_partials(dealing_3_of_5: Dealing, ark: BLSBackend) -> None:
    partials = _partials(dealing_3_of_5, ark)[:2]
    with pytest.raises(NotEnoughPartialsError) as info:
        _combine(partials, dealing_3_of_5, ark)
    assert (info.value.valid, info.value.threshold, info.value.rejected) == (2, 3, ())


def test_no_partials_at_all_raise_not_enough_partials(dealing_3_of_5: Dealing, ark: BLSBackend) -> None:
    with pytest.raises(NotEnoughPartialsError, match="need 3 valid partial signatures, have 0"):
        _combine([], dealing_3_of_5, ark)


def _bad_partials(dealing: Dealing, backend: BLSBackend) -> dict[str, PartialSignature]:
    shares = dealing.secret_shares
    return {
        "random G1 point": PartialSignature(2, backend.g1_linear_combination([G1_GENERATOR], [987654321])),
        "partial from another share": PartialSignature(
            2, partial_sign(shares[3], MESSAGE, backend).signature
        ),
        "partial over another message": partial_sign(shares[1], b"another report", backend),
        "partial under another DST": partial_sign(shares[1], MESSAGE, backend, dst=b"OTHER-DST"),
        "infinity": PartialSignature(2, G1_INFINITY),
        "outside the subgroup": PartialSignature(2, g1_point_outside_subgroup()),
        "truncated bytes": PartialSignature(2, partial_sign(shares[1], MESSAGE, backend).signature[:100]),
    }


@pytest.mark.parametrize(
    "kind",
    [
        "random G1 point",
        "partial from another share",
        "partial over another message",
        "partial under another DST",
        "infinity",
        "outside the subgroup",
        "truncated bytes",
    ],
)
def test_bad_partial_is_excluded_and_named(dealing_3_of_5: Dealing, ark: BLSBackend, kind: str) -> None:
    bad = _bad_partials(dealing_3_of_5, ark)[kind]
    good = _partials(dealing_3_of_5, ark)
    result = _combine([good[0], bad, good[2], good[3]], dealing_3_of_5, ark)
    assert result.rejected_indices == (2,)
    assert result.signers == (1, 3, 4)
    assert ark.verify(dealing_3_of_5.group_public_key, MESSAGE, result.signature)


def test_bad_partial_that_leaves_too_few_is_named_in_the_error(
    dealing_3_of_5: Dealing, ark: BLSBackend
) -> None:
    good = _partials(dealing_3_of_5, ark)
    bad = _bad_partials(dealing_3_of_5, ark)["partial over another message"]
    with pytest.raises(NotEnoughPartialsError) as info:
        _combine([good[0], bad, good[2]], dealing_3_of_5, ark)
    assert (info.value.valid, info.value.threshold, info.value.rejected) == (2, 3, (2,))
    assert "rejected invalid partials from share indices [2]" in str(info.value)


def test_bad_partials_that_cancel_in_a_plain_sum_are_still_caught(
    dealing_3_of_5: Dealing, ark: BLSBackend
) -> None:
    # sig1 + D and sig2 - D sum to the same aggregate as the honest pair; only the random
    # weights of batch verification tell them apart.
    good = _partials(dealing_3_of_5, ark)
    delta = ark.hash_to_g1(b"delta", REPORT_DST)
    shifted_up = ark.g1_linear_combination([good[0].signature, delta], [1, 1])
    shifted_down = ark.g1_linear_combination([good[1].signature, delta], [1, -1])
    partials = [PartialSignature(1, shifted_up), PartialSignature(2, shifted_down), *good[2:]]
    result = _combine(partials, dealing_3_of_5, ark)
    assert sorted(result.rejected_indices) == [1, 2]
    assert result.signers == (3, 4, 5)


def test_unknown_and_zero_indices_are_excluded_and_named(dealing_3_of_5: Dealing, ark: BLSBackend) -> None:
    good = _partials(dealing_3_of_5, ark)
    partials = [PartialSignature(0, good[0].signature), PartialSignature(6, good[1].signature), *good[2:]]
    result = _combine(partials, dealing_3_of_5, ark)
    assert result.rejected_indices == (0, 6)
    assert "unknown share index" in result.rejected[0].reason
    assert result.signers == (3, 4, 5)


def test_duplicate_partial_is_excluded_and_named_not_counted_twice(
    dealing_3_of_5: Dealing, ark: BLSBackend
) -> None:
    good = _partials(dealing_3_of_5, ark)
    with pytest.raises(NotEnoughPartialsError) as info:
        _combine([good[0], good[0], good[1]], dealing_3_of_5, ark)
    assert (info.value.valid, info.value.rejected) == (2, (1,))
    result = _combine([good[0], good[0], good[1], good[2]], dealing_3_of_5, ark)
    assert result.rejected[0].reason.startswith("duplicate")
    assert result.signers == (1, 2, 3)


def test_valid_partial_after_a_bad_one_for_the_same_index_is_used(
    dealing_3_of_5: Dealing, ark: BLSBackend
) -> None:
    good = _partials(dealing_3_of_5, ark)
    forged = PartialSignature(1, good[3].signature)
    result = _combine([forged, good[0], good[1], good[2]], dealing_3_of_5, ark)
    assert result.rejected_indices == (1,)
    assert result.signers == (1, 2, 3)


def test_combine_refuses_an_impossible_threshold(dealing_3_of_5: Dealing, ark: BLSBackend) -> None:
    with pytest.raises(ThresholdParameterError, match="threshold t must be in"):
        combine(_partials(dealing_3_of_5, ark), 6, dealing_3_of_5.public_shares, MESSAGE, ark)


def test_verify_partial_checks_against_the_members_public_share(
    dealing_3_of_5: Dealing, ark: BLSBackend
) -> None:
    partial = partial_sign(dealing_3_of_5.secret_shares[0], MESSAGE, ark)
    assert verify_partial(dealing_3_of_5.public_shares[0], MESSAGE, partial, ark)
    assert verify_partial(dealing_3_of_5.public_shares[0], MESSAGE, partial.signature, ark)
    assert not verify_partial(dealing_3_of_5.public_shares[1], MESSAGE, partial, ark)


def test_reference_backend_combines_identically_and_excludes_bad_partials(
    ark: BLSBackend, ref: BLSBackend
) -> None:
    dealing = deal(4, 2, "small", ark)
    good = _partials(dealing, ark)
    bad = PartialSignature(3, good[0].signature)
    partials = [bad, good[1], good[3]]
    expected = _combine(partials, dealing, ark)
    assert _combine(partials, dealing, ref) == expected
    assert expected.rejected_indices == (3,) and expected.signers == (2, 4)


@given(subset=st.lists(st.integers(1, 7), min_size=4, max_size=7, unique=True))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_property_every_t_subset_combines_to_the_group_signature(ark: BLSBackend, subset: list[int]) -> None:
    dealing = deal(7, 4, "property", ark)
    expected = ark.sign(group_secret(dealing.secret_shares), MESSAGE)
    partials = [partial_sign(dealing.secret_shares[i - 1], MESSAGE, ark) for i in subset]
    assert _combine(partials, dealing, ark).signature == expected


@pytest.fixture(scope="module")
def dealing_7_of_12(ark: BLSBackend) -> Dealing:
    return deal(12, 7, "bisection", ark)


@given(bad=st.sets(st.integers(1, 12), max_size=5))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_property_exactly_the_bad_partials_are_rejected_wherever_they_are(
    dealing_7_of_12: Dealing, ark: BLSBackend, bad: set[int]
) -> None:
    partials = [
        partial_sign(share, b"other" if share.index in bad else MESSAGE, ark)
        for share in dealing_7_of_12.secret_shares
    ]
    result = _combine(partials, dealing_7_of_12, ark)
    assert set(result.rejected_indices) == bad
    assert result.valid == tuple(i for i in range(1, 13) if i not in bad)
    assert ark.verify(dealing_7_of_12.group_public_key, MESSAGE, result.signature)


def test_partial_given_as_bytearray_is_accepted(dealing_3_of_5: Dealing, ark: BLSBackend) -> None:
    good = _partials(dealing_3_of_5, ark)
    partials = [PartialSignature(p.index, bytearray(p.signature)) for p in good[:3]]  # type: ignore[arg-type]
    assert _combine(partials, dealing_3_of_5, ark).signers == (1, 2, 3)


class _CountingBackend(ArkworksBackend):
    """arkworks, counting pairing checks, to pin down what batch verification costs."""

    def __init__(self) -> None:
        super().__init__()
        self.pairing_checks = 0

    def _pairing_check(self, g1s: list[G1Point], g2s: list[G2Point]) -> bool:
        self.pairing_checks += 1
        return super()._pairing_check(g1s, g2s)


def test_all_valid_partials_cost_one_pairing_check_and_one_bad_about_2_log_n(ark: BLSBackend) -> None:
    dealing = deal(31, 21, "bench", ark)
    partials = _partials(dealing, ark)
    counting = _CountingBackend()
    _combine(partials, dealing, counting)
    assert counting.pairing_checks == 1
    counting.pairing_checks = 0
    partials[17] = PartialSignature(18, partials[3].signature)
    assert _combine(partials, dealing, counting).rejected_indices == (18,)
    assert counting.pairing_checks <= 1 + 2 * 5
