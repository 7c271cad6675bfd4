"""The protocol's wire messages and their strict codec.

A message is a small frozen dataclass; on the wire it is compact JSON with a ``type`` tag and
byte fields in hex. Decoding checks every field's type and range and raises
:class:`MalformedMessageError` for anything else, so a ``garbage`` peer costs the receiver one
failed parse and nothing more. The sender is never in the payload: the transport says who sent it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, TypeAlias

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from ocr_client.errors import OCRError
from ocr_client.net.transport import MAX_MESSAGE_BYTES
from ocr_client.protocol.config import MAX_EPOCH
from ocr_client.report.layout import INT192_MAX, INT192_MIN, UINT32_MAX, encode_int192

MAX_ORACLES: Final[int] = 255
ED25519_SIGNATURE_BYTES: Final[int] = 64
G1_BYTES: Final[int] = 128
OBSERVATION_DOMAIN: Final[bytes] = b"ocr-client observation v1"
#: A report request has one list of at most 255 observation lists, plus a signer list in FINAL.
MAX_BRACKETS: Final[int] = MAX_ORACLES + 2


class MalformedMessageError(OCRError, ValueError):
    """Bytes from a peer that are not a well-formed protocol message."""


@dataclass(frozen=True)
class NewEpoch:
    """Pacemaker: "I want epoch ``epoch``" (sent on timeout, resent, and echoed by the f+1 rule)."""

    epoch: int


@dataclass(frozen=True)
class ObserveRequest:
    """Leader -> all: start round (epoch, round) by sending me your observation."""

    epoch: int
    round: int


@dataclass(frozen=True)
class SignedObservation:
    """One oracle's reading for (config, epoch, round), signed with its Ed25519 key so the leader can
    forward it and every follower can check it was not altered."""

    epoch: int
    round: int
    observer: int
    value: int
    timestamp: int
    signature: bytes

    def signed_bytes(self, config_digest: bytes) -> bytes:
        return observation_payload(config_digest, self.epoch, self.round, self.observer, self.value, self.timestamp)

    def verify(self, config_digest: bytes, key: VerifyKey) -> bool:
        try:
            key.verify(self.signed_bytes(config_digest), self.signature)
        except BadSignatureError:
            return False
        return True


@dataclass(frozen=True)
class ReportRequest:
    """Leader -> all: the 2f+1 or more signed observations the round's report is built from."""

    epoch: int
    round: int
    observations: tuple[SignedObservation, ...]


@dataclass(frozen=True)
class ReportShare:
    """Follower -> leader: my BLS signature share over the report I rebuilt (identified by hash).

    ``report`` carries the packed report itself, so a share proves what it signs: a leader that
    gets two valid shares from one sender over two different reports for one (epoch, round) holds
    evidence an outsider can check on-chain (``ocr_client.protocol.evidence``)."""

    epoch: int
    round: int
    report_hash: bytes
    share: bytes
    report: bytes = b""


@dataclass(frozen=True)
class FinalReport:
    """A report with its combined signature. Sent by the leader, echoed once by every node
    (``echo``): the signature makes it self-authenticating, whoever relays it."""

    epoch: int
    round: int
    report: bytes
    signature: bytes
    signers: tuple[int, ...]
    echo: bool = False


@dataclass(frozen=True)
class Evidence:
    """Leader -> all: two valid shares of ``oracle`` over two different reports for (epoch, round).
    Self-authenticating like FINAL: every receiver checks both partial signatures itself, so the
    relaying leader is not trusted, and every honest node ends up holding the proof."""

    epoch: int
    round: int
    oracle: int
    report_a: bytes
    share_a: bytes
    report_b: bytes
    share_b: bytes


Message: TypeAlias = (NewEpoch | ObserveRequest | SignedObservation | ReportRequest | ReportShare | FinalReport
                      | Evidence)


