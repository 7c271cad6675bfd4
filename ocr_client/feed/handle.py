"""A Python handle on one deployed OCRFeed: deploy, configure, transmit, read.

Everything here works the same against a managed anvil or any RPC; the caller brings the Web3
and the accounts. Writes go through :func:`ocr_client.chain.transactions.send_transaction`, so a
revert surfaces as :class:`TransactionRevertedError` naming the contract's custom error.
"""

from __future__ import annotations

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.types import TxReceipt

from ocr_client.chain.deploy import deploy
from ocr_client.chain.transactions import send_transaction
from ocr_client.committee.contract import RoundData, SingleFeedContract
from ocr_client.errors import TransactionRevertedError
from ocr_client.report.config import OnchainConfig, validate_config
from ocr_client.report.events import Transmission, decode_transmission

FEED_CONTRACT = "OCRFeed"


class Feed(SingleFeedContract):
    """One OCRFeed contract."""

    CONTRACT = FEED_CONTRACT

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

    # --- consumer views -------------------------------------------------------------------

    def description(self) -> str:
        return str(self.contract.functions.description().call())

    def transmissions(self, from_block: int = 0, to_block: int | str = "latest") -> list[Transmission]:
        """Every NewTransmission in the block range, decoded."""
        events = self.contract.events.NewTransmission().get_logs(from_block=from_block, to_block=to_block)
        return [decode_transmission(e) for e in events]


__all__ = ["Feed", "RoundData", "TransactionRevertedError", "Transmission"]
