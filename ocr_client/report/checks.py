"""The on-chain acceptance rules of ``OCRFeed.transmit``, in the contract's order, in Python.

:func:`first_violation` names the custom error the contract will revert with (or None when it
will accept). A transmitter uses it to explain a refusal before spending gas, and the byte-flip
test uses it as the oracle that every single-byte change of a valid report is caught by the
right rule. Keeping it beside the layout makes the rule list one readable page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ocr_client.crypto.backend import BLSBackend
from ocr_client.crypto.encoding import FP_SIZE, decode_fp, is_infinity
from ocr_client.errors import CryptoError, MalformedPointError
from ocr_client.report.layout import (
    BYTES_PER_OBSERVATION,
    HEADER_LENGTH,
    SIGNATURE_LENGTH,
    TRANSMIT_SELECTOR,
    TRANSMITTER_INDEX_LENGTH,
    decode_report,
    signing_digest,
    split_transmit_calldata,
)

PAIRING_PRECOMPILE: Final[str] = "0x000000000000000000000000000000000000000f"


@dataclass(frozen=True)
class Violation:
    """The custom error the contract will raise, with its arguments."""

    error: str
    args: tuple[object, ...] = ()


@dataclass(frozen=True)
class FeedState:
    """What the contract holds that a report is checked against."""

    chain_id: int
    address: str
    config_digest: bytes
    n: int
    f: int
    min_answer: int
    max_answer: int
    group_public_key: bytes
    latest_epoch: int
    latest_round: int
    transmitters: tuple[str, ...]  # oracle order


def _malformed_element(point: bytes) -> int | None:
    """Index of the first 64-byte element with nonzero padding or a value >= p (the contract's MalformedPoint)."""
    for i in range(len(point) // FP_SIZE):
        try:
            decode_fp(point[i * FP_SIZE : (i + 1) * FP_SIZE])
        except MalformedPointError:
            return i
    return None


def first_violation(calldata: bytes, sender: str, state: FeedState, backend: BLSBackend) -> Violation | None:
    """The first rule ``transmit`` calldata breaks, as the contract orders them; None if accepted."""
    if calldata[:4] != TRANSMIT_SELECTOR:
        return Violation("UnknownSelector")
    count = calldata[65] if len(calldata) > 65 else 0
    expected = 4 + HEADER_LENGTH + BYTES_PER_OBSERVATION * count + SIGNATURE_LENGTH + TRANSMITTER_INDEX_LENGTH
    if len(calldata) != expected:
        return Violation("ReportLengthMismatch", (expected, len(calldata)))
    raw_report, signature, transmitter_index = split_transmit_calldata(calldata)
    report = decode_report(raw_report)
    if report.config_digest != state.config_digest:
        return Violation("ConfigDigestMismatch", (state.config_digest, report.config_digest))
    if (report.epoch, report.round) <= (state.latest_epoch, state.latest_round):
        return Violation("StaleReport", (state.latest_epoch, state.latest_round, report.epoch, report.round))
    named = state.transmitters[transmitter_index] if transmitter_index < len(state.transmitters) else None
    if named is None or named.lower() != sender.lower():
        return Violation("UnauthorizedTransmitter", (sender,))
    required = 2 * state.f + 1
    if report.count < required:
        return Violation("TooFewObservations", (report.count, required))
    seen: set[int] = set()
    for i, o in enumerate(report.observations):
        if o.observer >= state.n:
            return Violation("ObserverOutOfRange", (i, o.observer, state.n))
        if o.observer in seen:
            return Violation("DuplicateObserver", (i, o.observer))
        seen.add(o.observer)
    values = [o.value for o in report.observations]
    for i in range(1, len(values)):
        if values[i] < values[i - 1]:
            return Violation("ObservationsNotSorted", (i,))
    median = values[len(values) // 2]
    if report.answer != median:
        return Violation("WrongMedian", (report.answer, median))
    if not state.min_answer <= report.answer <= state.max_answer:
        return Violation("AnswerOutOfBounds", (report.answer, state.min_answer, state.max_answer))
    return _signature_violation(signature, raw_report, state, backend)


def _signature_violation(signature: bytes, raw_report: bytes, state: FeedState, backend: BLSBackend) -> Violation | None:
    bad = _malformed_element(signature)
    if bad is not None:
        return Violation("MalformedPoint", (bad,))
    if is_infinity(signature):
        return Violation("InfinityPoint")
    try:
        backend.validate_g1(signature)
    except CryptoError:
        return Violation("PrecompileFailed", (PAIRING_PRECOMPILE,))
    digest = signing_digest(state.chain_id, state.address, raw_report)
    if not backend.verify(state.group_public_key, digest, signature):
        return Violation("InvalidSignature")
    return None