def observation_payload(config_digest: bytes, epoch: int, round_: int, observer: int, value: int, timestamp: int) -> bytes:
    """What an observer signs: domain, config digest, epoch, round, observer, value, timestamp."""
    return b"".join((
        OBSERVATION_DOMAIN, config_digest, epoch.to_bytes(4, "big"), round_.to_bytes(1, "big"),
        observer.to_bytes(1, "big"), encode_int192(value, "observation value"), timestamp.to_bytes(4, "big"),
    ))


def sign_observation(key: SigningKey, config_digest: bytes, epoch: int, round_: int, observer: int,
                     value: int, timestamp: int) -> SignedObservation:
    signature = key.sign(observation_payload(config_digest, epoch, round_, observer, value, timestamp)).signature
    return SignedObservation(epoch, round_, observer, value, timestamp, bytes(signature))


# --- encoding ------------------------------------------------------------------------------------


def _observation_obj(o: SignedObservation) -> list[Any]:
    return [o.epoch, o.round, o.observer, str(o.value), o.timestamp, o.signature.hex()]


def _to_obj(message: Message) -> dict[str, Any]:
    match message:
        case NewEpoch(epoch):
            return {"type": "newepoch", "e": epoch}
        case ObserveRequest(epoch, round_):
            return {"type": "observe-req", "e": epoch, "r": round_}
        case SignedObservation():
            return {"type": "observation", "o": _observation_obj(message)}
        case ReportRequest(epoch, round_, observations):
            return {"type": "report-req", "e": epoch, "r": round_, "os": [_observation_obj(o) for o in observations]}
        case ReportShare(epoch, round_, report_hash, share, report):
            return {"type": "report-share", "e": epoch, "r": round_, "h": report_hash.hex(), "s": share.hex(),
                    "rep": report.hex()}
        case FinalReport(epoch, round_, report, signature, signers, echo):
            return {"type": "final", "e": epoch, "r": round_, "rep": report.hex(), "sig": signature.hex(),
                    "by": list(signers), "echo": echo}
        case Evidence(epoch, round_, oracle, report_a, share_a, report_b, share_b):
            return {"type": "evidence", "e": epoch, "r": round_, "o": oracle, "ra": report_a.hex(),
                    "sa": share_a.hex(), "rb": report_b.hex(), "sb": share_b.hex()}
    raise TypeError(f"not a protocol message: {message!r}")


def encode(message: Message) -> bytes:
    data = json.dumps(_to_obj(message), separators=(",", ":")).encode()
    if len(data) > MAX_MESSAGE_BYTES:
        raise MalformedMessageError(f"{type(message).__name__} of {len(data)} bytes exceeds {MAX_MESSAGE_BYTES}")
    return data


# --- decoding ------------------------------------------------------------------------------------


def _int(obj: Any, lo: int, hi: int, what: str) -> int:
    if type(obj) is not int or not lo <= obj <= hi:
        raise MalformedMessageError(f"{what} must be an integer in [{lo}, {hi}], got {obj!r:.40}")
    return obj


def _hex(obj: Any, what: str, length: int | None = None, max_length: int = MAX_MESSAGE_BYTES) -> bytes:
    if not isinstance(obj, str) or len(obj) > 2 * max_length:
        raise MalformedMessageError(f"{what} must be a hex string")
    try:
        raw = bytes.fromhex(obj)
    except ValueError:
        raise MalformedMessageError(f"{what} is not hex") from None
    if length is not None and len(raw) != length:
        raise MalformedMessageError(f"{what} must be {length} bytes, got {len(raw)}")
    return raw


def _value(obj: Any) -> int:
    if not isinstance(obj, str) or len(obj) > 60:
        raise MalformedMessageError("observation value must be a decimal string")
    try:
        value = int(obj, 10)
    except ValueError:
        raise MalformedMessageError("observation value is not a decimal integer") from None
    return _int(value, INT192_MIN, INT192_MAX, "observation value")


