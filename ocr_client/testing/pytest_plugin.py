"""pytest fixtures for dApp developers, registered through the ``pytest11`` entry point.

- ``ocr_anvil`` / ``ocr_web3``: one managed anvil (prague) per test session, stopped by PID; under
  ``ape test`` (ape's pytest plugin active, its provider an RPC node such as ape-foundry's anvil)
  they use the chain ape connected instead, so a dApp's ape tests and our feeds share one chain
  and ape's isolation applies to both (``ocr_ape_chain_url`` says which URL, or None);
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
from ocr_client.errors import AnvilError
from ocr_client.gas import snapshot as gas_snapshot
from ocr_client.local.feed import LocalFeed


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ocr-client")
    group.addoption("--update-gas-snapshot", action="store_true", default=False,
                    help="rewrite .gas-snapshot with the gas measured by ocr_gas instead of checking it")
    group.addoption("--gas-snapshot", default=".gas-snapshot", help="snapshot file for ocr_gas (forge format)")
    group.addoption("--gas-tolerance", type=float, default=0.0, help="allowed drift in percent for ocr_gas")


#: The name ape's pytest plugin registers its test runner under (ape 0.8): present under ``ape test``,
#: and under plain pytest wherever ape is installed and not blocked with ``-p no:ape_test``.
APE_RUNNER_PLUGIN = "ape-test"


def ape_is_running(config: pytest.Config) -> bool:
    """Whether ape's test runner drives this session (it connects ape's provider before tests run)."""
    return config.pluginmanager.has_plugin(APE_RUNNER_PLUGIN)


@pytest.fixture(scope="session")
def ocr_ape_chain_url(request: pytest.FixtureRequest) -> str | None:
    """The RPC URL of the provider ape connected, read through ape's own ``chain`` fixture; None
    outside ape, or when ape's provider is in-process (its EthTester has no URL, and runs the BLS
    precompiles in pure Python, seconds per pairing), in which case we start our own anvil."""
    if not ape_is_running(request.config):
        return None
    uri = request.getfixturevalue("chain").provider.http_uri
    return str(uri) if uri else None


def _attached_anvil(url: str) -> Anvil:
    """An Anvil handle on a node ape runs: it knows the port, and has no process to stop."""
    host, _, port = url.removeprefix("http://").rstrip("/").partition(":")
    if host not in ("127.0.0.1", "localhost") or not port.isdigit():
        raise AnvilError(f"ocr_anvil needs a local anvil, but ape is connected to {url}: use ocr_web3")
    return Anvil(port=int(port))


@pytest.fixture(scope="session")
def ocr_anvil(ocr_ape_chain_url: str | None) -> Iterator[Anvil]:
    """A managed anvil for the session; under ape, a handle on ape's (never started or stopped here)."""
    if ocr_ape_chain_url is not None:
        yield _attached_anvil(ocr_ape_chain_url)
        return
    with Anvil() as node:
        yield node


@pytest.fixture(scope="session")
def ocr_web3(request: pytest.FixtureRequest, ocr_ape_chain_url: str | None) -> Web3:
    """A connection to the session's chain: ape's provider under ape, else ``ocr_anvil``."""
    if ocr_ape_chain_url is not None:
        return connect(ocr_ape_chain_url)
    anvil: Anvil = request.getfixturevalue("ocr_anvil")
    return connect(anvil.rpc_url)


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
