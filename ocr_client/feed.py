"""A Python handle on one deployed OCRFeed: deploy, configure, transmit, read.

Everything here works the same against a managed anvil or any RPC; the caller brings the Web3
and the accounts. Writes go through :func:`ocr_client.chain.transactions.send_transaction`, so a
revert surfaces as :class:`TransactionRevertedError` naming the contract's custom error.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt

from ocr_client.chain.compiler import artifact
from ocr_client.chain.deploy import deploy
from ocr_client.chain.transactions import call, send_transaction
from ocr_client.errors import ChainError, TransactionRevertedError
from ocr_client.report.config import OnchainConfig, validate_config
from ocr_client.report.layout import TRANSMIT_SELECTOR, Observation, decode_event_observations

FEED_CONTRACT = "OCRFeed"


@dataclass(frozen=True)
class RoundData:
    """One AggregatorV3 round, plus how old it is."""

    round_id: int
    answer: int
    started_at: int
    updated_at: int
    answered_in_round: int

    def age(self, now: float | None = None) -> int:
        """Seconds since the round was written (consumers compare this with their heartbeat)."""
        return int((time.time() if now is None else now) - self.updated_at)


@dataclass(frozen=True)
class Transmission:
    """A decoded NewTransmission event."""

    round_id: int
    config_digest: bytes
    epoch: int
    round: int
    answer: int
    observations: tuple[Observation, ...]
    transmitter: str
    tx_hash: str
    block_number: int


class Feed:
    """One OCRFeed contract."""

    def __init__(self, w3: Web3, address: str) -> None:
        self.w3 = w3
        if not Web3.is_address(address):
            raise ChainError(f"{address!r} is not an Ethereum address")
        self.address = Web3.to_checksum_address(address)
        self.contract: Contract = w3.eth.contract(address=self.address, abi=artifact(FEED_CONTRACT).abi)
        if not w3.eth.get_code(self.address):
            raise ChainError(f"no contract at {self.address} on chain {w3.eth.chain_id}")

    @classmethod
    def deploy(cls, w3: Web3, owner: LocalAccount, decimals: int = 8, description: str = "ETH / USD") -> Feed:
        """Deploy a new, unconfigured feed owned by ``owner``."""
        contract = deploy(w3, owner, FEED_CONTRACT, decimals, description, owner.address)
        return cls(w3, str(contract.address))

    # --- configuration --------------------------------------------------------------------

    def set_config(self, owner: LocalAccount, config: OnchainConfig) -> TxReceipt:
        """Install a committee (validated here first, so a bad config fails before any gas is spent)."""
        validate_config(config)
        data = self.contract.encode_abi("setConfig", args=[config.as_tuple()])
        return send_transaction(self.w3, owner, self.address, bytes.fromhex(data[2:]))

    def config_details(self) -> tuple[int, int, bytes]:
        """(config count, block number, config digest) of the current configuration."""
        count, block, digest = self.contract.functions.latestConfigDetails().call()
        return int(count), int(block), bytes(digest)

    def config_digest(self) -> bytes:
        return self.config_details()[2]

    def latest_epoch_and_round(self) -> tuple[bytes, int, int]:
        """(config digest, epoch, round) of the newest accepted report in this configuration."""
        digest, epoch, round_ = self._view("latestConfigDigestAndEpoch")
        return bytes(digest), int(epoch), int(round_)

    def committee(self) -> tuple[int, int, int]:
        n, f, t = self.contract.functions.committee().call()
        return int(n), int(f), int(t)

    # --- transmission ---------------------------------------------------------------------

    def check_transmit(self, sender: str, calldata: bytes) -> None:
        """eth_call the transmit: raises TransactionRevertedError with the error the chain would give."""
        call(self.w3, sender, self.address, calldata)

    def transmit(self, transmitter: LocalAccount, calldata: bytes, gas: int | None = None) -> TxReceipt:
        """Send a signed report (``encode_transmit_calldata``); wait for and return the receipt."""
        if calldata[:4] != TRANSMIT_SELECTOR:
            raise ChainError("transmit calldata must start with the transmit() selector")
        return send_transaction(self.w3, transmitter, self.address, calldata, gas=gas)

    # --- consumer views -------------------------------------------------------------------

    def decimals(self) -> int:
        return int(self.contract.functions.decimals().call())

    def description(self) -> str:
        return str(self.contract.functions.description().call())

    def latest_round(self) -> RoundData | None:
        """The newest round, or None before the first report (the contract reverts NoDataPresent)."""
        return self._round_or_none("latestRoundData")

    def round(self, round_id: int) -> RoundData | None:
        """A past round, or None if it does not exist (NoDataPresent)."""
        return self._round_or_none("getRoundData", round_id)

    def _round_or_none(self, function: str, *args: Any) -> RoundData | None:
        try:
            return RoundData(*(int(v) for v in self._view(function, *args)))
        except TransactionRevertedError as exc:
            if exc.error_name == "NoDataPresent":
                return None
            raise

    def _view(self, function: str, *args: Any) -> tuple[Any, ...]:
        """eth_call a view through :func:`call`, so a revert raises with the decoded custom error."""
        fn = self.contract.get_function_by_name(function)(*args)
        raw = call(self.w3, self.address, self.address, bytes.fromhex(fn._encode_transaction_data()[2:]))
        return tuple(self.w3.codec.decode([o["type"] for o in fn.abi["outputs"]], raw))

    def transmissions(self, from_block: int = 0, to_block: int | str = "latest") -> list[Transmission]:
        """Every NewTransmission in the block range, decoded."""
        events = self.contract.events.NewTransmission().get_logs(from_block=from_block, to_block=to_block)
        return [_decode_transmission(e) for e in events]


def _decode_transmission(event: Any) -> Transmission:
    args = event["args"]
    return Transmission(
        round_id=int(args["roundId"]),
        config_digest=bytes(args["configDigest"]),
        epoch=int(args["epoch"]),
        round=int(args["round"]),
        answer=int(args["answer"]),
        observations=decode_event_observations(
            bytes(args["observers"]), bytes(args["observationTimestamps"]), bytes(args["observations"])
        ),
        transmitter=str(args["transmitter"]),
        tx_hash="0x" + bytes(event["transactionHash"]).hex(),
        block_number=int(event["blockNumber"]),
    )


__all__ = ["Feed", "RoundData", "TransactionRevertedError", "Transmission"]
