"""Under ``ape test``, the ``ocr_*`` fixtures use the chain ape connected instead of starting an anvil.

A dApp project (made by pytester) with an ape-config.yaml for ape-foundry on prague runs
``ape test``; its tests ask for our fixtures and ape's ``chain`` side by side.
"""

from __future__ import annotations

import pytest

from tests.support.ape import ApeCLI, requires_ape

pytestmark = requires_ape
pytest_plugins = ["pytester"]

APE_CONFIG = """\
name: my-dapp
foundry:
  evm_version: prague
  host: auto
ethereum:
  local:
    default_provider: foundry
"""

DAPP_TESTS = '''
def test_the_fixtures_use_apes_chain(ocr_web3, ocr_anvil, ocr_ape_chain_url, chain):
    assert ocr_ape_chain_url == chain.provider.http_uri
    assert ocr_web3.provider.endpoint_uri == chain.provider.http_uri
    assert ocr_anvil.rpc_url == chain.provider.http_uri
    assert ocr_anvil.pid is None  # a handle on ape's anvil: no process of ours


def test_a_feed_pushed_through_the_fixtures_is_read_by_ape(ocr_local_feed, chain):
    ocr_local_feed.push(3000_00000000)
    feed = chain.contracts.instance_at(ocr_local_feed.address, contract_type=FEED_TYPE)
    assert feed.latestRoundData()[1] == 3000_00000000


def test_after_apes_isolation_reverts_the_chain_the_fixtures_still_send(ocr_local_feed, chain):
    # the previous test's sends were reverted by ape: a stale nonce counter would hang here
    ocr_local_feed.push(3100_00000000)
    ocr_local_feed.push(3200_00000000)
    assert ocr_local_feed.feed.latest_round().answer == 3200_00000000
'''

PREAMBLE = '''
from ethpm_types import ContractType
from ocr_client.chain.compiler import artifact

FEED_TYPE = ContractType.model_validate({"contractName": "OCRFeed", "abi": artifact("OCRFeed").abi})
'''


def test_ape_test_runs_our_fixtures_on_apes_provider(pytester: pytest.Pytester) -> None:
    (pytester.path / "ape-config.yaml").write_text(APE_CONFIG)
    pytester.makepyfile(test_dapp=PREAMBLE + DAPP_TESTS)
    ape = ApeCLI(data_folder=pytester.path / "ape-data", cwd=pytester.path)
    done = ape.run("test", "-q", "-p", "no:cacheprovider", "--network", "ethereum:local:foundry")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout, done.stdout
