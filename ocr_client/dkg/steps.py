"""The work done at each step of a DKG and of a resharing, written once for both.

A resharing is the joint-Feldman DKG with a prescribed constant term per dealer and Lagrange
weights at the end, so sealing a deal, checking deals, echoing them in a response, justifying
complaints and turning the agreed commitments into a :class:`DkgResult` are the same code for
:class:`~ocr_client.dkg.node.DkgNode` and the resharing roles
(:mod:`ocr_client.dkg.reshare_node`). Keeping them in one place keeps the two protocols from
drifting apart (a fix to the share checks must reach both). The callers keep what differs:
which polynomial is dealt, who receives it, the extra deal checks and the error wording.

Every function consumes randomness in the same order the nodes always did, so seeded runs are
reproducible across this split.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import TypeVar

from nacl.public import PrivateKey

from ocr_client.constants import CURVE_ORDER
from ocr_client.crypto.backend import BLSBackend
from ocr_client.crypto.threshold import Committee, SecretShare
from ocr_client.dkg.errors import DkgFailedError
from ocr_client.dkg.feldman import evaluate, evaluate_commitments, find_bad_shares
from ocr_client.dkg.messages import Deal, Echo, Justification, Response, Reveal, Status, verify_deal_echo
from ocr_client.dkg.participants import DkgConfig, NodeKeys, Participant
from ocr_client.dkg.qual import Decision, commitments_valid
from ocr_client.dkg.randomness import DkgRandom
from ocr_client.dkg.result import DkgResult
from ocr_client.dkg.sharebox import open_share, seal_share

_V = TypeVar("_V")


def keep_version(first: MutableMapping[int, _V], other: MutableMapping[int, _V], author: int, message: _V) -> None:
    """Store a new signed version of ``author``'s message: the first one, else as the conflicting second.

    The intake (:meth:`~ocr_client.dkg.phases.PhasedNode.handle`) passes each distinct version once
    and at most two per author, so a second one here proves the author equivocated.
    """
    if author not in first:
        first[author] = message
    else:
        other.setdefault(author, message)


def seal_deal(keys: NodeKeys, session: bytes, dealer: int, coefficients: Sequence[int], commitments: tuple[bytes, ...],
              recipients: Sequence[Participant], rng: DkgRandom, ephemeral: dict[int, bytes],
              victim: int | None = None) -> Deal:
    """A signed deal: recipient j's share ``f(j + 1)`` sealed to its key; ``victim`` (a misbehaviour) gets a wrong one.

    Each box's ephemeral secret is kept in ``ephemeral`` (by recipient) for a later justification.
    """
    sealed = []
    for j, recipient in enumerate(recipients):
        share = evaluate(coefficients, j + 1)
        if j == victim:
            share = (share + 1) % CURVE_ORDER
        box_key = PrivateKey(rng.bytes32())
        ephemeral[j] = bytes(box_key)
        sealed.append(seal_share(box_key, recipient.encryption_key, session, dealer, j, share))
    return Deal.create(keys.signing_key, session, dealer, commitments, tuple(sealed))


def verify_echoes(wire: DkgConfig, entries: Sequence[Echo], checked: set[tuple[int, bytes, bytes]]) -> None:
    """Check each echoed dealer signature in a response (raises on a bad one).

    ``checked`` remembers the signatures already verified: every responder echoes the same deals,
    so without it a node would verify each signature n times.
    """
    for dealer, echo in enumerate(entries):
        if echo.status is Status.MISSING:
            continue
        key = (dealer, echo.digest, echo.dealer_signature)
        if key not in checked:
            verify_deal_echo(wire, dealer, echo.digest, echo.dealer_signature)
            checked.add(key)


def check_deals(deals: Mapping[int, Deal], me: int, keys: NodeKeys, session: bytes, recipients: DkgConfig,
                backend: BLSBackend, sound: Callable[[Deal], bool] = lambda deal: True,
                ) -> tuple[dict[int, Status], dict[int, int]]:
    """Judge each received deal as recipient ``me``: the verdicts, and my verified share of each OK deal.

    A deal is a COMPLAINT when its commitments are malformed (against ``recipients``), ``sound``
    rejects it, my box does not open, or my share does not match the commitments.
    """
    to_check: list[tuple[int, tuple[bytes, ...], int, int]] = []
    verdicts: dict[int, Status] = {}
    shares: dict[int, int] = {}
    for dealer, deal in sorted(deals.items()):
        share = open_share(keys.encryption_key, deal.sealed_shares[me], session, dealer, me) \
            if commitments_valid(deal, recipients, backend) and sound(deal) else None
        if share is None:
            verdicts[dealer] = Status.COMPLAINT
        else:
            to_check.append((dealer, deal.commitments, me + 1, share))
    bad = find_bad_shares(to_check, backend)
    for dealer, _, _, share in to_check:
        if dealer in bad:
            verdicts[dealer] = Status.COMPLAINT
        else:
            verdicts[dealer] = Status.OK
            shares[dealer] = share
    return verdicts, shares


def make_response(keys: NodeKeys, session: bytes, author: int, dealers: int, deals: Mapping[int, Deal],
                  verdicts: Mapping[int, Status], false_complaint: Callable[[int], bool]) -> Response:
    """The signed response: per dealer its verdict (MISSING if no deal came) and the echoed digest.

    ``false_complaint(dealer)`` says whether to turn an OK into a COMPLAINT (a misbehaviour).
    """
    entries = []
    for dealer in range(dealers):
        status = verdicts.get(dealer, Status.MISSING)
        if status is Status.OK and false_complaint(dealer):
            status = Status.COMPLAINT
        received = deals.get(dealer)
        entries.append(Echo(status) if received is None else Echo(status, received.digest, received.signature))
    return Response.create(keys.signing_key, session, author, tuple(entries))


def make_justification(keys: NodeKeys, session: bytes, dealer: int, deal: Deal, responses: Mapping[int, Response],
                       ephemeral: Mapping[int, bytes], rng: DkgRandom, lie: bool = False,
                       other_responses: Mapping[int, Response] | None = None) -> Justification | None:
    """Reveal the box of each recipient that did not answer OK to ``dealer``'s deal; None if all did.

    ``other_responses`` are second versions from equivocating responders: a complaint in *any*
    version is answered (harmless for an equivocator, whose complaints the decision ignores).
    With ``lie`` (a misbehaviour) a random key is revealed instead of the box's.
    """
    versions = [*responses.items(), *(other_responses or {}).items()]
    complainers = sorted({j for j, r in versions if r.entries[dealer].status is not Status.OK})
    if not complainers:
        return None
    reveals = tuple(Reveal(j, rng.bytes32() if lie else ephemeral[j]) for j in complainers)
    return Justification.create(keys.signing_key, session, dealer, deal, reveals)


def agreed_deal(deals: Mapping[int, Deal], justifications: Mapping[int, Justification], dealer: int,
                digest: bytes, me: str) -> Deal:
    """The deal of ``dealer`` with the agreed ``digest``: the one received, or the one its justification carries.

    ``me`` names the caller in the error ("node 3", "recipient 1") when it has neither.
    """
    for deal in (deals.get(dealer), getattr(justifications.get(dealer), "deal", None)):
        if isinstance(deal, Deal) and deal.digest == digest:
            return deal
    raise DkgFailedError(f"{me} lacks dealer {dealer}'s agreed deal (synchrony assumption broken?)")


def require_qualified(decision: Decision, need: int, dealers: str = "dealers", name: str = "t") -> None:
    """Raise :class:`DkgFailedError` naming every excluded dealer if fewer than ``need`` qualified."""
    if len(decision.qual) < need:
        raise DkgFailedError(
            f"only {len(decision.qual)} qualified {dealers}, need at least {name}={need}; excluded: "
            + "; ".join(f"{i}: {why}" for i, why in sorted(decision.excluded.items()))
        )


def share_result(secret: int, threshold: int, aggregate: tuple[bytes, ...], n: int, me: int, decision: Decision,
                 backend: BLSBackend, who: str = "node") -> DkgResult:
    """Member ``me``'s result (of ``n``) from its share and the combined commitments, after checking they agree."""
    public_shares = tuple(evaluate_commitments(aggregate, m, backend) for m in range(1, n + 1))
    if backend.public_key(secret) != public_shares[me]:
        raise DkgFailedError(f"{who} {me}'s share does not match its public share")
    return DkgResult(
        share=SecretShare(me + 1, secret),
        committee=Committee(threshold, aggregate[0], public_shares),
        qual=decision.qual,
        excluded=dict(sorted(decision.excluded.items())),
    )
