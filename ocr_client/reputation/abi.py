"""The few ABI facts a log decoder needs: event topics, 32-byte words, dynamic ``bytes`` fields.

Hand-written on purpose: reading a word is a slice and ``int.from_bytes``, which is what makes the
indexer an order of magnitude faster than decoding each log through a web3 contract object.
"""

from __future__ import annotations

from typing import Final

from eth_utils import keccak

WORD: Final[int] = 32
ADDRESS_BYTES: Final[int] = 20


def topic(signature: str) -> str:
    """The topic0 of an event, as the 0x-prefixed lowercase hex an RPC returns."""
    return "0x" + keccak(text=signature).hex()


def word(data: bytes, index: int) -> bytes:
    """Head word ``index`` of ABI-encoded data."""
    return data[WORD * index: WORD * (index + 1)]


def uint_at(data: bytes, index: int) -> int:
    return int.from_bytes(data[WORD * index: WORD * (index + 1)], "big")


def int_at(data: bytes, index: int) -> int:
    """A signed head word (int192 and friends are sign-extended to 256 bits)."""
    return int.from_bytes(data[WORD * index: WORD * (index + 1)], "big", signed=True)


def address_at(data: bytes, index: int) -> str:
    """A head word holding an address, as 0x-prefixed lowercase hex."""
    return "0x" + data[WORD * index + WORD - ADDRESS_BYTES: WORD * (index + 1)].hex()


def bytes_at(data: bytes, index: int) -> bytes:
    """The dynamic ``bytes`` field whose offset is head word ``index``."""
    offset = int.from_bytes(data[WORD * index: WORD * (index + 1)], "big")
    length = int.from_bytes(data[offset: offset + WORD], "big")
    return data[offset + WORD: offset + WORD + length]


def topic_uint(topic_hex: str) -> int:
    """An indexed integer argument from its topic."""
    return int(topic_hex, 16)
