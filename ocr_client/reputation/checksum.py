"""EIP-55 mixed-case addresses for scores' output.

eth_utils' ``to_checksum_address`` spends about half its time (some 18 of 33 us here, the two
measured in turns) validating and normalising its input in layers; a score names every oracle,
and every flag's partner, in mixed case. Stored addresses are already 0x and 40 lowercase hex
digits, and this checks only that.
"""

from __future__ import annotations

import string

from eth_hash.auto import keccak

_HEX = frozenset(string.hexdigits)


def checksum_address(address: str) -> str:
    """``address`` (0x and 40 hex digits, any case) in EIP-55 mixed case; ValueError for anything else."""
    plain = address[2:].lower()
    if len(address) != 42 or address[:2] not in ("0x", "0X") or not _HEX.issuperset(plain):
        raise ValueError(f"not an address: {address!r}")
    digest = keccak(plain.encode()).hex()
    # a letter is upper case where its nibble of the hash is 8 or more ('8'-'9' and 'a'-'f' sort after '7')
    return "0x" + "".join(c.upper() if d > "7" else c for c, d in zip(plain, digest, strict=False))
