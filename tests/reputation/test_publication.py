"""Publishing scores and auditing them: an honest publication verifies from chain data alone; one
altered score is caught by `verify` (exit 1, the oracle named) and refused by `verifyScore`; the
same chain and method give the same root from independently built stores."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest
from web3 import Web3

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.cli import main
from ocr_client.local.feed import LocalFeed
from ocr_client.registry.contract import ReputationRegistryHandle
from ocr_client.registry.scores import score_tree
from ocr_client.reputation.publication import ScoreTable, score_table
from ocr_client.reputation.ranking import ScoreOptions
from ocr_client.reputation.store import Store
from ocr_client.staking.local import LocalStaking
from tests.reputation.conftest import chain_time, honest_values, index, lie

N = 4
LIAR = 3


@pytest.fixture
def staked_feed(ocr_web3: Web3) -> tuple[LocalFeed, LocalStaking]:
    """n = 4, oracle 3 lies 1% high; oracle 1 was slashed once for equivocation."""
    local = LocalFeed.deploy(ocr_web3, n=N, seed=61)
    setup = LocalStaking.deploy(local)
    rng = random.Random(5)
    for r in range(6):
        values = honest_values(N, r, rng)
        values[LIAR] = lie(r)
        local.push(values, timestamps=[chain_time(ocr_web3) - i for i in range(N)])
    setup.staking.slash_equivocation(dev_account(9), setup.equivocation(1))
    return local, setup


def _table(db: Path) -> ScoreTable:
    store = Store.open(db)
    try:
        return score_table(store, ScoreOptions())
    finally:
        store.close()


def test_an_honest_publication_verifies_and_an_altered_score_is_caught_and_refused(
        staked_feed: tuple[LocalFeed, LocalStaking], ocr_anvil: Anvil, ocr_web3: Web3, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    local, setup = staked_feed
    db = tmp_path / "rep.duckdb"
    index(ocr_anvil.rpc_url, [local.address, setup.staking.address], db, confirmations=0)
    registry = ReputationRegistryHandle.deploy(ocr_web3, dev_account(0))
    key = tmp_path / "publisher.key"
    key.write_text(bytes(dev_account(7).key).hex())
    out = tmp_path / "table.json"
    common = ["--registry", registry.address, "--rpc-url", ocr_anvil.rpc_url]
    assert main(["reputation", "publish", "--db", str(db), *common, "--private-key-file", str(key),
                 "--out", str(out), "--json"]) == 0
    published = json.loads(capsys.readouterr().out)
    assert published["contracts"] == sorted([local.address, setup.staking.address], key=str.lower)

    assert main(["reputation", "verify", *common, "--publication", str(published["publication"]), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["match"] is True

    table = json.loads(out.read_text())
    liar = next(e for e in table["leaves"] if e["oracle"].lower() == local.committee.transmitters[LIAR].address.lower())
    pid = published["publication"]
    assert registry.verify_score(pid, liar["oracle"], liar["score"], liar["rank"], [bytes.fromhex(p[2:]) for p in liar["proof"]])
    assert not registry.verify_score(pid, liar["oracle"], liar["score"] + 1, liar["rank"],
                                     [bytes.fromhex(p[2:]) for p in liar["proof"]]), "verifyScore refuses it"

    # A dishonest publisher lifts the liar's score by one ppm and publishes that table's root.
    honest = _table(db)
    leaves = [replace(leaf, score=leaf.score + 1) if leaf.oracle == liar["oracle"] else leaf
              for leaf in honest.leaves]
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps({"leaves": [{"oracle": e.oracle, "score": e.score, "rank": e.rank} for e in leaves]}))
    bad_id, _ = registry.publish(dev_account(7), honest.method_id, honest.contracts,
                                 honest.from_block, honest.to_block, score_tree(leaves).root,
                                 "file://" + str(tampered))
    with pytest.raises(SystemExit) as status:
        main(["reputation", "verify", *common, "--publication", str(bad_id), "--json"])
    assert status.value.code == 1
    report = json.loads(capsys.readouterr().out)
    assert report["match"] is False and report["method_matches"] is True
    assert report["diff"] == [{"oracle": liar["oracle"], "published": {"score": liar["score"] + 1, "rank": liar["rank"]},
                               "recomputed": {"score": liar["score"], "rank": liar["rank"]}}]


@pytest.mark.slow
def test_the_same_chain_and_method_give_the_same_root_from_independent_stores(
        staked_feed: tuple[LocalFeed, LocalStaking], ocr_anvil: Anvil, tmp_path: Path) -> None:
    local, setup = staked_feed
    contracts = [local.address, setup.staking.address]
    head = int(local.w3.eth.block_number)
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    index(ocr_anvil.rpc_url, contracts, first, confirmations=0)
    index(ocr_anvil.rpc_url, contracts, second, confirmations=0, chunk=2)  # other chunking, same chain
    a, b = _table(first), _table(second)
    assert a.to_block == b.to_block >= head
    assert a.root == b.root and a.method_id == b.method_id
    slashed = next(o for o in a.result.oracles
                   if o.oracle.lower() == setup.members[1].address.lower())
    assert slashed.metrics["slashed"] == setup.staking.parameters().equivocation_slash
