"""Per-oracle BLS keys for accountable mode: proofs of possession and an n-key committee.

Each oracle generates its own secret key; nobody deals. Because the contract adds up the public
keys of whoever signed, a key must come with a proof of possession (the key's own 256 bytes signed
under :data:`POP_DST`, a DST no report uses); otherwise an attacker could register
``pk_attacker - sum(other keys)`` and forge "everyone signed" alone (the rogue-key attack).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

from eth_account.signers.local import LocalAccount

from ocr_client.accountable.config import AccountableConfig
from ocr_client.accountable.layout import bitmap_of
from ocr_client.committee.local import committee_shape, transmitter_key
from ocr_client.constants import CURVE_ORDER
from ocr_client.crypto import BLSBackend, get_backend
from ocr_client.crypto.threshold import CombinedSignature, PartialSignature
from ocr_client.errors import ConfigError

#: DST of proofs of possession (same bytes as AccountableFeed.POP_DST), distinct from REPORT_DST.
POP_DST: Final[bytes] = b"OCR-CLIENT-V1_BLS_POP_BLS12381G1_XMD:SHA-256_SSWU_RO_POP_"


def pop_prove(sk: int, backend: BLSBackend | None = None) -> bytes:
    """The proof of possession of ``sk``: its public key's 256 bytes signed under POP_DST."""
    backend = backend or get_backend()
    return backend.sign(sk, backend.public_key(sk), dst=POP_DST)


def pop_verify(public_key: bytes, proof: bytes, backend: BLSBackend | None = None) -> bool:
    """Whether ``proof`` proves possession of ``public_key``."""
    backend = backend or get_backend()
    return backend.verify(public_key, public_key, proof, dst=POP_DST)


def aggregate_signatures(signatures: Sequence[bytes], backend: BLSBackend | None = None) -> bytes:
    """The sum of G1 signatures (a linear combination with every scalar 1)."""
    if not signatures:
        raise ConfigError("cannot aggregate zero signatures")
    backend = backend or get_backend()
    return backend.g1_linear_combination(list(signatures), [1] * len(signatures))


def _secret_key(seed: int, index: int) -> int:
    material = hashlib.sha256(f"ocr-client accountable key|{seed}|{index}".encode()).digest()
    return int.from_bytes(material, "big") % (CURVE_ORDER - 1) + 1


@dataclass(frozen=True)
class AccountableCommittee:
    """n oracles, oracle i with its own secret key ``secret_keys[i]``, its key's proof of possession
    and transmitter i. No shared secret exists: a report's signature is the sum of its signers'."""

    f: int
    threshold: int
    secret_keys: tuple[int, ...] = field(repr=False)
    public_keys: tuple[bytes, ...]
    proofs: tuple[bytes, ...]
    transmitters: tuple[LocalAccount, ...] = field(repr=False)
    backend: BLSBackend = field(repr=False)

    @property
    def group_public_key(self) -> bytes:
        """The sum of all n keys, as AccountableFeed.groupPublicKey reports it (informational)."""
        return self.backend.g2_linear_combination(list(self.public_keys), [1] * len(self.public_keys))

    @classmethod
    def create(
        cls,
        n: int,
        f: int | None = None,
        threshold: int | None = None,
        seed: int | None = 0,
        backend: BLSBackend | None = None,
    ) -> AccountableCommittee:
        """n independent keys (seeded, or fresh when seed is None), each with its proof of possession."""
        f, t = committee_shape(n, f, threshold)
        backend = backend or get_backend()
        sks = tuple(
            secrets.randbelow(CURVE_ORDER - 1) + 1 if seed is None else _secret_key(seed, i) for i in range(n)
        )
        return cls.from_secret_keys(sks, f, t, seed, backend)

    @classmethod
    def from_secret_keys(cls, secret_keys: Sequence[int], f: int, threshold: int, seed: int | None = 0,
                         backend: BLSBackend | None = None) -> AccountableCommittee:
        """A committee from given secret keys (tests use it to plant malicious ones)."""
        backend = backend or get_backend()
        pks = tuple(backend.public_key(sk) for sk in secret_keys)
        proofs = tuple(pop_prove(sk, backend) for sk in secret_keys)
        transmitters = tuple(transmitter_key(seed, i) for i in range(len(secret_keys)))
        return cls(f=f, threshold=threshold, secret_keys=tuple(secret_keys), public_keys=pks, proofs=proofs,
                   transmitters=transmitters, backend=backend)

    @property
    def n(self) -> int:
        return len(self.public_keys)

    def partial(self, oracle: int, digest: bytes) -> PartialSignature:
        """Oracle ``oracle``'s own signature over a signing digest (index = oracle + 1)."""
        return PartialSignature(index=oracle + 1, signature=self.backend.sign(self.secret_keys[oracle], digest))

    def combine(self, partials: Sequence[PartialSignature], digest: bytes) -> CombinedSignature:
        """Check each signature against its oracle's key, drop bad ones, sum the rest."""
        good = [p for p in partials if self.backend.verify(self.public_keys[p.index - 1], digest, p.signature)]
        if len(good) < self.threshold:
            raise ConfigError(f"only {len(good)} valid signatures, {self.threshold} needed")
        signature = aggregate_signatures([p.signature for p in good], self.backend)
        indices = tuple(p.index for p in good)
        return CombinedSignature(signature=signature, signers=indices, valid=indices, rejected=())

    def sign(self, digest: bytes, signers: Iterable[int] | None = None) -> CombinedSignature:
        """Signatures of ``signers`` (default: the first t oracles) over ``digest``, aggregated.

        Every chosen signature is included (not only t), so the bitmap may name more than t."""
        chosen = list(range(self.threshold)) if signers is None else list(signers)
        sigs = [self.backend.sign(self.secret_keys[i], digest) for i in chosen]
        signature = aggregate_signatures(sigs, self.backend)
        indices = tuple(i + 1 for i in chosen)
        return CombinedSignature(signature=signature, signers=indices, valid=indices, rejected=())

    def aggregate_key(self, signers: Iterable[int]) -> bytes:
        """The sum of the named oracles' keys (what the contract checks the signature against)."""
        chosen = list(signers)
        return self.backend.g2_linear_combination([self.public_keys[i] for i in chosen], [1] * len(chosen))

    def bitmap(self, signers: Iterable[int]) -> int:
        return bitmap_of(signers)

    def accountable_config(self, min_answer: int, max_answer: int) -> AccountableConfig:
        """The AccountableFeed.setConfig argument for this committee."""
        return AccountableConfig(
            f=self.f, threshold=self.threshold, public_keys=self.public_keys, proofs=self.proofs,
            transmitters=tuple(a.address for a in self.transmitters), min_answer=min_answer, max_answer=max_answer,
        )
