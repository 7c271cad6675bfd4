"""Equivocation evidence off-chain: the share witness, the store's evidence table, the wire field."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from eth_utils import keccak
from web3 import Web3

from ocr_client.local.feed import LocalFeed
from ocr_client.protocol.evidence import ConflictingShares, ShareWitness
from ocr_client.protocol.messages import Evidence, ReportShare, decode, encode
from ocr_client.protocol.persistence import SCHEMA_VERSION, SqliteNodeStore, StoreInputError
from ocr_client.protocol.simulation import OracleSimulation, SimulationSettings
from ocr_client.report.layout import Observation, encode_report
from ocr_client.report.median import build_report
from tests.protocol.sim_support import MATRIX_TIMING

DIGEST = b"\x0b\x15" + b"\x01" * 30


def _report(value: int, epoch: int = 3, round_: int = 2) -> bytes:
    return encode_report(build_report(DIGEST, epoch, round_, [Observation(i, 1, value + i) for i in range(3)]))


def test_a_second_share_over_other_bytes_is_a_conflict_and_the_same_bytes_are_not() -> None:
    witness = ShareWitness.for_round(DIGEST, 3, 2)
    a, b = _report(100), _report(200)
    assert witness.witness(1, a, b"\x01" * 128) is None
    assert witness.witness(1, a, b"\x01" * 128) is None, "the same report twice is no offence"
    conflict = witness.witness(1, b, b"\x02" * 128)
    assert conflict == ConflictingShares(DIGEST, 3, 2, 1, a, b"\x01" * 128, b, b"\x02" * 128)
    assert witness.report_problem(_report(100, round_=3), keccak(_report(100, round_=3))) is not None
    assert witness.report_problem(a, keccak(b)) == "report bytes do not match the share's hash"
    assert witness.report_problem(b, keccak(b)) is None


def test_evidence_survives_a_restart_once_per_offence_and_is_marked_when_settled(tmp_path: Path) -> None:
    conflict = ConflictingShares(DIGEST, 3, 2, 1, _report(100), b"\x01" * 128, _report(200), b"\x02" * 128)
    with SqliteNodeStore(tmp_path / "node.sqlite") as store:
        assert store.record_evidence(conflict)
        assert not store.record_evidence(conflict)
    with SqliteNodeStore(tmp_path / "node.sqlite") as store:
        (record,) = store.evidence()
        assert record.conflict == conflict and record.submitted_tx is None
        store.mark_evidence_submitted(conflict, "0xabc")
        assert store.evidence()[0].submitted_tx == "0xabc"
        with pytest.raises(StoreInputError, match="two different reports"):
            store.record_evidence(ConflictingShares(DIGEST, 3, 2, 1, _report(1), b"\x01" * 128, _report(1), b"\x01" * 128))


def test_a_version_1_store_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with SqliteNodeStore(path) as store:
        assert store.signed_hash(DIGEST, 1, 1) is None
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE evidence")
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with SqliteNodeStore(path) as store:
        assert store.evidence() == []
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    conn.close()


def test_a_share_travels_with_the_report_it_signs() -> None:
    share = ReportShare(3, 2, keccak(_report(100)), b"\x05" * 128, _report(100))
    assert decode(encode(share)) == share
    evidence = Evidence(3, 2, 1, _report(100), b"\x05" * 128, _report(200), b"\x06" * 128)
    assert decode(encode(evidence)) == evidence


def test_relayed_evidence_reaches_every_honest_node_and_forged_evidence_is_refused(w3: Web3) -> None:
    local = LocalFeed.deploy(w3, n=4, seed=41)
    sim = OracleSimulation(local, SimulationSettings(seed=41, timing=MATRIX_TIMING, faulty={2: "equivocate"}))
    sim.start()
    sim.run(until_landed=2, max_time=30.0)
    assert sim.recorder.events_by_kind["equivocation-evidence"] >= 3, "found by the leader, relayed to the others"
    assert all({r.conflict.oracle for r in sim.stores[i].evidence()} == {2} for i in (0, 1, 3))
    honest = sim.nodes[0]
    assert honest is not None
    genuine = sim.stores[1].evidence()[0].conflict
    # Oracle 1 forges evidence against honest oracle 3 using its own signatures: refused, not kept.
    forged = Evidence(genuine.epoch, genuine.round, 3, genuine.report_a, genuine.share_a, genuine.report_b,
                      genuine.share_b)
    honest.dispatch(1, forged)
    assert sim.recorder.events_by_kind["bad-evidence"] == 1
    assert all(r.conflict.oracle != 3 for r in sim.stores[0].evidence())
