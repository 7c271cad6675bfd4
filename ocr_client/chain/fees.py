"""EIP-1559 fees: estimated from ``eth_feeHistory``, bumped for replacement, never above the cap.

Pure functions over small value types, so every rule here is tested without a chain:

* the tip is a percentile of what recent blocks' transactions paid (``eth_feeHistory``'s reward
  column), floored at an operator minimum;
* the max fee leaves room for the base fee to double (two full blocks at +12.5% each still fit),
  as Chainlink's and most wallets' estimators do;
* the cap is the lower of the operator's ``max_fee_per_gas`` and the per-report spending limit
  divided by the gas limit, so gas limit x max fee -- the most a transaction can ever cost -- stays
  within both;
* a bump is Chainlink's: +20%, at least +5 gwei, on both fields (nodes refuse a replacement that
  raises either by less than 10%), and never above the cap: when the cap leaves no room for a
  valid replacement, the bump is refused and the caller says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

GWEI: Final[int] = 10**9

#: Nodes (geth's txpool, anvil) accept a same-nonce replacement only if both fee fields rise by 10%.
REPLACEMENT_MIN_PERCENT: Final[int] = 10


@dataclass(frozen=True)
class FeeConfig:
    """The operator's fee policy for one transmitter key."""

    max_fee_per_gas: int = 100 * GWEI
    """Never offer more than this per gas (Chainlink's FeeCapDefault is 100 gwei)."""
    spend_limit_wei: int | None = None
    """Most one transaction (one report) may cost: gas limit x max fee stays at or below it."""
    priority_percentile: float = 50.0
    """Percentile of recent blocks' tips to offer (eth_feeHistory reward percentile)."""
    history_blocks: int = 10
    """How many recent blocks eth_feeHistory looks at."""
    min_priority_fee: int = 1 * GWEI
    """Floor of the tip: an idle chain reports zero tips, which validators may not include."""
    bump_percent: int = 20
    """Each bump raises both fee fields by this many percent..."""
    bump_min_wei: int = 5 * GWEI
    """...and by at least this much."""
    base_fee_headroom: int = 2
    """max fee = headroom x next base fee + tip: room for two full blocks of base-fee rises."""

    def cap(self, gas_limit: int) -> int:
        """The highest max fee per gas this policy allows for a transaction of ``gas_limit``."""
        cap = self.max_fee_per_gas
        if self.spend_limit_wei is not None and gas_limit > 0:
            cap = min(cap, self.spend_limit_wei // gas_limit)
        return cap


@dataclass(frozen=True)
class Fees:
    """The two EIP-1559 fee fields of one attempt, in wei per gas."""

    max_fee: int
    priority_fee: int

    def __str__(self) -> str:
        return f"max {self.max_fee / GWEI:.3f} gwei, tip {self.priority_fee / GWEI:.3f} gwei"


@dataclass(frozen=True)
class FeeHistory:
    """What eth_feeHistory says: the next block's base fee and the sampled tips of recent blocks."""

    next_base_fee: int
    rewards: tuple[int, ...]

    @classmethod
    def from_rpc(cls, result: dict[str, object]) -> FeeHistory:
        """Parse an ``eth_feeHistory`` result asked for one reward percentile."""
        bases = result.get("baseFeePerGas") or []
        rewards = result.get("reward") or []
        assert isinstance(bases, list) and isinstance(rewards, list)  # JSON arrays per the spec
        next_base = int(str(bases[-1]), 16) if bases else 0
        tips = tuple(int(str(row[0]), 16) for row in rewards if isinstance(row, list) and row)
        return cls(next_base_fee=next_base, rewards=tips)


def _median(values: tuple[int, ...]) -> int:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else 0


def estimate(history: FeeHistory, config: FeeConfig, gas_limit: int) -> Fees:
    """Fees for a first attempt, capped (the cap may sit below the base fee: see :func:`below_base_fee`)."""
    cap = config.cap(gas_limit)
    tip = max(config.min_priority_fee, _median(history.rewards))
    max_fee = config.base_fee_headroom * history.next_base_fee + tip
    max_fee = min(max_fee, cap)
    return Fees(max_fee=max_fee, priority_fee=min(tip, max_fee))


def below_base_fee(fees: Fees, history: FeeHistory) -> bool:
    """Whether an attempt at ``fees`` cannot be included in the next block at all."""
    return fees.max_fee < history.next_base_fee


def _raise(value: int, config: FeeConfig) -> int:
    return max(value * (100 + config.bump_percent) // 100, value + config.bump_min_wei)


def _replaces(new: int, old: int) -> bool:
    return new * 100 >= old * (100 + REPLACEMENT_MIN_PERCENT)


def bump(previous: Fees, fresh: Fees, config: FeeConfig, gas_limit: int) -> Fees | None:
    """The fees of a replacement for an attempt at ``previous``; None when the cap forbids one.

    The replacement pays at least the bumped previous fees and at least a fresh estimate (after a
    base-fee spike the fresh estimate is what gets the transaction in).
    """
    cap = config.cap(gas_limit)
    max_fee = min(max(_raise(previous.max_fee, config), fresh.max_fee), cap)
    tip = min(max(_raise(previous.priority_fee, config), fresh.priority_fee), max_fee)
    if not (_replaces(max_fee, previous.max_fee) and _replaces(tip, previous.priority_fee)):
        return None
    return Fees(max_fee=max_fee, priority_fee=tip)


def at_least(fees: Fees, floor: Fees) -> Fees:
    """Fees that also replace an attempt at ``floor`` (used when a nonce is handed to a new transaction)."""
    return Fees(max_fee=max(fees.max_fee, floor.max_fee), priority_fee=max(fees.priority_fee, floor.priority_fee))
