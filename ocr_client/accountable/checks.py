"""The on-chain acceptance rules of ``AccountableFeed.transmit``, in the contract's order, in Python.

:func:`first_violation` names the custom error the contract will revert with (or None when it will
accept), like :func:`ocr_client.report.checks.first_violation` does for OCRFeed. Both feeds run the
same CommitteeRules and BLS12381 code, so the shared rules are the threshold module's helpers;
what differs is the tail (signature, signer bitmap, transmitter index), the bitmap rules between
the observer and the observation checks, and that the key checked against is the sum of the keys
the bitmap names, so a transmitter can say exactly which rule a report breaks before paying gas.
"""

from __future__ import annotations

from dataclasses import dataclass

from ocr_client.accountable.contract import AccountableFeedHandle
from ocr_client.accountable.layout import BITMAP_LENGTH, TAIL_LENGTH, signers_of
from ocr_client.crypto.backend import BLSBackend
from ocr_client.report.checks import (
    Violation,
    answer_violation,
    header_violation,
    observers_violation,
    shape_violation,
    signature_violation,
    transmitter_violation,
)
from ocr_client.report.layout import SIGNATURE_LENGTH, decode_report, signing_digest


@dataclass(frozen=True)
class AccountableFeedState:
    """What an AccountableFeed holds that a report is checked against."""

    chain_id: int
    address: str
    config_digest: bytes
    n: int
    f: int
    threshold: int
    min_answer: int
    max_answer: int
    public_keys: tuple[bytes, ...]  # oracle order
    latest_epoch: int
    latest_round: int
    transmitters: tuple[str, ...]  # oracle order

    @classmethod
    def read(cls, feed: AccountableFeedHandle) -> AccountableFeedState:
        """The state of a configured feed, read from the chain (one view call per oracle key)."""
        digest, epoch, round_ = feed.latest_epoch_and_round()
        n, f, threshold = feed.committee()
        lo, hi = feed.answer_bounds()
        return cls(
            chain_id=feed.w3.eth.chain_id, address=feed.address, config_digest=digest, n=n, f=f,
            threshold=threshold, min_answer=lo, max_answer=hi,
            public_keys=tuple(feed.public_key(i) for i in range(n)),
            latest_epoch=epoch, latest_round=round_, transmitters=tuple(feed.transmitters()),
        )


def bitmap_violation(bitmap: int, n: int) -> Violation | None:
    """The bitmap names somebody, and nobody at or above n."""
    if bitmap == 0:
        return Violation("EmptySignerBitmap")
    if bitmap >> n != 0:
        return Violation("SignerBitmapOutOfRange", (bitmap, n))
    return None


def first_violation(calldata: bytes, sender: str, state: AccountableFeedState,
                    backend: BLSBackend) -> Violation | None:
    """The first rule accountable ``transmit`` calldata breaks, as the contract orders them; None if accepted."""
    shape = shape_violation(calldata, TAIL_LENGTH)
    if shape is not None:
        return shape
    signature_at = len(calldata) - TAIL_LENGTH
    raw_report = calldata[4:signature_at]
    signature = calldata[signature_at : signature_at + SIGNATURE_LENGTH]
    bitmap_at = signature_at + SIGNATURE_LENGTH
    bitmap = int.from_bytes(calldata[bitmap_at : bitmap_at + BITMAP_LENGTH], "big")
    transmitter_index = calldata[bitmap_at + BITMAP_LENGTH]
    report = decode_report(raw_report)
    return (
        header_violation(report, state.config_digest, state.latest_epoch, state.latest_round)
        or transmitter_violation(state.transmitters, transmitter_index, sender)
        or observers_violation(report, state.n, state.f)
        or bitmap_violation(bitmap, state.n)
        or answer_violation(report, state.min_answer, state.max_answer)
        or _signers_violation(bitmap, raw_report, signature, state, backend)
    )


def _signers_violation(bitmap: int, raw_report: bytes, signature: bytes, state: AccountableFeedState,
                       backend: BLSBackend) -> Violation | None:
    """Enough signers (counted before any curve work, as the contract does), then the signature
    against the sum of the named keys."""
    signers = signers_of(bitmap)
    if len(signers) < state.threshold:
        return Violation("TooFewSigners", (len(signers), state.threshold))
    key = backend.g2_linear_combination([state.public_keys[i] for i in signers], [1] * len(signers))
    digest = signing_digest(state.chain_id, state.address, raw_report)
    return signature_violation(signature, key, digest, backend)


__all__ = ["AccountableFeedState", "bitmap_violation", "first_violation"]
