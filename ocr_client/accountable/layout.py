"""transmit() calldata of AccountableFeed: the packed report of docs/report-format.md, then the
128-byte aggregate G1 signature, the 32-byte signer bitmap (uint256, bit i = oracle i signed) and
the 1-byte transmitter index. Only the report is signed (inside the signing digest)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from ocr_client.errors import ReportError
from ocr_client.report.events import signers_of
from ocr_client.report.layout import SIGNATURE_LENGTH, TRANSMIT_SELECTOR, Report, encode_report

BITMAP_LENGTH: Final[int] = 32
#: Bytes after the report: signature, bitmap, transmitter index.
TAIL_LENGTH: Final[int] = SIGNATURE_LENGTH + BITMAP_LENGTH + 1

__all__ = ["BITMAP_LENGTH", "TAIL_LENGTH", "bitmap_of", "encode_accountable_calldata", "signers_of"]


def bitmap_of(signers: Iterable[int]) -> int:
    """The bitmap naming ``signers`` (oracle indices 0..255)."""
    bitmap = 0
    for i in signers:
        if not 0 <= i <= 255:
            raise ReportError(f"signer index {i} does not fit in a 256-bit bitmap")
        bitmap |= 1 << i
    return bitmap


def encode_accountable_calldata(report: Report | bytes, signature: bytes, bitmap: int, transmitter_index: int) -> bytes:
    """selector || report || signature (128) || bitmap (32, big-endian) || transmitter index (1)."""
    raw = report if isinstance(report, bytes) else encode_report(report)
    if len(signature) != SIGNATURE_LENGTH:
        raise ReportError(f"signature must be {SIGNATURE_LENGTH} bytes (EIP-2537 G1), got {len(signature)}")
    if not 0 <= bitmap < 2**256:
        raise ReportError("signer bitmap must fit in 256 bits")
    if not 0 <= transmitter_index <= 255:
        raise ReportError(f"transmitter index {transmitter_index} does not fit in one byte")
    return TRANSMIT_SELECTOR + raw + signature + bitmap.to_bytes(BITMAP_LENGTH, "big") + bytes([transmitter_index])
