"""The shared secret sealed per oracle: each oracle opens its own entry and nobody else's."""

from __future__ import annotations

import pytest
from nacl.public import PrivateKey

from ocr_client.errors import ConfigError
from ocr_client.node.offchain import SealedSecretError, open_shared_secret, seal_shared_secret

SECRET = bytes(range(16))


def test_each_oracle_opens_its_own_entry() -> None:
    keys = [PrivateKey.generate() for _ in range(4)]
    sealed = seal_shared_secret(SECRET, [k.public_key for k in keys])
    assert len(sealed) == 4
    assert len(set(sealed)) == 4  # ephemeral keys: no two entries alike, the secret is not visible
    assert all(SECRET not in entry for entry in sealed)
    for key, entry in zip(keys, sealed, strict=True):
        assert open_shared_secret(entry, key) == SECRET


def test_a_wrong_key_cannot_open_another_oracles_entry() -> None:
    keys = [PrivateKey.generate() for _ in range(3)]
    sealed = seal_shared_secret(SECRET, [k.public_key for k in keys])
    with pytest.raises(SealedSecretError, match="cannot be opened"):
        open_shared_secret(sealed[1], keys[0])
    with pytest.raises(SealedSecretError):
        open_shared_secret(sealed[0], PrivateKey.generate())


def test_tampered_or_truncated_entries_fail_to_open() -> None:
    key = PrivateKey.generate()
    (entry,) = seal_shared_secret(SECRET, [key.public_key])
    flipped = entry[:-1] + bytes([entry[-1] ^ 1])
    for bad in (flipped, entry[:20], b""):
        with pytest.raises(SealedSecretError):
            open_shared_secret(bad, key)


def test_only_a_protocol_sized_secret_is_sealed() -> None:
    key = PrivateKey.generate()
    with pytest.raises(SealedSecretError, match="16 bytes"):
        seal_shared_secret(b"short", [key.public_key])
    assert issubclass(SealedSecretError, ConfigError)
