"""pytest fixtures for dApp developers, registered through the ``pytest11`` entry point.

- ``ocr_anvil`` / ``ocr_web3``: one managed anvil (prague) per test session, stopped by PID;
- ``ocr_local_feed``: a fresh feed with a 4-node committee on that chain, for each test;
- ``ocr_feed_factory``: build feeds with other committee sizes or bounds;
- ``ocr_gas``: record a receipt's gas under a name and check it against ``.gas-snapshot``
  (run pytest with ``--update-gas-snapshot`` to rewrite the file instead).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from web3 import Web3

from ocr_client.chain.anvil import Anvil
from ocr_client.chain.rpc import connect
from ocr_client.gas import snapshot as gas_snapshot
from ocr_client.local.feed import LocalFeed


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ocr-client")
    group.addoption("--update-gas-snapshot", action="store_true", default=False,
                    help="rewrite .gas-snapshot with the gas measured by ocr_gas instead of checking it")
    group.addoption("--gas-snapshot", default=".gas-snapshot", help="snapshot file for ocr_gas (forge format)")
    group.addoption("--gas-tolerance", type=float, default=0.0, help="allowed drift in percent for ocr_gas")


@pytest.fixture(scope="session")
def ocr_anvil() -> Iterator[Anvil]:
    """A managed anvil for the session."""
    with Anvil() as node:
        yield node


@pytest.fixture(scope="session")
def ocr_web3(ocr_anvil: Anvil) -> Web3:
    return connect(ocr_anvil.rpc_url)


@pytest.fixture
def ocr_feed_factory(ocr_web3: Web3) -> Callable[..., LocalFeed]:
    """``factory(n=4, f=None, threshold=None, seed=0, min_answer=..., max_answer=...)``."""

    def factory(**kwargs: Any) -> LocalFeed:
        return LocalFeed.deploy(ocr_web3, **kwargs)

    return factory


@pytest.fixture
def ocr_local_feed(ocr_feed_factory: Callable[..., LocalFeed]) -> LocalFeed:
    return ocr_feed_factory(n=4)


class GasRecorder:
    """Collects named gas figures during the session and checks or rewrites the snapshot at the end."""

    def __init__(self, path: Path, update: bool, tolerance: float) -> None:
        self.path = path
        self.update = update
        self.tolerance = tolerance
        self.measured: dict[str, int] = {}

    def record(self, name: str, receipt_or_gas: Any) -> int:
        """Record gas under ``name`` (``Contract:case``); unless updating, fail now if it drifted."""
        gas = int(receipt_or_gas["gasUsed"]) if not isinstance(receipt_or_gas, int) else receipt_or_gas
        self.measured[name] = gas
        if not self.update:
            snapshot = gas_snapshot.read(self.path)
            if name in snapshot:
                result = gas_snapshot.compare({name: snapshot[name]}, {name: gas}, self.tolerance)
                if result.failed:
                    pytest.fail(f"gas changed: {result.report()} (rerun with --update-gas-snapshot if intended)")
        return gas

    def finish(self) -> None:
        if self.update and self.measured:
            entries = gas_snapshot.read(self.path)
            entries.update(self.measured)
            gas_snapshot.write(self.path, entries)


@pytest.fixture(scope="session")
def ocr_gas(request: pytest.FixtureRequest) -> Iterator[GasRecorder]:
    config = request.config
    path = Path(config.getoption("--gas-snapshot"))
    if not path.is_absolute():
        path = Path(config.rootpath) / path
    recorder = GasRecorder(path, config.getoption("--update-gas-snapshot"), config.getoption("--gas-tolerance"))
    yield recorder
    recorder.finish()
