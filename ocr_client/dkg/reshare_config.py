"""Who takes part in a resharing, and the two views of that list the DKG machinery needs.

A resharing has two groups: the n_old *dealers* (old members, dealer i holds old share index
i + 1) and the n_new *recipients* (new members, recipient j gets new share index j + 1). A person
in both groups runs both roles with two separate identities, so the groups never overlap here.

The DKG codec, share boxes and QUAL decision are reused unchanged through two :class:`DkgConfig`
views of one session:

* ``wire``: dealers first (authors 0..n_old-1), then recipients (authors n_old..n_old+n_new-1).
  Every message is signed by and decoded against this list.
* ``recipients``: the recipients alone, indexed 0..n_new-1, with the new threshold. Deals have
  t_new commitments and n_new share boxes, so :func:`~ocr_client.dkg.qual.commitments_valid` and
  :func:`~ocr_client.dkg.qual.decide` check them exactly as in a DKG.

The session id additionally binds the old committee (threshold, group key, public shares), so a
resharing's messages cannot be replayed against another key or into a DKG.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from ocr_client.crypto.exceptions import ThresholdParameterError
from ocr_client.crypto.threshold import MAX_COMMITTEE_SIZE, Committee, check_committee_parameters
from ocr_client.dkg.errors import DkgParameterError
from ocr_client.dkg.participants import DEFAULT_PHASE_TIMEOUT, DkgConfig, Participant, session_id

_RESHARE_DOMAIN: Final[bytes] = b"OCR-CLIENT-V1/reshare-session"


def reshare_session(old: Committee, threshold: int, wire: Sequence[Participant], nonce: bytes = b"") -> bytes:
    """Hash of the old committee, the new threshold, every participant key and a nonce."""
    h = hashlib.sha256(_RESHARE_DOMAIN)
    h.update(old.threshold.to_bytes(2, "big") + old.group_public_key)
    for share in old.public_shares:
        h.update(share)
    h.update(session_id(threshold, wire, nonce))
    return h.digest()


def _reindexed(participants: Sequence[Participant], offset: int) -> tuple[Participant, ...]:
    return tuple(Participant(offset + k, p.verify_key, p.encryption_key) for k, p in enumerate(participants))


@dataclass(frozen=True)
class ReshareConfig:
    """What every dealer and recipient agrees on before a resharing starts."""

    old: Committee
    dealers: tuple[Participant, ...]
    new_participants: tuple[Participant, ...]
    threshold: int
    session: bytes
    phase_timeout: float = DEFAULT_PHASE_TIMEOUT
    wire: DkgConfig = field(init=False, repr=False, compare=False)
    recipients: DkgConfig = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.dealers) != self.old.size:
            raise DkgParameterError(f"{len(self.dealers)} dealers for an old committee of {self.old.size}")
        try:
            check_committee_parameters(len(self.new_participants), self.threshold)
        except ThresholdParameterError as exc:
            raise DkgParameterError(f"new committee: {exc}") from None
        total = len(self.dealers) + len(self.new_participants)
        if total > MAX_COMMITTEE_SIZE:
            raise DkgParameterError(f"old + new members = {total} exceeds {MAX_COMMITTEE_SIZE} message authors")
        wire = DkgConfig(self.session, self.threshold,
                         _reindexed(self.dealers, 0) + _reindexed(self.new_participants, self.n_old), self.phase_timeout)
        if wire.participants[:self.n_old] != self.dealers:
            raise DkgParameterError("dealers must be listed by index 0..n_old-1")
        recipients = DkgConfig(self.session, self.threshold, _reindexed(self.new_participants, 0), self.phase_timeout)
        if recipients.participants != self.new_participants:
            raise DkgParameterError("new participants must be listed by index 0..n_new-1")
        object.__setattr__(self, "wire", wire)
        object.__setattr__(self, "recipients", recipients)

    @classmethod
    def create(cls, old: Committee, dealers: Sequence[Participant], new_participants: Sequence[Participant],
               threshold: int, nonce: bytes = b"", phase_timeout: float = DEFAULT_PHASE_TIMEOUT) -> ReshareConfig:
        """A config whose session id is derived from everything above and ``nonce``."""
        wire = _reindexed(dealers, 0) + _reindexed(new_participants, len(dealers))
        return cls(old, tuple(dealers), tuple(new_participants), threshold,
                   reshare_session(old, threshold, wire, nonce), phase_timeout)

    @property
    def n_old(self) -> int:
        return len(self.dealers)

    @property
    def n_new(self) -> int:
        return len(self.new_participants)

    @property
    def old_threshold(self) -> int:
        return self.old.threshold

    def recipient_author(self, j: int) -> int:
        """Recipient j's author index on the wire."""
        return self.n_old + j
