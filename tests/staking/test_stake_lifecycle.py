"""Stake, unbond, withdraw: exits wait out the unbonding period and stay slashable until withdrawn."""

from __future__ import annotations

import pytest
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.logs import DISCARD

from ocr_client.errors import TransactionRevertedError
from ocr_client.staking.local import MINTED, LocalStaking
from tests.staking.conftest import increase_time


def test_only_committee_members_can_stake(threshold: LocalStaking, reporter: LocalAccount) -> None:
    threshold.token.mint(reporter, reporter.address, 10**20)
    with pytest.raises(TransactionRevertedError) as info:
        threshold.staking.stake(reporter, 10**20)
    assert info.value.error_name == "NotACommitteeMember" and info.value.error_args[0] == reporter.address


def test_stake_below_the_minimum_is_refused(threshold: LocalStaking) -> None:
    params = threshold.staking.parameters()
    member = threshold.members[0]
    threshold.staking.request_unstake(member, params.minimum_stake)
    with pytest.raises(TransactionRevertedError) as info:
        threshold.staking.stake(member, params.minimum_stake - 1)
    assert info.value.error_name == "BelowMinimumStake"
    assert info.value.error_args == (member.address, params.minimum_stake - 1, params.minimum_stake)


@pytest.mark.slow
def test_withdraw_waits_for_the_unbonding_period_and_stake_stays_slashable_meanwhile(
        w3: Web3, threshold: LocalStaking, reporter: LocalAccount) -> None:
    params = threshold.staking.parameters()
    member = threshold.members[1]
    receipt = threshold.staking.request_unstake(member, params.minimum_stake)
    (event,) = threshold.staking.contract.events.UnstakeRequested().process_receipt(receipt)
    status = threshold.staking.status(member.address)
    assert (status.active, status.unbonding) == (0, params.minimum_stake)
    assert event["args"]["unlocksAt"] == status.unlocks_at
    with pytest.raises(TransactionRevertedError) as info:
        threshold.staking.withdraw(member)
    assert info.value.error_name == "StillUnbonding"

    # The retirement attack: an oracle that asked to leave equivocates on its way out. Still slashable.
    threshold.staking.slash_equivocation(reporter, threshold.equivocation(1))
    assert threshold.staking.slashable(member.address) == 0

    threshold.staking.stake(member, params.minimum_stake)
    threshold.staking.request_unstake(member, params.minimum_stake)
    increase_time(w3, params.unbonding_period)
    before = threshold.token.balance_of(member.address)
    threshold.staking.withdraw(member)
    assert threshold.token.balance_of(member.address) == before + params.minimum_stake
    assert threshold.staking.status(member.address).unbonding == 0
    with pytest.raises(TransactionRevertedError) as again:
        threshold.staking.withdraw(member)
    assert again.value.error_name == "NothingToWithdraw"


@pytest.mark.slow
def test_staking_emits_staked_with_the_new_active_total(threshold: LocalStaking) -> None:
    member = threshold.members[2]
    receipt = threshold.staking.stake(member, 5 * 10**18)
    (event,) = threshold.staking.contract.events.Staked().process_receipt(receipt, errors=DISCARD)
    minimum = threshold.staking.parameters().minimum_stake
    assert dict(event["args"]) == {"oracle": member.address, "amount": 5 * 10**18, "active": minimum + 5 * 10**18}
    assert threshold.token.balance_of(member.address) == MINTED - minimum - 5 * 10**18


@pytest.mark.slow
def test_partial_unstake_may_not_leave_dust_below_the_minimum(threshold: LocalStaking) -> None:
    member = threshold.members[0]
    with pytest.raises(TransactionRevertedError) as info:
        threshold.staking.request_unstake(member, 1)
    assert info.value.error_name == "BelowMinimumStake"
    with pytest.raises(TransactionRevertedError) as too_much:
        threshold.staking.request_unstake(member, 10**30)
    assert too_much.value.error_name == "InsufficientActiveStake"


@pytest.mark.slow
def test_the_owner_sets_every_parameter_with_an_event_and_nobody_else_can(
        threshold: LocalStaking, reporter: LocalAccount) -> None:
    staking, owner = threshold.staking, threshold.local.owner
    receipts = [
        staking.set_minimum_stake(owner, 7),
        staking.set_unbonding_period(owner, 60),
        staking.set_equivocation_slash(owner, 11),
        staking.set_alert_parameters(owner, 3, 120),
        staking.set_reward_shares(owner, 2_500, 100),
    ]
    names = [next(iter(getattr(staking.contract.events, n)().process_receipt(r)))["event"] for n, r in zip(
        ("MinimumStakeSet", "UnbondingPeriodSet", "EquivocationSlashSet", "AlertParametersSet", "RewardSharesSet"),
        receipts, strict=True)]
    assert names == ["MinimumStakeSet", "UnbondingPeriodSet", "EquivocationSlashSet", "AlertParametersSet",
                     "RewardSharesSet"]
    p = staking.parameters()
    assert (p.minimum_stake, p.unbonding_period, p.equivocation_slash, p.alert_slash, p.staleness_threshold,
            p.reporter_bps, p.alerter_bps) == (7, 60, 11, 3, 120, 2_500, 100)
    with pytest.raises(TransactionRevertedError) as info:
        staking.set_minimum_stake(reporter, 1)
    assert info.value.error_name == "OwnedUnauthorized"
    with pytest.raises(TransactionRevertedError) as bps:
        staking.set_reward_shares(owner, 10_001, 0)
    assert bps.value.error_name == "RewardShareTooHigh"
