"""EIP-2537 and compressed encodings: pure helpers, no curve library involved."""

from __future__ import annotations

import pytest
from bls_test_support import P, g1_point_off_curve, g2_point_off_curve

from ocr_client.crypto import encoding
from ocr_client.errors import InfinityPointError, MalformedPointError

G1 = encoding.G1_GENERATOR
G2 = encoding.G2_GENERATOR


def test_field_element_roundtrips_with_16_zero_bytes_of_padding() -> None:
    data = encoding.encode_fp(P - 1)
    assert len(data) == 64 and data[:16] == bytes(16)
    assert encoding.decode_fp(data) == P - 1


def test_field_element_of_wrong_length_is_malformed() -> None:
    with pytest.raises(MalformedPointError, match="expected 64 bytes, got 48"):
        encoding.decode_fp(bytes(48))


def test_field_element_with_nonzero_padding_is_malformed() -> None:
    data = bytearray(encoding.encode_fp(1))
    data[0] = 1
    with pytest.raises(MalformedPointError, match="padding"):
        encoding.decode_fp(bytes(data), "x")


def test_field_element_equal_to_p_is_malformed_not_reduced() -> None:
    with pytest.raises(MalformedPointError, match=">= p"):
        encoding.decode_fp(P.to_bytes(64, "big"))


def test_generators_are_on_their_curves() -> None:
    assert encoding.is_on_curve_g1(encoding.G1_GENERATOR_AFFINE)
    assert encoding.is_on_curve_g2(encoding.G2_GENERATOR_AFFINE)


def test_g2_encoding_puts_the_real_part_c0_first() -> None:
    # x.c0 of the standard generator starts 0x024aa2b2, x.c1 starts 0x13e02b60.
    assert G2[16:20].hex() == "024aa2b2"
    assert G2[64 + 16 : 64 + 20].hex() == "13e02b60"
    assert encoding.decode_g2(G2) == encoding.G2_GENERATOR_AFFINE


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (bytes(127), "expected 128 bytes, got 127"),
        (bytes(129), "expected 128 bytes, got 129"),
        (b"\x01" + G1[1:], "G1 point x: the top 16 bytes"),
        (G1[:64] + P.to_bytes(64, "big"), "G1 point y: field element >= p"),
        (g1_point_off_curve(), "not on the curve"),
    ],
)
def test_malformed_g1_encodings_are_named(data: bytes, message: str) -> None:
    with pytest.raises(MalformedPointError, match=message):
        encoding.decode_g1(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (bytes(255), "expected 256 bytes, got 255"),
        (G2[:64] + b"\x01" + G2[65:], "G2 point x.c1: the top 16 bytes"),
        (G2[:192] + P.to_bytes(64, "big"), "G2 point y.c1: field element >= p"),
        (g2_point_off_curve(), "not on the twist"),
    ],
)
def test_malformed_g2_encodings_are_named(data: bytes, message: str) -> None:
    with pytest.raises(MalformedPointError, match=message):
        encoding.decode_g2(data)


def test_g2_with_c0_and_c1_swapped_is_not_on_the_twist() -> None:
    swapped = G2[64:128] + G2[0:64] + G2[192:256] + G2[128:192]
    with pytest.raises(MalformedPointError, match="not on the twist"):
        encoding.decode_g2(swapped)


def test_all_zero_bytes_decode_as_infinity_and_nonzero_variants_refuse_it() -> None:
    assert encoding.decode_g1(encoding.G1_INFINITY) is None
    assert encoding.decode_g2(encoding.G2_INFINITY) is None
    with pytest.raises(InfinityPointError):
        encoding.decode_g1_nonzero(encoding.G1_INFINITY, "signature")
    with pytest.raises(InfinityPointError, match="public key"):
        encoding.decode_g2_nonzero(encoding.G2_INFINITY, "public key")


def test_non_bytes_input_is_malformed_rather_than_a_type_error() -> None:
    with pytest.raises(MalformedPointError, match="expected bytes, got str"):
        encoding.decode_g1("00" * 128)  # type: ignore[arg-type]


def test_negation_flips_y_and_keeps_the_point_on_the_curve() -> None:
    neg = encoding.negate_g1(G1)
    x, y = encoding.G1_GENERATOR_AFFINE
    assert encoding.decode_g1(neg) == (x, P - y)
    assert encoding.negate_g1(neg) == G1
    assert encoding.negate_g2(encoding.G2_GENERATOR_NEG) == G2
    assert encoding.negate_g1(encoding.G1_INFINITY) == encoding.G1_INFINITY


def test_compressed_g1_generator_matches_the_well_known_bytes() -> None:
    assert encoding.compress_g1_affine(encoding.G1_GENERATOR_AFFINE).hex().startswith("97f1d3a73197d794")


def test_compressed_g2_puts_c1_first_with_flags() -> None:
    compressed = encoding.compress_g2_affine(encoding.G2_GENERATOR_AFFINE)
    # 0x13e02b60... is x.c1 with the compression flag 0x80 or-ed in.
    assert compressed[:4].hex() == "93e02b60"
    assert compressed[48:52].hex() == "024aa2b2"
    assert encoding.parse_compressed_g2(compressed) == (encoding.G2_GENERATOR_AFFINE[0], False)


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (bytes(47), MalformedPointError, "expected 48 compressed bytes"),
        (bytes(48), MalformedPointError, "compression flag"),
        (b"\xc0" + bytes(47), InfinityPointError, "infinity"),
        (b"\xe0" + bytes(47), MalformedPointError, "infinity flag set but"),
        (b"\xc0" + bytes(46) + b"\x01", MalformedPointError, "infinity flag set but"),
        ((P | (1 << 383)).to_bytes(48, "big"), MalformedPointError, "x >= p"),
    ],
)
def test_compressed_g1_framing_errors_are_named(data: bytes, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        encoding.parse_compressed_g1(data)


def test_compressed_g2_with_unreduced_c0_is_malformed() -> None:
    data = b"\x80" + bytes(47) + P.to_bytes(48, "big")
    with pytest.raises(MalformedPointError, match=r"x\.c0 >= p"):
        encoding.parse_compressed_g2(data)
