"""t-of-n threshold BLS: trusted-dealer key split, partial signatures, robust combination.

The group secret ``s`` is the constant term of a random polynomial ``f`` of degree ``t - 1`` over
Z_r. Oracle ``k`` (0-based) holds the share ``f(k + 1)``: share indices start at 1 because
``f(0)`` *is* the group secret. Each share signs like an ordinary BLS key; any ``t`` valid partial
signatures interpolate "in the exponent" to ``s * H(m)``, which is exactly the signature the group
key would have produced and which the contract verifies against the single group public key.

Everything takes a :class:`~ocr_client.crypto.backend.BLSBackend`, so the same code runs over the
fast and the reference backend.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from ocr_client.constants import CURVE_ORDER, REPORT_DST
from ocr_client.crypto.backend import BLSBackend
from ocr_client.crypto.encoding import G2_GENERATOR_NEG, G2_SIZE
from ocr_client.crypto.exceptions import ThresholdParameterError
from ocr_client.crypto.keys import check_secret_key
from ocr_client.errors import CryptoError, NotEnoughPartialsError

#: Largest committee: share indices must fit the contract's ``uint8`` signer index.
MAX_COMMITTEE_SIZE: Final[int] = 255
#: Bits of the random weights in batch verification; a bad batch passes with probability 2^-128.
BATCH_WEIGHT_BITS: Final[int] = 128

_SEED_DOMAIN: Final[bytes] = b"OCR-CLIENT-V1/threshold-deal"
_DUPLICATE: Final[str] = "duplicate of an earlier partial from the same share"

#: What :func:`deal` accepts as a source of randomness: ``None`` for the OS CSPRNG, a
#: :class:`random.Random` (e.g. ``random.Random(7)`` in tests), or an int/str/bytes seed that is
#: expanded with SHA-512 into the polynomial (reproducible, and exactly as secret as the seed).
RandomSource = random.Random | int | str | bytes | None


def check_committee_parameters(n: int, t: int) -> None:
    """Raise :class:`ThresholdParameterError` unless ``1 <= t <= n <= 255``."""
    for label, value in (("committee size n", n), ("threshold t", t)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ThresholdParameterError(f"{label} must be an int, got {type(value).__name__}")
    if not 1 <= n <= MAX_COMMITTEE_SIZE:
        raise ThresholdParameterError(f"committee size n must be in [1, {MAX_COMMITTEE_SIZE}], got {n}")
    if not 1 <= t <= n:
        raise ThresholdParameterError(f"threshold t must be in [1, n] = [1, {n}], got {t}")


def _check_index(index: int, what: str = "share index") -> int:
    if isinstance(index, bool) or not isinstance(index, int):
        raise ThresholdParameterError(f"{what} must be an int, got {type(index).__name__}")
    if not 1 <= index <= MAX_COMMITTEE_SIZE:
        raise ThresholdParameterError(
            f"{what} must be in [1, {MAX_COMMITTEE_SIZE}] (0 is the group secret's position), got {index}"
        )
    return index


@dataclass(frozen=True)
class SecretShare:
    """One oracle's share of the group secret: ``f(index)``. Kept out of ``repr`` on purpose."""

    index: int
    secret: int = field(repr=False)

    def __post_init__(self) -> None:
        _check_index(self.index)
        check_secret_key(self.secret)


@dataclass(frozen=True)
class Committee:
    """The public side of a dealing, the part that goes into configuration and on chain.

    ``public_shares[k]`` belongs to share index ``k + 1`` (oracle ``k``).
    """

    threshold: int
    group_public_key: bytes
    public_shares: tuple[bytes, ...]

    def __post_init__(self) -> None:
        check_committee_parameters(len(self.public_shares), self.threshold)
        for i, pk in enumerate((self.group_public_key, *self.public_shares)):
            if not isinstance(pk, bytes) or len(pk) != G2_SIZE:
                what = "group public key" if i == 0 else f"public share {i}"
                raise ThresholdParameterError(f"{what} must be {G2_SIZE} bytes (EIP-2537 G2)")

    @property
    def size(self) -> int:
        """Number of members n."""
        return len(self.public_shares)

    def public_share(self, index: int) -> bytes:
        """Public share for a 1-based share index."""
        _check_index(index)
        if index > self.size:
            raise ThresholdParameterError(f"share index {index} is beyond the committee size {self.size}")
        return self.public_shares[index - 1]


