"""The per-oracle-submission baseline: every oracle sends its own answer, the last one closes the round.

This is the model Off-Chain Reporting replaced (Chainlink's FluxAggregator). ``PerOracleAggregator``
does the same storage and event work per submission as FluxAggregator, so the gas of one round
here, the SUM of its n ``submit`` receipts, is what that design costs per answer. The scenario
mirrors :mod:`ocr_client.local.scenario`: seeded oracle keys, fixed values, round 1 warms up (the
round records and oracle slots become nonzero), round 2 is measured. Round sizes are
min = max = n, so only the last submission of a round computes the median (the setting that makes
an n-oracle round cost least).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.types import TxReceipt

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.calldata import calldata_gas
from ocr_client.chain.deploy import deploy
from ocr_client.chain.transactions import send_transaction
from ocr_client.errors import ConfigError
from ocr_client.local.scenario import SEED, fixed_values

CONTRACT_NAME: Final[str] = "PerOracleAggregator"
SCHEME_NAME: Final[str] = "per-oracle"

#: Oracle indices are one byte on-chain. FluxAggregator stops at 77 oracles; this contract does not
#: need to: the closing submission at n = 255 reads and clears 255 slots, ~1.5 M gas, far below a block.
MAX_ORACLES: Final[int] = 255

#: Wei paid per submission: any nonzero amount exercises the same bookkeeping.
PAYMENT_WEI: Final[int] = 10**12
#: FluxAggregator requires funds for two rounds of payments to every oracle when configured.
RESERVE_ROUNDS: Final[int] = 2
#: Rounds the contract is funded for beyond the reserve: the warm-up and the measured round.
FUNDED_ROUNDS: Final[int] = RESERVE_ROUNDS + 2
#: Seconds after which an unanswered round may be superseded (Flux feeds use minutes to hours).
TIMEOUT_S: Final[int] = 3600
MIN_SUBMISSION: Final[int] = 1
MAX_SUBMISSION: Final[int] = 10**30
DECIMALS: Final[int] = 8
DESCRIPTION: Final[str] = "TEST / USD"

#: Each oracle pays for its own submissions: it is topped up to this balance when it has less
#: than ORACLE_MIN_BALANCE_WEI (a closing submission at n = 255 costs well under 0.01 ETH on anvil).
ORACLE_FUNDING_WEI: Final[int] = 10**17
ORACLE_MIN_BALANCE_WEI: Final[int] = 10**16
#: A plain value transfer to an externally owned account.
TRANSFER_GAS: Final[int] = 21_000

#: Round 1 warms the contract up; round 2 is measured.
WARM_UP_ROUND: Final[int] = 1
MEASURED_ROUND: Final[int] = 2


def oracle_account(index: int, seed: int = SEED) -> LocalAccount:
    """Oracle ``index``'s seeded key: the same address on every run, never one of anvil's dev accounts."""
    material = hashlib.sha256(f"ocr-client per-oracle baseline|{seed}|{index}".encode()).digest()
    account: LocalAccount = Account.from_key(material)
    return account


def median(values: Sequence[int]) -> int:
    """The contract's rule (FluxAggregator's): the middle value, or for an even count the mean of the
    two middle values rounded down."""
    if not values:
        raise ValueError("the median of no values is undefined")
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) // 2


@dataclass(frozen=True)
class Submission:
    """One oracle's submit() transaction as sent."""

    oracle: str
    value: int
    calldata: bytes
    gas_used: int


@dataclass(frozen=True)
class RoundResult:
    """Every submission of one round, in the order they were sent."""

    round_id: int
    submissions: tuple[Submission, ...]

    @property
    def gas_used(self) -> int:
        return sum(s.gas_used for s in self.submissions)

    @property
    def calldata_bytes(self) -> int:
        return sum(len(s.calldata) for s in self.submissions)

    @property
    def calldata_gas(self) -> int:
        return sum(calldata_gas(s.calldata) for s in self.submissions)


