"""Deploy compiled contracts with an unlocked or local account and wait for the receipt."""

from __future__ import annotations

from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract

from ocr_client.chain.compiler import Artifact, artifact
from ocr_client.chain.transactions import send_transaction


def deploy(w3: Web3, account: LocalAccount, contract: str | Artifact, *args: Any) -> Contract:
    """Deploy ``contract`` (a name under contracts/ or an artifact) and return a bound instance."""
    art = artifact(contract) if isinstance(contract, str) else contract
    factory = w3.eth.contract(abi=art.abi, bytecode=art.bytecode)
    data = factory.constructor(*args).build_transaction({"from": account.address, "gas": 0})["data"]
    receipt = send_transaction(w3, account, to=None, data=bytes.fromhex(str(data)[2:]))
    address = receipt["contractAddress"]
    instance = w3.eth.contract(address=address, abi=art.abi)
    assert isinstance(instance, Contract)  # an address was given, so web3 returns an instance
    return instance


def at(w3: Web3, name: str, address: str) -> Contract:
    """An instance of contract ``name`` at ``address``."""
    return w3.eth.contract(address=Web3.to_checksum_address(address), abi=artifact(name).abi)
