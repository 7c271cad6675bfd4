"""`ocr proxy deploy|propose|confirm|read`: a feed replaced behind one proxy from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from web3 import Web3

from ocr_client.accountable.local import LocalAccountableFeed
from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.proxy import proxy_round_id
from ocr_client.testing import LocalFeed
from tests.cli.test_cli import assert_one_line_error, ocr


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("proxy-keys") / "owner.key"
    path.write_text(dev_account(0).key.hex())
    return path


@pytest.mark.slow  # the same phase change runs in-process in tests/proxy; this is the CLI around it
def test_a_feed_is_replaced_behind_a_proxy_from_the_command_line(anvil: Anvil, w3: Web3, key_file: Path) -> None:
    chain = ("--rpc-url", anvil.rpc_url)
    writes = (*chain, "--private-key-file", str(key_file), "--json")
    old, new = LocalFeed.deploy(w3, n=4, seed=51), LocalAccountableFeed.deploy(w3, n=4, seed=52)
    deployed = ocr("proxy", "deploy", "--aggregator", old.address, *writes).json()
    proxy = str(deployed["proxy"])
    assert (deployed["aggregator"], deployed["phase_id"]) == (old.address, 1)
    assert ocr("proxy", "read", "--proxy", proxy, *chain, "--json").json()["round_id"] is None

    old.push(3000_00000000)
    read = ocr("proxy", "read", "--proxy", proxy, *chain, "--json").json()
    assert (read["round_id"], read["round_phase"], read["aggregator_round_id"]) == (proxy_round_id(1, 1), 1, 1)
    assert read["answer"] == 3000_00000000
    human = ocr("proxy", "read", "--proxy", proxy, *chain)
    assert human.code == 0 and "phase 1 round 1" in human.out and "3,000.0000" in human.out

    new.push(3100_00000000, signers=[0, 1])
    proposed = ocr("proxy", "propose", "--proxy", proxy, "--aggregator", new.address, *writes).json()
    assert (proposed["proposed"], proposed["phase_id"]) == (new.address, 1)
    assert ocr("proxy", "read", "--proxy", proxy, "--proposed", *chain, "--json").json()["answer"] == 3100_00000000
    confirmed = ocr("proxy", "confirm", "--proxy", proxy, "--aggregator", new.address, *writes).json()
    assert (confirmed["aggregator"], confirmed["phase_id"]) == (new.address, 2)
    latest = ocr("proxy", "read", "--proxy", proxy, *chain, "--max-age", "3600", "--json").json()
    assert (latest["round_id"], latest["answer"]) == (proxy_round_id(2, 1), 3100_00000000)
    past = ocr("proxy", "read", "--proxy", proxy, "--round", str(proxy_round_id(1, 1)), *chain, "--json").json()
    assert past["answer"] == 3000_00000000


def test_proxy_mistakes_are_one_line_errors(anvil: Anvil, w3: Web3, key_file: Path) -> None:
    writes = ("--rpc-url", anvil.rpc_url, "--private-key-file", str(key_file))
    feed = LocalFeed.deploy(w3, n=4, seed=53)
    proxy = str(ocr("proxy", "deploy", "--aggregator", feed.address, *writes, "--json").json()["proxy"])
    assert_one_line_error(ocr("proxy", "confirm", "--proxy", proxy, "--aggregator", feed.address, *writes), 1,
                          "AggregatorProxyNotProposed")
    assert_one_line_error(ocr("proxy", "deploy", "--aggregator", dev_account(3).address, *writes), 1,
                          "AggregatorProxyNotAContract")
    feed.push(5)
    w3.provider.make_request("evm_increaseTime", [100])  # type: ignore[arg-type]
    w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    assert_one_line_error(ocr("proxy", "read", "--proxy", proxy, "--max-age", "10", "--rpc-url", anvil.rpc_url), 1,
                          "s old")
