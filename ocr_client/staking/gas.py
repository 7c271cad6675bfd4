"""Fixed staking scenarios whose gas is deterministic, for .gas-snapshot (``ocr gas snapshot``).

A fresh anvil, seeded committees of 4, contracts deployed in a fixed order (so every address and
therefore every calldata byte repeats), the same reports and amounts each time.
"""

from __future__ import annotations

import functools
from typing import Final

from web3 import Web3
from web3.types import RPCEndpoint

from ocr_client.accountable.local import LocalAccountableFeed
from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.chain.rpc import connect
from ocr_client.local.feed import LocalFeed
from ocr_client.staking.contract import StakingParameters
from ocr_client.staking.local import LocalStaking

SEED: Final[int] = 2026
NODES: Final[int] = 4
#: The reporter / alerter account (anvil dev key 9): funded, never a committee member here.
REPORTER_INDEX: Final[int] = 9


def snapshot_name(case: str) -> str:
    return f"OracleStaking:{case}"


@functools.cache
def measure_snapshot_cases() -> dict[str, int]:
    """Stake, an equivocation proof in each mode, and a staleness alert, at n = 4; measured once per
    process (the scenarios are fixed and the compiled code cannot change under a running process)."""
    entries: dict[str, int] = {}
    reporter = dev_account(REPORTER_INDEX)
    params = StakingParameters()
    with Anvil() as anvil:
        w3 = connect(anvil.rpc_url)
        threshold = LocalStaking.deploy(LocalFeed.deploy(w3, n=NODES, seed=SEED), params, stake=0)
        member = threshold.members[0]
        threshold.token.approve(member, threshold.staking.address, params.minimum_stake)
        entries[snapshot_name("stake")] = int(threshold.staking.stake(member, params.minimum_stake)["gasUsed"])
        for other in threshold.members[1:]:
            threshold.staking.stake(other, params.minimum_stake)
        proof = threshold.staking.slash_equivocation(reporter, threshold.equivocation(1))
        entries[snapshot_name(f"slashEquivocation_threshold_n{NODES}")] = int(proof["gasUsed"])

        accountable_feed = LocalAccountableFeed.deploy(w3, n=NODES, seed=SEED)
        accountable = LocalStaking.deploy(accountable_feed, params)
        proof = accountable.staking.slash_equivocation(reporter, accountable.equivocation(1))
        entries[snapshot_name(f"slashEquivocation_accountable_n{NODES}")] = int(proof["gasUsed"])

        accountable_feed.push(3_000)
        anvil_increase_time(w3, params.staleness_threshold + 1)
        alert = accountable.staking.raise_alert(reporter)
        entries[snapshot_name(f"raiseAlert_n{NODES}")] = int(alert["gasUsed"])
    return entries


def anvil_increase_time(w3: Web3, seconds: int) -> None:
    """Move an anvil's clock forward and mine a block at the new time."""
    provider = w3.provider
    provider.make_request(RPCEndpoint("evm_increaseTime"), [seconds])
    provider.make_request(RPCEndpoint("evm_mine"), [])
