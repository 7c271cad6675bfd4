"""The BLS12381 library on a real anvil (prague), through contracts/test/BLS12381Harness.sol.

Reference values come from py_ecc 8 (RFC 9380 hash_to_curve, optimized BLS12-381 arithmetic); the
RFC 9380 Appendix J.9.1 vectors are committed in tests/contracts/vectors/hash_to_g1_rfc9380.json.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from eth_utils import keccak
from py_ecc.bls.hash_to_curve import hash_to_G1
from py_ecc.bls.point_compression import modular_squareroot_in_FQ2
from py_ecc.optimized_bls12_381 import (
    FQ,
    FQ2,
    G1,
    G2,
    add,
    b,
    b2,
    curve_order,
    field_modulus,
    is_inf,
    is_on_curve,
    multiply,
    neg,
    normalize,
)
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractCustomError, ContractLogicError, Web3RPCError

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.chain.deploy import deploy
from ocr_client.chain.revert import decode_revert, revert_data_from_exception
from ocr_client.chain.rpc import connect
from ocr_client.chain.transactions import call
from ocr_client.constants import REPORT_DST
from ocr_client.errors import TransactionRevertedError

P = field_modulus
ROOT = Path(__file__).resolve().parents[2]
LIBRARY_SOURCE = ROOT / "contracts" / "bls" / "BLS12381.sol"
VECTORS = json.loads((Path(__file__).parent / "vectors" / "hash_to_g1_rfc9380.json").read_text())

# Precompile addresses as PrecompileFailed carries them (checksummed by `_normalised`).
G2MSM = Web3.to_checksum_address("0x000000000000000000000000000000000000000e")
PAIRING = Web3.to_checksum_address("0x000000000000000000000000000000000000000f")

# Precompile floor of one hot-path verify on prague: PAIRING_CHECK with 2 pairs (102,900),
# 2 x MAP_FP_TO_G1 (11,000), G1ADD (375), 2 x MODEXP (400), SHA-256 of b_0 (157 B: 120) and of
# b_1..b_4 (91 B: 4 x 96).
VERIFY_PRECOMPILE_FLOOR = 102_900 + 2 * 5_500 + 375 + 2 * 200 + 120 + 4 * 96
HASH_PRECOMPILE_FLOOR = VERIFY_PRECOMPILE_FLOOR - 102_900
# Bounds measured on anvil 1.7.1 --hardfork prague, solc 0.8.37 (optimizer 1,000,000 runs, legacy
# codegen) by the harness gas probes (gasleft() around the library call): verify 118,262,
# hashToG1Report 14,308, validateG2 23,534. The bounds leave 0.2-0.6% for compiler drift.
VERIFY_GAS_BOUND = 118_500
HASH_REPORT_GAS_BOUND = 14_400
VALIDATE_G2_GAS_BOUND = 23_600

RNG = random.Random(0xB15)

#: (secret key, public key, digest, signature) of one valid report signature.
Signed = tuple[int, bytes, bytes, bytes]


# ------------------------------------------------------------------------------------------------
# Encoding helpers
# ------------------------------------------------------------------------------------------------


def fp(value: int) -> bytes:
    return value.to_bytes(64, "big")


def g1_bytes(point: Any) -> bytes:
    if is_inf(point):
        return bytes(128)
    x, y = normalize(point)
    return fp(int(x)) + fp(int(y))


def g2_bytes(point: Any) -> bytes:
    if is_inf(point):
        return bytes(256)
    x, y = normalize(point)
    return fp(x.coeffs[0]) + fp(x.coeffs[1]) + fp(y.coeffs[0]) + fp(y.coeffs[1])


def affine_g1_bytes(x: int, y: int) -> bytes:
    return fp(x % P) + fp(y % P)


def affine_g2_bytes(x: FQ2, y: FQ2) -> bytes:
    return b"".join(fp(c) for c in (*x.coeffs, *y.coeffs))


def py_hash(message: bytes, dst: bytes) -> bytes:
    return g1_bytes(hash_to_G1(message, dst, hashlib.sha256))


@cache
def keypair(sk: int) -> bytes:
    return g2_bytes(multiply(G2, sk))


def sign(sk: int, digest: bytes, dst: bytes = REPORT_DST) -> bytes:
    return g1_bytes(multiply(hash_to_G1(digest, dst, hashlib.sha256), sk))


def with_element(point: bytes, index: int, raw: bytes) -> bytes:
    """``point`` with its 64-byte element ``index`` replaced by ``raw``."""
    return point[: 64 * index] + raw + point[64 * (index + 1) :]


def non_subgroup_g1() -> bytes:
    """An affine point on y^2 = x^3 + 4 outside the r-torsion subgroup (p = 3 mod 4: sqrt = pow)."""
    x = 1
    while True:
        rhs = (x**3 + 4) % P
        y = pow(rhs, (P + 1) // 4, P)
        if y * y % P == rhs:
            pt = (FQ(x), FQ(y), FQ(1))
            assert is_on_curve(pt, b)
            if not is_inf(multiply(pt, curve_order)):
                return affine_g1_bytes(x, y)
        x += 1


def non_subgroup_g2() -> bytes:
    """An affine point on y^2 = x^3 + 4(1+i) outside the r-torsion subgroup."""
    c = 1
    while True:
        x = FQ2([c, 1])
        y = modular_squareroot_in_FQ2(x**3 + b2)
        if y is not None:
            pt = (x, y, FQ2.one())
            assert is_on_curve(pt, b2)
            if not is_inf(multiply(pt, curve_order)):
                return affine_g2_bytes(x, y)
        c += 1


# ------------------------------------------------------------------------------------------------
# Fixtures and call helpers
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def harness(w3: Web3, artifacts: dict[str, Any], deployer: Any) -> Contract:
    return deploy(w3, deployer, artifacts["BLS12381Harness"])


@pytest.fixture(scope="module")
def signed() -> Signed:
    """(sk, pk, digest, signature) of one valid report signature."""
    sk = RNG.randrange(1, curve_order)
    digest = RNG.randbytes(32)
    return sk, keypair(sk), digest, sign(sk, digest)


def _normalised(name: str | None, args: tuple[Any, ...]) -> tuple[str | None, tuple[Any, ...]]:
    """Addresses among the error's arguments checksummed, whatever case the decoder gives."""

    def fix(value: Any) -> Any:
        is_address = isinstance(value, str) and value.startswith("0x") and len(value) == 42
        return Web3.to_checksum_address(value) if is_address else value

    return name, tuple(fix(a) for a in args)


