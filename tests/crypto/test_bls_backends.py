"""Both backends: identical bytes, the same verdicts, the same errors for the same bad input."""

from __future__ import annotations

import pytest
from bls_test_support import (
    g1_point_off_curve,
    g1_point_outside_subgroup,
    g2_point_outside_subgroup,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from py_arkworks_bls12381 import G1Point, G2Point, Scalar

from ocr_client.constants import CURVE_ORDER, REPORT_DST
from ocr_client.crypto import (
    BACKEND_ENV_VAR,
    G1_GENERATOR,
    G1_INFINITY,
    G2_GENERATOR,
    G2_GENERATOR_NEG,
    G2_INFINITY,
    BLSBackend,
    CryptoInputError,
    UnknownBackendError,
    encoding,
    get_backend,
    keygen,
    secret_key_from_bytes,
    secret_key_to_bytes,
)
from ocr_client.errors import (
    CryptoError,
    InfinityPointError,
    InvalidSecretKeyError,
    MalformedPointError,
    SubgroupError,
)

SECRET_KEYS = [1, 2, 0xDEADBEEF, CURVE_ORDER - 1, keygen(b"\x07" * 32)]
MESSAGES = [b"", b"abc", b"\x00" * 32, bytes(range(200))]


# --- agreement -------------------------------------------------------------------------------


@pytest.mark.parametrize("sk", SECRET_KEYS, ids=lambda sk: hex(sk)[:10])
def test_public_keys_agree_byte_for_byte(ark: BLSBackend, ref: BLSBackend, sk: int) -> None:
    assert ark.public_key(sk) == ref.public_key(sk)


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: f"{len(m)}B")
def test_hash_to_g1_agrees_byte_for_byte(ark: BLSBackend, ref: BLSBackend, message: bytes) -> None:
    assert ark.hash_to_g1(message, REPORT_DST) == ref.hash_to_g1(message, REPORT_DST)


@pytest.mark.parametrize(("sk", "message"), list(zip(SECRET_KEYS, MESSAGES * 2, strict=False)))
def test_signatures_agree_byte_for_byte(ark: BLSBackend, ref: BLSBackend, sk: int, message: bytes) -> None:
    assert ark.sign(sk, message) == ref.sign(sk, message)


def test_generator_and_identity_encodings_agree(ark: BLSBackend, ref: BLSBackend) -> None:
    for backend in (ark, ref):
        assert backend.public_key(1) == G2_GENERATOR
        assert backend.g1_linear_combination([G1_GENERATOR], [1]) == G1_GENERATOR
        assert backend.g1_linear_combination([G1_GENERATOR], [CURVE_ORDER]) == G1_INFINITY
        assert backend.g2_linear_combination([], []) == G2_INFINITY


def test_linear_combinations_agree_byte_for_byte(ark: BLSBackend, ref: BLSBackend) -> None:
    g1s = [ark.hash_to_g1(bytes([i]), REPORT_DST) for i in range(3)] + [G1_INFINITY]
    g2s = [ark.public_key(k) for k in (3, 5, 7)] + [G2_INFINITY]
    scalars = [1, CURVE_ORDER - 1, 2**200 + 3, 9]
    assert ark.g1_linear_combination(g1s, scalars) == ref.g1_linear_combination(g1s, scalars)
    assert ark.g2_linear_combination(g2s, scalars) == ref.g2_linear_combination(g2s, scalars)


def test_scalars_are_taken_mod_r_including_negative_ones(backend: BLSBackend) -> None:
    point = backend.hash_to_g1(b"x", REPORT_DST)
    assert backend.g1_linear_combination([point], [-1]) == encoding.negate_g1(point)
    assert backend.g1_linear_combination([point], [CURVE_ORDER + 2]) == backend.g1_linear_combination(
        [point, point], [1, 1]
    )


def test_compressed_forms_agree_and_roundtrip(ark: BLSBackend, ref: BLSBackend) -> None:
    sig = ark.sign(99, b"file")
    pk = ark.public_key(99)
    assert ark.g1_compress(sig) == ref.g1_compress(sig) == encoding.compress_g1_affine(_g1_affine(sig))
    assert ark.g2_compress(pk) == ref.g2_compress(pk) == encoding.compress_g2_affine(_g2_affine(pk))
    for backend in (ark, ref):
        assert backend.g1_decompress(backend.g1_compress(sig)) == sig
        assert backend.g2_decompress(backend.g2_compress(pk)) == pk
        # The other sign of y decompresses to the negated point.
        flipped = bytes([backend.g1_compress(sig)[0] ^ 0x20]) + backend.g1_compress(sig)[1:]
        assert backend.g1_decompress(flipped) == encoding.negate_g1(sig)


