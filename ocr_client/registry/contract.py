"""A Python handle on ReputationRegistry: publish a commitment, read it back, check one score."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.logs import DISCARD
from web3.types import TxReceipt

from ocr_client.chain.compiler import artifact
from ocr_client.chain.deploy import deploy
from ocr_client.chain.transactions import call, send_transaction
from ocr_client.errors import ChainError

REGISTRY_CONTRACT: Final[str] = "ReputationRegistry"


@dataclass(frozen=True)
class Publication:
    """ReputationRegistry.Publication."""

    id: int
    publisher: str
    method_id: bytes
    from_block: int
    to_block: int
    root: bytes
    published_at: int
    feeds: tuple[str, ...]
    uri: str


class ReputationRegistryHandle:
    """One deployed ReputationRegistry."""

    def __init__(self, w3: Web3, address: str) -> None:
        if not Web3.is_address(address):
            raise ChainError(f"{address!r} is not an Ethereum address")
        self.w3 = w3
        self.address = Web3.to_checksum_address(address)
        if not w3.eth.get_code(self.address):
            raise ChainError(f"no contract at {self.address} on chain {w3.eth.chain_id}")
        self.contract = w3.eth.contract(address=self.address, abi=artifact(REGISTRY_CONTRACT).abi)

    @classmethod
    def deploy(cls, w3: Web3, owner: LocalAccount) -> ReputationRegistryHandle:
        return cls(w3, str(deploy(w3, owner, REGISTRY_CONTRACT).address))

    def publish(self, publisher: LocalAccount, method_id: bytes, feeds: Sequence[str], from_block: int,
                to_block: int, root: bytes, uri: str) -> tuple[int, TxReceipt]:
        """Post a publication; returns (its id, the receipt)."""
        data = self.contract.encode_abi("publish", args=[method_id, [Web3.to_checksum_address(f) for f in feeds],
                                                         from_block, to_block, root, uri])
        receipt = send_transaction(self.w3, publisher, self.address, bytes.fromhex(data[2:]))
        (event,) = self.contract.events.Published().process_receipt(receipt, errors=DISCARD)
        return int(event["args"]["id"]), receipt

    def publication(self, publication_id: int) -> Publication:
        raw = self._view("publication", publication_id)
        return Publication(publication_id, Web3.to_checksum_address(raw[0]), bytes(raw[1]), int(raw[2]), int(raw[3]),
                           bytes(raw[4]), int(raw[5]), tuple(Web3.to_checksum_address(f) for f in raw[6]), str(raw[7]))

    def verify_score(self, publication_id: int, oracle: str, score: int, rank: int, proof: Sequence[bytes]) -> bool:
        return bool(self._view("verifyScore", publication_id, Web3.to_checksum_address(oracle), score, rank,
                               list(proof)))

    def _view(self, function: str, *args: Any) -> Any:
        fn = self.contract.get_function_by_name(function)(*args)
        raw = call(self.w3, self.address, self.address, bytes.fromhex(fn._encode_transaction_data()[2:]))
        (value,) = self.w3.codec.decode([_abi_type(o) for o in fn.abi["outputs"]], raw)
        return value


def _abi_type(item: dict[str, Any]) -> str:
    kind = str(item["type"])
    if kind.startswith("tuple"):
        return f"({','.join(_abi_type(c) for c in item['components'])}){kind[5:]}"
    return kind
