"""The two report-signing schemes as one oracle sees them (each holds only its own secret).

- :class:`ThresholdSigner`: a Shamir share of the group key; shares are Lagrange-combined into
  one group signature (the contract checks it against the group key).
- :class:`AccountableSigner`: the oracle's own key; signatures are summed and the signer set
  travels as a bitmap (the contract sums the named keys).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from ocr_client.accountable.keys import aggregate_signatures
from ocr_client.accountable.layout import bitmap_of, encode_accountable_calldata
from ocr_client.crypto.backend import BLSBackend
from ocr_client.crypto.threshold import Committee, PartialSignature, SecretShare, combine
from ocr_client.errors import CryptoError, NotEnoughPartialsError
from ocr_client.protocol.ports import Attestation
from ocr_client.report.layout import encode_transmit_calldata

THRESHOLD_MODE: Final[str] = "threshold"
ACCOUNTABLE_MODE: Final[str] = "accountable"


class ThresholdSigner:
    """Oracle ``share.index - 1`` of a t-of-n threshold committee."""

    mode = THRESHOLD_MODE

    def __init__(self, share: SecretShare, committee: Committee, backend: BLSBackend) -> None:
        self._share = share
        self.committee = committee
        self.backend = backend

    def share(self, digest: bytes) -> bytes:
        return self.backend.sign(self._share.secret, digest)

    def combine(self, shares: dict[int, bytes], digest: bytes) -> Attestation | None:
        partials = [PartialSignature(oracle + 1, share) for oracle, share in sorted(shares.items())]
        try:
            combined = combine(partials, self.committee.threshold, self.committee.public_shares, digest, self.backend)
        except NotEnoughPartialsError:
            return None
        return Attestation(combined.signature, tuple(i - 1 for i in combined.signers))

    def verify_share(self, oracle: int, share: bytes, digest: bytes) -> bool:
        if not 0 <= oracle < len(self.committee.public_shares):
            return False
        try:
            return self.backend.verify(self.committee.public_shares[oracle], digest, share)
        except CryptoError:
            return False

    def verify(self, digest: bytes, attestation: Attestation) -> bool:
        try:
            return self.backend.verify(self.committee.group_public_key, digest, attestation.signature)
        except CryptoError:
            return False

    def calldata(self, report: bytes, attestation: Attestation, transmitter_index: int) -> bytes:
        return encode_transmit_calldata(report, attestation.signature, transmitter_index)


class AccountableSigner:
    """Oracle ``index`` with its own key among ``public_keys``; at least ``threshold`` must sign."""

    mode = ACCOUNTABLE_MODE

    def __init__(self, index: int, secret_key: int, public_keys: Sequence[bytes], threshold: int,
                 backend: BLSBackend) -> None:
        self.index = index
        self._secret_key = secret_key
        self.public_keys = tuple(public_keys)
        self.threshold = threshold
        self.backend = backend
        self._verified: dict[tuple[bytes, int, bytes], bool] = {}

    def share(self, digest: bytes) -> bytes:
        return self.backend.sign(self._secret_key, digest)

    def _valid(self, oracle: int, share: bytes, digest: bytes) -> bool:
        key = (digest, oracle, share)
        if key not in self._verified:
            try:
                self._verified[key] = 0 <= oracle < len(self.public_keys) and self.backend.verify(
                    self.public_keys[oracle], digest, share)
            except CryptoError:
                self._verified[key] = False
        return self._verified[key]

    def verify_share(self, oracle: int, share: bytes, digest: bytes) -> bool:
        return self._valid(oracle, share, digest)

    def combine(self, shares: dict[int, bytes], digest: bytes) -> Attestation | None:
        good = sorted(o for o, s in shares.items() if self._valid(o, s, digest))
        if len(good) < self.threshold:
            return None
        signature = aggregate_signatures([shares[o] for o in good], self.backend)
        return Attestation(signature, tuple(good))

    def verify(self, digest: bytes, attestation: Attestation) -> bool:
        signers = attestation.signers
        if len(set(signers)) != len(signers) or len(signers) < self.threshold:
            return False
        if any(not 0 <= s < len(self.public_keys) for s in signers):
            return False
        key = self.backend.g2_linear_combination([self.public_keys[s] for s in signers], [1] * len(signers))
        try:
            return self.backend.verify(key, digest, attestation.signature)
        except CryptoError:
            return False

    def calldata(self, report: bytes, attestation: Attestation, transmitter_index: int) -> bytes:
        return encode_accountable_calldata(report, attestation.signature, bitmap_of(attestation.signers),
                                           transmitter_index)