def test_compressed_form_is_what_arkworks_and_zcash_call_compressed(ark: BLSBackend) -> None:
    pk = ark.public_key(12345)
    assert ark.g2_compress(pk) == (G2Point() * Scalar(12345)).to_compressed_bytes()


@given(
    sk=st.integers(min_value=1, max_value=CURVE_ORDER - 1),
    message=st.binary(max_size=64),
)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_property_backends_agree_on_keys_and_signatures(sk: int, message: bytes) -> None:
    ark, ref = get_backend("arkworks"), get_backend("py_ecc")
    assert ark.public_key(sk) == ref.public_key(sk)
    assert ark.sign(sk, message) == ref.sign(sk, message)


@given(
    scalars=st.lists(st.integers(min_value=-(2**256), max_value=2**256), min_size=0, max_size=4),
)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_property_backends_agree_on_g1_combinations(scalars: list[int]) -> None:
    ark, ref = get_backend("arkworks"), get_backend("py_ecc")
    points = [ark.hash_to_g1(bytes([i]), b"TEST-DST") for i in range(len(scalars))]
    assert ark.g1_linear_combination(points, scalars) == ref.g1_linear_combination(points, scalars)


@given(sk=st.integers(min_value=1, max_value=CURVE_ORDER - 1), message=st.binary(max_size=100))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_property_arkworks_signatures_verify_and_reject_other_messages(sk: int, message: bytes) -> None:
    ark = get_backend("arkworks")
    pk, sig = ark.public_key(sk), ark.sign(sk, message)
    assert ark.verify(pk, message, sig)
    assert not ark.verify(pk, message + b"!", sig)


def _g1_affine(point: bytes) -> tuple[int, int]:
    affine = encoding.decode_g1(point)
    assert affine is not None
    return affine


def _g2_affine(point: bytes) -> encoding.G2Affine:
    affine = encoding.decode_g2(point)
    assert affine is not None
    return affine


# --- arkworks byte order (the surprises this layer hides) -----------------------------------------


def test_arkworks_xy_bytes_are_48_byte_elements_with_g2_c0_first() -> None:
    raw = G2Point().to_xy_bytes_be()
    assert len(raw) == 192 and len(G1Point().to_xy_bytes_be()) == 96
    assert raw[:48] == G2_GENERATOR[16:64]  # x.c0 first, like EIP-2537
    assert raw[48:96] == G2_GENERATOR[64 + 16 : 128]
    assert G2Point.identity().to_xy_bytes_be() == bytes(192)


# --- signing and verification --------------------------------------------------------------


def test_signature_verifies_and_is_sk_times_hash(backend: BLSBackend) -> None:
    sk = 424242
    sig = backend.sign(sk, b"report")
    assert backend.verify(backend.public_key(sk), b"report", sig)
    assert sig == backend.g1_linear_combination([backend.hash_to_g1(b"report", REPORT_DST)], [sk])


def test_wrong_message_key_or_dst_returns_false_not_an_error(backend: BLSBackend) -> None:
    sig = backend.sign(5, b"m")
    assert not backend.verify(backend.public_key(5), b"n", sig)
    assert not backend.verify(backend.public_key(6), b"m", sig)
    assert not backend.verify(backend.public_key(5), b"m", sig, dst=b"OTHER-DST")


def test_pairing_check_matches_the_precompile_semantics(ark: BLSBackend, ref: BLSBackend) -> None:
    sig = ark.sign(3, b"p")
    h = ark.hash_to_g1(b"p", REPORT_DST)
    good = [(sig, G2_GENERATOR_NEG), (h, ark.public_key(3))]
    bad = [(sig, G2_GENERATOR_NEG), (h, ark.public_key(4))]
    for backend in (ark, ref):
        assert backend.pairing_check(good)
        assert not backend.pairing_check(bad)
        assert backend.pairing_check([])
        assert backend.pairing_check([(G1_INFINITY, G2_GENERATOR), (G1_GENERATOR, G2_INFINITY)])


# --- refusing bad input -------------------------------------------------------------------------


@pytest.mark.parametrize("sk", [0, -1, CURVE_ORDER, CURVE_ORDER + 1, True, 1.0, "1"])
def test_bad_secret_keys_are_refused(backend: BLSBackend, sk: object) -> None:
    with pytest.raises(InvalidSecretKeyError):
        backend.public_key(sk)  # type: ignore[arg-type]
    with pytest.raises(InvalidSecretKeyError):
        backend.sign(sk, b"m")  # type: ignore[arg-type]


def test_secret_key_bytes_roundtrip_and_refuse_zero_and_r() -> None:
    assert secret_key_from_bytes(secret_key_to_bytes(CURVE_ORDER - 1)) == CURVE_ORDER - 1
    with pytest.raises(InvalidSecretKeyError):
        secret_key_from_bytes(bytes(32))
    with pytest.raises(InvalidSecretKeyError):
        secret_key_from_bytes(CURVE_ORDER.to_bytes(32, "big"))
    with pytest.raises(InvalidSecretKeyError, match="32 bytes"):
        secret_key_from_bytes(bytes(31))


