"""`ocr node --slash-staking`: the watcher submits a node's stored evidence on the node's clock,
once; a second node holding the same evidence finds it settled and sends nothing."""

from __future__ import annotations

from eth_account.signers.local import LocalAccount

from ocr_client.net.clock import SimClock
from ocr_client.protocol.evidence import ConflictingShares
from ocr_client.protocol.persistence import SqliteNodeStore
from ocr_client.staking.local import LocalStaking
from ocr_client.staking.submitter import SETTLED_ELSEWHERE
from ocr_client.staking.watcher import POLL_SECONDS, EvidenceWatcher


def test_two_watchers_holding_one_proof_land_it_once(threshold: LocalStaking, reporter: LocalAccount) -> None:
    evidence = threshold.equivocation(2)
    conflict = ConflictingShares(evidence.config_digest, evidence.epoch, evidence.round, evidence.oracle,
                                 evidence.report_a, evidence.signature_a, evidence.report_b, evidence.signature_b)
    clock = SimClock()
    stores = [SqliteNodeStore(":memory:"), SqliteNodeStore(":memory:")]
    for store in stores:
        store.record_evidence(conflict)
    members = threshold.members
    watchers = [EvidenceWatcher(store, threshold.staking, account, clock) for store, account in
                zip(stores, (members[0], members[1]), strict=True)]
    for watcher in watchers:
        watcher.start()
    before = threshold.slashable()
    clock.run_until(POLL_SECONDS * 3)
    assert threshold.slashable()[2] == before[2] - threshold.staking.parameters().equivocation_slash
    assert [threshold.slashable()[i] for i in (0, 1, 3)] == [before[i] for i in (0, 1, 3)]
    (first,), (second,) = (store.evidence() for store in stores)
    assert first.submitted_tx is not None and first.submitted_tx.startswith("0x")
    assert second.submitted_tx == SETTLED_ELSEWHERE