def reverted(w3: Web3, harness: Contract, fn: str, *args: Any) -> tuple[str | None, tuple[Any, ...]]:
    """(error name, args) of an eth_call that must revert."""
    data = bytes.fromhex(harness.encode_abi(fn, args=list(args))[2:])
    with pytest.raises(TransactionRevertedError) as info:
        call(w3, harness.address, harness.address, data)
    return _normalised(info.value.error_name, info.value.error_args)


# ------------------------------------------------------------------------------------------------
# Constants of the library
# ------------------------------------------------------------------------------------------------


def _constant(name: str) -> int:
    match = re.search(rf"\b{name}\s*=\s*(0x[0-9a-fA-F]+|[0-9_]+);", LIBRARY_SOURCE.read_text())
    assert match, name
    return int(match.group(1).replace("_", ""), 0)


def test_derived_constants_match_their_formulas() -> None:
    """Derived prices and offsets are literals in Solidity (see PAIRING_TWO_PAIRS_GAS): check them."""
    c = _constant
    assert c("PAIRING_TWO_PAIRS_GAS") == c("PAIRING_BASE_GAS") + 2 * c("PAIRING_PAIR_GAS") == 102_900
    dst_prime = len(REPORT_DST) + 1
    assert c("REPORT_DST_LENGTH") == len(REPORT_DST)
    assert (
        c("REPORT_B0_INPUT_LENGTH") == c("XMD_Z_PAD_LENGTH") + 32 + c("XMD_LIB_AND_ZERO_LENGTH") + dst_prime
    )
    assert c("REPORT_BI_INPUT_LENGTH") == c("XMD_BI_HEAD_LENGTH") + dst_prime
    assert c("REPORT_BI_OFFSET") == c("REPORT_B0_INPUT_LENGTH") - c("REPORT_BI_INPUT_LENGTH")
    assert c("REPORT_TAIL_OFFSET") >= c("REPORT_B0_INPUT_LENGTH")
    for name, length in (
        ("REPORT_B0_SHA256_GAS", "REPORT_B0_INPUT_LENGTH"),
        ("REPORT_BI_SHA256_GAS", "REPORT_BI_INPUT_LENGTH"),
    ):
        assert c(name) == c("SHA256_BASE_GAS") + c("SHA256_WORD_GAS") * ((c(length) + 31) // 32), name
    assert c("XMD_LIB_AND_ZERO_WORD") == c("XMD_LEN_IN_BYTES") << 240
    assert c("MODEXP_INPUT_LENGTH") == c("MODEXP_MODULUS_OFFSET") + 64 == 3 * 32 + 64 + 1 + 64
    # The report workspace (msg_prime + tail) fits the 640 bytes after H(m) in the pairing input,
    # plus at most 96 bytes past it.
    assert c("REPORT_TAIL_OFFSET") + c("TAIL_POINTS_OFFSET") + 256 <= 640 + 96
    assert c("TAIL_MODEXP_OFFSET") >= 64 and c("TAIL_MODEXP_OFFSET") + c("MODEXP_INPUT_LENGTH") <= c(
        "TAIL_POINTS_OFFSET"
    )


def test_hardcoded_constants_match_py_ecc() -> None:
    def words(value: int) -> tuple[int, int]:
        return value >> 256, value & (2**256 - 1)

    assert words(P) == (_constant("P_HI"), _constant("P_LO"))
    x, y = normalize(neg(G2))
    for name, value in (
        ("X_C0", x.coeffs[0]),
        ("X_C1", x.coeffs[1]),
        ("Y_C0", y.coeffs[0]),
        ("Y_C1", y.coeffs[1]),
    ):
        assert words(value) == (_constant(f"NEG_G2_{name}_HI"), _constant(f"NEG_G2_{name}_LO")), name
    # msg_prime bytes 96..159 of the report path: I2OSP(128, 2) || 0x00 || DST_prime, zero padded.
    tail = b"\x00\x80\x00" + REPORT_DST + bytes([len(REPORT_DST)])
    tail += bytes(64 - len(tail))
    assert _constant("REPORT_XMD_WORD_0") == int.from_bytes(tail[:32], "big")
    assert _constant("REPORT_XMD_WORD_1") == int.from_bytes(tail[32:], "big")
    assert _constant("PRECOMPILE_FAILED_SELECTOR") == int.from_bytes(
        keccak(text="PrecompileFailed(address)")[:4], "big"
    )


def test_report_dst_matches_python(harness: Contract) -> None:
    assert harness.functions.reportDst().call() == REPORT_DST


# ------------------------------------------------------------------------------------------------
# hash_to_curve
# ------------------------------------------------------------------------------------------------


def test_committed_vectors_are_reproduced_by_py_ecc() -> None:
    dst = VECTORS["dst"].encode()
    for v in VECTORS["vectors"]:
        expected = fp(int(v["P"]["x"], 16)) + fp(int(v["P"]["y"], 16))
        assert py_hash(v["msg"].encode(), dst) == expected, v["msg"][:10]


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["msg"][:8] or "empty")
def test_hash_to_g1_rfc9380_vectors(harness: Contract, vector: dict[str, Any]) -> None:
    expected = fp(int(vector["P"]["x"], 16)) + fp(int(vector["P"]["y"], 16))
    assert harness.functions.hashToG1(vector["msg"].encode(), VECTORS["dst"].encode()).call() == expected


