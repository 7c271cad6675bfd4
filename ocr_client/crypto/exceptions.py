"""The few crypto-specific exceptions that :mod:`ocr_client.errors` does not already provide.

Each derives from a class in :mod:`ocr_client.errors` so callers that catch the broad classes
(``OCRError``, ``CryptoError``, ``ConfigError``, ``ThresholdError``) keep working.
"""

from __future__ import annotations

from ocr_client.errors import ConfigError, CryptoError, ThresholdError


class CryptoInputError(CryptoError, ValueError):
    """An argument of the wrong form for a BLS operation.

    Examples: an empty or over-long domain separation tag, key material that is too short,
    points and scalars of different counts.
    """


class UnknownBackendError(CryptoInputError):
    """A BLS backend name (argument or ``OCR_BLS_BACKEND``) that we do not provide."""


class ThresholdParameterError(ThresholdError, ConfigError):
    """Threshold parameters the scheme (and the contract) cannot use: t or n out of range, share
    index 0 or repeated.

    It is both a :class:`ThresholdError` (it comes from threshold code) and a :class:`ConfigError`
    (a committee configuration the contract would reject), so either kind of handler catches it.
    """
