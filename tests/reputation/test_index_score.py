"""Index a feed whose oracles' values we chose, and check the metrics and the ranking against them."""

from __future__ import annotations

import json
import random
from pathlib import Path

import duckdb
import pytest
from web3 import Web3

from ocr_client.cli import main
from ocr_client.reputation.metrics import REPORT_KEY_BITS, Scope, build_scope, newest_reports, observation_join
from ocr_client.reputation.ranking import ScoreOptions, score
from ocr_client.reputation.store import Store
from ocr_client.testing import LocalFeed
from tests.reputation.conftest import chain_time, honest_values, index, lie, query, run_ocr, scored

N = 7
REPORTS = 16
LIAR = 6


@pytest.fixture(scope="module")
def feed_with_liar(ocr_web3: Web3) -> LocalFeed:
    """n = 7; oracle 6 reports 1% high every round; honest oracles within 1 bp; observation i is i s old."""
    local = LocalFeed.deploy(ocr_web3, n=N, seed=3)
    rng = random.Random(11)
    for r in range(REPORTS):
        values = honest_values(N, r, rng)
        values[LIAR] = lie(r)
        now = chain_time(ocr_web3)
        local.push(values, timestamps=[now - i for i in range(N)])
    return local


def transmitters(local: LocalFeed) -> list[str]:
    return [a.address.lower() for a in local.committee.transmitters]


def test_index_stores_every_report_and_observation_once(feed_with_liar: LocalFeed, ocr_anvil: object, db: Path) -> None:
    url = ocr_anvil.rpc_url  # type: ignore[attr-defined]
    first = index(url, [feed_with_liar.address], db)
    again = index(url, [feed_with_liar.address], db)
    assert first.reports == REPORTS
    assert again.reports == 0  # idempotent: a second run adds nothing
    assert query(db, "SELECT count(*), count(DISTINCT round_id) FROM reports") == [(REPORTS, REPORTS)]
    assert query(db, "SELECT count(*) FROM observations") == [(REPORTS * N,)]
    oracles = [r[0] for r in query(db, "SELECT transmitter FROM config_oracles ORDER BY oracle_index")]
    assert oracles == transmitters(feed_with_liar)


def test_the_liar_ranks_last_and_metrics_match_the_truth(feed_with_liar: LocalFeed, ocr_anvil: object, db: Path) -> None:
    index(ocr_anvil.rpc_url, [feed_with_liar.address], db)  # type: ignore[attr-defined]
    result = scored(db)
    liar = transmitters(feed_with_liar)[LIAR]
    assert result.oracles[-1].oracle.lower() == liar
    assert [o.rank for o in result.oracles] == list(range(1, N + 1))
    for o in result.oracles:
        m = o.metrics
        assert m["inclusion_rate"] == 1.0 and m["inclusion_count"] == REPORTS
        assert m["signing_rate"] is None  # threshold mode has no signer bitmap: unavailable, not zero
        assert m["effective_gas_price_gwei"] is None  # receipts were not fetched
        index_of = transmitters(feed_with_liar).index(o.oracle.lower())
        assert m["latency_median_s"] is not None and m["latency_median_s"] >= index_of  # observation i is i s old
        if o.oracle.lower() == liar:
            assert m["deviation_median_bps"] == pytest.approx(100, abs=2)
            assert m["within_2dev_share"] == 0.0
        else:
            assert m["deviation_median_bps"] <= 2  # type: ignore[operator]
            assert m["within_2dev_share"] > 0.5  # type: ignore[operator]
    freshest = max(result.oracles, key=lambda o: o.metrics["timestamp_percentile"])  # type: ignore[arg-type,return-value]
    assert freshest.oracle.lower() == transmitters(feed_with_liar)[0]


