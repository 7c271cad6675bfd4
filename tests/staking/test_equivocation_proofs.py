"""Slashing by proof: anyone proves two partial signatures of one oracle over two different reports
for one (configDigest, epoch, round); every malformed or unfounded proof reverts with its own error
and moves nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest
from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_account.signers.local import LocalAccount
from web3.logs import DISCARD

from ocr_client.errors import TransactionRevertedError
from ocr_client.report.config import CONFIG_TUPLE_TYPE
from ocr_client.staking.contract import REASON_EQUIVOCATION
from ocr_client.staking.evidence import EquivocationEvidence
from ocr_client.staking.local import LocalStaking


@pytest.mark.parametrize("mode", ["threshold", "accountable"])
def test_a_proven_equivocation_slashes_exactly_that_oracle_and_pays_the_reporter(
        request: pytest.FixtureRequest, mode: str, reporter: LocalAccount) -> None:
    setup: LocalStaking = request.getfixturevalue(mode)
    params = setup.staking.parameters()
    before = setup.slashable()
    evidence = setup.equivocation(2)
    receipt = setup.staking.slash_equivocation(reporter, evidence)
    after = setup.slashable()
    assert after == [before[0], before[1], before[2] - params.equivocation_slash, before[3]]
    reward = params.equivocation_slash * params.reporter_bps // 10_000
    assert setup.token.balance_of(reporter.address) == reward
    assert setup.staking.forfeited() == params.equivocation_slash - reward
    (slashed,) = setup.staking.contract.events.Slashed().process_receipt(receipt, errors=DISCARD)
    assert dict(slashed["args"]) == {"oracle": setup.members[2].address, "amount": params.equivocation_slash,
                                     "reason": REASON_EQUIVOCATION, "evidenceHash": evidence.evidence_hash}
    assert setup.staking.evidence_used(evidence.evidence_hash)


def _refused(setup: LocalStaking, reporter: LocalAccount, evidence: EquivocationEvidence) -> TransactionRevertedError:
    """Send a bad proof; check it reverted and that no token moved."""
    before = (setup.slashable(), setup.token.balance_of(reporter.address), setup.staking.forfeited())
    with pytest.raises(TransactionRevertedError) as info:
        setup.staking.slash_equivocation(reporter, evidence)
    assert (setup.slashable(), setup.token.balance_of(reporter.address), setup.staking.forfeited()) == before
    return info.value


def test_each_unfounded_threshold_proof_has_its_own_error(threshold: LocalStaking, reporter: LocalAccount) -> None:
    good = threshold.equivocation(1)
    other_feed = replace(good, feed=reporter.address)
    assert _refused(threshold, reporter, other_feed).error_name == "EvidenceForOtherFeed"
    truncated = replace(good, report_b=good.report_b[:-1])
    assert _refused(threshold, reporter, truncated).error_args == (1, len(good.report_b) - 1)
    short_sig = replace(good, signature_a=good.signature_a[:64])
    assert _refused(threshold, reporter, short_sig).error_name == "MalformedSignature"
    later = threshold.report(good.epoch, good.round + 1, 3_001)
    different_rounds = replace(good, report_b=later, signature_b=threshold.partial(1, later))
    assert _refused(threshold, reporter, different_rounds).error_name == "ReportsForDifferentRounds"
    identical = replace(good, report_b=good.report_a, signature_b=good.signature_a)
    assert _refused(threshold, reporter, identical).error_name == "IdenticalReports"
    wrong_config = bytes(32) + good.report_a[32:]
    other_config = replace(good, report_a=wrong_config, report_b=bytes(32) + good.report_b[32:])
    err = _refused(threshold, reporter, other_config)
    assert err.error_name == "EvidenceForOtherConfig" and err.error_args[1] == bytes(32)
    assert _refused(threshold, reporter, replace(good, oracle=4)).error_args == (4, 4)
    someone_elses = replace(good, signature_b=threshold.partial(2, good.report_b))
    assert _refused(threshold, reporter, someone_elses).error_args == (1, 1)


@pytest.mark.slow
def test_a_proof_counts_once_even_with_a_third_report_for_the_same_round(
        threshold: LocalStaking, reporter: LocalAccount) -> None:
    threshold.staking.set_equivocation_slash(threshold.local.owner, 10**18)  # leaves stake to slash again
    first = threshold.equivocation(0)
    threshold.staking.slash_equivocation(reporter, first)
    assert _refused(threshold, reporter, first).error_name == "EvidenceAlreadyUsed"
    third = threshold.report(first.epoch, first.round, 4_242)
    again = replace(first, report_b=third, signature_b=threshold.partial(0, third))
    err = _refused(threshold, reporter, again)
    assert err.error_name == "EvidenceAlreadyUsed" and err.error_args == (first.evidence_hash,)


@pytest.mark.slow
def test_an_unstaked_oracle_cannot_be_slashed(threshold: LocalStaking, reporter: LocalAccount) -> None:
    params = threshold.staking.parameters()
    threshold.staking.slash_equivocation(reporter, threshold.equivocation(3))  # takes all it had
    later = threshold.equivocation(3, round_=2)
    err = _refused(threshold, reporter, later)
    assert err.error_name == "OracleNotStaked" and err.error_args == (3, threshold.members[3].address)
    assert params.equivocation_slash == params.minimum_stake


@pytest.mark.slow
def test_a_forged_committee_cannot_prove_a_share(threshold: LocalStaking, reporter: LocalAccount) -> None:
    """Threshold mode takes the oracle's public share from a configuration that must hash to the
    feed's digest. An attacker who puts a key it controls (here oracle 2's share) in oracle 1's place,
    and signs both reports with it, has a proof whose signatures verify, but against a committee
    that hashes to another digest: refused before any pairing."""
    good = threshold.equivocation(1)
    count, config = abi_decode(["uint64", CONFIG_TUPLE_TYPE], threshold.staking.committee_proof())
    shares = list(config[3])
    shares[1] = shares[2]
    forged = abi_encode(["uint64", CONFIG_TUPLE_TYPE], [count, (*config[:3], shares, *config[4:])])
    framed = replace(good, signature_a=threshold.partial(2, good.report_a), signature_b=threshold.partial(2, good.report_b))
    with pytest.raises(TransactionRevertedError) as info:
        threshold.staking._check(reporter.address, "slashEquivocation", framed.as_tuple(), forged)
    assert info.value.error_name == "CommitteeProofMismatch"
    assert info.value.error_args[0] == threshold.local.handle.config_digest()


def test_each_unfounded_accountable_proof_is_refused(accountable: LocalStaking, reporter: LocalAccount) -> None:
    good = accountable.equivocation(0)
    someone_elses = replace(good, signature_a=accountable.partial(1, good.report_a))
    assert _refused(accountable, reporter, someone_elses).error_args == (0, 0)
    with pytest.raises(TransactionRevertedError) as info:
        accountable.staking._check(reporter.address, "slashEquivocation", good.as_tuple(), b"\x01")
    assert info.value.error_name == "UnexpectedCommitteeProof"