@dataclass(frozen=True)
class Dealing:
    """Output of :func:`deal`: the public :class:`Committee` and one secret share per member.

    The dealer should hand each share to its oracle and forget the rest; the group secret itself
    is not kept here at all.
    """

    committee: Committee
    secret_shares: tuple[SecretShare, ...] = field(repr=False)

    @property
    def threshold(self) -> int:
        return self.committee.threshold

    @property
    def group_public_key(self) -> bytes:
        return self.committee.group_public_key

    @property
    def public_shares(self) -> tuple[bytes, ...]:
        return self.committee.public_shares


@dataclass(frozen=True)
class PartialSignature:
    """A signature by one share over the report message: ``f(index) * H(m)`` (128 bytes G1)."""

    index: int
    signature: bytes


@dataclass(frozen=True)
class RejectedPartial:
    """A partial that :func:`combine` left out, and why (for logs and for blaming an oracle)."""

    index: int
    reason: str


@dataclass(frozen=True)
class CombinedSignature:
    """Result of :func:`combine`.

    ``signature`` is the group signature; ``signers`` are the ``t`` share indices interpolated (in
    input order); ``valid`` every index whose partial verified; ``rejected`` what was left out.
    """

    signature: bytes
    signers: tuple[int, ...]
    valid: tuple[int, ...]
    rejected: tuple[RejectedPartial, ...]

    @property
    def rejected_indices(self) -> tuple[int, ...]:
        return tuple(r.index for r in self.rejected)


# --- dealing -------------------------------------------------------------------------------------


class _SeededScalars:
    """Deterministic scalars in ``[1, r)`` from a seed: SHA-512 of domain, seed and a counter.

    64 bytes reduced mod a 255-bit r has bias below 2^-250. Using a hash rather than
    ``random.Random(seed)`` keeps the output as unpredictable as the seed, so a strong seed is also
    safe outside tests.
    """

    def __init__(self, seed: int | str | bytes, n: int, t: int) -> None:
        if isinstance(seed, int):
            raw = b"int:" + str(seed).encode()
        elif isinstance(seed, str):
            raw = b"str:" + seed.encode()
        else:
            raw = b"bytes:" + bytes(seed)
        self._prefix = (
            _SEED_DOMAIN + len(raw).to_bytes(4, "big") + raw + n.to_bytes(2, "big") + t.to_bytes(2, "big")
        )
        self._counter = 0

    def scalar(self) -> int:
        while True:
            digest = hashlib.sha512(self._prefix + self._counter.to_bytes(8, "big")).digest()
            self._counter += 1
            value = int.from_bytes(digest, "big") % CURVE_ORDER
            if value != 0:
                return value


def _scalar_source(rng_or_seed: RandomSource, n: int, t: int) -> _SeededScalars | random.Random:
    if rng_or_seed is None:
        return random.SystemRandom()
    if isinstance(rng_or_seed, random.Random):
        return rng_or_seed
    if isinstance(rng_or_seed, bool) or not isinstance(rng_or_seed, (int, str, bytes)):
        raise ThresholdParameterError(
            "rng_or_seed must be None, a random.Random, or an int/str/bytes seed;"
            f" got {type(rng_or_seed).__name__}"
        )
    return _SeededScalars(rng_or_seed, n, t)


def _next_scalar(source: _SeededScalars | random.Random) -> int:
    if isinstance(source, _SeededScalars):
        return source.scalar()
    return source.randrange(1, CURVE_ORDER)


def _evaluate(coefficients: Sequence[int], x: int) -> int:
    acc = 0
    for c in reversed(coefficients):
        acc = (acc * x + c) % CURVE_ORDER
    return acc


