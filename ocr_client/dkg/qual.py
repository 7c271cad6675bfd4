"""Deciding QUAL: which dealers count, from broadcast evidence only.

Every honest node runs :func:`decide` on the same inputs — the signed RESPONSEs received by the
response deadline and the signed JUSTIFICATIONs received by the justification deadline, each
relayed once by every honest node that sees it (up to two versions per author) — so under
the synchrony assumption (a message and its relay reach every honest node within a phase) all
honest nodes reach the same QUAL and the same exclusion reasons. What a node privately received
(its own deals) never enters the decision, only its echo of them does.

The rules, per dealer i, in order:

0. Two different signed responses from one responder: its complaints are all ignored.
1. Two different dealer-signed deal digests among the echoes and the justification, or two
   different signed justifications: equivocation.
2. No echo of any deal and no justification: silent.
3. Complaints (bad share or missing deal) need a justification carrying the signed deal and, for
   every complainer, the ephemeral key of its share box. Everyone opens those boxes and checks the
   shares against the commitments: a mismatch convicts the dealer (bad share; bad commitment if no
   recipient's share matches), a match clears it, a missing or wrong key excludes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ocr_client.crypto.backend import BLSBackend
from ocr_client.dkg.feldman import find_bad_shares
from ocr_client.dkg.messages import Deal, Justification, Response, Status
from ocr_client.dkg.participants import DkgConfig
from ocr_client.dkg.result import Exclusion
from ocr_client.dkg.sharebox import ephemeral_matches, open_revealed
from ocr_client.errors import CryptoError


@dataclass
class Decision:
    """QUAL with the agreed deal digest of each member, exclusions, and shares opened by justifications."""

    qual: tuple[int, ...] = ()
    digests: dict[int, bytes] = field(default_factory=dict)
    excluded: dict[int, str] = field(default_factory=dict)
    revealed: dict[tuple[int, int], int] = field(default_factory=dict)  # (dealer, recipient) -> share


#: An extra public check of a justified deal (resharing: "is C_0 the dealer's old public share?");
#: returns why the deal is unacceptable, or None.
DealCheck = Callable[[Deal], tuple[Exclusion, str] | None]


def commitments_valid(deal: Deal, config: DkgConfig, backend: BLSBackend) -> bool:
    """t commitments, each a valid G2 point in the subgroup and not infinity, and n sealed shares."""
    if len(deal.commitments) != config.threshold or len(deal.sealed_shares) != config.n:
        return False
    try:
        for c in deal.commitments:
            backend.validate_g2(c)
    except CryptoError:
        return False
    return True


def _exclude(decision: Decision, dealer: int, reason: Exclusion, detail: str) -> None:
    decision.excluded[dealer] = f"{reason.value}: {detail}"


def _judge_justification(config: DkgConfig, dealer: int, complainers: list[int], justification: Justification,
                         backend: BLSBackend, decision: Decision, check_deal: DealCheck | None = None) -> bool:
    """Settle the complaints against ``dealer``; True if it stays in QUAL."""
    deal = justification.deal
    if not commitments_valid(deal, config, backend):
        _exclude(decision, dealer, Exclusion.INVALID_COMMITMENTS, "commitments are malformed or of the wrong count")
        return False
    problem = None if check_deal is None else check_deal(deal)
    if problem is not None:
        _exclude(decision, dealer, *problem)
        return False
    keys = {r.recipient: r.ephemeral_secret for r in justification.reveals}
    opened: list[tuple[int, tuple[bytes, ...], int, int]] = []
    for j in complainers:
        secret = keys.get(j)
        if secret is None or not ephemeral_matches(secret, deal.sealed_shares[j]):
            why = "no reveal" if secret is None else "a revealed key that does not match the signed deal"
            _exclude(decision, dealer, Exclusion.BAD_JUSTIFICATION, f"{why} for node {j}'s complaint")
            return False
        share = open_revealed(secret, config.participants[j].encryption_key, deal.sealed_shares[j],
                              config.session, dealer, j)
        if share is None:
            _exclude(decision, dealer, Exclusion.BAD_SHARE, f"node {j}'s share box does not decrypt to a scalar")
            return False
        opened.append((j, deal.commitments, j + 1, share))
    bad = sorted(find_bad_shares(opened, backend))
    if bad:
        if len(bad) == config.n:
            _exclude(decision, dealer, Exclusion.BAD_COMMITMENT, "the commitments match no recipient's share")
        else:
            _exclude(decision, dealer, Exclusion.BAD_SHARE, f"shares for nodes {bad} do not match the commitments")
        return False
    for j, _, _, share in opened:
        decision.revealed[(dealer, j)] = share
    return True


def decide(config: DkgConfig, responses: Mapping[int, Response], justifications: Mapping[int, Justification],
           backend: BLSBackend, dealers: int | None = None, check_deal: DealCheck | None = None,
           other_responses: Mapping[int, Response] | None = None,
           other_justifications: Mapping[int, Justification] | None = None) -> Decision:
    """QUAL and exclusions from the evidence (responses are already signature-checked, one entry per dealer).

    In a DKG the dealers are the ``config.n`` participants themselves. Resharing passes the
    recipients' view as ``config`` (who gets shares, their keys, the new threshold), the number
    of old dealers as ``dealers``, and ``check_deal`` for what else a justified deal must satisfy.

    ``other_responses`` / ``other_justifications`` hold a second, different signed version from
    the same author (relaying makes every honest node hold the same versions). A responder with two
    versions equivocated: none of its complaints count (its echoes still do, being dealer-signed).
    A dealer with two justifications equivocated and is excluded.
    """
    other_responses = other_responses or {}
    other_justifications = other_justifications or {}
    echoes = [*responses.values(), *other_responses.values()]
    honest_looking = {j: r for j, r in responses.items() if j not in other_responses}
    decision = Decision()
    qual = []
    for dealer in range(config.n if dealers is None else dealers):
        justification = justifications.get(dealer)
        digests = {r.entries[dealer].digest for r in echoes if r.entries[dealer].status is not Status.MISSING}
        if justification is not None:
            digests.add(justification.deal.digest)
        second = other_justifications.get(dealer)
        if second is not None:
            _exclude(decision, dealer, Exclusion.EQUIVOCATION, "signed 2 different justifications")
            continue
        if len(digests) > 1:
            _exclude(decision, dealer, Exclusion.EQUIVOCATION, f"signed {len(digests)} different deals")
            continue
        if not digests:
            _exclude(decision, dealer, Exclusion.SILENT, "no node received a deal")
            continue
        complainers = sorted(j for j, r in honest_looking.items() if r.entries[dealer].status is not Status.OK)
        if complainers:
            if justification is None:
                _exclude(decision, dealer, Exclusion.NO_JUSTIFICATION, f"did not answer complaints from nodes {complainers}")
                continue
            if not _judge_justification(config, dealer, complainers, justification, backend, decision, check_deal):
                continue
        qual.append(dealer)
        decision.digests[dealer] = digests.pop()
    decision.qual = tuple(qual)
    return decision