def test_score_json_has_the_stable_fields(feed_with_liar: LocalFeed, ocr_anvil: object, db: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    index(ocr_anvil.rpc_url, [feed_with_liar.address], db)  # type: ignore[attr-defined]
    capsys.readouterr()
    assert main(["reputation", "score", "--db", str(db), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"method", "feeds", "oracles"}
    assert {"oracle", "operator", "score", "rank", "metrics", "flags"} <= set(data["oracles"][0])
    assert [o["rank"] for o in data["oracles"]] == list(range(1, N + 1))
    assert all(isinstance(o["score"], int) for o in data["oracles"])
    assert data["feeds"][0]["reports"] == REPORTS
    assert data["oracles"][0]["flags"] == []  # honest oracles are not flagged


def test_scores_are_the_same_bit_for_bit_on_a_second_run(feed_with_liar: LocalFeed, ocr_anvil: object,
                                                         tmp_path: Path) -> None:
    url = ocr_anvil.rpc_url  # type: ignore[attr-defined]
    index(url, [feed_with_liar.address], tmp_path / "a.duckdb")
    index(url, [feed_with_liar.address], tmp_path / "b.duckdb", chunk=3)  # other chunking, same chain
    a, b = scored(tmp_path / "a.duckdb"), scored(tmp_path / "b.duckdb")
    assert a.leaves() == b.leaves()
    assert json.dumps(a.to_json(), sort_keys=True) == json.dumps(b.to_json(), sort_keys=True)


def test_a_store_whose_round_ids_are_too_wide_for_report_keys_scores_the_same(feed_with_liar: LocalFeed,
                                                                            ocr_anvil: object, db: Path) -> None:
    """Observations join their reports on one key made of the feed and the round (half the cost of
    joining on the pair), exact only below 2^REPORT_KEY_BITS rounds: a store with a wider round id
    is joined on the pair, and scores the same."""
    index(ocr_anvil.rpc_url, [feed_with_liar.address], db)  # type: ignore[attr-defined]

    def score_with_join() -> tuple[str, str | None]:
        store = Store.open(db)
        try:
            result = score(store, ScoreOptions(recent=5, half_life=60))
            return json.dumps(result.to_json(), sort_keys=True), store.scope_join
        finally:
            store.close()

    keyed, join = score_with_join()
    assert join == observation_join(True)
    con = duckdb.connect(str(db))
    for table in ("reports", "observation_rows"):
        con.execute(f"UPDATE {table} SET round_id = round_id + ?", [2**REPORT_KEY_BITS])
    con.close()
    paired, join = score_with_join()
    assert join == observation_join(False)
    assert paired == keyed


def test_the_recent_part_starts_where_the_newest_times_say_when_there_is_no_window(feed_with_liar: LocalFeed,
                                                                                ocr_anvil: object, db: Path) -> None:
    """A score finds each feed's R-th newest report with its newest time (Scope.cutoffs) and, with no
    window, builds the recent part from it instead of finding it again: the same reports either way."""
    index(ocr_anvil.rpc_url, [feed_with_liar.address], db)  # type: ignore[attr-defined]
    store = Store.open(db)
    try:
        feed = feed_with_liar.address.lower()
        ((block, log),) = store.query("SELECT block_number, log_index FROM reports ORDER BY block_number DESC, "
                                      "log_index DESC LIMIT 1 OFFSET 4")
        recent_rows = "SELECT report_row FROM s_report_rows WHERE in_recent ORDER BY report_row"
        score(store, ScoreOptions())  # the scope's operator table, which its views read
        build_scope(store, Scope((feed,), recent=5))
        found = store.query(recent_rows)
        _, cutoffs = newest_reports(store, 5)
        assert cutoffs == ((feed, block, log),)
        build_scope(store, Scope((feed,), recent=5, cutoffs=cutoffs))
        assert store.query(recent_rows) == found and len(found) == 5
        build_scope(store, Scope((feed,), recent=5, cutoffs=((feed, 0, 0),)))  # the cutoff is what decides
        assert len(store.query(recent_rows)) == REPORTS
    finally:
        store.close()


@pytest.mark.slow
def test_the_installed_command_prints_the_table(feed_with_liar: LocalFeed, ocr_anvil: object, db: Path) -> None:
    index(ocr_anvil.rpc_url, [feed_with_liar.address], db)  # type: ignore[attr-defined]
    done = run_ocr("reputation", "score", "--db", str(db))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1].split()[:3] == ["rank", "oracle", "operator"] and len(lines) == 2 + N
    assert transmitters(feed_with_liar)[LIAR] in lines[-1].lower()
