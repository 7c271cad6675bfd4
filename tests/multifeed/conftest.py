"""Fixtures for multi-feed hub tests: hubs with an in-process committee on the session anvil."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from web3 import Web3

from ocr_client.multifeed import LocalMultiFeed


@pytest.fixture
def multi_factory(ocr_web3: Web3) -> Callable[..., LocalMultiFeed]:
    """``factory(n=4, feeds=2, f=None, threshold=None, seed=0, decimals=..., min_answers=..., ...)``."""

    def factory(**kwargs: Any) -> LocalMultiFeed:
        return LocalMultiFeed.deploy(ocr_web3, **kwargs)

    return factory


@pytest.fixture
def hub(multi_factory: Callable[..., LocalMultiFeed]) -> LocalMultiFeed:
    """n = 4 (f = 1, t = 2), three feeds with their own decimals, descriptions and bounds."""
    return multi_factory(
        n=4, feeds=3, decimals=[8, 18, 6], descriptions=["ETH / USD", "BTC / ETH", "EUR / USD"],
        min_answers=[1, 1, 1], max_answers=[10**14, 10**20, 10**7],
    )