def test_report_path_equals_general_path(harness: Contract) -> None:
    for _ in range(6):
        digest = RNG.randbytes(32)
        fast = harness.functions.hashToG1Report(digest).call()
        assert fast == harness.functions.hashToG1(digest, REPORT_DST).call()
        assert fast == py_hash(digest, REPORT_DST)


@pytest.mark.parametrize("dst_length", [1, 17, 31, 32, 33, 64, 200, 255])
def test_general_hash_any_lengths(harness: Contract, dst_length: int) -> None:
    dst = bytes(RNG.randrange(256) for _ in range(dst_length))
    for message_length in (0, 1, 31, 32, 33, 95, 300):
        message = RNG.randbytes(message_length)
        assert harness.functions.hashToG1(message, dst).call() == py_hash(message, dst), message_length


def test_dst_longer_than_255_reverts(w3: Web3, harness: Contract) -> None:
    assert reverted(w3, harness, "hashToG1", b"abc", bytes(256)) == ("DstTooLong", (256,))


# ------------------------------------------------------------------------------------------------
# verify
# ------------------------------------------------------------------------------------------------


def test_valid_signatures_verify(harness: Contract, signed: Signed) -> None:
    _, pk, digest, sig = signed
    assert harness.functions.verify(sig, pk, digest).call() is True
    assert harness.functions.verifyWithDst(sig, pk, digest, REPORT_DST).call() is True
    for _ in range(2):
        other_sk = RNG.randrange(1, curve_order)
        other_digest = RNG.randbytes(32)
        assert (
            harness.functions.verify(sign(other_sk, other_digest), keypair(other_sk), other_digest).call()
            is True
        )


