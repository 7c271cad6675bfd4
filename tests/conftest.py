"""Shared fixtures: the ocr-client pytest plugin's session anvil, compiled contracts, funded accounts."""

from __future__ import annotations

import pytest
from eth_account.signers.local import LocalAccount
from web3 import Web3

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.chain.compiler import Artifact, compile_contracts


def pytest_configure(config: pytest.Config) -> None:
    """With pytest-xdist workers to start (``-n``), compile once in the process that starts them,
    before it does: two workers meeting an empty cache would each run solc on the same sources. A
    run in one process compiles when a test first needs the contracts, as before."""
    if getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput"):
        compile_contracts()


@pytest.fixture(scope="session")
def anvil(ocr_anvil: Anvil) -> Anvil:
    """The plugin's session anvil (prague), stopped by PID even when tests fail."""
    return ocr_anvil


@pytest.fixture(scope="session")
def w3(ocr_web3: Web3) -> Web3:
    return ocr_web3


@pytest.fixture(scope="session")
def artifacts() -> dict[str, Artifact]:
    return compile_contracts()


@pytest.fixture(scope="session")
def deployer() -> LocalAccount:
    return dev_account(0)


# --- `make ape` must not pass by skipping ---------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--fail-on-skip", action="store_true", default=False,
                     help="exit non-zero if any test was skipped (make ape: its tests must run, not skip)")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not session.config.getoption("--fail-on-skip") or exitstatus != pytest.ExitCode.OK:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter is not None else 0
    if skipped:
        print(f"\n--fail-on-skip: {skipped} test(s) skipped; they must run here (see the reasons above)")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
