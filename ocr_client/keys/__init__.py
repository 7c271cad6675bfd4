"""Password-protected key files: EIP-2335 (version 4) BLS keystores."""

from __future__ import annotations

from ocr_client.keys.eip2335 import (
    KEYSTORE_VERSION,
    PBKDF2_C,
    SCRYPT_N,
    CorruptKeystoreError,
    KdfName,
    KeystoreError,
    WrongPasswordError,
    decrypt_keystore,
    decrypt_secret_key,
    encrypt_keystore,
    encrypt_secret_key,
    keystore_pubkey,
    process_password,
)

__all__ = [
    "KEYSTORE_VERSION",
    "PBKDF2_C",
    "SCRYPT_N",
    "CorruptKeystoreError",
    "KdfName",
    "KeystoreError",
    "WrongPasswordError",
    "decrypt_keystore",
    "decrypt_secret_key",
    "encrypt_keystore",
    "encrypt_secret_key",
    "keystore_pubkey",
    "process_password",
]