def test_verify_with_other_dst(harness: Contract, signed: Signed) -> None:
    sk, pk, _, _ = signed
    dst, message = b"OTHER-APP_BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_", b"a longer message" * 5
    sig = sign(sk, message, dst)
    assert harness.functions.verifyWithDst(sig, pk, message, dst).call() is True
    assert harness.functions.verifyWithDst(sig, pk, message, REPORT_DST).call() is False
    assert harness.functions.verifyWithDst(sig, pk, message + b"!", dst).call() is False


def test_wrong_message_or_key_is_false(harness: Contract, signed: Signed) -> None:
    sk, pk, digest, sig = signed
    flipped = bytes([digest[0] ^ 1]) + digest[1:]
    assert harness.functions.verify(sig, pk, flipped).call() is False
    assert harness.functions.verify(sig, keypair(sk + 1), digest).call() is False
    # A signature under the right key of another message is also just false.
    assert harness.functions.verify(sign(sk, flipped), pk, digest).call() is False


def test_infinity_signature_and_key_are_refused(w3: Web3, harness: Contract, signed: Signed) -> None:
    _, pk, digest, sig = signed
    assert reverted(w3, harness, "verify", bytes(128), pk, digest) == ("InfinityPoint", ())
    assert reverted(w3, harness, "verify", sig, bytes(256), digest) == ("InfinityPoint", ())
    assert reverted(w3, harness, "verifyWithDst", bytes(128), pk, digest, REPORT_DST) == ("InfinityPoint", ())
    assert reverted(w3, harness, "checkG1", bytes(128)) == ("InfinityPoint", ())
    assert reverted(w3, harness, "checkG2", bytes(256)) == ("InfinityPoint", ())
    assert reverted(w3, harness, "validateG2", bytes(256)) == ("InfinityPoint", ())


def _malformed_elements(value: int) -> list[bytes]:
    """Encodings of `value` that are not canonical: a top-16-byte bit set, value = p, and all ones."""
    return [
        (value + (1 << 384)).to_bytes(64, "big"),  # lowest bit of the top 16 bytes
        (value | (1 << 511)).to_bytes(64, "big"),  # highest bit
        fp(P),
        fp(P + value) if P + value < 2**384 else fp(2**384 - 1),
        b"\xff" * 64,
    ]


def test_malformed_signature_elements(w3: Web3, harness: Contract, signed: Signed) -> None:
    _, pk, digest, sig = signed
    for index in range(2):
        value = int.from_bytes(sig[64 * index : 64 * index + 64], "big")
        for raw in _malformed_elements(value):
            bad = with_element(sig, index, raw)
            assert reverted(w3, harness, "verify", bad, pk, digest) == ("MalformedPoint", (index,))
            assert reverted(w3, harness, "checkG1", bad) == ("MalformedPoint", (index,))


def test_malformed_g2_elements(w3: Web3, harness: Contract, signed: Signed) -> None:
    _, pk, _, _ = signed
    for index in range(4):
        value = int.from_bytes(pk[64 * index : 64 * index + 64], "big")
        for raw in _malformed_elements(value)[:3]:
            bad = with_element(pk, index, raw)
            assert reverted(w3, harness, "checkG2", bad) == ("MalformedPoint", (index,))
            assert reverted(w3, harness, "validateG2", bad) == ("MalformedPoint", (index,))
    # p - 1 is canonical: the encoding checks pass (and the curve check then fails).
    edge = with_element(pk, 0, fp(P - 1))
    harness.functions.checkG2(edge).call()


def test_bad_lengths(w3: Web3, harness: Contract, signed: Signed) -> None:
    _, pk, digest, sig = signed
    assert reverted(w3, harness, "verify", sig[:-1], pk, digest) == ("InvalidPointLength", (127, 128))
    assert reverted(w3, harness, "verify", sig, pk + b"\x00", digest) == ("InvalidPointLength", (257, 256))
    assert reverted(w3, harness, "checkG1", b"") == ("InvalidPointLength", (0, 128))
    assert reverted(w3, harness, "checkG2", pk[:128]) == ("InvalidPointLength", (128, 256))


def test_off_curve_and_non_subgroup_signatures_revert(w3: Web3, harness: Contract, signed: Signed) -> None:
    _, pk, digest, sig = signed
    y = int.from_bytes(sig[64:], "big")
    off_curve = with_element(sig, 1, fp((y + 1) % P))
    harness.functions.checkG1(off_curve).call()  # canonical encoding: only the precompile can tell
    assert reverted(w3, harness, "verify", off_curve, pk, digest) == ("PrecompileFailed", (PAIRING,))
    outside = non_subgroup_g1()
    assert reverted(w3, harness, "verify", outside, pk, digest) == ("PrecompileFailed", (PAIRING,))
    # A key that skipped validateG2 is still caught by the pairing's own checks.
    assert reverted(w3, harness, "verify", sig, non_subgroup_g2(), digest) == ("PrecompileFailed", (PAIRING,))


