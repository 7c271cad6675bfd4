"""BLS12-381 signatures for ocr-client: keys in G2, signatures in G1, EIP-2537 byte encodings.

Pick an implementation with :func:`get_backend` (``"arkworks"``, fast, the default; or
``"py_ecc"``, the slow pure-Python reference). The environment variable ``OCR_BLS_BACKEND``
overrides the default, an explicit name overrides both. Both backends produce identical bytes.

Threshold signing (trusted dealer, partial signatures, robust combination) is in
:mod:`ocr_client.crypto.threshold` and re-exported here.
"""

from __future__ import annotations

import os
import threading
from typing import Final

from ocr_client.crypto.backend import BackendBase, BLSBackend
from ocr_client.crypto.encoding import (
    G1_COMPRESSED_SIZE,
    G1_GENERATOR,
    G1_INFINITY,
    G1_SIZE,
    G2_COMPRESSED_SIZE,
    G2_GENERATOR,
    G2_GENERATOR_NEG,
    G2_INFINITY,
    G2_SIZE,
)
from ocr_client.crypto.exceptions import CryptoInputError, ThresholdParameterError, UnknownBackendError
from ocr_client.crypto.hashing import expand_message_xmd, hash_to_field_fp
from ocr_client.crypto.keys import (
    SECRET_KEY_SIZE,
    check_secret_key,
    keygen,
    secret_key_from_bytes,
    secret_key_to_bytes,
)
from ocr_client.crypto.threshold import (
    CombinedSignature,
    Committee,
    Dealing,
    PartialSignature,
    RejectedPartial,
    SecretShare,
    combine,
    deal,
    lagrange_coefficients_at_zero,
    partial_sign,
    verify_partial,
)

#: Environment variable naming the backend when :func:`get_backend` gets no name.
BACKEND_ENV_VAR: Final[str] = "OCR_BLS_BACKEND"
#: Backend used when neither an argument nor the environment names one.
DEFAULT_BACKEND: Final[str] = "arkworks"
#: Names :func:`get_backend` accepts (after lower-casing and mapping "-" to "_").
BACKEND_NAMES: Final[tuple[str, ...]] = ("arkworks", "py_ecc")
_ALIASES: Final[dict[str, str]] = {"pyecc": "py_ecc", "ark": "arkworks"}

_instances: dict[str, BLSBackend] = {}
_lock = threading.Lock()


def _create(name: str) -> BLSBackend:
    # Imported lazily so that a missing optional library only matters when that backend is used.
    if name == "arkworks":
        from ocr_client.crypto.arkworks_backend import ArkworksBackend

        return ArkworksBackend()
    from ocr_client.crypto.py_ecc_backend import PyEccBackend

    return PyEccBackend()


def get_backend(name: str | None = None) -> BLSBackend:
    """The backend called ``name``; else the one in ``$OCR_BLS_BACKEND``; else arkworks.

    Backends are stateless apart from a validation cache, so one shared instance per name is
    returned. An unknown name raises :class:`UnknownBackendError` listing the valid ones.
    """
    source = "argument"
    if name is None:
        env = os.environ.get(BACKEND_ENV_VAR, "").strip()
        name, source = (env, f"${BACKEND_ENV_VAR}") if env else (DEFAULT_BACKEND, "default")
    if not isinstance(name, str):
        raise UnknownBackendError(f"BLS backend name must be a string, got {type(name).__name__}")
    key = name.strip().lower().replace("-", "_")
    key = _ALIASES.get(key, key)
    if key not in BACKEND_NAMES:
        raise UnknownBackendError(
            f"unknown BLS backend {name!r} (from {source}); choose one of: {', '.join(BACKEND_NAMES)}"
        )
    with _lock:
        backend = _instances.get(key)
        if backend is None:
            backend = _instances[key] = _create(key)
    return backend


__all__ = [
    "BACKEND_ENV_VAR",
    "BACKEND_NAMES",
    "DEFAULT_BACKEND",
    "G1_COMPRESSED_SIZE",
    "G1_GENERATOR",
    "G1_INFINITY",
    "G1_SIZE",
    "G2_COMPRESSED_SIZE",
    "G2_GENERATOR",
    "G2_GENERATOR_NEG",
    "G2_INFINITY",
    "G2_SIZE",
    "SECRET_KEY_SIZE",
    "BLSBackend",
    "BackendBase",
    "CombinedSignature",
    "Committee",
    "CryptoInputError",
    "Dealing",
    "PartialSignature",
    "RejectedPartial",
    "SecretShare",
    "ThresholdParameterError",
    "UnknownBackendError",
    "check_secret_key",
    "combine",
    "deal",
    "expand_message_xmd",
    "get_backend",
    "hash_to_field_fp",
    "keygen",
    "lagrange_coefficients_at_zero",
    "partial_sign",
    "secret_key_from_bytes",
    "secret_key_to_bytes",
    "verify_partial",
]
