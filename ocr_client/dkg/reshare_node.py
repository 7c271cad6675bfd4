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

from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.public import PrivateKey

from ocr_client.constants import CURVE_ORDER
from ocr_client.crypto.backend import BLSBackend
from ocr_client.crypto.threshold import Committee, SecretShare, lagrange_coefficients_at_zero
from ocr_client.dkg.errors import DkgError, DkgFailedError, DkgParameterError, MalformedMessageError
from ocr_client.dkg.feldman import commit, evaluate, evaluate_commitments, find_bad_shares, random_polynomial
from ocr_client.dkg.messages import Deal, Echo, Justification, Message, Response, Reveal, Status, decode, verify_deal_echo
from ocr_client.dkg.node import Phase
from ocr_client.dkg.participants import NodeKeys
from ocr_client.dkg.qual import Decision, commitments_valid, decide
from ocr_client.dkg.randomness import DkgRandom
from ocr_client.dkg.reshare_config import ReshareConfig
from ocr_client.dkg.result import DkgResult, Exclusion
from ocr_client.dkg.sharebox import open_share, seal_share
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


class _Role:
    """Decoding, sender checks, rejection counting and the three deadlines, shared by both roles."""

    def __init__(self, config: ReshareConfig, author: int, keys: NodeKeys, transport: Transport, clock: Clock,
                 backend: BLSBackend) -> None:
        if transport.n != config.wire.n or transport.index != author:
            raise DkgError(f"transport is node {transport.index} of {transport.n}, expected {author} of {config.wire.n}")
        if keys.participant(author) != config.wire.participants[author]:
            raise DkgError(f"node {author}'s keys are not the ones in the participant list")
        self.config = config
        self.author = author
        self._keys = keys
        self._transport = transport
        self._clock = clock
        self._backend = backend
        self.phase = Phase.IDLE
        self.rejected: dict[str, int] = {}
        transport.set_handler(self.handle)

    @property
    def done(self) -> bool:
        return self.phase is Phase.DONE

    def start(self) -> None:
        if self.phase is not Phase.IDLE:
            raise DkgError("a resharing node runs once")
        self.phase = Phase.DEAL
        p = self.config.phase_timeout
        self._clock.call_later(p, self._end_deal_phase)
        self._clock.call_later(2 * p, self._end_response_phase)
        self._clock.call_later(3 * p, self._finish)
        self._begin()

    def handle(self, sender: int, payload: bytes) -> None:
        """Transport callback: decode, authenticate, dispatch; drop (and count) anything wrong."""
        try:
            message = decode(payload, self.config.wire)
            author = message.dealer if isinstance(message, Deal | Justification) else message.responder
            if sender != author:
                raise MalformedMessageError(f"sender mismatch: {sender} sent a message by {author}")
            is_dealer = author < self.config.n_old
            if is_dealer == isinstance(message, Response):
                raise MalformedMessageError(f"wrong role: author {author} may not send {type(message).__name__}")
            self._on_message(message)
        except (MalformedMessageError, NaclCryptoError, ValueError) as exc:
            reason = str(exc).split(":", 1)[0]
            self.rejected[reason] = self.rejected.get(reason, 0) + 1

    def _begin(self) -> None:
        """What happens at T0."""

    def _on_message(self, message: Message) -> None:
        raise MalformedMessageError(f"unexpected {type(message).__name__}")

    def _end_deal_phase(self) -> None:
        self.phase = Phase.RESPONSE

    def _end_response_phase(self) -> None:
        self.phase = Phase.JUSTIFICATION

    def _finish(self) -> None:
        self.phase = Phase.DONE


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

    def _build_deal(self, secret: int, victim: int | None) -> Deal:
        t = self.config.threshold
        coefficients = random_polynomial(t, self._rng)
        coefficients[0] = self._rng.scalar() if self.fault is ReshareFault.WRONG_SECRET else secret
        commitments = commit(coefficients, self._backend)
        if self.fault is ReshareFault.BAD_COMMITMENT:
            other = random_polynomial(t, self._rng)
            other[0] = secret
            commitments = commit(other, self._backend)
        sealed = []
        for j, recipient in enumerate(self.config.new_participants):
            sub_share = evaluate(coefficients, j + 1)
            if j == victim:
                sub_share = (sub_share + 1) % CURVE_ORDER
            ephemeral = PrivateKey(self._rng.bytes32())
            self._ephemeral[j] = bytes(ephemeral)
            sealed.append(seal_share(ephemeral, recipient.encryption_key, self.config.session, self.index, j, sub_share))
        del coefficients
        return Deal.create(self._keys.signing_key, self.config.session, self.index, commitments, tuple(sealed))

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
        self._responses.setdefault(message.responder - self.config.n_old, message)

    def _end_response_phase(self) -> None:
        super()._end_response_phase()
        deal = self._deal_sent
        if deal is None:
            return
        complainers = sorted(j for j, r in self._responses.items() if r.entries[self.index].status is not Status.OK)
        if not complainers:
            return
        reveals = tuple(
            Reveal(j, self._rng.bytes32() if self.fault is ReshareFault.BAD_JUSTIFICATION else self._ephemeral[j])
            for j in complainers
        )
        justification = Justification.create(self._keys.signing_key, self.config.session, self.index, deal, reveals)
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
            self._justifications.setdefault(message.dealer, message)

    def _on_response(self, response: Response) -> None:
        if self.phase not in (Phase.DEAL, Phase.RESPONSE):
            raise MalformedMessageError("late response")
        j = response.responder - self.config.n_old
        if j in self._responses:
            return
        if len(response.entries) != self.config.n_old:
            raise MalformedMessageError("response entry count differs from n_old")
        for dealer, echo in enumerate(response.entries):
            if echo.status is Status.MISSING:
                continue
            key = (dealer, echo.digest, echo.dealer_signature)
            if key not in self._echo_cache:
                verify_deal_echo(self.config.wire, dealer, echo.digest, echo.dealer_signature)
                self._echo_cache.add(key)
        self._responses[j] = response

    # --- checks ------------------------------------------------------------------------------

    def constant_term_problem(self, deal: Deal) -> tuple[Exclusion, str] | None:
        """Why a deal's ``C_0`` is unacceptable: it must be the dealer's old public share."""
        if deal.commitments[0] != self.config.old.public_share(deal.dealer + 1):
            return Exclusion.WRONG_CONSTANT_TERM, "C_0 is not the dealer's old public share"
        return None

    def _end_deal_phase(self) -> None:
        super()._end_deal_phase()
        me, session = self.index, self.config.session
        to_check: list[tuple[int, tuple[bytes, ...], int, int]] = []
        verdicts: dict[int, Status] = {}
        for dealer, deal in sorted(self._deals.items()):
            sound = commitments_valid(deal, self.config.recipients, self._backend) \
                and self.constant_term_problem(deal) is None
            sub_share = open_share(self._keys.encryption_key, deal.sealed_shares[me], session, dealer, me) \
                if sound else None
            if sub_share is None:
                verdicts[dealer] = Status.COMPLAINT
            else:
                to_check.append((dealer, deal.commitments, me + 1, sub_share))
        bad = find_bad_shares(to_check, self._backend)
        for dealer, _, _, sub_share in to_check:
            verdicts[dealer] = Status.COMPLAINT if dealer in bad else Status.OK
            if dealer not in bad:
                self._sub_shares[dealer] = sub_share
        entries = []
        for dealer in range(self.config.n_old):
            status = verdicts.get(dealer, Status.MISSING)
            if self.fault is ReshareFault.FALSE_COMPLAINT and status is Status.OK:
                status = Status.COMPLAINT
            received = self._deals.get(dealer)
            entries.append(Echo(status) if received is None else Echo(status, received.digest, received.signature))
        response = Response.create(self._keys.signing_key, session, self.author, tuple(entries))
        self._transport.broadcast(response.encode())

    # --- finishing ---------------------------------------------------------------------------

    def _finish(self) -> None:
        super()._finish()
        try:
            decision = decide(self.config.recipients, self._responses, self._justifications, self._backend,
                              dealers=self.config.n_old, check_deal=self.constant_term_problem)
            self.result = self._compute(decision)
        except DkgError as exc:
            self.error = exc
        if self._on_done is not None:
            self._on_done(self)

    def _agreed_deal(self, dealer: int, digest: bytes) -> Deal:
        for deal in (self._deals.get(dealer), getattr(self._justifications.get(dealer), "deal", None)):
            if isinstance(deal, Deal) and deal.digest == digest:
                return deal
        raise DkgFailedError(f"recipient {self.index} lacks dealer {dealer}'s agreed deal (synchrony assumption broken?)")

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
        if len(decision.qual) < t_old:
            raise DkgFailedError(
                f"only {len(decision.qual)} qualified old dealers, need at least t_old={t_old}; excluded: "
                + "; ".join(f"{i}: {why}" for i, why in sorted(decision.excluded.items()))
            )
        chosen = decision.qual[:t_old]  # every honest recipient picks the same S
        lambdas = lagrange_coefficients_at_zero([i + 1 for i in chosen])
        secret, deals = 0, []
        for dealer, lam in zip(chosen, lambdas, strict=True):
            deal = self._agreed_deal(dealer, decision.digests[dealer])
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
        public_shares = tuple(evaluate_commitments(aggregate, m, self._backend) for m in range(1, self.config.n_new + 1))
        if self._backend.public_key(secret) != public_shares[me]:
            raise DkgFailedError(f"recipient {me}'s share does not match its public share")
        return DkgResult(
            share=SecretShare(me + 1, secret),
            committee=Committee(width, aggregate[0], public_shares),
            qual=decision.qual,
            excluded=dict(sorted(decision.excluded.items())),
        )
