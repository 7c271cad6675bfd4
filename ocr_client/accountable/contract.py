"""A Python handle on one deployed AccountableFeed: deploy, configure, transmit, read."""

from __future__ import annotations

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.logs import DISCARD
from web3.types import TxReceipt

from ocr_client.accountable.config import AccountableConfig, validate_accountable_config
from ocr_client.chain.deploy import deploy
from ocr_client.chain.transactions import send_transaction
from ocr_client.committee.contract import SingleFeedContract
from ocr_client.report.events import Transmission, decode_transmission

ACCOUNTABLE_FEED_CONTRACT = "AccountableFeed"


#: AccountableFeed's NewTransmission, decoded by the one decoder of our feeds' events.
AccountableTransmission = Transmission


class AccountableFeedHandle(SingleFeedContract):
    """One AccountableFeed contract."""

    CONTRACT = ACCOUNTABLE_FEED_CONTRACT

    @classmethod
    def deploy(cls, w3: Web3, owner: LocalAccount, decimals: int = 8,
               description: str = "ETH / USD") -> AccountableFeedHandle:
        """Deploy a new, unconfigured feed owned by ``owner``."""
        contract = deploy(w3, owner, ACCOUNTABLE_FEED_CONTRACT, decimals, description, owner.address)
        return cls(w3, str(contract.address))

    def set_config_calldata(self, config: AccountableConfig) -> bytes:
        data = self.contract.encode_abi("setConfig", args=[config.as_tuple()])
        return bytes.fromhex(data[2:])

    def set_config(self, owner: LocalAccount, config: AccountableConfig, validate: bool = True) -> TxReceipt:
        """Install a committee (shape-checked here first unless ``validate`` is False)."""
        if validate:
            validate_accountable_config(config)
        return send_transaction(self.w3, owner, self.address, self.set_config_calldata(config))

    def answer_bounds(self) -> tuple[int, int]:
        lo, hi = self._view("answerBounds")
        return int(lo), int(hi)

    def public_key(self, oracle: int) -> bytes:
        return bytes(self._view("publicKey", oracle)[0])

    def group_public_key(self) -> bytes:
        return bytes(self._view("groupPublicKey")[0])

    def key_stores(self) -> list[str]:
        return [Web3.to_checksum_address(a) for a in self._view("keyStores")[0]]

    def transmissions_in(self, receipt: TxReceipt) -> list[AccountableTransmission]:
        """The NewTransmission events of one receipt, decoded."""
        return [decode_transmission(e) for e in self.contract.events.NewTransmission().process_receipt(receipt, errors=DISCARD)]
