"""Equivocation evidence off-chain: the share witness, the store's evidence table, the wire field."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from eth_utils import keccak

from ocr_client.protocol.evidence import ConflictingShares, ShareWitness
from ocr_client.protocol.messages import ReportShare, decode, encode
from ocr_client.protocol.persistence import SCHEMA_VERSION, SqliteNodeStore, StoreInputError
from ocr_client.report.layout import Observation, encode_report
from ocr_client.report.median import build_report

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
