"""What one scheme's gas measurement reports; `ocr gas bench` prints and serialises these.

Field names are part of the CLI's stable JSON (`ocr gas bench --json`): keep them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Protocol

from web3 import Web3


@dataclass(frozen=True)
class BenchResult:
    """Steady-state gas of one scheme at one committee size.

    ``gas_per_report`` is everything one report (one round) costs on-chain: for schemes with one
    transmission it is that receipt's gasUsed; for per-oracle submission it is the sum over the n
    submissions of the round. ``verify_gas`` is the gas from loading the key to the pairing
    result, hash-to-curve included (None for schemes without a BLS verification).
    """

    scheme: str
    n: int
    f: int
    feeds: int
    observations: int
    signers: int | None
    calldata_bytes: int
    calldata_gas: int
    verify_gas: int | None
    gas_per_report: int
    gas_per_feed: int

    def to_json(self) -> dict[str, object]:
        return asdict(self)


class Scheme(Protocol):
    """A way of getting a report on-chain whose gas we can measure on a fresh chain."""

    name: str

    def supports(self, n: int, feeds: int) -> bool:
        """Whether this scheme can run an (n, feeds) scenario at all."""
        ...

    def measure(self, w3: Web3, n: int, feeds: int) -> BenchResult:
        """Deploy, warm up (round 1), then measure round 2 with fixed seeded inputs."""
        ...
