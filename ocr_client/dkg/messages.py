"""The three DKG messages and their strict binary codec.

Layout (all integers big-endian)::

    header    = MAGIC(8) | type u8 | session(32) | author u8
    DEAL      = header | t u8 | t x G2(256) | n u8 | n x sealed share(80)         | sig(64)
    RESPONSE  = header | n u8 | n x (status u8 [| deal digest(32) | dealer sig(64)]) | sig(64)
    JUSTIFY   = header | deal length u32 | DEAL | m u8 | m x (recipient u8 | eph secret(32)) | sig(64)

Every message is Ed25519-signed by its author over ``domain(type) || SHA-256(body)``. Signing the
digest (not the body) is what lets a RESPONSE echo "dealer i signed a deal with digest d" in 96
bytes: two such echoes with different digests prove the dealer equivocated. Decoding refuses
trailing bytes, unknown types and statuses, oversized input and bad signatures, raising
:class:`MalformedMessageError`, which a node turns into "drop this message".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import IntEnum
from typing import Final

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from ocr_client.crypto.encoding import G2_SIZE
from ocr_client.dkg.errors import MalformedMessageError
from ocr_client.dkg.participants import SESSION_SIZE, DkgConfig
from ocr_client.dkg.sharebox import SEALED_SIZE
from ocr_client.net.transport import MAX_MESSAGE_BYTES

MAGIC: Final[bytes] = b"OCRDKG\x00\x01"
SIGNATURE_SIZE: Final[int] = 64
DIGEST_SIZE: Final[int] = 32
EPHEMERAL_SECRET_SIZE: Final[int] = 32
_SIGN_DOMAIN: Final[bytes] = b"OCR-CLIENT-V1/dkg-message"


class MessageType(IntEnum):
    DEAL = 1
    RESPONSE = 2
    JUSTIFICATION = 3


class Status(IntEnum):
    """A responder's verdict on one dealer's deal."""

    OK = 0  # received, share matches the commitments
    COMPLAINT = 1  # received, but the share or the commitments are bad
    MISSING = 2  # no validly signed deal by the deal deadline (also a complaint)


def _signed_payload(kind: MessageType, digest: bytes) -> bytes:
    return _SIGN_DOMAIN + bytes([kind]) + digest


def _header(kind: MessageType, session: bytes, author: int) -> bytes:
    return MAGIC + bytes([kind]) + session + bytes([author])


class _Reader:
    """Consumes a byte string front to back; any shortfall is a malformed message."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def take(self, size: int) -> bytes:
        if size < 0 or self._pos + size > len(self._data):
            raise MalformedMessageError("truncated message")
        chunk = self._data[self._pos:self._pos + size]
        self._pos += size
        return chunk

    def u8(self) -> int:
        return self.take(1)[0]

    def u32(self) -> int:
        return int.from_bytes(self.take(4), "big")

    @property
    def position(self) -> int:
        return self._pos

    def finish(self) -> None:
        if self._pos != len(self._data):
            raise MalformedMessageError(f"{len(self._data) - self._pos} trailing bytes")


def _verify(config: DkgConfig, author: int, kind: MessageType, digest: bytes, signature: bytes) -> None:
    if not 0 <= author < config.n:
        raise MalformedMessageError(f"author {author} is not a participant")
    try:
        VerifyKey(config.participants[author].verify_key).verify(_signed_payload(kind, digest), signature)
    except BadSignatureError:
        raise MalformedMessageError(f"bad signature from {author}") from None


def verify_deal_echo(config: DkgConfig, dealer: int, digest: bytes, signature: bytes) -> None:
    """Check that ``dealer`` signed a deal with this digest (raises MalformedMessageError if not)."""
    _verify(config, dealer, MessageType.DEAL, digest, signature)


def _sign(key: SigningKey, kind: MessageType, body: bytes) -> bytes:
    return bytes(key.sign(_signed_payload(kind, hashlib.sha256(body).digest())).signature)


@dataclass(frozen=True)
class Deal:
    """Dealer's Feldman commitments and one sealed share per recipient (index = recipient)."""

    session: bytes
    dealer: int
    commitments: tuple[bytes, ...]
    sealed_shares: tuple[bytes, ...]
    signature: bytes

    def body(self) -> bytes:
        return b"".join([
            _header(MessageType.DEAL, self.session, self.dealer),
            bytes([len(self.commitments)]), *self.commitments,
            bytes([len(self.sealed_shares)]), *self.sealed_shares,
        ])

    @property
    def digest(self) -> bytes:
        return hashlib.sha256(self.body()).digest()

    def encode(self) -> bytes:
        return self.body() + self.signature

    @classmethod
    def create(cls, key: SigningKey, session: bytes, dealer: int, commitments: tuple[bytes, ...],
               sealed_shares: tuple[bytes, ...]) -> Deal:
        unsigned = cls(session, dealer, commitments, sealed_shares, b"")
        return cls(session, dealer, commitments, sealed_shares, _sign(key, MessageType.DEAL, unsigned.body()))


@dataclass(frozen=True)
class Echo:
    """One RESPONSE entry: the verdict on dealer i's deal plus, if one arrived, its dealer-signed digest."""

    status: Status
    digest: bytes = b""
    dealer_signature: bytes = b""

    def encode(self) -> bytes:
        return bytes([self.status]) + self.digest + self.dealer_signature


