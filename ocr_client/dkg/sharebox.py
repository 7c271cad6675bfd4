"""Encrypting one share to one recipient so that the dealer can later *prove* what it sent.

Each share travels in a NaCl ``Box`` between a fresh X25519 key of the dealer (one per recipient,
its public half sent along) and the recipient's encryption key. If the recipient complains, the
dealer's justification reveals that ephemeral secret: every node can then decrypt the ciphertext
the dealer signed and check the share against the commitments. So a complaint is settled by
evidence, not by trusting either side: a bad share convicts the dealer, a good one clears it. A
revealed ephemeral key exposes only that one share, which a justification reveals anyway.
"""

from __future__ import annotations

import hashlib
from typing import Final

from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.public import Box, PrivateKey, PublicKey

from ocr_client.constants import CURVE_ORDER

SHARE_BYTES: Final[int] = 32
#: Ephemeral public key (32) + ciphertext of the 32-byte share with its 16-byte MAC.
SEALED_SIZE: Final[int] = 32 + SHARE_BYTES + 16
_NONCE_DOMAIN: Final[bytes] = b"OCR-CLIENT-V1/dkg-share-nonce"


def _nonce(session: bytes, dealer: int, recipient: int) -> bytes:
    # Each ephemeral key encrypts exactly one message, so a derived nonce is safe and saves 24 bytes.
    return hashlib.sha256(_NONCE_DOMAIN + session + bytes([dealer, recipient])).digest()[:Box.NONCE_SIZE]


def seal_share(ephemeral: PrivateKey, recipient_key: bytes, session: bytes, dealer: int, recipient: int,
               share: int) -> bytes:
    """``ephemeral public key || Box(ephemeral, recipient).encrypt(share)``."""
    box = Box(ephemeral, PublicKey(recipient_key))
    ciphertext = box.encrypt(share.to_bytes(SHARE_BYTES, "big"), _nonce(session, dealer, recipient)).ciphertext
    return bytes(ephemeral.public_key) + bytes(ciphertext)


def _decrypt(secret: PrivateKey, public: bytes, sealed: bytes, session: bytes, dealer: int, recipient: int) -> int | None:
    try:
        # a low-order public key (e.g. all zeros) makes Box itself fail: that is a bad box too
        plain = Box(secret, PublicKey(public)).decrypt(sealed[32:], _nonce(session, dealer, recipient))
    except (NaclCryptoError, RuntimeError):
        return None
    value = int.from_bytes(plain, "big")
    return value if len(plain) == SHARE_BYTES and value < CURVE_ORDER else None


def open_share(own_key: PrivateKey, sealed: bytes, session: bytes, dealer: int, recipient: int) -> int | None:
    """The recipient's view: the share, or None if it does not decrypt to a scalar below r."""
    if len(sealed) != SEALED_SIZE:
        return None
    return _decrypt(own_key, sealed[:32], sealed, session, dealer, recipient)


def ephemeral_matches(ephemeral_secret: bytes, sealed: bytes) -> bool:
    """Whether a revealed ephemeral secret is the one whose public key the dealer signed."""
    return len(sealed) == SEALED_SIZE and bytes(PrivateKey(ephemeral_secret).public_key) == sealed[:32]


def open_revealed(ephemeral_secret: bytes, recipient_key: bytes, sealed: bytes, session: bytes, dealer: int,
                  recipient: int) -> int | None:
    """Anyone's view after a justification (call :func:`ephemeral_matches` first)."""
    return _decrypt(PrivateKey(ephemeral_secret), recipient_key, sealed, session, dealer, recipient)
