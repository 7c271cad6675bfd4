"""The two roles of a resharing: an old member dealing its share, a new member combining sub-shares.

Same timeline as the DKG (:mod:`ocr_client.dkg.node`), from :meth:`start` at T0 with phase P:

* T0: each dealer i deals a polynomial of degree t_new - 1 whose constant term is its old share
  s_i, so ``C_i0 = s_i * G2`` must equal i's old public share: one signed DEAL to the recipients.
* T0 + P: each recipient checks every deal (t_new valid commitments, ``C_i0`` == old public share,
  its sub-share against the commitments) and broadcasts a signed RESPONSE with OK / COMPLAINT /
  MISSING and the echoed dealer-signed digest, exactly as in the DKG.
* T0 + 2P: a dealer with complaints broadcasts a JUSTIFICATION revealing the complained-about boxes.
* T0 + 3P: every recipient decides QUAL with :func:`~ocr_client.dkg.qual.decide` (plus the
  constant-term check), takes S = the t_old lowest qualified dealers and sets
  ``x_j = sum_{i in S} lambda_i(S) s_ij``; the new commitments are ``A_k = sum_{i in S} lambda_i C_ik``,
  so ``A_0`` is the old group key and the new public shares follow from ``A``.

Recipients never see an old share; dealers never see a new one. A dealer drops its old share as
soon as its deal is built (a real deployment must also erase the old keystore: see
``docs/dkg.md``, "Resharing").
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from ocr_client.constants import CURVE_ORDER
from ocr_client.crypto.backend import BLSBackend
from ocr_client.crypto.threshold import SecretShare, lagrange_coefficients_at_zero
from ocr_client.dkg import steps
from ocr_client.dkg.errors import DkgError, DkgFailedError, DkgParameterError, MalformedMessageError
from ocr_client.dkg.feldman import commit, random_polynomial
from ocr_client.dkg.messages import Deal, Justification, Message, Response
from ocr_client.dkg.participants import NodeKeys
from ocr_client.dkg.phases import Phase, PhasedNode
from ocr_client.dkg.qual import Decision, decide
from ocr_client.dkg.randomness import DkgRandom
from ocr_client.dkg.reshare_config import ReshareConfig
from ocr_client.dkg.result import DkgResult, Exclusion
from ocr_client.net.clock import Clock
from ocr_client.net.transport import Transport


class ReshareFault(StrEnum):
    """Ways an old dealer (or, for ``false-complaint``, a new member) misbehaves, for tests and ``--fault``."""

    BAD_SHARE = "bad-share"  # wrong sub-share for one recipient, honest reveal convicts it
    BAD_COMMITMENT = "bad-commitment"  # right C_0, other higher commitments: every sub-share mismatches
    SILENT = "silent"  # never deals
    EQUIVOCATE = "equivocate"  # two signed deals, one per half of the new committee
    BAD_JUSTIFICATION = "bad-justification"  # wrong sub-share, then reveals a wrong key
    WRONG_SECRET = "wrong-secret"  # a consistent deal of another constant term: C_0 != old public share
    FALSE_COMPLAINT = "false-complaint"  # recipient: complains about every dealer


def parse_fault(name: str) -> ReshareFault:
    try:
        return ReshareFault(name)
    except ValueError:
        raise DkgParameterError(
            f"unknown misbehaviour {name!r}; choose one of: {', '.join(f.value for f in ReshareFault)}") from None


class _Role(PhasedNode):
    """What both roles add to :class:`~ocr_client.dkg.phases.PhasedNode`: the reshare wire and role checks.

    On the wire dealers are authors 0..n_old-1 and recipients the rest; only recipients respond and
    only dealers deal or justify, so a message from the wrong side is dropped before dispatch.
    """

    _kind = "resharing"

    def __init__(self, config: ReshareConfig, author: int, keys: NodeKeys, transport: Transport, clock: Clock,
                 backend: BLSBackend) -> None:
        if transport.n != config.wire.n or transport.index != author:
            raise DkgError(f"transport is node {transport.index} of {transport.n}, expected {author} of {config.wire.n}")
        super().__init__(config.wire, author, keys, transport, clock, backend)
        self.config = config

    def _check_author(self, author: int, message: Message) -> None:
        is_dealer = author < self.config.n_old
        if is_dealer == isinstance(message, Response):
            raise MalformedMessageError(f"wrong role: author {author} may not send {type(message).__name__}")

    def _relay_targets(self, message: Response | Justification) -> range | list[int]:
        """New members relay responses to everyone and justifications to the new members; old ones relay nothing."""
        if self.author < self.config.n_old:
            return []
        if isinstance(message, Response):
            return range(self.config.wire.n)
        return [self.config.recipient_author(j) for j in range(self.config.n_new)]


class ReshareDealer(_Role):
    """Old member ``index`` (old share index index + 1): deals its share, answers complaints."""

    def __init__(self, config: ReshareConfig, index: int, share: SecretShare, keys: NodeKeys, transport: Transport,
                 clock: Clock, backend: BLSBackend, rng: DkgRandom | None = None,
                 fault: ReshareFault | None = None) -> None:
        super().__init__(config, index, keys, transport, clock, backend)
        if share.index != index + 1:
            raise DkgError(f"dealer {index} needs old share index {index + 1}, got {share.index}")
        if fault is ReshareFault.FALSE_COMPLAINT:
            raise DkgParameterError("false-complaint is a recipient fault, not a dealer fault")
        self.index = index
        self._share: SecretShare | None = share
        self._rng = rng or DkgRandom()
        self.fault = fault
        self._deal_sent: Deal | None = None
        self._ephemeral: dict[int, bytes] = {}
        self._responses: dict[int, Response] = {}
        self._other_responses: dict[int, Response] = {}

    def _build_deal(self, secret: int, victim: int | None) -> Deal:
        t = self.config.threshold
        coefficients = random_polynomial(t, self._rng)
        coefficients[0] = self._rng.scalar() if self.fault is ReshareFault.WRONG_SECRET else secret
        commitments = commit(coefficients, self._backend)
        if self.fault is ReshareFault.BAD_COMMITMENT:
            other = random_polynomial(t, self._rng)
            other[0] = secret
            commitments = commit(other, self._backend)
        return steps.seal_deal(self._keys, self.config.session, self.index, coefficients, commitments,
                               self.config.new_participants, self._rng, self._ephemeral, victim)

    def _begin(self) -> None:
        share, self._share = self._share, None  # the old share is not needed past dealing
        if share is None or self.fault is ReshareFault.SILENT:
            return
        n_new = self.config.n_new
        victim = self.index % n_new if self.fault in (ReshareFault.BAD_SHARE, ReshareFault.BAD_JUSTIFICATION) else None
        deal = self._deal_sent = self._build_deal(share.secret, victim)
        other = None
        if self.fault is ReshareFault.EQUIVOCATE and n_new > 1:
            kept = dict(self._ephemeral)
            other = self._build_deal(share.secret, None)
            self._ephemeral = kept
        for j in range(n_new):
            chosen = other if other is not None and j >= (n_new + 1) // 2 else deal
            self._transport.send(self.config.recipient_author(j), chosen.encode())

    def _on_message(self, message: Message) -> None:
        if not isinstance(message, Response):
            raise MalformedMessageError(f"a dealer does not take a {type(message).__name__}")
        if self.phase not in (Phase.DEAL, Phase.RESPONSE):
            raise MalformedMessageError("late response")
        if len(message.entries) != self.config.n_old:
            raise MalformedMessageError("response entry count differs from n_old")
        steps.keep_version(self._responses, self._other_responses, message.responder - self.config.n_old, message)

    def _end_response_phase(self) -> None:
        super()._end_response_phase()
        deal = self._deal_sent
        if deal is None:
            return
        justification = steps.make_justification(self._keys, self.config.session, self.index, deal, self._responses,
                                                 self._ephemeral, self._rng, self.fault is ReshareFault.BAD_JUSTIFICATION,
                                                 self._other_responses)
        if justification is None:
            return
        for j in range(self.config.n_new):
            self._transport.send(self.config.recipient_author(j), justification.encode())

    def _finish(self) -> None:
        super()._finish()
        self._ephemeral.clear()


class ReshareRecipient(_Role):
    """New member ``index`` (new share index index + 1): checks deals, decides QUAL, combines sub-shares."""

    def __init__(self, config: ReshareConfig, index: int, keys: NodeKeys, transport: Transport, clock: Clock,
                 backend: BLSBackend, fault: ReshareFault | None = None,
                 on_done: Callable[[ReshareRecipient], None] | None = None) -> None:
        super().__init__(config, config.recipient_author(index), keys, transport, clock, backend)
        if fault not in (None, ReshareFault.FALSE_COMPLAINT):
            raise DkgParameterError(f"{fault} is a dealer fault, not a recipient fault")
        self.index = index
        self.fault = fault
        self._on_done = on_done
        self.result: DkgResult | None = None
        self.error: DkgError | None = None
        self._deals: dict[int, Deal] = {}
        self._sub_shares: dict[int, int] = {}  # dealer -> verified sub-share
        self._responses: dict[int, Response] = {}  # recipient index -> response
        self._justifications: dict[int, Justification] = {}
        self._other_responses: dict[int, Response] = {}
        self._other_justifications: dict[int, Justification] = {}
        self._echo_cache: set[tuple[int, bytes, bytes]] = set()

    # --- receiving ---------------------------------------------------------------------------

    def _on_message(self, message: Message) -> None:
        if isinstance(message, Deal):
            if self.phase is not Phase.DEAL:
                raise MalformedMessageError("late deal")
            self._deals.setdefault(message.dealer, message)
        elif isinstance(message, Response):
            self._on_response(message)
        else:
            if self.phase is Phase.DONE:
                raise MalformedMessageError("late justification")
            steps.keep_version(self._justifications, self._other_justifications, message.dealer, message)

    def _on_response(self, response: Response) -> None:
        if self.phase not in (Phase.DEAL, Phase.RESPONSE):
            raise MalformedMessageError("late response")
        if len(response.entries) != self.config.n_old:
            raise MalformedMessageError("response entry count differs from n_old")
        steps.verify_echoes(self.config.wire, response.entries, self._echo_cache)
        steps.keep_version(self._responses, self._other_responses, response.responder - self.config.n_old, response)

    # --- checks ------------------------------------------------------------------------------

    def constant_term_problem(self, deal: Deal) -> tuple[Exclusion, str] | None:
        """Why a deal's ``C_0`` is unacceptable: it must be the dealer's old public share."""
        if deal.commitments[0] != self.config.old.public_share(deal.dealer + 1):
            return Exclusion.WRONG_CONSTANT_TERM, "C_0 is not the dealer's old public share"
        return None

    def _end_deal_phase(self) -> None:
        super()._end_deal_phase()
        me, session = self.index, self.config.session
        verdicts, sub_shares = steps.check_deals(self._deals, me, self._keys, session, self.config.recipients, self._backend,
                                                 lambda deal: self.constant_term_problem(deal) is None)
        self._sub_shares.update(sub_shares)
        lying = self.fault is ReshareFault.FALSE_COMPLAINT
        response = steps.make_response(self._keys, session, self.author, self.config.n_old, self._deals, verdicts,
                                       lambda dealer: lying)
        self._transport.broadcast(response.encode())

    # --- finishing ---------------------------------------------------------------------------

    def _finish(self) -> None:
        super()._finish()
        try:
            decision = decide(self.config.recipients, self._responses, self._justifications, self._backend,
                              dealers=self.config.n_old, check_deal=self.constant_term_problem,
                              other_responses=self._other_responses, other_justifications=self._other_justifications)
            self.result = self._compute(decision)
        except DkgError as exc:
            self.error = exc
        if self._on_done is not None:
            self._on_done(self)

    def _sub_share(self, dealer: int, deal: Deal, decision: Decision) -> int:
        revealed = decision.revealed.get((dealer, self.index))
        if revealed is not None:
            return revealed
        own = self._deals.get(dealer)
        if dealer not in self._sub_shares or own is None or own.digest != deal.digest:
            raise DkgFailedError(f"recipient {self.index} has no verified sub-share from qualified dealer {dealer}")
        return self._sub_shares[dealer]

    def _compute(self, decision: Decision) -> DkgResult:
        old, t_old, me = self.config.old, self.config.old_threshold, self.index
        steps.require_qualified(decision, t_old, "old dealers", "t_old")
        chosen = decision.qual[:t_old]  # every honest recipient picks the same S
        lambdas = lagrange_coefficients_at_zero([i + 1 for i in chosen])
        secret, deals = 0, []
        for dealer, lam in zip(chosen, lambdas, strict=True):
            deal = steps.agreed_deal(self._deals, self._justifications, dealer, decision.digests[dealer], f"recipient {me}")
            if self.constant_term_problem(deal) is not None:
                raise DkgFailedError(f"qualified dealer {dealer}'s C_0 is not its old public share")
            secret = (secret + lam * self._sub_share(dealer, deal, decision)) % CURVE_ORDER
            deals.append(deal)
        if secret == 0:
            raise DkgFailedError("the new share is zero; run the resharing again")
        width = self.config.threshold
        aggregate = tuple(self._backend.g2_linear_combination([d.commitments[k] for d in deals], lambdas)
                          for k in range(width))
        if aggregate[0] != old.group_public_key:
            raise DkgFailedError("the reshared commitments do not keep the old group key")
        return steps.share_result(secret, width, aggregate, self.config.n_new, me, decision, self._backend, "recipient")
