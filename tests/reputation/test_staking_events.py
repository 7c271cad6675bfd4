"""The indexer reads OracleStaking's Staked, Withdrawn, Slashed and AlertRaised, so the stake and
slashed metrics hold what the chain says: stake at risk, and stake lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from web3 import Web3

from ocr_client.chain.accounts import dev_account
from ocr_client.local.feed import LocalFeed
from ocr_client.staking.local import LocalStaking
from tests.reputation.conftest import by_address, index, query, scored


@pytest.mark.slow
def test_stake_and_slashes_fill_the_staking_metrics(w3: Web3, ocr_anvil: object, db: Path) -> None:
    local = LocalFeed.deploy(w3, n=4, seed=51)
    setup = LocalStaking.deploy(local)
    params = setup.staking.parameters()
    for r in range(3):
        local.push([3_000_00000000 + r + i for i in range(4)])
    setup.staking.slash_equivocation(dev_account(9), setup.equivocation(1))
    rpc_url = ocr_anvil.rpc_url  # type: ignore[attr-defined]
    progress = index(rpc_url, [local.address, setup.staking.address], db, confirmations=0)
    assert progress.head >= int(w3.eth.block_number) - 1
    (fmt,) = query(db, "SELECT format FROM contracts WHERE contract = ?", [setup.staking.address.lower()])[0]
    assert fmt == "oracle-staking"
    metrics = {a: o["metrics"] for a, o in by_address(scored(db)).items()}
    member = [m.address.lower() for m in setup.members]
    assert metrics[member[1]]["stake"] == 0 and metrics[member[1]]["slashed"] == params.equivocation_slash
    assert all(metrics[a]["stake"] == params.minimum_stake and metrics[a]["slashed"] == 0
               for a in (member[0], member[2], member[3]))


@pytest.mark.slow
def test_a_feed_whose_oracles_stake_nothing_scores_as_in_a_store_without_stakes(w3: Web3, ocr_anvil: object, db: Path,
                                                                             tmp_path: Path) -> None:
    """Stake metrics are supported once the store holds a stake event (metrics._learn_scope), so a
    feed beside a staked one computes them too: null for each of its oracles, weighed by no ranking."""
    staked, plain = LocalFeed.deploy(w3, n=4, seed=52), LocalFeed.deploy(w3, n=4, seed=53)
    setup = LocalStaking.deploy(staked)
    for r in range(3):
        staked.push([3_000_00000000 + r + i for i in range(4)])
        plain.push([3_000_00000000 + r + 2 * i for i in range(4)])
    rpc_url = ocr_anvil.rpc_url  # type: ignore[attr-defined]
    index(rpc_url, [staked.address, setup.staking.address, plain.address], db, confirmations=0)
    index(rpc_url, [plain.address], tmp_path / "plain.duckdb", confirmations=0)
    assert query(db, "SELECT count(*) > 0 FROM stakes") == [(True,)]
    beside, alone = scored(db, feeds=(plain.address,)), scored(tmp_path / "plain.duckdb")
    assert {o.oracle for o in beside.oracles}.isdisjoint(m.address for m in setup.members)
    assert all(o.metrics["stake"] is None and o.metrics["slashed"] is None for o in beside.oracles)
    assert [(o.oracle, o.score, o.rank, o.metrics, o.flags) for o in beside.oracles] == \
        [(o.oracle, o.score, o.rank, o.metrics, o.flags) for o in alone.oracles]
    assert beside.method["effective_weights"] == alone.method["effective_weights"]
