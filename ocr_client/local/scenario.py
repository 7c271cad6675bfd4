"""The fixed measurement scenario: seeded keys, fixed prices and timestamps.

Every gas figure (``.gas-snapshot``, ``ocr gas bench``, the baselines) is taken on this scenario so
that the same bytecode gives the same gas on any machine. Nothing here may depend on the clock:
anything that changes the calldata bytes changes calldata gas.
"""

from __future__ import annotations

from typing import Final

BASE_VALUE: Final[int] = 3000_00000000
SEED: Final[int] = 2026
TIMESTAMP: Final[int] = 1_750_000_000


def fixed_values(n: int, round_: int) -> list[int]:
    """n distinct, deterministic prices around BASE_VALUE (one cent apart per oracle)."""
    return [BASE_VALUE + round_ * 1_000_000 + i * 1_000_000 for i in range(n)]
