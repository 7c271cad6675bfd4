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


# --- straight from the RPC's hex string (no bytes object per log on the hot path) ---------------

HEX_WORD: Final[int] = 2 * WORD


def hex_word(data_hex: str, index: int) -> str:
    """Head word ``index`` of 0x-prefixed ABI data, as 64 hex digits."""
    return data_hex[2 + HEX_WORD * index: 2 + HEX_WORD * (index + 1)]


def hex_uint(data_hex: str, index: int) -> int:
    return int(data_hex[2 + HEX_WORD * index: 2 + HEX_WORD * (index + 1)], 16)


def hex_int(data_hex: str, index: int) -> int:
    value = int(data_hex[2 + HEX_WORD * index: 2 + HEX_WORD * (index + 1)], 16)
    return value - (1 << 256) if value >> 255 else value


def hex_address(data_hex: str, index: int) -> str:
    return "0x" + data_hex[2 + HEX_WORD * index + 24: 2 + HEX_WORD * (index + 1)]


def hex_bytes_at(data_hex: str, index: int) -> str:
    """The dynamic ``bytes`` field whose offset is head word ``index``, as hex digits."""
    start = 2 + 2 * int(data_hex[2 + HEX_WORD * index: 2 + HEX_WORD * (index + 1)], 16)
    length = int(data_hex[start: start + HEX_WORD], 16)
    return data_hex[start + HEX_WORD: start + HEX_WORD + 2 * length]
