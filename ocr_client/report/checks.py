"""The on-chain acceptance rules of ``OCRFeed.transmit``, in the contract's order, in Python.

:func:`first_violation` names the custom error the contract will revert with (or None when it
will accept). A transmitter uses it to explain a refusal before spending gas, and the byte-flip
test uses it as the oracle that every single-byte change of a valid report is caught by the
right rule. Keeping it beside the layout makes the rule list one readable page.

The rules both committee feeds share (OCRFeed and AccountableFeed run the same CommitteeRules and
BLS12381 code) are the public ``*_violation`` helpers below; ``ocr_client.accountable.checks``
strings them together in AccountableFeed's order, with its signer-bitmap rules in between.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from ocr_client.crypto.backend import BLSBackend
from ocr_client.crypto.encoding import FP_SIZE, decode_fp, is_infinity
from ocr_client.errors import CryptoError, MalformedPointError
from ocr_client.report.layout import (
    BYTES_PER_OBSERVATION,
    COUNT_OFFSET,
    HEADER_LENGTH,
    SIGNATURE_LENGTH,
    TRANSMIT_SELECTOR,
    TRANSMITTER_INDEX_LENGTH,
    Report,
    decode_report,
    signing_digest,
    split_transmit_calldata,
)

PAIRING_PRECOMPILE: Final[str] = "0x000000000000000000000000000000000000000f"
#: Calldata offset of the report's observation count (selector 4 + its report offset).
COUNT_AT: Final[int] = 4 + COUNT_OFFSET


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


def shape_violation(calldata: bytes, tail_length: int) -> Violation | None:
    """Selector, then the exact length the count byte implies plus ``tail_length`` bytes after the report."""
    if calldata[:4] != TRANSMIT_SELECTOR:
        return Violation("UnknownSelector")
    count = calldata[COUNT_AT] if len(calldata) > COUNT_AT else 0
    expected = 4 + HEADER_LENGTH + BYTES_PER_OBSERVATION * count + tail_length
    if len(calldata) != expected:
        return Violation("ReportLengthMismatch", (expected, len(calldata)))
    return None


def header_violation(report: Report, config_digest: bytes, latest_epoch: int, latest_round: int) -> Violation | None:
    """CommitteeRules.checkHeader: this configuration's digest, and a newer (epoch, round)."""
    if report.config_digest != config_digest:
        return Violation("ConfigDigestMismatch", (config_digest, report.config_digest))
    if (report.epoch, report.round) <= (latest_epoch, latest_round):
        return Violation("StaleReport", (latest_epoch, latest_round, report.epoch, report.round))
    return None


def transmitter_violation(transmitters: Sequence[str], index: int, sender: str) -> Violation | None:
    """The sender must be the transmitter the calldata's index names (an index past n names nobody)."""
    named = transmitters[index] if index < len(transmitters) else None
    if named is None or named.lower() != sender.lower():
        return Violation("UnauthorizedTransmitter", (sender,))
    return None


def observers_violation(report: Report, n: int, f: int) -> Violation | None:
    """CommitteeRules.checkObservers: at least 2f+1 observations, observers below n, none twice."""
    required = 2 * f + 1
    if report.count < required:
        return Violation("TooFewObservations", (report.count, required))
    seen: set[int] = set()
    for i, o in enumerate(report.observations):
        if o.observer >= n:
            return Violation("ObserverOutOfRange", (i, o.observer, n))
        if o.observer in seen:
            return Violation("DuplicateObserver", (i, o.observer))
        seen.add(o.observer)
    return None


def answer_violation(report: Report, min_answer: int, max_answer: int) -> Violation | None:
    """Values ascending, the answer is their median, the answer is within the configured bounds."""
    values = [o.value for o in report.observations]
    for i in range(1, len(values)):
        if values[i] < values[i - 1]:
            return Violation("ObservationsNotSorted", (i,))
    median = values[len(values) // 2]
    if report.answer != median:
        return Violation("WrongMedian", (report.answer, median))
    if not min_answer <= report.answer <= max_answer:
        return Violation("AnswerOutOfBounds", (report.answer, min_answer, max_answer))
    return None


def signature_violation(signature: bytes, public_key: bytes, digest: bytes, backend: BLSBackend) -> Violation | None:
    """BLS12381.verify's order: signature encoding, signature infinity, key infinity (only possible
    for an accountable aggregate key), curve/subgroup at the pairing, then the pairing result."""
    bad = _malformed_element(signature)
    if bad is not None:
        return Violation("MalformedPoint", (bad,))
    if is_infinity(signature) or is_infinity(public_key):
        return Violation("InfinityPoint")
    try:
        backend.validate_g1(signature)
    except CryptoError:
        return Violation("PrecompileFailed", (PAIRING_PRECOMPILE,))
    if not backend.verify(public_key, digest, signature):
        return Violation("InvalidSignature")
    return None


def first_violation(calldata: bytes, sender: str, state: FeedState, backend: BLSBackend) -> Violation | None:
    """The first rule ``transmit`` calldata breaks, as the contract orders them; None if accepted."""
    shape = shape_violation(calldata, SIGNATURE_LENGTH + TRANSMITTER_INDEX_LENGTH)
    if shape is not None:
        return shape
    raw_report, signature, transmitter_index = split_transmit_calldata(calldata)
    report = decode_report(raw_report)
    return (
        header_violation(report, state.config_digest, state.latest_epoch, state.latest_round)
        or transmitter_violation(state.transmitters, transmitter_index, sender)
        or observers_violation(report, state.n, state.f)
        or answer_violation(report, state.min_answer, state.max_answer)
        or signature_violation(signature, state.group_public_key,
                               signing_digest(state.chain_id, state.address, raw_report), backend)
    )
