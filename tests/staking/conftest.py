"""A staked committee per test: threshold (OCRFeed) or accountable (AccountableFeed), n = 4."""

from __future__ import annotations

import pytest
from eth_account.signers.local import LocalAccount
from web3 import Web3

from ocr_client.accountable.local import LocalAccountableFeed
from ocr_client.chain.accounts import dev_account
from ocr_client.local.feed import LocalFeed
from ocr_client.staking.local import LocalStaking


@pytest.fixture
def threshold(w3: Web3) -> LocalStaking:
    return LocalStaking.deploy(LocalFeed.deploy(w3, n=4, seed=21))


@pytest.fixture
def accountable(w3: Web3) -> LocalStaking:
    return LocalStaking.deploy(LocalAccountableFeed.deploy(w3, n=4, seed=22))


@pytest.fixture
def reporter() -> LocalAccount:
    """Anyone: a funded account that is no committee member."""
    return dev_account(9)


def increase_time(w3: Web3, seconds: int) -> None:
    w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
    w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
