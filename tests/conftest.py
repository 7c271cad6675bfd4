"""Shared fixtures: one real anvil per test session, compiled contracts, funded accounts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from eth_account.signers.local import LocalAccount
from web3 import Web3

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.chain.compiler import Artifact, compile_contracts
from ocr_client.chain.rpc import connect


@pytest.fixture(scope="session")
def anvil() -> Iterator[Anvil]:
    """A managed anvil (prague) for the whole session, stopped by PID even when tests fail."""
    with Anvil() as node:
        yield node


@pytest.fixture(scope="session")
def w3(anvil: Anvil) -> Web3:
    return connect(anvil.rpc_url)


@pytest.fixture(scope="session")
def artifacts() -> dict[str, Artifact]:
    return compile_contracts()


@pytest.fixture(scope="session")
def deployer() -> LocalAccount:
    return dev_account(0)
