"""An oracle committee held in one process: threshold key shares plus one transmitter key each.

``create`` deals with a trusted dealer, which keeps nothing but the shares it hands out (tests,
demos, ``ocr keys new``); a committee from ``ocr_client.dkg`` (``ocr keys dkg``) has the same shape
with no dealer at all. Everything is derived from a seed when one is
given, so demos, tests and gas scenarios are reproducible.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from eth_account import Account
from eth_account.signers.local import LocalAccount

from ocr_client.constants import CURVE_ORDER
from ocr_client.crypto import BLSBackend, Dealing, SecretShare, deal, get_backend, partial_sign
from ocr_client.crypto.threshold import CombinedSignature, PartialSignature, combine
from ocr_client.report.config import OnchainConfig, check_committee


def default_f(n: int) -> int:
    """The largest f with 3f < n."""
    return (n - 1) // 3


def committee_f(n: int, t: int) -> int:
    """The largest f the contract accepts with this n and t: 3f < n and f+1 <= t <= n-f."""
    return min(t - 1, n - t, (n - 1) // 3)


def committee_shape(n: int, f: int | None, threshold: int | None) -> tuple[int, int]:
    """(f, t) with the defaults f = floor((n-1)/3) and t = f+1, checked against the contract's rules."""
    f = default_f(n) if f is None else f
    t = f + 1 if threshold is None else threshold
    check_committee(n, f, t)
    return f, t


def transmitter_key(seed: int | None, index: int) -> LocalAccount:
    """Oracle ``index``'s transmitter account: derived from ``seed``, or fresh when seed is None."""
    if seed is None:
        fresh: LocalAccount = Account.create()
        return fresh
    material = hashlib.sha256(f"ocr-client transmitter|{seed}|{index}".encode()).digest()
    # Reduced into [1, r) for BLS12-381's r, which is below secp256k1's order: always a valid key.
    key = int.from_bytes(material, "big") % (CURVE_ORDER - 1) + 1
    account: LocalAccount = Account.from_key(key.to_bytes(32, "big"))
    return account


@dataclass(frozen=True)
class LocalCommittee:
    """n oracles: oracle i holds share index i+1 and transmits from ``transmitters[i]``."""

    f: int
    dealing: Dealing
    transmitters: tuple[LocalAccount, ...] = field(repr=False)
    backend: BLSBackend = field(repr=False)

    @classmethod
    def create(
        cls,
        n: int,
        f: int | None = None,
        threshold: int | None = None,
        seed: int | None = 0,
        backend: BLSBackend | None = None,
    ) -> LocalCommittee:
        """Deal a t-of-n key (t defaults to f+1, f to floor((n-1)/3)); seed None means fresh randomness."""
        f, t = committee_shape(n, f, threshold)
        backend = backend or get_backend()
        rng_seed: int | bytes = secrets.token_bytes(32) if seed is None else seed
        dealing = deal(n, t, rng_seed, backend)
        transmitters = tuple(transmitter_key(seed, i) for i in range(n))
        return cls(f=f, dealing=dealing, transmitters=transmitters, backend=backend)

    @property
    def n(self) -> int:
        return self.dealing.committee.size

    @property
    def threshold(self) -> int:
        return self.dealing.threshold

    @property
    def group_public_key(self) -> bytes:
        return self.dealing.group_public_key

    def share(self, oracle: int) -> SecretShare:
        """Oracle ``oracle``'s secret share (share index oracle + 1)."""
        return self.dealing.secret_shares[oracle]

    def onchain_config(self, min_answer: int, max_answer: int) -> OnchainConfig:
        """The setConfig argument for this committee."""
        return OnchainConfig(
            f=self.f,
            threshold=self.threshold,
            group_public_key=self.group_public_key,
            public_shares=self.dealing.public_shares,
            transmitters=tuple(a.address for a in self.transmitters),
            min_answer=min_answer,
            max_answer=max_answer,
        )

    def partial(self, oracle: int, digest: bytes) -> PartialSignature:
        """Oracle ``oracle``'s partial signature over a signing digest."""
        return partial_sign(self.share(oracle), digest, self.backend)

    def combine(self, partials: Sequence[PartialSignature], digest: bytes) -> CombinedSignature:
        """Check each partial against its public share, drop bad ones, combine t of the rest."""
        return combine(partials, self.threshold, self.dealing.public_shares, digest, self.backend)

    def sign(self, digest: bytes, signers: Iterable[int] | None = None) -> CombinedSignature:
        """Partials from ``signers`` (default: the first t oracles), combined."""
        chosen = list(range(self.threshold)) if signers is None else list(signers)
        return self.combine([self.partial(i, digest) for i in chosen], digest)
