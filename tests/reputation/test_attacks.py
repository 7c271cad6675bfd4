"""Attacks on reputation: a copier is flagged with its evidence, independent honest oracles are not,
and a recent failure is never hidden behind a long good history."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from web3 import Web3

from ocr_client.testing import LocalFeed
from tests.reputation.conftest import by_address, chain_time, honest_values, index, lie, scored

N = 7


def addresses(local: LocalFeed) -> list[str]:
    return [a.address.lower() for a in local.committee.transmitters]


@pytest.mark.slow
def test_a_copier_is_flagged_and_independent_honest_oracles_are_not(ocr_web3: Web3, ocr_anvil: object, db: Path) -> None:
    local = LocalFeed.deploy(ocr_web3, n=N, seed=41)
    rng = random.Random(5)
    for r in range(24):
        values = honest_values(N, r, rng)
        values[5] = values[1]  # oracle 5 mirrors oracle 1...
        now = chain_time(ocr_web3)
        stamps = [now - 2] * N
        stamps[5] = now - 1  # ...and its timestamp is the later one
        local.push(values, timestamps=stamps)
    index(ocr_anvil.rpc_url, [local.address], db)  # type: ignore[attr-defined]
    result = scored(db)
    who = addresses(local)
    flags = {a: [f["kind"] for f in o["flags"]] for a, o in by_address(result).items()}  # type: ignore[union-attr]
    assert flags[who[5]] == ["mirroring"] and flags[who[1]] == ["mirrored"]
    assert all(flags[a] == [] for i, a in enumerate(who) if i not in (1, 5))
    evidence = next(f for f in by_address(result)[who[5]]["flags"] if f["kind"] == "mirroring")["evidence"]  # type: ignore[index,union-attr]
    assert evidence["shared_reports"] == 24 and evidence["equal_values"] == 24 and evidence["equal_share"] == 1.0
    assert evidence["likely_copier"] == who[5] and evidence["correlation"] == pytest.approx(1.0)
    assert len(result.pairs) == 1


@pytest.mark.slow
def test_a_recent_failure_lowers_the_final_score_and_is_flagged(ocr_web3: Web3, ocr_anvil: object, db: Path) -> None:
    local = LocalFeed.deploy(ocr_web3, n=N, seed=43)
    rng = random.Random(6)
    for r in range(40):
        values = honest_values(N, r, rng)
        if r >= 32:
            values[3] = lie(r)  # a long honest history, then 8 lies
        local.push(values, timestamps=[chain_time(ocr_web3)] * N)
    index(ocr_anvil.rpc_url, [local.address], db)  # type: ignore[attr-defined]
    result = scored(db, recent=8)
    retired = next(o for o in result.oracles if o.oracle.lower() == addresses(local)[3])
    assert retired.rank == N
    assert retired.recent is not None and retired.score == min(retired.lifetime, retired.recent)
    assert all(o.score == min(o.lifetime, o.recent) for o in result.oracles if o.recent is not None)
    failure = [f for f in retired.flags if f["kind"] == "recent-failure"]
    assert [f["metric"] for f in failure] == ["within_2dev_share"]
    assert all(o.flags == [] for o in result.oracles if o is not retired)
    # with a short half-life the lifetime figures weigh the recent lies more
    decayed = scored(db, recent=8, half_life=4)
    share = by_address(decayed)[addresses(local)[3]]["metrics"]["within_2dev_share"]  # type: ignore[index]
    assert share < retired.metrics["within_2dev_share"]  # type: ignore[operator]