@dataclass(frozen=True)
class Response:
    """A node's verdicts on every dealer (entry i is about dealer i), broadcast after the deal deadline."""

    session: bytes
    responder: int
    entries: tuple[Echo, ...]
    signature: bytes

    def body(self) -> bytes:
        return b"".join([_header(MessageType.RESPONSE, self.session, self.responder), bytes([len(self.entries)]),
                         *(e.encode() for e in self.entries)])

    def encode(self) -> bytes:
        return self.body() + self.signature

    @classmethod
    def create(cls, key: SigningKey, session: bytes, responder: int, entries: tuple[Echo, ...]) -> Response:
        unsigned = cls(session, responder, entries, b"")
        return cls(session, responder, entries, _sign(key, MessageType.RESPONSE, unsigned.body()))


@dataclass(frozen=True)
class Reveal:
    """The ephemeral secret of one recipient's share box, so everyone can open that share."""

    recipient: int
    ephemeral_secret: bytes


@dataclass(frozen=True)
class Justification:
    """A dealer's answer to complaints: its signed deal again, plus a reveal per complainer."""

    session: bytes
    dealer: int
    deal: Deal
    reveals: tuple[Reveal, ...]
    signature: bytes

    def body(self) -> bytes:
        deal = self.deal.encode()
        return b"".join([
            _header(MessageType.JUSTIFICATION, self.session, self.dealer), len(deal).to_bytes(4, "big"), deal,
            bytes([len(self.reveals)]), *(bytes([r.recipient]) + r.ephemeral_secret for r in self.reveals),
        ])

    def encode(self) -> bytes:
        return self.body() + self.signature

    @classmethod
    def create(cls, key: SigningKey, session: bytes, dealer: int, deal: Deal, reveals: tuple[Reveal, ...]) -> Justification:
        unsigned = cls(session, dealer, deal, reveals, b"")
        return cls(session, dealer, deal, reveals, _sign(key, MessageType.JUSTIFICATION, unsigned.body()))


Message = Deal | Response | Justification


def _read_header(r: _Reader, config: DkgConfig) -> tuple[MessageType, int]:
    if r.take(len(MAGIC)) != MAGIC:
        raise MalformedMessageError("not a DKG message (bad magic)")
    try:
        kind = MessageType(r.u8())
    except ValueError:
        raise MalformedMessageError("unknown message type") from None
    if r.take(SESSION_SIZE) != config.session:
        raise MalformedMessageError("message for another DKG session")
    author = r.u8()
    if author >= config.n:
        raise MalformedMessageError(f"author {author} is not a participant")
    return kind, author


def _decode_deal(r: _Reader, config: DkgConfig, author: int, start: int, data: bytes) -> Deal:
    commitments = tuple(r.take(G2_SIZE) for _ in range(r.u8()))
    sealed = tuple(r.take(SEALED_SIZE) for _ in range(r.u8()))
    body_end = r.position
    signature = r.take(SIGNATURE_SIZE)
    deal = Deal(config.session, author, commitments, sealed, signature)
    _verify(config, author, MessageType.DEAL, hashlib.sha256(data[start:body_end]).digest(), signature)
    return deal


def decode(payload: bytes, config: DkgConfig) -> Message:
    """Parse and authenticate one message of this session (raises :class:`MalformedMessageError`).

    Only the framing and the author's signature are checked here; whether the content is right
    (commitment count, shares, who complained) is the protocol's business.
    """
    if not isinstance(payload, bytes):
        raise MalformedMessageError("payload must be bytes")
    if len(payload) > MAX_MESSAGE_BYTES:
        raise MalformedMessageError(f"message of {len(payload)} bytes exceeds {MAX_MESSAGE_BYTES}")
    r = _Reader(payload)
    kind, author = _read_header(r, config)
    message: Message
    if kind is MessageType.DEAL:
        message = _decode_deal(r, config, author, 0, payload)
    elif kind is MessageType.RESPONSE:
        entries = []
        for _ in range(r.u8()):
            try:
                status = Status(r.u8())
            except ValueError:
                raise MalformedMessageError("unknown response status") from None
            if status is Status.MISSING:
                entries.append(Echo(status))
            else:
                entries.append(Echo(status, r.take(DIGEST_SIZE), r.take(SIGNATURE_SIZE)))
        body_end = r.position
        message = Response(config.session, author, tuple(entries), r.take(SIGNATURE_SIZE))
        _verify(config, author, kind, hashlib.sha256(payload[:body_end]).digest(), message.signature)
    else:
        deal_bytes = r.take(r.u32())
        inner = _Reader(deal_bytes)
        if _read_header(inner, config) != (MessageType.DEAL, author):
            raise MalformedMessageError("justification must carry the dealer's own deal")
        deal = _decode_deal(inner, config, author, 0, deal_bytes)
        inner.finish()
        reveals = tuple(Reveal(r.u8(), r.take(EPHEMERAL_SECRET_SIZE)) for _ in range(r.u8()))
        body_end = r.position
        message = Justification(config.session, author, deal, reveals, r.take(SIGNATURE_SIZE))
        _verify(config, author, kind, hashlib.sha256(payload[:body_end]).digest(), message.signature)
    r.finish()
    return message