def deal(n: int, t: int, rng_or_seed: RandomSource, backend: BLSBackend) -> Dealing:
    """Split a fresh group key t-of-n as a trusted dealer would.

    All ``t`` polynomial coefficients are nonzero, so the polynomial has degree exactly ``t - 1``
    and no ``t - 1`` shares determine anything. In the (2^-250-likely) event that some share comes
    out zero, a new polynomial is drawn, keeping seeded dealings deterministic.
    """
    check_committee_parameters(n, t)
    source = _scalar_source(rng_or_seed, n, t)
    while True:
        coefficients = [_next_scalar(source) for _ in range(t)]
        secrets_ = [_evaluate(coefficients, i) for i in range(1, n + 1)]
        if all(secrets_):
            break
    shares = tuple(SecretShare(index=i, secret=s) for i, s in enumerate(secrets_, start=1))
    committee = Committee(
        threshold=t,
        group_public_key=backend.public_key(coefficients[0]),
        public_shares=tuple(backend.public_key(s) for s in secrets_),
    )
    return Dealing(committee=committee, secret_shares=shares)


# --- signing -------------------------------------------------------------------------------------


def partial_sign(
    share: SecretShare, message: bytes, backend: BLSBackend, dst: bytes = REPORT_DST
) -> PartialSignature:
    """Sign ``message`` with one share; the result carries the share index for :func:`combine`."""
    return PartialSignature(index=share.index, signature=backend.sign(share.secret, message, dst))


def verify_partial(
    public_share: bytes,
    message: bytes,
    partial: PartialSignature | bytes,
    backend: BLSBackend,
    dst: bytes = REPORT_DST,
) -> bool:
    """Check one partial against its member's public share (an ordinary BLS verification)."""
    signature = partial.signature if isinstance(partial, PartialSignature) else partial
    return backend.verify(public_share, message, signature, dst)


def lagrange_coefficients_at_zero(indices: Sequence[int]) -> list[int]:
    """``lambda_i = prod_{j != i} x_j / (x_j - x_i) mod r``, so that ``f(0) = sum lambda_i f(x_i)``.

    Indices must be distinct and nonzero: index 0 would be the secret itself and a repeated index
    makes a denominator zero.
    """
    xs = [_check_index(i) for i in indices]
    if len(set(xs)) != len(xs):
        duplicates = sorted({x for x in xs if xs.count(x) > 1})
        raise ThresholdParameterError(f"share indices must be distinct; repeated: {duplicates}")
    coefficients = []
    for i, xi in enumerate(xs):
        numerator = 1
        denominator = 1
        for j, xj in enumerate(xs):
            if i != j:
                numerator = numerator * xj % CURVE_ORDER
                denominator = denominator * (xj - xi) % CURVE_ORDER
        coefficients.append(numerator * pow(denominator, -1, CURVE_ORDER) % CURVE_ORDER)
    return coefficients


class _PartialChecker:
    """Finds the valid partials among many over one message with few pairing checks.

    A group of partials is checked at once with random weights ``w_i``:
    ``e(sum w_i sig_i, g2) == e(H(m), sum w_i pk_i)``. Valid partials always pass (so a valid
    partial is never rejected); if any partial in the group is wrong the check fails except with
    probability ``2^-BATCH_WEIGHT_BITS``. That bound needs the signatures to be in the prime-order
    subgroup, which :func:`combine` has checked, and weights the signers cannot predict, hence the
    OS CSPRNG. A failing group is split in halves recursively, and single partials are checked
    exactly (no weights), so one bad partial among n costs about ``2 log2 n`` checks instead of n;
    where bad partials turn out to be dense, it falls back to checking each one.
    """

    def __init__(
        self, public_shares: Sequence[bytes], message: bytes, backend: BLSBackend, dst: bytes
    ) -> None:
        self._public_shares = public_shares
        self._backend = backend
        self._h = backend.hash_to_g1(message, dst)

    def _check(self, group: Sequence[PartialSignature]) -> bool:
        if len(group) == 1:
            return self._backend.pairing_check(
                [(group[0].signature, G2_GENERATOR_NEG), (self._h, self._public_shares[group[0].index - 1])]
            )
        weights = [secrets.randbelow(2**BATCH_WEIGHT_BITS - 1) + 1 for _ in group]
        aggregate_sig = self._backend.g1_linear_combination([p.signature for p in group], weights)
        aggregate_pk = self._backend.g2_linear_combination(
            [self._public_shares[p.index - 1] for p in group], weights
        )
        return self._backend.pairing_check([(aggregate_sig, G2_GENERATOR_NEG), (self._h, aggregate_pk)])

    def valid(self, group: Sequence[PartialSignature], known_bad: bool = False) -> list[PartialSignature]:
        """The valid members of ``group``, in order.

        ``known_bad`` means earlier checks already showed that the group holds a bad partial (its
        parent failed and its sibling passed), so it is split without being checked as a whole.
        """
        if len(group) <= 1:
            return list(group) if group and self._check(group) else []
        if not known_bad and self._check(group):
            return list(group)
        middle = len(group) // 2
        left, right = group[:middle], group[middle:]
        if self._check(left):
            return [*left, *self.valid(right, known_bad=True)]
        if self._check(right):
            return [*self.valid(left, known_bad=True), *right]
        # Bad partials on both sides: they are dense here, and bisecting further would cost more
        # checks than verifying each one. This bounds the worst case at about n + 2 log2 n checks.
        return [p for p in group if self._check([p])]