def test_short_of_gas_reverts_instead_of_false(w3: Web3, harness: Contract, signed: Signed) -> None:
    """Pitfall 3: whatever the gas limit, a valid signature either verifies or the call reverts;
    it never comes back false. Just short of the pairing's price it is PrecompileFailed(0x0f)."""
    _, pk, digest, sig = signed
    data = harness.encode_abi("verify", args=[sig, pk, digest])

    def outcome(gas: int) -> Any:
        try:
            raw = bytes(w3.eth.call({"to": harness.address, "data": data, "gas": gas}))
        except (ContractCustomError, ContractLogicError, Web3RPCError) as exc:
            revert = revert_data_from_exception(exc)
            return _normalised(*decode_revert(revert)) if revert else "out of gas"
        return harness.w3.codec.decode(["bool"], raw)[0]

    assert outcome(130_000) == ("PrecompileFailed", (PAIRING,))
    assert outcome(200_000) is True
    seen = {str(outcome(gas)) for gas in range(22_000, 200_000, 4_000)}
    assert "False" not in seen, seen


# ------------------------------------------------------------------------------------------------
# Key checks
# ------------------------------------------------------------------------------------------------


def test_validate_g2(w3: Web3, harness: Contract, signed: Signed) -> None:
    _, pk, _, _ = signed
    harness.functions.validateG2(pk).call()
    harness.functions.validateG2(g2_bytes(G2)).call()
    outside = non_subgroup_g2()
    harness.functions.checkG2(outside).call()  # encoding is fine
    assert reverted(w3, harness, "validateG2", outside) == ("PrecompileFailed", (G2MSM,))
    y_c0 = int.from_bytes(pk[128:192], "big")
    off_curve = with_element(pk, 2, fp((y_c0 + 1) % P))
    assert reverted(w3, harness, "validateG2", off_curve) == ("PrecompileFailed", (G2MSM,))
    harness.functions.checkG1(g1_bytes(add(G1, G1))).call()


# ------------------------------------------------------------------------------------------------
# Gas
# ------------------------------------------------------------------------------------------------


def test_gas(harness: Contract, signed: Signed) -> None:
    """Gas of the library alone, anvil --hardfork prague. Update the bounds (and docs) if they move."""
    _, pk, digest, sig = signed
    ok, verify_gas = harness.functions.verifyGas(sig, pk, digest).call()
    assert ok is True
    _, hash_gas = harness.functions.hashToG1ReportGas(digest).call()
    validate_gas = harness.functions.validateG2Gas(pk).call()
    print(f"\nBLS12381 gas (prague): verify {verify_gas}, hashToG1Report {hash_gas}, ", end="")
    print(f"validateG2 {validate_gas}")
    assert VERIFY_PRECOMPILE_FLOOR == 115_179
    assert VERIFY_PRECOMPILE_FLOOR < verify_gas <= VERIFY_GAS_BOUND
    assert verify_gas <= VERIFY_PRECOMPILE_FLOOR * 110 // 100
    assert HASH_PRECOMPILE_FLOOR < hash_gas <= HASH_REPORT_GAS_BOUND
    assert 22_500 < validate_gas <= VALIDATE_G2_GAS_BOUND
    # A wrong signature costs the same (no early exit that would leak or surprise estimates).
    _, wrong_gas = harness.functions.verifyGas(sig, pk, bytes(32)).call()
    assert wrong_gas == verify_gas


def test_modexp_gas_covers_osaka(harness: Contract, artifacts: dict[str, Any], signed: Signed) -> None:
    """MODEXP_GAS = 500 is enough once EIP-7883 (Osaka) raises MODEXP's floor from 200 to 500: the
    same bytecode still verifies there, and pays exactly 2 x 300 more."""
    _, pk, digest, sig = signed
    with Anvil(hardfork="osaka") as node:
        w3 = connect(node.rpc_url)
        osaka = deploy(w3, dev_account(0), artifacts["BLS12381Harness"])
        ok, gas = osaka.functions.verifyGas(sig, pk, digest).call()
        assert ok is True
        assert osaka.functions.hashToG1Report(digest).call() == py_hash(digest, REPORT_DST)
    _, prague_gas = harness.functions.verifyGas(sig, pk, digest).call()
    assert gas - prague_gas == 2 * (500 - 200)
