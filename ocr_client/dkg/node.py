"""One DKG participant: a state machine driven by its transport's messages and its clock's timers.

Timeline, from :meth:`DkgNode.start` at time T0 with phase length P:

* T0: deal. Broadcast a signed DEAL (commitments + one sealed share per node).
* T0 + P: respond. Check every deal received; broadcast a signed RESPONSE echoing each dealer's
  signed digest with a verdict (OK, COMPLAINT, MISSING). Later deals are ignored.
* T0 + 2P: justify. A dealer with complaints broadcasts a JUSTIFICATION revealing the complained-about
  shares. Later responses are ignored.
* T0 + 3P: finish. Decide QUAL from the responses and justifications (:mod:`ocr_client.dkg.qual`) and
  add up the shares of QUAL. Later justifications are ignored.

Nothing blocks and nothing sleeps; a peer's malformed message is counted and dropped, never raised.
"""

from __future__ import annotations

from collections.abc import Callable

from ocr_client.constants import CURVE_ORDER
from ocr_client.crypto.backend import BLSBackend
from ocr_client.dkg import steps
from ocr_client.dkg.errors import DkgError, DkgFailedError, MalformedMessageError
from ocr_client.dkg.feldman import aggregate_commitments, commit, random_polynomial
from ocr_client.dkg.messages import Deal, Justification, Message, Response
from ocr_client.dkg.participants import DkgConfig, NodeKeys
from ocr_client.dkg.phases import Phase, PhasedNode
from ocr_client.dkg.qual import Decision, decide
from ocr_client.dkg.randomness import DkgRandom
from ocr_client.dkg.result import DkgResult
from ocr_client.dkg.strategies import Strategy
from ocr_client.net.clock import Clock
from ocr_client.net.transport import Transport

__all__ = ["DkgNode", "Phase"]  # Phase lives in ocr_client.dkg.phases; re-exported for old imports


