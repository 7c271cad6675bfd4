"""Where every random value of a DKG node comes from: the OS, or a seed for reproducible runs.

A seeded source hashes (domain, seed, node index, counter) with SHA-512 instead of using
``random.Random``, so a seeded run is exactly as secret as its seed: tests and demos are
repeatable, and a strong seed would still be safe.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Final

from ocr_client.constants import CURVE_ORDER

_DOMAIN: Final[bytes] = b"OCR-CLIENT-V1/dkg-randomness"


class DkgRandom:
    """Random bytes and nonzero scalars mod r; seeded (deterministic) or from the OS CSPRNG."""

    def __init__(self, seed: bytes | None = None) -> None:
        self._prefix = None if seed is None else _DOMAIN + len(seed).to_bytes(4, "big") + seed
        self._counter = 0

    @classmethod
    def derive(cls, seed: int | bytes | None, label: str) -> DkgRandom:
        """An independent stream for ``label`` (e.g. ``"node-3"``) under ``seed``; OS randomness if None."""
        if seed is None:
            return cls(None)
        raw = seed if isinstance(seed, bytes) else b"int:" + str(seed).encode()
        return cls(raw + b"|" + label.encode())

    @property
    def seeded(self) -> bool:
        return self._prefix is not None

    def _block(self) -> bytes:
        if self._prefix is None:
            return secrets.token_bytes(64)
        block = hashlib.sha512(self._prefix + self._counter.to_bytes(8, "big")).digest()
        self._counter += 1
        return block

    def bytes32(self) -> bytes:
        return self._block()[:32]

    def scalar(self) -> int:
        """Uniform in ``[1, r)``: 512 bits reduced mod the 255-bit r, bias below 2^-250."""
        while True:
            value = int.from_bytes(self._block(), "big") % CURVE_ORDER
            if value:
                return value