def combine(
    partials: Sequence[PartialSignature],
    threshold: int,
    public_shares: Sequence[bytes],
    message: bytes,
    backend: BLSBackend,
    dst: bytes = REPORT_DST,
) -> CombinedSignature:
    """Combine partial signatures into the group signature, leaving out and naming bad ones.

    Every partial is checked against its member's public share before it is used, so one faulty
    or malicious oracle cannot spoil the report: a partial with an unknown index, malformed bytes,
    a wrong signature, or that repeats an earlier one is left out and listed in ``rejected``. The
    first ``threshold`` valid partials (in input order) are interpolated in the exponent.

    Checking is batched: all well-formed partials are verified with one randomised pairing check
    (about the cost of a single verification); if that fails, the batch is bisected to find the
    culprits (see :class:`_PartialChecker`). Raises :class:`NotEnoughPartialsError` when fewer
    than ``threshold`` partials are valid. The result is the group signature provided
    ``public_shares`` come from one consistent dealing; callers that cannot vouch for that should
    verify it against the group key.
    """
    check_committee_parameters(len(public_shares), threshold)
    rejected: list[RejectedPartial] = []
    candidates: list[PartialSignature] = []
    seen: set[tuple[int, bytes]] = set()
    for partial in partials:
        if not isinstance(partial, PartialSignature):
            raise TypeError(f"partials must be PartialSignature, got {type(partial).__name__}")
        index = partial.index
        if isinstance(index, bool) or not isinstance(index, int) or not 1 <= index <= len(public_shares):
            reason = f"unknown share index (committee has {len(public_shares)} members)"
            rejected.append(RejectedPartial(index, reason))
            continue
        raw = partial.signature
        key = (index, bytes(raw) if isinstance(raw, (bytes, bytearray, memoryview)) else b"")
        if key in seen:
            rejected.append(RejectedPartial(index, _DUPLICATE))
            continue
        try:
            backend.validate_g1(partial.signature)
        except CryptoError as exc:
            rejected.append(RejectedPartial(index, f"malformed signature: {exc}"))
            continue
        seen.add(key)
        candidates.append(
            partial if isinstance(partial.signature, bytes) else PartialSignature(index, key[1])
        )

    verified = _PartialChecker(public_shares, message, backend, dst).valid(candidates) if candidates else []
    # Candidates are pairwise distinct (exact repeats were rejected above), so a set works.
    verified_set = set(verified)
    for partial in candidates:
        if partial not in verified_set:
            reason = f"does not verify against public share {partial.index}"
            rejected.append(RejectedPartial(partial.index, reason))

    # Valid signatures are unique per share (BLS is deterministic and the encoding canonical), so
    # a second valid partial for an index can only be a byte-identical copy, already removed above.
    # Keep this guard anyway: interpolating one index twice would be silently wrong.
    valid: list[PartialSignature] = []
    used: set[int] = set()
    for partial in verified:
        if partial.index in used:
            rejected.append(RejectedPartial(partial.index, _DUPLICATE))
            continue
        used.add(partial.index)
        valid.append(partial)

    rejected_indices = tuple(r.index for r in rejected)
    if len(valid) < threshold:
        raise NotEnoughPartialsError(len(valid), threshold, rejected_indices)
    chosen = valid[:threshold]
    indices = [p.index for p in chosen]
    signature = backend.g1_linear_combination(
        [p.signature for p in chosen], lagrange_coefficients_at_zero(indices)
    )
    return CombinedSignature(
        signature=signature,
        signers=tuple(indices),
        valid=tuple(p.index for p in valid),
        rejected=tuple(rejected),
    )
