"""Constants shared with the Solidity contracts; a test checks that both sides agree."""

from __future__ import annotations

from typing import Final

#: Domain separation tag for report signatures (RFC 9380 hash_to_curve, BLS12-381 G1, SHA-256 XMD,
#: SSWU, random oracle). The same bytes are a constant in contracts/bls/BLS12381.sol.
REPORT_DST: Final[bytes] = b"OCR-CLIENT-V1_BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_"

#: Order of the BLS12-381 prime subgroup.
CURVE_ORDER: Final[int] = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001

#: Base field modulus of BLS12-381.
FIELD_MODULUS: Final[int] = int(
    "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab", 16
)
