"""The protocol's shared secret, distributed sealed to each oracle's X25519 key.

The shared secret keys leader election and the transmission order, so whoever knows it can
predict which oracle leads which epoch and target it. libocr therefore never puts it in the
off-chain configuration in the clear: it is encrypted once per oracle. We do the same with
libsodium sealed boxes (ephemeral X25519 + XSalsa20-Poly1305): the off-chain config carries one
sealed entry per oracle, every oracle can read the whole config, and each can open only its own
entry with its X25519 private key. A sealed box is authenticated, so a tampered or misplaced
entry fails to open instead of yielding a wrong secret.
"""

from __future__ import annotations

from collections.abc import Sequence

from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from ocr_client.errors import ConfigError
from ocr_client.protocol.config import SHARED_SECRET_BYTES


class SealedSecretError(ConfigError):
    """A sealed shared secret that this oracle's key cannot open, or that opens to the wrong size."""


def seal_shared_secret(secret: bytes, public_keys: Sequence[PublicKey]) -> list[bytes]:
    """One sealed box of ``secret`` per oracle, in oracle order (entry i opens only with key i)."""
    if len(secret) != SHARED_SECRET_BYTES:
        raise SealedSecretError(f"the shared secret must be {SHARED_SECRET_BYTES} bytes, got {len(secret)}")
    return [bytes(SealedBox(key).encrypt(secret)) for key in public_keys]


def open_shared_secret(sealed: bytes, private_key: PrivateKey) -> bytes:
    """This oracle's entry opened with its X25519 private key; SealedSecretError if it is not ours."""
    try:
        secret = bytes(SealedBox(private_key).decrypt(sealed))
    except (NaclCryptoError, TypeError, ValueError):
        raise SealedSecretError(
            "the sealed shared secret cannot be opened with this oracle's x25519 key "
            "(sealed to another oracle, or corrupted)") from None
    if len(secret) != SHARED_SECRET_BYTES:
        raise SealedSecretError(f"the sealed shared secret opened to {len(secret)} bytes, expected {SHARED_SECRET_BYTES}")
    return secret
