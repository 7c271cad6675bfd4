"""Who takes part in a DKG: each node's public identity keys, its private keys, and the session.

Every node has an Ed25519 key (signs its messages, so a deal, a complaint or a justification can be
relayed and checked by anyone as evidence) and an X25519 key (receives its encrypted shares). The
public halves form the participant list that all nodes must agree on before the run; the session
id binds every message to that list and threshold, so messages cannot be replayed across runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from nacl.public import PrivateKey
from nacl.signing import SigningKey

from ocr_client.crypto.exceptions import ThresholdParameterError
from ocr_client.crypto.threshold import check_committee_parameters
from ocr_client.dkg.errors import DkgParameterError
from ocr_client.dkg.randomness import DkgRandom

KEY_SIZE: Final[int] = 32
SESSION_SIZE: Final[int] = 32
_SESSION_DOMAIN: Final[bytes] = b"OCR-CLIENT-V1/dkg-session"

#: Simulated seconds per phase by default; the synchrony assumption is that any message between
#: honest nodes arrives within one phase.
DEFAULT_PHASE_TIMEOUT: Final[float] = 10.0


@dataclass(frozen=True)
class Participant:
    """Node ``index``'s public identity: Ed25519 verify key and X25519 encryption key (32 bytes each)."""

    index: int
    verify_key: bytes
    encryption_key: bytes

    def __post_init__(self) -> None:
        if len(self.verify_key) != KEY_SIZE or len(self.encryption_key) != KEY_SIZE:
            raise DkgParameterError(f"participant {self.index}: keys must be {KEY_SIZE} bytes")


@dataclass(frozen=True)
class NodeKeys:
    """A node's private keys; never printed."""

    signing_key: SigningKey = field(repr=False)
    encryption_key: PrivateKey = field(repr=False)

    @classmethod
    def generate(cls, rng: DkgRandom) -> NodeKeys:
        return cls(SigningKey(rng.bytes32()), PrivateKey(rng.bytes32()))

    def participant(self, index: int) -> Participant:
        return Participant(index, bytes(self.signing_key.verify_key), bytes(self.encryption_key.public_key))


def session_id(threshold: int, participants: Sequence[Participant], nonce: bytes = b"") -> bytes:
    """Hash of threshold, every participant key and a nonce: what every signed message is bound to."""
    h = hashlib.sha256(_SESSION_DOMAIN)
    h.update(threshold.to_bytes(2, "big") + len(participants).to_bytes(2, "big"))
    for p in participants:
        h.update(p.index.to_bytes(2, "big") + p.verify_key + p.encryption_key)
    h.update(len(nonce).to_bytes(4, "big") + nonce)
    return h.digest()


@dataclass(frozen=True)
class DkgConfig:
    """What all nodes of one run agree on up front: session, threshold t, participants, phase length."""

    session: bytes
    threshold: int
    participants: tuple[Participant, ...]
    phase_timeout: float = DEFAULT_PHASE_TIMEOUT

    def __post_init__(self) -> None:
        try:
            check_committee_parameters(len(self.participants), self.threshold)
        except ThresholdParameterError as exc:
            raise DkgParameterError(str(exc)) from None
        if len(self.session) != SESSION_SIZE:
            raise DkgParameterError(f"session id must be {SESSION_SIZE} bytes")
        if [p.index for p in self.participants] != list(range(len(self.participants))):
            raise DkgParameterError("participants must be listed by index 0..n-1")
        for what in ("verify_key", "encryption_key"):
            if len({getattr(p, what) for p in self.participants}) != len(self.participants):
                raise DkgParameterError(f"two participants share a {what.replace('_', ' ')}")
        if not self.phase_timeout > 0:
            raise DkgParameterError(f"phase timeout must be positive, got {self.phase_timeout}")

    @property
    def n(self) -> int:
        return len(self.participants)

    @classmethod
    def create(cls, threshold: int, participants: Sequence[Participant], nonce: bytes = b"",
               phase_timeout: float = DEFAULT_PHASE_TIMEOUT) -> DkgConfig:
        """A config whose session id is derived from the participant list, threshold and ``nonce``."""
        parts = tuple(participants)
        return cls(session_id(threshold, parts, nonce), threshold, parts, phase_timeout)
