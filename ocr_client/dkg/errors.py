"""Errors of the distributed key generation, all under :class:`~ocr_client.errors.OCRError`.

Kept here rather than in :mod:`ocr_client.errors` so the DKG stays one self-contained package; the
CLI still prints any of them as one line because they share the common root.
"""

from __future__ import annotations

from ocr_client.errors import OCRError


class DkgError(OCRError):
    """Root of every error the DKG raises on purpose."""


class DkgParameterError(DkgError, ValueError):
    """Parameters no DKG can run with: threshold out of range, unknown strategy, bad participant list."""


class MalformedMessageError(DkgError, ValueError):
    """A DKG message that does not parse, is oversized, is for another session or is badly signed.

    Nodes catch it and drop the message: a peer's garbage must never stop the protocol.
    """


class DkgFailedError(DkgError):
    """The run finished but produced no usable key (too few qualified dealers, a safety check failed)."""
