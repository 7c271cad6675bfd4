"""What calldata costs: an EVM pricing fact shared by the contract handles and the gas tooling."""

from __future__ import annotations

from typing import Final

#: EIP-2028 calldata prices (Prague still charges these for execution-heavy transactions).
CALLDATA_ZERO_GAS: Final[int] = 4
CALLDATA_NONZERO_GAS: Final[int] = 16


def calldata_gas(data: bytes) -> int:
    """What calldata bytes cost: 4 gas per zero byte, 16 per nonzero byte."""
    zeros = data.count(0)
    return CALLDATA_ZERO_GAS * zeros + CALLDATA_NONZERO_GAS * (len(data) - zeros)
