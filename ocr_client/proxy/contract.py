"""A Python handle on one deployed AggregatorProxy (contracts/proxy): deploy, propose, confirm, read.

A proxy's round id is ``phase_id << 64 | aggregator_round_id``; :func:`proxy_round_id` and
:func:`split_round_id` convert, so scripts can name a past round of any phase.
"""

from __future__ import annotations

from typing import Any, Final

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt

from ocr_client.chain.compiler import artifact
from ocr_client.chain.deploy import deploy
from ocr_client.chain.transactions import call, send_transaction
from ocr_client.committee.contract import RoundData, checked_read
from ocr_client.errors import ChainError, ConfigError, TransactionRevertedError

PROXY_CONTRACT: Final[str] = "AggregatorProxy"
PHASE_OFFSET: Final[int] = 64
MAX_PHASE: Final[int] = 2**16 - 1
MAX_AGGREGATOR_ROUND: Final[int] = 2**64 - 1
#: The errors that mean "no such round" on a proxy read, from the proxy or from the phase's aggregator.
NO_ROUND_ERRORS: Final[frozenset[str]] = frozenset({"NoDataPresent", "AggregatorProxyUnknownPhase"})


def proxy_round_id(phase_id: int, aggregator_round_id: int) -> int:
    """The proxy's id of round ``aggregator_round_id`` of phase ``phase_id``."""
    if not 0 <= phase_id <= MAX_PHASE:
        raise ConfigError(f"phase id {phase_id} does not fit in uint16")
    if not 0 <= aggregator_round_id <= MAX_AGGREGATOR_ROUND:
        raise ConfigError(f"aggregator round id {aggregator_round_id} does not fit in uint64")
    return phase_id << PHASE_OFFSET | aggregator_round_id


def split_round_id(round_id: int) -> tuple[int, int]:
    """(phase id, aggregator round id) of a proxy round id."""
    return round_id >> PHASE_OFFSET & MAX_PHASE, round_id & MAX_AGGREGATOR_ROUND


class ProxyHandle:
    """One AggregatorProxy contract."""

    def __init__(self, w3: Web3, address: str) -> None:
        if not Web3.is_address(address):
            raise ChainError(f"{address!r} is not an Ethereum address")
        self.w3 = w3
        self.address = Web3.to_checksum_address(address)
        self.contract: Contract = w3.eth.contract(address=self.address, abi=artifact(PROXY_CONTRACT).abi)
        if not w3.eth.get_code(self.address):
            raise ChainError(f"no contract at {self.address} on chain {w3.eth.chain_id}")

    @classmethod
    def deploy(cls, w3: Web3, owner: LocalAccount, aggregator: str) -> ProxyHandle:
        """A proxy owned by ``owner`` whose phase 1 is ``aggregator``."""
        contract = deploy(w3, owner, PROXY_CONTRACT, Web3.to_checksum_address(aggregator), owner.address)
        return cls(w3, str(contract.address))

    # --- phase changes (owner) -------------------------------------------------------------

    def propose(self, owner: LocalAccount, aggregator: str) -> TxReceipt:
        """Propose ``aggregator`` as the next phase (readable via proposed_* until confirmed)."""
        return self._send(owner, "proposeAggregator", Web3.to_checksum_address(aggregator))

    def confirm(self, owner: LocalAccount, aggregator: str) -> TxReceipt:
        """Make the proposed ``aggregator`` current: it opens the next phase."""
        return self._send(owner, "confirmAggregator", Web3.to_checksum_address(aggregator))

    # --- phases ---------------------------------------------------------------------------

    def phase_id(self) -> int:
        return int(self._view("phaseId")[0])

    def aggregator(self) -> str:
        return Web3.to_checksum_address(self._view("aggregator")[0])

    def proposed_aggregator(self) -> str | None:
        address = Web3.to_checksum_address(self._view("proposedAggregator")[0])
        return None if int(address, 16) == 0 else address

    def phase_aggregator(self, phase_id: int) -> str | None:
        address = Web3.to_checksum_address(self._view("phaseAggregators", phase_id)[0])
        return None if int(address, 16) == 0 else address

    def owner(self) -> str:
        return Web3.to_checksum_address(self._view("owner")[0])

    # --- reading --------------------------------------------------------------------------

    def decimals(self) -> int:
        return int(self._view("decimals")[0])

    def description(self) -> str:
        return str(self._view("description")[0])

    def latest_round(self) -> RoundData | None:
        """The current aggregator's newest round (proxy round ids), None before its first report."""
        return self._round_or_none("latestRoundData")

    def round(self, round_id: int) -> RoundData | None:
        """A round of any phase by proxy round id, None if that phase or round does not exist."""
        return self._round_or_none("getRoundData", round_id)

    def proposed_latest_round(self) -> RoundData | None:
        """The proposed aggregator's newest round (its own ids); raises if nothing is proposed."""
        return self._round_or_none("proposedLatestRoundData")

    def read(self, max_age: int, now: int | None = None) -> RoundData:
        """The newest round if a consumer may use it (the rules of FeedReader.sol)."""
        return checked_read(self.w3, self.latest_round(), max_age, now)

    def _round_or_none(self, function: str, *args: Any) -> RoundData | None:
        try:
            return RoundData(*(int(v) for v in self._view(function, *args)))
        except TransactionRevertedError as exc:
            if exc.error_name in NO_ROUND_ERRORS:
                return None
            raise

    def _view(self, function: str, *args: Any) -> tuple[Any, ...]:
        fn = self.contract.get_function_by_name(function)(*args)
        raw = call(self.w3, self.address, self.address, bytes.fromhex(fn._encode_transaction_data()[2:]))
        return tuple(self.w3.codec.decode([o["type"] for o in fn.abi["outputs"]], raw))

    def _send(self, owner: LocalAccount, function: str, *args: Any) -> TxReceipt:
        data = self.contract.encode_abi(function, args=list(args))
        return send_transaction(self.w3, owner, self.address, bytes.fromhex(data[2:]))