def _observation(obj: Any) -> SignedObservation:
    if not isinstance(obj, list) or len(obj) != 6:
        raise MalformedMessageError("an observation is a 6-element list")
    return SignedObservation(
        epoch=_int(obj[0], 0, MAX_EPOCH, "epoch"), round=_int(obj[1], 0, 255, "round"),
        observer=_int(obj[2], 0, MAX_ORACLES - 1, "observer"), value=_value(obj[3]),
        timestamp=_int(obj[4], 0, UINT32_MAX, "timestamp"),
        signature=_hex(obj[5], "observation signature", ED25519_SIGNATURE_BYTES),
    )


def _epoch_round(obj: dict[str, Any]) -> tuple[int, int]:
    return _int(obj.get("e"), 0, MAX_EPOCH, "epoch"), _int(obj.get("r"), 0, 255, "round")


def _observations(obj: Any) -> tuple[SignedObservation, ...]:
    if not isinstance(obj, list) or len(obj) > MAX_ORACLES:
        raise MalformedMessageError(f"observations must be a list of at most {MAX_ORACLES}")
    return tuple(_observation(o) for o in obj)


def _signers(obj: Any) -> tuple[int, ...]:
    if not isinstance(obj, list) or len(obj) > MAX_ORACLES:
        raise MalformedMessageError("signers must be a list of oracle indices")
    return tuple(_int(i, 0, MAX_ORACLES - 1, "signer") for i in obj)


_DECODERS: Final[dict[str, Callable[[dict[str, Any]], Message]]] = {
    "newepoch": lambda o: NewEpoch(_int(o.get("e"), 0, MAX_EPOCH, "epoch")),
    "observe-req": lambda o: ObserveRequest(*_epoch_round(o)),
    "observation": lambda o: _observation(o.get("o")),
    "report-req": lambda o: ReportRequest(*_epoch_round(o), _observations(o.get("os"))),
    "report-share": lambda o: ReportShare(*_epoch_round(o), _hex(o.get("h"), "report hash", 32),
                                          _hex(o.get("s"), "signature share", max_length=1024),
                                          _hex(o.get("rep", ""), "report")),
    "evidence": lambda o: Evidence(*_epoch_round(o), _int(o.get("o"), 0, MAX_ORACLES - 1, "oracle"),
                                   _hex(o.get("ra"), "report"), _hex(o.get("sa"), "share", G1_BYTES),
                                   _hex(o.get("rb"), "report"), _hex(o.get("sb"), "share", G1_BYTES)),
    "final": lambda o: FinalReport(*_epoch_round(o), _hex(o.get("rep"), "report"), _hex(o.get("sig"), "signature", G1_BYTES),
                             _signers(o.get("by")), _bool(o.get("echo"))),
}


def _bool(obj: Any) -> bool:
    if not isinstance(obj, bool):
        raise MalformedMessageError("echo must be a boolean")
    return obj


def decode(data: bytes) -> Message:
    """Parse a peer's payload; :class:`MalformedMessageError` for anything not exactly a message."""
    if len(data) > MAX_MESSAGE_BYTES:
        raise MalformedMessageError(f"{len(data)} bytes exceeds {MAX_MESSAGE_BYTES}")
    if data.count(b"[") > MAX_BRACKETS or data.count(b"{") > 1:
        # Deeply nested JSON can exhaust the C parser's stack; no message of ours nests more than 3
        # levels or has more than one list per observation, so refuse before parsing.
        raise MalformedMessageError("too many nested lists or objects")
    try:
        obj = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise MalformedMessageError("not JSON") from None
    if not isinstance(obj, dict):
        raise MalformedMessageError("a message is a JSON object")
    decoder = _DECODERS.get(obj.get("type"))  # type: ignore[arg-type]
    if decoder is None:
        raise MalformedMessageError(f"unknown message type {str(obj.get('type'))[:40]!r}")
    return decoder(obj)
