"""Staleness alerts: once the feed's latest round is older than the threshold, anyone may raise one
alert per stale round; every staked committee member loses the alert amount (capped by what it
holds) and the alerter is paid. In accountable mode the signers of the latest report are NOT spared."""

from __future__ import annotations

import pytest
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.logs import DISCARD

from ocr_client.errors import TransactionRevertedError
from ocr_client.staking.contract import REASON_STALENESS
from ocr_client.staking.local import LocalStaking
from tests.staking.conftest import increase_time


def test_an_alert_before_the_threshold_or_before_any_round_is_refused(
        w3: Web3, threshold: LocalStaking, reporter: LocalAccount) -> None:
    with pytest.raises(TransactionRevertedError) as none_yet:
        threshold.staking.raise_alert(reporter)
    assert none_yet.value.error_name == "FeedHasNoRound"
    threshold.local.push(3_000)
    with pytest.raises(TransactionRevertedError) as fresh:
        threshold.staking.raise_alert(reporter)
    assert fresh.value.error_name == "FeedNotStale"
    round_id, updated_at, alertable_at = fresh.value.error_args
    assert round_id == threshold.local.feed.latest_round().round_id  # type: ignore[union-attr]
    assert alertable_at == updated_at + threshold.staking.parameters().staleness_threshold


def test_one_alert_per_stale_round_slashes_every_staked_signer_too_capped_by_holdings(
        w3: Web3, accountable: LocalStaking, reporter: LocalAccount) -> None:
    staking, params = accountable.staking, accountable.staking.parameters()
    # Oracle 3 holds less than one alert's amount: it loses what it has, no more.
    staking.set_equivocation_slash(accountable.local.owner, params.minimum_stake - params.alert_slash // 2)
    staking.slash_equivocation(reporter, accountable.equivocation(3))
    accountable.local.push(3_000, signers=[0, 1])  # oracles 0 and 1 signed the latest report
    before = accountable.slashable()
    paid_before = accountable.token.balance_of(reporter.address)
    increase_time(w3, params.staleness_threshold + 1)
    receipt = staking.raise_alert(reporter)
    taken = [b - a for b, a in zip(before, accountable.slashable(), strict=True)]
    assert taken == [params.alert_slash] * 3 + [params.alert_slash // 2], "signers of the stale report are not spared"
    (alert,) = staking.contract.events.AlertRaised().process_receipt(receipt, errors=DISCARD)
    assert alert["args"]["slashed"] == sum(taken)
    assert accountable.token.balance_of(reporter.address) - paid_before == sum(taken) * params.alerter_bps // 10_000
    reasons = {e["args"]["reason"] for e in staking.contract.events.Slashed().process_receipt(receipt, errors=DISCARD)}
    assert reasons == {REASON_STALENESS}
    with pytest.raises(TransactionRevertedError) as again:
        staking.raise_alert(reporter)
    assert again.value.error_name == "AlertAlreadyRaised" and again.value.error_args == (alert["args"]["roundId"],)
