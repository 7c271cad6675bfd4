"""Fixtures for accountable-mode tests: a 4-oracle feed (f = 1, t = 2) on the session anvil."""

from __future__ import annotations

import pytest
from web3 import Web3

from ocr_client.accountable.local import LocalAccountableFeed


@pytest.fixture
def local(ocr_web3: Web3) -> LocalAccountableFeed:
    return LocalAccountableFeed.deploy(ocr_web3, n=4, seed=11)
