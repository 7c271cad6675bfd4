"""What a finished DKG gives each node, and why dealers were left out."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ocr_client.crypto.threshold import Committee, SecretShare


class Exclusion(StrEnum):
    """Why a dealer is not in QUAL; every reason rests on evidence all honest nodes hold."""

    SILENT = "silent"  # no node saw a deal from it
    EQUIVOCATION = "equivocation"  # two different deals, both signed by it
    INVALID_COMMITMENTS = "invalid-commitments"  # wrong count, or not G2 points
    BAD_SHARE = "bad-share"  # a revealed share does not match its commitments
    BAD_COMMITMENT = "bad-commitment"  # the commitments match no recipient's share at all
    NO_JUSTIFICATION = "no-justification"  # complained about, never answered
    BAD_JUSTIFICATION = "bad-justification"  # answered, but without a valid reveal per complainer
    WRONG_CONSTANT_TERM = "wrong-constant-term"  # resharing only: C_0 is not the dealer's old public share


@dataclass(frozen=True)
class DkgResult:
    """One node's outcome: its share, the public committee (same at every honest node), QUAL and exclusions.

    ``excluded`` maps a dealer index to ``"<reason>: <detail>"`` where reason is an
    :class:`Exclusion` value.
    """

    share: SecretShare = field(repr=False)
    committee: Committee
    qual: tuple[int, ...]
    excluded: dict[int, str]

    def exclusion_reason(self, dealer: int) -> Exclusion | None:
        entry = self.excluded.get(dealer)
        return None if entry is None else Exclusion(entry.split(":", 1)[0])
