"""Submit a node's stored equivocation evidence to the staking contract, once per offence.

Every honest node may hold the same evidence and submit it; the contract slashes each offence
(digest, epoch, round, oracle) once and refuses the rest with ``EvidenceAlreadyUsed``. So the
submitter first asks the contract (``evidenceUsed``) and dry-runs the call, and records an
offence someone else settled as settled, without spending gas on a transaction that would revert.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from eth_account.signers.local import LocalAccount

from ocr_client.errors import TransactionRevertedError
from ocr_client.protocol.persistence import NodeStore
from ocr_client.staking.contract import StakingContract
from ocr_client.staking.evidence import EquivocationEvidence

#: What `submitted_tx` records for an offence that another submitter already settled.
SETTLED_ELSEWHERE: Final[str] = "settled-elsewhere"

Outcome = Literal["slashed", "already-slashed", "refused"]


@dataclass(frozen=True)
class Submission:
    """What happened to one piece of evidence."""

    evidence: EquivocationEvidence
    outcome: Outcome
    tx: str | None = None
    error: str | None = None


def submit(staking: StakingContract, reporter: LocalAccount, evidence: EquivocationEvidence) -> Submission:
    """Send one proof unless it is already settled; a refusal names the contract's error."""
    if staking.evidence_used(evidence.evidence_hash):
        return Submission(evidence, "already-slashed")
    try:
        staking.check_slash(reporter.address, evidence)
        receipt = staking.slash_equivocation(reporter, evidence)
    except TransactionRevertedError as exc:
        if exc.error_name == "EvidenceAlreadyUsed":  # someone else's landed between our check and send
            return Submission(evidence, "already-slashed")
        return Submission(evidence, "refused", error=str(exc))
    return Submission(evidence, "slashed", "0x" + bytes(receipt["transactionHash"]).hex())


def submit_stored(store: NodeStore, staking: StakingContract, reporter: LocalAccount) -> list[Submission]:
    """Submit every stored, unsettled piece of evidence for the staking contract's feed."""
    feed = staking.feed()
    done: list[Submission] = []
    for record in store.evidence():
        if record.submitted_tx is not None:
            continue
        result = submit(staking, reporter, EquivocationEvidence.from_conflict(feed, record.conflict))
        if result.outcome != "refused":
            store.mark_evidence_submitted(record.conflict, result.tx or SETTLED_ELSEWHERE)
        done.append(result)
    return done
