"""``ocr demo --reputation`` (what ``make demo`` runs): the demo's feed is indexed from its chain over
RPC and scored, and the lying nodes come out at the bottom of the ranking, in the JSON document as
in the table."""

from __future__ import annotations

import pytest

from tests.cli.test_cli import DEMO_KEYS, ocr

MAKE_DEMO = ("demo", "--nodes", "7", "--faulty", "2", "--rounds", "4", "--reputation")


def test_make_demo_json_ranks_the_lying_nodes_last_from_the_chain_alone() -> None:
    data = ocr(*MAKE_DEMO, "--json").json()
    assert set(data) == DEMO_KEYS | {"reputation"}, "every demo field stays, the ranking is added"
    ranking = data["reputation"]["oracles"]
    assert len(ranking) == 7
    rank_of = {str(o["oracle"]).lower(): o["rank"] for o in ranking}
    transmitters = [a.lower() for a in data["transmitters"]]
    faulty_ranks = sorted(rank_of[transmitters[i]] for i in data["faulty_oracles"])
    assert faulty_ranks == [6, 7], ranking


@pytest.mark.slow
def test_make_demo_ends_with_the_ranking_table_and_the_liars_on_its_last_lines() -> None:
    result = ocr(*MAKE_DEMO)
    assert result.code == 0, result.err
    lines = result.out.strip().splitlines()
    faulty_line = next(line for line in lines if line.startswith("faulty oracles"))
    liars = {word.strip(",").lower() for word in faulty_line.split() if word.startswith("0x")}
    assert len(liars) == 2
    last_two = {word.lower() for line in lines[-2:] for word in line.split() if word.startswith("0x")}
    assert last_two == liars, result.out