class DkgNode(PhasedNode):
    """Node ``transport.index`` of a DKG; read :attr:`result` or :attr:`error` once :attr:`done`.

    The deadlines and the message intake are :class:`~ocr_client.dkg.phases.PhasedNode`'s; this
    class deals, judges deals, justifies and adds up the qualified shares.
    """

    def __init__(self, config: DkgConfig, keys: NodeKeys, transport: Transport, clock: Clock, backend: BLSBackend,
                 rng: DkgRandom | None = None, strategy: Strategy | None = None,
                 on_done: Callable[[DkgNode], None] | None = None) -> None:
        if transport.n != config.n:
            raise DkgError(f"transport has {transport.n} nodes, the DKG {config.n}")
        super().__init__(config, transport.index, keys, transport, clock, backend)
        self.config = config
        self.index = transport.index
        self._rng = rng or DkgRandom()
        self.strategy = strategy
        self._on_done = on_done
        self.result: DkgResult | None = None
        self.error: DkgError | None = None
        self._deals: dict[int, Deal] = {}
        self._shares: dict[int, int] = {}  # dealer -> my share, for deals that checked out
        self._responses: dict[int, Response] = {}
        self._justifications: dict[int, Justification] = {}
        # a second, different signed version from the same author (proof of equivocation)
        self._other_responses: dict[int, Response] = {}
        self._other_justifications: dict[int, Justification] = {}
        self._echo_cache: set[tuple[int, bytes, bytes]] = set()
        self._my_deal: Deal | None = None
        self._ephemeral: dict[int, bytes] = {}

    # --- dealing ---------------------------------------------------------------------------

    def _begin(self) -> None:
        if self.strategy is not Strategy.SILENT:
            self._deal()

    def _build_deal(self, victim: int | None) -> Deal:
        """A signed deal of a fresh polynomial; ``victim`` (a misbehaviour) gets a wrong share."""
        t = self.config.threshold
        coefficients = random_polynomial(t, self._rng)
        commitments = commit(coefficients, self._backend)
        if self.strategy is Strategy.BAD_COMMITMENT:
            commitments = commit(random_polynomial(t, self._rng), self._backend)
        # the polynomial (and so a_0) is not kept past dealing: nothing holds it once this returns
        return steps.seal_deal(self._keys, self.config.session, self.index, coefficients, commitments,
                               self.config.participants, self._rng, self._ephemeral, victim)

    def _deal(self) -> None:
        n, me = self.config.n, self.index
        victim = (me + 1) % n if self.strategy in (Strategy.BAD_SHARE, Strategy.BAD_JUSTIFICATION) and n > 1 else None
        deal = self._my_deal = self._build_deal(victim)
        if self.strategy is Strategy.EQUIVOCATE and n > 1:
            ephemeral = dict(self._ephemeral)
            other = self._build_deal(None)
            self._ephemeral = ephemeral
            for j in range(n):
                self._transport.send(j, (deal if j < (n + 1) // 2 else other).encode())
            return
        self._transport.broadcast(deal.encode())

    # --- receiving ---------------------------------------------------------------------------

    def _on_message(self, message: Message) -> None:
        if isinstance(message, Deal):
            self._on_deal(message)
        elif isinstance(message, Response):
            self._on_response(message)
        else:
            self._on_justification(message)

    def _on_deal(self, deal: Deal) -> None:
        if self.phase is not Phase.DEAL:
            raise MalformedMessageError("late deal")
        self._deals.setdefault(deal.dealer, deal)  # duplicates and second versions are ignored

    def _on_response(self, response: Response) -> None:
        if self.phase not in (Phase.DEAL, Phase.RESPONSE):
            raise MalformedMessageError("late response")
        if len(response.entries) != self.config.n:
            raise MalformedMessageError("response entry count differs from n")
        steps.verify_echoes(self.config, response.entries, self._echo_cache)
        steps.keep_version(self._responses, self._other_responses, response.responder, response)

    def _on_justification(self, justification: Justification) -> None:
        if self.phase is Phase.DONE:
            raise MalformedMessageError("late justification")
        steps.keep_version(self._justifications, self._other_justifications, justification.dealer, justification)

    # --- deadlines ---------------------------------------------------------------------------

    def _end_deal_phase(self) -> None:
        super()._end_deal_phase()
        me, session = self.index, self.config.session
        verdicts, shares = steps.check_deals(self._deals, me, self._keys, session, self.config, self._backend)
        self._shares.update(shares)
        lying = self.strategy is Strategy.FALSE_COMPLAINT
        response = steps.make_response(self._keys, session, me, self.config.n, self._deals, verdicts,
                                       lambda dealer: lying and dealer != me)
        if self.strategy is Strategy.EQUIVOCATE_RESPONSE and self.config.n > 1:
            # complain about dealer (me + 1) mod n to the half of the committee without that dealer
            # (so, unrelayed, it would not know to justify), all OK to the other half
            target = (me + 1) % self.config.n
            complaint = steps.make_response(self._keys, session, me, self.config.n, self._deals, verdicts,
                                            lambda dealer: dealer == target)
            half = (self.config.n + 1) // 2
            for j in range(self.config.n):
                self._transport.send(j, (complaint if (j < half) != (target < half) else response).encode())
            return
        self._transport.broadcast(response.encode())

    def _end_response_phase(self) -> None:
        super()._end_response_phase()
        deal = self._my_deal
        if deal is None or self.strategy is Strategy.SILENT:
            return
        justification = steps.make_justification(self._keys, self.config.session, self.index, deal, self._responses,
                                                 self._ephemeral, self._rng, self.strategy is Strategy.BAD_JUSTIFICATION,
                                                 self._other_responses)
        if justification is None:
            return
        if self.strategy is Strategy.EQUIVOCATE_JUSTIFICATION and self.config.n > 1:
            # a second justification of the same deal with different reveals, to the other half
            other = Justification.create(self._keys.signing_key, self.config.session, self.index, deal,
                                         justification.reveals[:-1])
            half = (self.config.n + 1) // 2
            for j in range(self.config.n):
                self._transport.send(j, (justification if j < half else other).encode())
            return
        self._transport.broadcast(justification.encode())

    def _finish(self) -> None:
        super()._finish()
        try:
            self.result = self._compute(decide(self.config, self._responses, self._justifications, self._backend,
                                               other_responses=self._other_responses,
                                               other_justifications=self._other_justifications))
        except DkgError as exc:
            self.error = exc
        self._ephemeral.clear()
        if self._on_done is not None:
            self._on_done(self)

    def _compute(self, decision: Decision) -> DkgResult:
        t, n, me = self.config.threshold, self.config.n, self.index
        steps.require_qualified(decision, t)
        secret, commitments = 0, []
        for dealer in decision.qual:
            deal = steps.agreed_deal(self._deals, self._justifications, dealer, decision.digests[dealer], f"node {me}")
            share = decision.revealed.get((dealer, me))
            if share is None:
                if dealer not in self._shares or self._deals[dealer].digest != deal.digest:
                    raise DkgFailedError(f"node {me} has no verified share from qualified dealer {dealer}")
                share = self._shares[dealer]
            secret = (secret + share) % CURVE_ORDER
            commitments.append(deal.commitments)
        if secret == 0:
            raise DkgFailedError("the summed share is zero; run the DKG again")
        return steps.share_result(secret, t, aggregate_commitments(commitments, self._backend), n, me, decision, self._backend)
