"""The phase machine shared by the DKG node and the two resharing roles.

A joint-Feldman DKG (:mod:`ocr_client.dkg.node`) and a resharing (:mod:`ocr_client.dkg.reshare_node`)
run the same timeline: deal at T0, respond at T0 + P, justify at T0 + 2P, finish at T0 + 3P, and
they take messages the same way: decode, check that the sender wrote what it sent, then act on
it, dropping and counting whatever is wrong. :class:`PhasedNode` owns that part once, so a fix to
the deadlines or to the intake reaches both protocols; the subclasses only say what to do at each
step (the ``_begin`` / ``_on_message`` / ``_end_*`` / ``_finish`` hooks).
"""

from __future__ import annotations

import hashlib
from enum import Enum
from typing import ClassVar

from nacl.exceptions import CryptoError as NaclCryptoError

from ocr_client.crypto.backend import BLSBackend
from ocr_client.dkg.errors import DkgError, MalformedMessageError
from ocr_client.dkg.messages import Deal, Justification, Message, Response, decode
from ocr_client.dkg.participants import DkgConfig, NodeKeys
from ocr_client.net.clock import Clock
from ocr_client.net.transport import Transport


class Phase(Enum):
    IDLE = "idle"
    DEAL = "deal"
    RESPONSE = "response"
    JUSTIFICATION = "justification"
    DONE = "done"


def author_of(message: Message) -> int:
    """Who signed ``message``: the dealer of a deal or justification, the responder of a response."""
    return message.dealer if isinstance(message, Deal | Justification) else message.responder


#: Distinct versions of one author's RESPONSE (or JUSTIFICATION) a node keeps and relays: two prove
#: equivocation, more add nothing (and would let a faulty author make every node relay without end).
MAX_VERSIONS = 2


def body_digest(message: Response | Justification) -> bytes:
    """What identifies a version: the signed body (a re-signature of the same body is the same version)."""
    return hashlib.sha256(message.body()).digest()


class PhasedNode:
    """One participant on the wire ``wire`` (author index ``author``): deadlines, intake, rejections.

    Subclasses check their transport before calling ``__init__`` (the two protocols word that
    error differently), then fill in the hooks. Each ``_end_*`` / ``_finish`` override calls
    ``super()`` first so the phase has moved on before it acts: a message that arrives while it
    acts is already judged late.
    """

    #: Named in the error a second :meth:`start` raises ("a DKG node runs once").
    _kind: ClassVar[str] = "DKG"

    def __init__(self, wire: DkgConfig, author: int, keys: NodeKeys, transport: Transport, clock: Clock,
                 backend: BLSBackend) -> None:
        if keys.participant(author) != wire.participants[author]:
            raise DkgError(f"node {author}'s keys are not the ones in the participant list")
        self.author = author
        self._wire = wire
        self._keys = keys
        self._transport = transport
        self._clock = clock
        self._backend = backend
        self.phase = Phase.IDLE
        self.rejected: dict[str, int] = {}  # reason -> count of dropped messages
        self._seen_payloads: set[bytes] = set()  # hashes of payloads already accepted (cheap dedupe)
        self._versions: dict[tuple[type, int], set[bytes]] = {}  # (kind, author) -> accepted body digests
        transport.set_handler(self.handle)

    @property
    def done(self) -> bool:
        return self.phase is Phase.DONE

    def start(self) -> None:
        """Enter the deal phase, schedule the three deadlines, then deal (:meth:`_begin`)."""
        if self.phase is not Phase.IDLE:
            raise DkgError(f"a {self._kind} node runs once")
        self.phase = Phase.DEAL
        p = self._wire.phase_timeout
        self._clock.call_later(p, self._end_deal_phase)
        self._clock.call_later(2 * p, self._end_response_phase)
        self._clock.call_later(3 * p, self._finish)
        self._begin()

    def handle(self, sender: int, payload: bytes) -> None:
        """Transport callback: decode, authenticate, dispatch, relay; drop (and count) anything wrong.

        A DEAL must come from its dealer. A RESPONSE or JUSTIFICATION is authenticated by its
        author's signature alone, so any participant may relay it: on the first sighting of each
        version (at most :data:`MAX_VERSIONS` per author) this node re-sends it once
        (:meth:`_relay_targets`), so that every honest node holds the same signed responses and
        justifications by the deadline, including both versions of an equivocating author.

        A peer's bad message must never stop this node, so nothing it causes is raised: the reason
        (the error text up to its first colon) is counted in :attr:`rejected` instead.
        """
        fingerprint = hashlib.sha256(payload).digest() if isinstance(payload, bytes) else b""
        if fingerprint in self._seen_payloads:
            return  # an exact copy of an accepted message (a duplicate or another node's relay)
        try:
            message = decode(payload, self._wire)
            author = author_of(message)
            relayable = isinstance(message, Response | Justification)
            if sender != author and not relayable:
                raise MalformedMessageError(f"sender mismatch: {sender} sent a message by {author}")
            self._check_author(author, message)
            if isinstance(message, Response | Justification):
                versions = self._versions.setdefault((type(message), author), set())
                version = body_digest(message)
                if version in versions or len(versions) >= MAX_VERSIONS:
                    self._seen_payloads.add(fingerprint)
                    return  # a re-signed copy, or a version beyond the two that prove equivocation
                self._on_message(message)
                versions.add(version)
                self._seen_payloads.add(fingerprint)
                if author != self.author:
                    for to in self._relay_targets(message):
                        if to not in (self.author, sender):  # the author too: it learns what others hold
                            self._transport.send(to, payload)
                return
            self._on_message(message)
            self._seen_payloads.add(fingerprint)
        except (MalformedMessageError, NaclCryptoError, ValueError) as exc:
            reason = str(exc).split(":", 1)[0]
            self.rejected[reason] = self.rejected.get(reason, 0) + 1

    # --- hooks -----------------------------------------------------------------------------

    def _check_author(self, author: int, message: Message) -> None:
        """Raise :class:`MalformedMessageError` if ``author`` may not send ``message`` at all."""

    def _relay_targets(self, message: Response | Justification) -> range | list[int]:
        """Who gets this node's one relay of another author's accepted ``message`` (default: everyone)."""
        return range(self._wire.n)

    def _on_message(self, message: Message) -> None:
        """Act on an authenticated message, or raise :class:`MalformedMessageError` to drop it."""
        raise MalformedMessageError(f"unexpected {type(message).__name__}")

    def _begin(self) -> None:
        """What happens at T0."""

    def _end_deal_phase(self) -> None:
        self.phase = Phase.RESPONSE

    def _end_response_phase(self) -> None:
        self.phase = Phase.JUSTIFICATION

    def _finish(self) -> None:
        self.phase = Phase.DONE