class PerOracleAggregator:
    """A deployed, funded and configured aggregator plus the n seeded oracles that submit to it."""

    def __init__(self, w3: Web3, contract: Contract, oracles: Sequence[LocalAccount], owner: LocalAccount) -> None:
        self.w3 = w3
        self.contract = contract
        self.oracles = tuple(oracles)
        self.owner = owner

    @classmethod
    def deploy(
        cls,
        w3: Web3,
        n: int,
        seed: int = SEED,
        owner: LocalAccount | None = None,
        min_submission: int = MIN_SUBMISSION,
        max_submission: int = MAX_SUBMISSION,
        payment_wei: int = PAYMENT_WEI,
    ) -> PerOracleAggregator:
        """Deploy, fund for FUNDED_ROUNDS rounds of payments, register n funded oracles (each its own
        admin) with min = max = n submissions per round and no restart delay."""
        if not 1 <= n <= MAX_ORACLES:
            raise ConfigError(f"per-oracle aggregator: n = {n} is outside 1..{MAX_ORACLES}")
        owner = owner or dev_account(0)
        contract = deploy(w3, owner, CONTRACT_NAME, payment_wei, TIMEOUT_S, min_submission, max_submission,
                          DECIMALS, DESCRIPTION)
        send_transaction(w3, owner, contract.address, b"", value=payment_wei * n * FUNDED_ROUNDS)
        oracles = [oracle_account(i, seed) for i in range(n)]
        fund_accounts(w3, owner, oracles)
        addresses = [o.address for o in oracles]
        aggregator = cls(w3, contract, oracles, owner)
        aggregator._transact(owner, contract.functions.changeOracles([], addresses, addresses, n, n, 0))
        return aggregator

    @property
    def address(self) -> str:
        return str(self.contract.address)

    def submit_calldata(self, round_id: int, value: int) -> bytes:
        """The submit(roundId, submission) calldata: selector and two ABI words."""
        return _encoded(self.contract.functions.submit(round_id, value))

    def submit(self, oracle: LocalAccount, round_id: int, value: int) -> TxReceipt:
        """Send one submission; a revert raises TransactionRevertedError with the decoded custom error."""
        return send_transaction(self.w3, oracle, self.address, self.submit_calldata(round_id, value))

    def run_round(self, round_id: int, values: Sequence[int]) -> RoundResult:
        """Oracle i submits values[i], in index order; the last one closes the round."""
        if len(values) != len(self.oracles):
            raise ConfigError(f"a round needs one value per oracle: {len(values)} values for {len(self.oracles)} oracles")
        sent = []
        for oracle, value in zip(self.oracles, values, strict=True):
            calldata = self.submit_calldata(round_id, value)
            receipt = send_transaction(self.w3, oracle, self.address, calldata)
            sent.append(Submission(oracle.address, value, calldata, int(receipt["gasUsed"])))
        return RoundResult(round_id, tuple(sent))

    def latest_answer(self) -> tuple[int, int]:
        """(roundId, answer) of the newest answered round."""
        round_id, answer, _, _, _ = self.contract.functions.latestRoundData().call()
        return int(round_id), int(answer)

    def _transact(self, sender: LocalAccount, fn: ContractFunction) -> TxReceipt:
        return send_transaction(self.w3, sender, self.address, _encoded(fn))


def _encoded(fn: ContractFunction) -> bytes:
    """Calldata of a bound web3 contract function."""
    data = fn._encode_transaction_data()
    return bytes.fromhex(str(data)[2:])


def fund_accounts(w3: Web3, funder: LocalAccount, accounts: Sequence[LocalAccount]) -> None:
    """Top each account up to ORACLE_FUNDING_WEI when it holds less than ORACLE_MIN_BALANCE_WEI."""
    for account in accounts:
        balance = int(w3.eth.get_balance(account.address))
        if balance < ORACLE_MIN_BALANCE_WEI:
            send_transaction(w3, funder, account.address, b"", gas=TRANSFER_GAS, value=ORACLE_FUNDING_WEI - balance)


def run_scenario(w3: Web3, n: int, seed: int = SEED) -> tuple[PerOracleAggregator, RoundResult]:
    """Fresh aggregator, round 1 as warm-up, round 2 returned (the steady state)."""
    aggregator = PerOracleAggregator.deploy(w3, n, seed)
    aggregator.run_round(WARM_UP_ROUND, fixed_values(n, WARM_UP_ROUND))
    return aggregator, aggregator.run_round(MEASURED_ROUND, fixed_values(n, MEASURED_ROUND))
