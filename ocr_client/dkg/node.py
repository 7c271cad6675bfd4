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
from enum import Enum

from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.public import PrivateKey

from ocr_client.constants import CURVE_ORDER
from ocr_client.crypto.backend import BLSBackend
from ocr_client.crypto.threshold import Committee, SecretShare
from ocr_client.dkg.errors import DkgError, DkgFailedError, MalformedMessageError
from ocr_client.dkg.feldman import aggregate_commitments, commit, evaluate, evaluate_commitments, find_bad_shares, random_polynomial
from ocr_client.dkg.messages import Deal, Echo, Justification, Response, Reveal, Status, decode, verify_deal_echo
from ocr_client.dkg.participants import DkgConfig, NodeKeys
from ocr_client.dkg.qual import Decision, commitments_valid, decide
from ocr_client.dkg.randomness import DkgRandom
from ocr_client.dkg.result import DkgResult
from ocr_client.dkg.sharebox import open_share, seal_share
from ocr_client.dkg.strategies import Strategy
from ocr_client.net.clock import Clock
from ocr_client.net.transport import Transport


class Phase(Enum):
    IDLE = "idle"
    DEAL = "deal"
    RESPONSE = "response"
    JUSTIFICATION = "justification"
    DONE = "done"


class DkgNode:
    """Node ``transport.index`` of a DKG; read :attr:`result` or :attr:`error` once :attr:`done`."""

    def __init__(self, config: DkgConfig, keys: NodeKeys, transport: Transport, clock: Clock, backend: BLSBackend,
                 rng: DkgRandom | None = None, strategy: Strategy | None = None,
                 on_done: Callable[[DkgNode], None] | None = None) -> None:
        if transport.n != config.n:
            raise DkgError(f"transport has {transport.n} nodes, the DKG {config.n}")
        self.config = config
        self.index = transport.index
        if keys.participant(self.index) != config.participants[self.index]:
            raise DkgError(f"node {self.index}'s keys are not the ones in the participant list")
        self._keys = keys
        self._transport = transport
        self._clock = clock
        self._backend = backend
        self._rng = rng or DkgRandom()
        self.strategy = strategy
        self._on_done = on_done
        self.phase = Phase.IDLE
        self.result: DkgResult | None = None
        self.error: DkgError | None = None
        self.rejected: dict[str, int] = {}  # reason -> count of dropped messages
        self._deals: dict[int, Deal] = {}
        self._shares: dict[int, int] = {}  # dealer -> my share, for deals that checked out
        self._responses: dict[int, Response] = {}
        self._justifications: dict[int, Justification] = {}
        self._echo_cache: set[tuple[int, bytes, bytes]] = set()
        self._my_deal: Deal | None = None
        self._ephemeral: dict[int, bytes] = {}
        transport.set_handler(self.handle)

    @property
    def done(self) -> bool:
        return self.phase is Phase.DONE

    # --- driving ---------------------------------------------------------------------------

    def start(self) -> None:
        """Deal now and schedule the three deadlines."""
        if self.phase is not Phase.IDLE:
            raise DkgError("a DKG node runs once")
        self.phase = Phase.DEAL
        p = self.config.phase_timeout
        self._clock.call_later(p, self._end_deal_phase)
        self._clock.call_later(2 * p, self._end_response_phase)
        self._clock.call_later(3 * p, self._finish)
        if self.strategy is not Strategy.SILENT:
            self._deal()

    def handle(self, sender: int, payload: bytes) -> None:
        """Transport callback: decode, authenticate, dispatch; drop (and count) anything wrong."""
        try:
            message = decode(payload, self.config)
            if isinstance(message, Deal):
                self._on_deal(sender, message)
            elif isinstance(message, Response):
                self._on_response(sender, message)
            else:
                self._on_justification(sender, message)
        except (MalformedMessageError, NaclCryptoError, ValueError) as exc:
            reason = str(exc).split(":", 1)[0]
            self.rejected[reason] = self.rejected.get(reason, 0) + 1

    # --- dealing ---------------------------------------------------------------------------

    def _build_deal(self, victim: int | None) -> Deal:
        """A signed deal of a fresh polynomial; ``victim`` (a misbehaviour) gets a wrong share."""
        t, me = self.config.threshold, self.index
        coefficients = random_polynomial(t, self._rng)
        commitments = commit(coefficients, self._backend)
        if self.strategy is Strategy.BAD_COMMITMENT:
            commitments = commit(random_polynomial(t, self._rng), self._backend)
        sealed = []
        for j, participant in enumerate(self.config.participants):
            share = evaluate(coefficients, j + 1)
            if j == victim:
                share = (share + 1) % CURVE_ORDER
            ephemeral = PrivateKey(self._rng.bytes32())
            self._ephemeral[j] = bytes(ephemeral)
            sealed.append(seal_share(ephemeral, participant.encryption_key, self.config.session, me, j, share))
        del coefficients  # the polynomial (and so a_0) is not kept past dealing
        return Deal.create(self._keys.signing_key, self.config.session, me, commitments, tuple(sealed))

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

    @staticmethod
    def _check_sender(sender: int, author: int) -> None:
        if sender != author:
            raise MalformedMessageError(f"sender mismatch: {sender} sent a message by {author}")

    def _on_deal(self, sender: int, deal: Deal) -> None:
        self._check_sender(sender, deal.dealer)
        if self.phase is not Phase.DEAL:
            raise MalformedMessageError("late deal")
        self._deals.setdefault(deal.dealer, deal)  # duplicates and second versions are ignored

    def _on_response(self, sender: int, response: Response) -> None:
        self._check_sender(sender, response.responder)
        if self.phase not in (Phase.DEAL, Phase.RESPONSE):
            raise MalformedMessageError("late response")
        if response.responder in self._responses:
            return
        if len(response.entries) != self.config.n:
            raise MalformedMessageError("response entry count differs from n")
        for dealer, echo in enumerate(response.entries):
            if echo.status is Status.MISSING:
                continue
            key = (dealer, echo.digest, echo.dealer_signature)
            if key not in self._echo_cache:
                verify_deal_echo(self.config, dealer, echo.digest, echo.dealer_signature)
                self._echo_cache.add(key)
        self._responses[response.responder] = response

    def _on_justification(self, sender: int, justification: Justification) -> None:
        self._check_sender(sender, justification.dealer)
        if self.phase is Phase.DONE:
            raise MalformedMessageError("late justification")
        self._justifications.setdefault(justification.dealer, justification)

    # --- deadlines ---------------------------------------------------------------------------

    def _end_deal_phase(self) -> None:
        self.phase = Phase.RESPONSE
        me, entries = self.index, []
        to_check: list[tuple[int, tuple[bytes, ...], int, int]] = []
        verdicts: dict[int, Status] = {}
        for dealer, deal in sorted(self._deals.items()):
            share = open_share(self._keys.encryption_key, deal.sealed_shares[me], self.config.session, dealer, me) \
                if commitments_valid(deal, self.config, self._backend) else None
            if share is None:
                verdicts[dealer] = Status.COMPLAINT
            else:
                to_check.append((dealer, deal.commitments, me + 1, share))
        bad = find_bad_shares(to_check, self._backend)
        for dealer, _, _, share in to_check:
            if dealer in bad:
                verdicts[dealer] = Status.COMPLAINT
            else:
                verdicts[dealer] = Status.OK
                self._shares[dealer] = share
        for dealer in range(self.config.n):
            status = verdicts.get(dealer, Status.MISSING)
            if self.strategy is Strategy.FALSE_COMPLAINT and dealer != me and status is Status.OK:
                status = Status.COMPLAINT
            received = self._deals.get(dealer)
            entries.append(Echo(status) if received is None else Echo(status, received.digest, received.signature))
        response = Response.create(self._keys.signing_key, self.config.session, me, tuple(entries))
        self._transport.broadcast(response.encode())

    def _end_response_phase(self) -> None:
        self.phase = Phase.JUSTIFICATION
        me, deal = self.index, self._my_deal
        if deal is None or self.strategy is Strategy.SILENT:
            return
        complainers = sorted(j for j, r in self._responses.items() if r.entries[me].status is not Status.OK)
        if not complainers:
            return
        reveals = tuple(
            Reveal(j, self._rng.bytes32() if self.strategy is Strategy.BAD_JUSTIFICATION else self._ephemeral[j])
            for j in complainers
        )
        justification = Justification.create(self._keys.signing_key, self.config.session, me, deal, reveals)
        self._transport.broadcast(justification.encode())

    def _finish(self) -> None:
        self.phase = Phase.DONE
        try:
            self.result = self._compute(decide(self.config, self._responses, self._justifications, self._backend))
        except DkgError as exc:
            self.error = exc
        self._ephemeral.clear()
        if self._on_done is not None:
            self._on_done(self)

    def _qual_deal(self, dealer: int, digest: bytes) -> Deal:
        for deal in (self._deals.get(dealer), getattr(self._justifications.get(dealer), "deal", None)):
            if isinstance(deal, Deal) and deal.digest == digest:
                return deal
        raise DkgFailedError(f"node {self.index} lacks dealer {dealer}'s agreed deal (synchrony assumption broken?)")

    def _compute(self, decision: Decision) -> DkgResult:
        t, n, me = self.config.threshold, self.config.n, self.index
        if len(decision.qual) < t:
            raise DkgFailedError(
                f"only {len(decision.qual)} qualified dealers, need at least t={t}; excluded: "
                + "; ".join(f"{i}: {why}" for i, why in sorted(decision.excluded.items()))
            )
        secret, commitments = 0, []
        for dealer in decision.qual:
            deal = self._qual_deal(dealer, decision.digests[dealer])
            share = decision.revealed.get((dealer, me))
            if share is None:
                if dealer not in self._shares or self._deals[dealer].digest != deal.digest:
                    raise DkgFailedError(f"node {me} has no verified share from qualified dealer {dealer}")
                share = self._shares[dealer]
            secret = (secret + share) % CURVE_ORDER
            commitments.append(deal.commitments)
        if secret == 0:
            raise DkgFailedError("the summed share is zero; run the DKG again")
        aggregate = aggregate_commitments(commitments, self._backend)
        public_shares = tuple(evaluate_commitments(aggregate, m, self._backend) for m in range(1, n + 1))
        if self._backend.public_key(secret) != public_shares[me]:
            raise DkgFailedError(f"node {me}'s share does not match its public share")
        return DkgResult(
            share=SecretShare(me + 1, secret),
            committee=Committee(t, aggregate[0], public_shares),
            qual=decision.qual,
            excluded=dict(sorted(decision.excluded.items())),
        )
