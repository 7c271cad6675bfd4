"""Python handles on OracleStaking and its ERC-20 token: deploy, stake, unbond, withdraw, slash.

Writes go through :func:`ocr_client.chain.transactions.send_transaction`, so a refused call raises
:class:`~ocr_client.errors.TransactionRevertedError` naming the contract's custom error and values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from eth_abi import encode as abi_encode
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt

from ocr_client.chain.compiler import artifact
from ocr_client.chain.deploy import deploy
from ocr_client.chain.transactions import call, send_transaction
from ocr_client.errors import ChainError
from ocr_client.report.config import CONFIG_TUPLE_TYPE
from ocr_client.staking.evidence import EquivocationEvidence

STAKING_CONTRACT: Final[str] = "OracleStaking"
TOKEN_CONTRACT: Final[str] = "TestStakeToken"
#: OracleStaking.Mode values.
MODES: Final[dict[str, int]] = {"threshold": 0, "accountable": 1}
REASON_EQUIVOCATION: Final[bytes] = b"equivocation".ljust(32, b"\0")
REASON_STALENESS: Final[bytes] = b"staleness".ljust(32, b"\0")


@dataclass(frozen=True)
class StakingParameters:
    """OracleStaking.Parameters: what the owner sets (token amounts in the token's base units)."""

    minimum_stake: int = 100 * 10**18
    unbonding_period: int = 7 * 24 * 3600
    equivocation_slash: int = 100 * 10**18
    alert_slash: int = 10 * 10**18
    staleness_threshold: int = 3600
    reporter_bps: int = 1_000
    """The reporter of a proven equivocation receives 10% of the slash by default."""
    alerter_bps: int = 500
    """The alerter receives 5% of an alert's total slash by default."""

    def as_tuple(self) -> tuple[int, ...]:
        return (self.minimum_stake, self.unbonding_period, self.equivocation_slash, self.alert_slash,
                self.staleness_threshold, self.reporter_bps, self.alerter_bps)


@dataclass(frozen=True)
class StakeStatus:
    """One account's stake as the contract holds it."""

    account: str
    active: int
    unbonding: int
    unlocks_at: int
    member: bool
    oracle: int | None

    def as_json(self) -> dict[str, Any]:
        return {"account": self.account, "active": str(self.active), "unbonding": str(self.unbonding),
                "unlocks_at": self.unlocks_at, "member": self.member, "oracle": self.oracle}


class _Handle:
    CONTRACT: str

    def __init__(self, w3: Web3, address: str) -> None:
        if not Web3.is_address(address):
            raise ChainError(f"{address!r} is not an Ethereum address")
        self.w3 = w3
        self.address = Web3.to_checksum_address(address)
        if not w3.eth.get_code(self.address):
            raise ChainError(f"no contract at {self.address} on chain {w3.eth.chain_id}")
        self.contract: Contract = w3.eth.contract(address=self.address, abi=artifact(self.CONTRACT).abi)

    def _send(self, account: LocalAccount, function: str, *args: Any, gas: int | None = None) -> TxReceipt:
        data = self.contract.encode_abi(function, args=list(args))
        return send_transaction(self.w3, account, self.address, bytes.fromhex(data[2:]), gas=gas)

    def _check(self, sender: str, function: str, *args: Any) -> None:
        """eth_call a write, so a refusal raises the decoded error before any gas is spent."""
        data = self.contract.encode_abi(function, args=list(args))
        call(self.w3, sender, self.address, bytes.fromhex(data[2:]))

    def _view(self, function: str, *args: Any) -> Any:
        fn = self.contract.get_function_by_name(function)(*args)
        raw = call(self.w3, self.address, self.address, bytes.fromhex(fn._encode_transaction_data()[2:]))
        values = self.w3.codec.decode([_abi_type(o) for o in fn.abi["outputs"]], raw)
        return values[0] if len(values) == 1 else values


def _abi_type(item: dict[str, Any]) -> str:
    kind = str(item["type"])
    if kind.startswith("tuple"):
        return f"({','.join(_abi_type(c) for c in item['components'])}){kind[5:]}"
    return kind


class StakeToken(_Handle):
    """The local test token (OpenZeppelin ERC20 with an open mint)."""

    CONTRACT = TOKEN_CONTRACT

    @classmethod
    def deploy(cls, w3: Web3, owner: LocalAccount, name: str = "Oracle Stake", symbol: str = "OST") -> StakeToken:
        return cls(w3, str(deploy(w3, owner, TOKEN_CONTRACT, name, symbol).address))

    def mint(self, account: LocalAccount, to: str, amount: int) -> TxReceipt:
        return self._send(account, "mint", Web3.to_checksum_address(to), amount)

    def approve(self, owner: LocalAccount, spender: str, amount: int) -> TxReceipt:
        return self._send(owner, "approve", Web3.to_checksum_address(spender), amount)

    def balance_of(self, account: str) -> int:
        return int(self._view("balanceOf", Web3.to_checksum_address(account)))

    def allowance(self, owner: str, spender: str) -> int:
        return int(self._view("allowance", Web3.to_checksum_address(owner), Web3.to_checksum_address(spender)))


class StakingContract(_Handle):
    """One OracleStaking contract, bound to one feed."""

    CONTRACT = STAKING_CONTRACT

    @classmethod
    def deploy(cls, w3: Web3, owner: LocalAccount, feed: str, mode: str, token: str,
               params: StakingParameters | None = None) -> StakingContract:
        if mode not in MODES:
            raise ChainError(f"unknown staking mode {mode!r}; choose one of {', '.join(MODES)}")
        contract = deploy(w3, owner, STAKING_CONTRACT, Web3.to_checksum_address(feed), MODES[mode],
                          Web3.to_checksum_address(token), owner.address, (params or StakingParameters()).as_tuple())
        return cls(w3, str(contract.address))

    # --- views ---

    def feed(self) -> str:
        return Web3.to_checksum_address(self._view("feed"))

    def mode(self) -> str:
        value = int(self._view("mode"))
        return next(name for name, v in MODES.items() if v == value)

    def token(self) -> StakeToken:
        return StakeToken(self.w3, str(self._view("token")))

    def parameters(self) -> StakingParameters:
        return StakingParameters(*(int(v) for v in self._view("parameters")))

    def status(self, account: str) -> StakeStatus:
        address = Web3.to_checksum_address(account)
        active, unbonding, unlocks_at = self._view("stakeOf", address)
        member, index = self._view("oracleIndexOf", address)
        return StakeStatus(address, int(active), int(unbonding), int(unlocks_at), bool(member),
                           int(index) if member else None)

    def slashable(self, account: str) -> int:
        return int(self._view("slashableOf", Web3.to_checksum_address(account)))

    def evidence_used(self, evidence_hash: bytes) -> bool:
        return bool(self._view("evidenceUsed", evidence_hash))

    def forfeited(self) -> int:
        return int(self._view("forfeited"))

    # --- staker actions ---

    def stake(self, account: LocalAccount, amount: int) -> TxReceipt:
        """Approve (if needed) and stake ``amount``."""
        token = self.token()
        if token.allowance(account.address, self.address) < amount:
            token.approve(account, self.address, amount)
        return self._send(account, "stake", amount)

    def request_unstake(self, account: LocalAccount, amount: int) -> TxReceipt:
        return self._send(account, "requestUnstake", amount)

    def withdraw(self, account: LocalAccount) -> TxReceipt:
        return self._send(account, "withdraw")

    # --- slashing ---

    def committee_proof(self) -> bytes:
        """Threshold mode: abi.encode(configCount, Config) of the feed's current configuration,
        read from its latest ConfigSet event. Accountable mode: empty."""
        if self.mode() == "accountable":
            return b""
        return current_config_proof(self.w3, self.feed())

    def slash_call(self, evidence: EquivocationEvidence) -> tuple[Any, bytes]:
        return evidence.as_tuple(), self.committee_proof()

    def check_slash(self, sender: str, evidence: EquivocationEvidence) -> None:
        """eth_call the proof: raises the contract's error (e.g. EvidenceAlreadyUsed) without sending."""
        self._check(sender, "slashEquivocation", *self.slash_call(evidence))

    def slash_equivocation(self, reporter: LocalAccount, evidence: EquivocationEvidence) -> TxReceipt:
        return self._send(reporter, "slashEquivocation", *self.slash_call(evidence))

    def raise_alert(self, alerter: LocalAccount) -> TxReceipt:
        return self._send(alerter, "raiseAlert")

    # --- owner ---

    def set_minimum_stake(self, owner: LocalAccount, amount: int) -> TxReceipt:
        return self._send(owner, "setMinimumStake", amount)

    def set_unbonding_period(self, owner: LocalAccount, seconds: int) -> TxReceipt:
        return self._send(owner, "setUnbondingPeriod", seconds)

    def set_equivocation_slash(self, owner: LocalAccount, amount: int) -> TxReceipt:
        return self._send(owner, "setEquivocationSlash", amount)

    def set_alert_parameters(self, owner: LocalAccount, amount: int, threshold: int) -> TxReceipt:
        return self._send(owner, "setAlertParameters", amount, threshold)

    def set_reward_shares(self, owner: LocalAccount, reporter_bps: int, alerter_bps: int) -> TxReceipt:
        return self._send(owner, "setRewardShares", reporter_bps, alerter_bps)

    # --- events ---

    def events(self, name: str, from_block: int = 0, to_block: int | str = "latest") -> list[dict[str, Any]]:
        """Decoded events ``name`` (Staked, Slashed, AlertRaised...) as plain dicts with the block."""
        logs = getattr(self.contract.events, name)().get_logs(from_block=from_block, to_block=to_block)
        return [{**dict(log["args"]), "blockNumber": int(log["blockNumber"])} for log in logs]


def current_config_proof(w3: Web3, feed: str) -> bytes:
    """abi.encode(uint64 configCount, IOCRFeed.Config) of an OCRFeed's current configuration, from
    the ConfigSet event that installed it: the feed keeps only the group key in state, but its
    config digest commits to every public share, so this proves oracle i's share on-chain."""
    contract = w3.eth.contract(address=Web3.to_checksum_address(feed), abi=artifact("OCRFeed").abi)
    count, block, _ = contract.functions.latestConfigDetails().call()
    if int(count) == 0:
        raise ChainError(f"feed {feed} has no configuration yet")
    logs = contract.events.ConfigSet().get_logs(from_block=int(block), to_block=int(block))
    matching = [log for log in logs if int(log["args"]["configCount"]) == int(count)]
    if not matching:
        raise ChainError(f"feed {feed}: no ConfigSet event for configuration {count} in block {block}")
    config = matching[-1]["args"]["config"]
    as_tuple = (int(config["f"]), int(config["threshold"]), bytes(config["groupPublicKey"]),
                [bytes(s) for s in config["publicShares"]], list(config["transmitters"]),
                int(config["minAnswer"]), int(config["maxAnswer"]))
    return abi_encode(["uint64", CONFIG_TUPLE_TYPE], [int(count), as_tuple])