def test_keygen_refuses_short_key_material() -> None:
    with pytest.raises(CryptoInputError, match="at least 32 bytes"):
        keygen(b"short")


def test_infinity_public_key_or_signature_is_refused(backend: BLSBackend) -> None:
    sig = backend.sign(1, b"m")
    with pytest.raises(InfinityPointError, match="public key"):
        backend.verify(G2_INFINITY, b"m", sig)
    with pytest.raises(InfinityPointError, match="signature"):
        backend.verify(G2_GENERATOR, b"m", G1_INFINITY)
    with pytest.raises(InfinityPointError):
        backend.validate_g1(G1_INFINITY)
    with pytest.raises(InfinityPointError):
        backend.validate_g2(G2_INFINITY)


def test_points_outside_the_subgroup_are_refused(backend: BLSBackend) -> None:
    with pytest.raises(SubgroupError):
        backend.validate_g1(g1_point_outside_subgroup())
    with pytest.raises(SubgroupError):
        backend.validate_g2(g2_point_outside_subgroup())
    with pytest.raises(SubgroupError):
        backend.verify(G2_GENERATOR, b"m", g1_point_outside_subgroup())
    with pytest.raises(SubgroupError):
        backend.g1_linear_combination([g1_point_outside_subgroup()], [1])


def test_points_outside_the_subgroup_are_refused_when_decompressed(backend: BLSBackend) -> None:
    with pytest.raises(SubgroupError):
        backend.g1_decompress(encoding.compress_g1_affine(_g1_affine(g1_point_outside_subgroup())))
    with pytest.raises(SubgroupError):
        backend.g2_decompress(encoding.compress_g2_affine(_g2_affine(g2_point_outside_subgroup())))


def test_malformed_points_are_refused_with_the_reason(backend: BLSBackend) -> None:
    sig = backend.sign(1, b"m")
    with pytest.raises(MalformedPointError, match="signature: expected 128 bytes"):
        backend.verify(G2_GENERATOR, b"m", sig[:-1])
    with pytest.raises(MalformedPointError, match=r"public key x\.c0: the top 16 bytes"):
        backend.verify(b"\x01" + G2_GENERATOR[1:], b"m", sig)
    with pytest.raises(MalformedPointError, match="not on the curve"):
        backend.validate_g1(g1_point_off_curve())
    with pytest.raises(MalformedPointError, match="compressed G1 point: x is not the x-coordinate"):
        backend.g1_decompress(b"\x80" + bytes(46) + b"\x01")  # x = 1: 1 + 4 = 5 is not a square


def test_infinity_cannot_be_compressed_for_files(backend: BLSBackend) -> None:
    with pytest.raises(InfinityPointError):
        backend.g1_compress(G1_INFINITY)
    with pytest.raises(InfinityPointError):
        backend.g2_decompress(b"\xc0" + bytes(95))


@pytest.mark.parametrize("dst", [b"", b"x" * 256])
def test_unusable_domain_separation_tags_are_refused(backend: BLSBackend, dst: bytes) -> None:
    with pytest.raises(CryptoInputError, match="1 to 255 bytes"):
        backend.hash_to_g1(b"m", dst)


def test_mismatched_points_and_scalars_are_refused(backend: BLSBackend) -> None:
    with pytest.raises(CryptoInputError, match="2 points but 1 scalars"):
        backend.g1_linear_combination([G1_GENERATOR, G1_GENERATOR], [1])


def test_all_refusals_are_crypto_errors() -> None:
    for error in (
        MalformedPointError,
        InfinityPointError,
        SubgroupError,
        InvalidSecretKeyError,
        CryptoInputError,
    ):
        assert issubclass(error, CryptoError) and issubclass(error, ValueError)


# --- choosing a backend ------------------------------------------------------------------------


def test_default_backend_is_arkworks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BACKEND_ENV_VAR, raising=False)
    assert get_backend().name == "arkworks"


def test_environment_variable_overrides_the_default_but_not_an_argument(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(BACKEND_ENV_VAR, "py-ecc")
    assert get_backend().name == "py_ecc"
    assert get_backend("arkworks").name == "arkworks"
    assert get_backend("py_ecc") is get_backend("py_ecc")


def test_unknown_backend_name_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UnknownBackendError, match=r"unknown BLS backend 'blst'.*arkworks, py_ecc"):
        get_backend("blst")
    monkeypatch.setenv(BACKEND_ENV_VAR, "mcl")
    with pytest.raises(UnknownBackendError, match=r"\$OCR_BLS_BACKEND"):
        get_backend()


def test_backends_satisfy_the_protocol(backend: BLSBackend) -> None:
    assert isinstance(backend, BLSBackend)
