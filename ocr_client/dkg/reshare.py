"""Resharing an existing t_old-of-n_old group key to a new t_new-of-n_new committee.

Why: rotating a feed to new members normally means a fresh DKG and a new group key, which every
consumer that pinned the key must learn. Resharing keeps the group key: each old member i deals
its share s_i as the constant term of a fresh polynomial (Feldman-committed, so ``C_i0`` must equal
i's *old public share*), the new members check their sub-shares exactly as in the DKG (encrypted
share boxes, echoed signed digests, complaints, justifications, equivocation evidence; see
:mod:`ocr_client.dkg.reshare_node`), and combine the sub-shares of the t_old lowest qualified old
dealers S with Lagrange coefficients at zero: ``x_j = sum_{i in S} lambda_i(S) s_ij``. No one ever
holds the group secret, and the new public shares follow from the public commitments.

**What it trusts.** The group secret does not change, so any t_old *old* shares still sign for it
after the resharing: the old committee stays dangerous until its members erase their old shares,
and nothing in the protocol can enforce that. A fresh DKG (``ocr keys dkg`` without ``--reshare``)
does not need that trust and is the default; see ``docs/dkg.md``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ocr_client.crypto import get_backend
from ocr_client.crypto.backend import BLSBackend
from ocr_client.crypto.threshold import Committee, SecretShare
from ocr_client.dkg.errors import DkgError, DkgParameterError
from ocr_client.dkg.participants import DEFAULT_PHASE_TIMEOUT, NodeKeys
from ocr_client.dkg.randomness import DkgRandom
from ocr_client.dkg.reshare_config import ReshareConfig
from ocr_client.dkg.reshare_node import ReshareDealer, ReshareFault, ReshareRecipient, parse_fault
from ocr_client.dkg.result import DkgResult
from ocr_client.net.clock import SimClock
from ocr_client.net.simnet import LinkRules, SimNetwork

#: Dealer misbehaviours ``ocr keys dkg --reshare --fault`` offers (each gets the dealer excluded).
RESHARE_DEALER_FAULTS: tuple[str, ...] = tuple(f.value for f in ReshareFault if f is not ReshareFault.FALSE_COMPLAINT)


@dataclass
class SimulatedReshare:
    """A finished simulated resharing: old dealers, new recipients (results or errors), the network."""

    dealers: list[ReshareDealer]
    recipients: list[ReshareRecipient]
    network: SimNetwork
    config: ReshareConfig

    @property
    def results(self) -> list[DkgResult | None]:
        """Each new member's result: its new share and the new public committee (same group key)."""
        return [r.result for r in self.recipients]

    @property
    def errors(self) -> list[DkgError | None]:
        return [r.error for r in self.recipients]


def _check_old(old: Committee, old_shares: Sequence[SecretShare], backend: BLSBackend) -> None:
    if len(old_shares) != old.size:
        raise DkgParameterError(f"{len(old_shares)} old shares for an old committee of {old.size}")
    for i, share in enumerate(old_shares):
        if share.index != i + 1:
            raise DkgParameterError(f"old share {i} has index {share.index}, expected {i + 1}")
        if backend.public_key(share.secret) != old.public_share(i + 1):
            raise DkgParameterError(f"old share {i} does not match the old committee's public share")


def simulate_reshare(old: Committee, old_shares: Sequence[SecretShare], n_new: int, t_new: int, seed: int | None = 0,
                     faulty: Mapping[int, str] | None = None, faulty_recipients: Mapping[int, str] | None = None,
                     backend: BLSBackend | None = None, rules: LinkRules | None = None,
                     phase_timeout: float = DEFAULT_PHASE_TIMEOUT,
                     configure: Callable[[SimNetwork], None] | None = None) -> SimulatedReshare:
    """Reshare ``old`` (with every old member's share) to ``n_new`` new members with threshold ``t_new``.

    All old + new members run in this process on one :class:`SimNetwork` (old dealer i is node i,
    new member j is node n_old + j). ``faulty`` maps old dealer indices to a
    :class:`~ocr_client.dkg.reshare_node.ReshareFault` name, ``faulty_recipients`` new member
    indices to ``"false-complaint"``. With a seed every key and polynomial is derived from it.
    """
    backend = backend or get_backend()
    _check_old(old, old_shares, backend)
    dealer_faults = {i: parse_fault(s) for i, s in (faulty or {}).items()}
    recipient_faults = {j: parse_fault(s) for j, s in (faulty_recipients or {}).items()}
    if any(not 0 <= i < old.size for i in dealer_faults):
        raise DkgParameterError(f"faulty dealer indices must be in [0, {old.size})")
    if any(not 0 <= j < n_new for j in recipient_faults):
        raise DkgParameterError(f"faulty new member indices must be in [0, {n_new})")
    dealer_keys = [NodeKeys.generate(DkgRandom.derive(seed, f"reshare-dealer-{i}")) for i in range(old.size)]
    new_keys = [NodeKeys.generate(DkgRandom.derive(seed, f"reshare-member-{j}")) for j in range(n_new)]
    nonce = secrets.token_bytes(16) if seed is None else DkgRandom.derive(seed, "reshare-session").bytes32()
    config = ReshareConfig.create(old, [k.participant(i) for i, k in enumerate(dealer_keys)],
                                  [k.participant(j) for j, k in enumerate(new_keys)], t_new, nonce, phase_timeout)
    clock = SimClock()
    net_seed = secrets.randbits(64) if seed is None else int.from_bytes(
        DkgRandom.derive(seed, "reshare-network").bytes32()[:8])
    network = SimNetwork(config.wire.n, clock, seed=net_seed, rules=rules)
    dealers = [
        ReshareDealer(config, i, old_shares[i], dealer_keys[i], network.endpoint(i), clock, backend,
                      DkgRandom.derive(seed, f"reshare-dealer-rng-{i}"), dealer_faults.get(i))
        for i in range(old.size)
    ]
    recipients = [
        ReshareRecipient(config, j, new_keys[j], network.endpoint(config.recipient_author(j)), clock, backend,
                         recipient_faults.get(j))
        for j in range(n_new)
    ]
    if configure is not None:
        configure(network)
    for node in (*dealers, *recipients):
        node.start()
    clock.run_until(4 * phase_timeout, stop=lambda: all(r.done for r in recipients) and all(d.done for d in dealers))
    return SimulatedReshare(dealers, recipients, network, config)


def run_simulated_reshare(old: Committee, old_shares: Sequence[SecretShare], n_new: int, t_new: int,
                          seed: int | None = 0, faulty: Mapping[int, str] | None = None,
                          backend: BLSBackend | None = None) -> list[DkgResult | None]:
    """Each new member's :class:`DkgResult` (None where it failed; see :func:`simulate_reshare`)."""
    return simulate_reshare(old, old_shares, n_new, t_new, seed, faulty, backend=backend).results


__all__ = [
    "RESHARE_DEALER_FAULTS",
    "ReshareConfig",
    "ReshareDealer",
    "ReshareFault",
    "ReshareRecipient",
    "SimulatedReshare",
    "run_simulated_reshare",
    "simulate_reshare",
]
