"""Rotating a live feed to a new committee (fresh DKG or resharing) on a real anvil: no updatedAt gap
beyond one heartbeat, and only the new committee's signatures count afterwards."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

import pytest
from web3 import Web3

from ocr_client.committee.contract import RoundData
from ocr_client.committee.local import LocalCommittee, committee_f, transmitter_key
from ocr_client.crypto import Dealing, get_backend
from ocr_client.dkg import DkgResult, simulate_dkg
from ocr_client.dkg.reshare import simulate_reshare
from ocr_client.errors import TransactionRevertedError
from ocr_client.local.feed import LocalFeed
from ocr_client.protocol.config import Timing
from ocr_client.protocol.rotation import RotationError, rotate
from ocr_client.protocol.simulation import SIM_TIMING, OracleSimulation, SimulationSettings
from ocr_client.report.median import build_report

#: Heartbeat-only trigger (alpha = 1: a 100% move would be needed) with a 5 s heartbeat.
HEARTBEAT: Timing = replace(SIM_TIMING, alpha=1.0, delta_c=5.0)
REPORTS_PER_COMMITTEE = 3


def committee_from(results: Sequence[DkgResult | None], seed: int) -> LocalCommittee:
    """A LocalCommittee from DKG (or resharing) results, as ``ocr keys dkg`` builds it."""
    done = [r for r in results if r is not None]
    assert len(done) == len(results)
    public = done[0].committee
    n, t = public.size, public.threshold
    return LocalCommittee(f=committee_f(n, t), dealing=Dealing(public, tuple(r.share for r in done)),
                          transmitters=tuple(transmitter_key(seed, i) for i in range(n)), backend=get_backend())


def all_rounds(local: LocalFeed) -> list[RoundData]:
    latest = local.feed.latest_round()
    assert latest is not None
    rounds = [local.feed.round(i) for i in range(1, latest.round_id + 1)]
    assert all(r is not None for r in rounds)
    return [r for r in rounds if r is not None]


def assert_gaps_within_heartbeat(local: LocalFeed, delta_c: float) -> list[int]:
    stamps = [r.updated_at for r in all_rounds(local)]
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert gaps and all(0 < g <= delta_c for g in gaps), gaps
    return gaps


@dataclass
class Rotated:
    old: LocalFeed
    new: LocalFeed
    sim_old: OracleSimulation
    sim_new: OracleSimulation
    old_digest: bytes
    rotated_at_block: int


def run_rotation(w3: Web3, new_committee: LocalCommittee, old_committee: LocalCommittee, seed: int) -> Rotated:
    """Old committee for ~3 heartbeats, rotate, new committee for ~3 heartbeats."""
    old = LocalFeed.deploy(w3, committee=old_committee)
    settings = SimulationSettings(seed=seed, timing=HEARTBEAT, chain_time=True)
    sim_old = OracleSimulation(old, settings)
    sim_old.start()
    sim_old.run(until_landed=REPORTS_PER_COMMITTEE, max_time=4 * HEARTBEAT.delta_c)
    assert sim_old.recorder.landed_count == REPORTS_PER_COMMITTEE
    old_digest = old.feed.config_digest()
    new = LocalFeed(w3, old.feed, new_committee, old.owner)
    sim_new = rotate(sim_old, new, old.owner, replace(settings, seed=seed + 1))
    rotated_at_block = old.feed.config_details()[1]
    sim_new.run(until_landed=REPORTS_PER_COMMITTEE, max_time=4 * HEARTBEAT.delta_c)
    assert sim_new.recorder.landed_count == REPORTS_PER_COMMITTEE
    return Rotated(old, new, sim_old, sim_new, old_digest, rotated_at_block)


@pytest.fixture(scope="module")
def dkg_rotation(w3: Web3) -> Rotated:
    """A dealer-made 4-node committee handing over to a 3-of-7 committee from a fresh DKG."""
    run = simulate_dkg(7, 3, seed=31)
    return run_rotation(w3, committee_from(run.results, seed=32), LocalCommittee.create(4, seed=30), seed=30)


def test_rotation_to_a_fresh_dkg_committee_keeps_updated_at_gaps_within_one_heartbeat(dkg_rotation: Rotated) -> None:
    r = dkg_rotation
    assert_gaps_within_heartbeat(r.old, HEARTBEAT.delta_c)
    new_digest = r.old.feed.config_digest()
    assert new_digest != r.old_digest
    assert r.old.feed.committee() == (7, 2, 3)
    transmissions = r.old.feed.transmissions()
    before = [t for t in transmissions if t.block_number < r.rotated_at_block]
    after = [t for t in transmissions if t.block_number > r.rotated_at_block]
    assert len(before) >= REPORTS_PER_COMMITTEE and len(after) == REPORTS_PER_COMMITTEE
    assert {t.config_digest for t in before} == {r.old_digest}
    assert {t.config_digest for t in after} == {new_digest}
    new_transmitters = {a.address for a in r.new.committee.transmitters}
    assert {t.transmitter for t in after} <= new_transmitters  # the feed accepted the new committee's reports
    assert not new_transmitters & {a.address for a in r.old.committee.transmitters}
    assert all(node is None for node in r.sim_old.nodes)  # old nodes stopped


def test_after_rotation_t_old_shares_cannot_sign_for_the_new_config(dkg_rotation: Rotated) -> None:
    r = dkg_rotation
    digest, epoch, round_ = r.new.feed.latest_epoch_and_round()
    report = build_report(digest, epoch, round_ + 1, r.new.observations(300_000_000_000))
    sender = r.new.committee.transmitters[0]
    old_signed = r.new.assemble(report, r.old.committee.sign(r.new.digest(report), signers=[0, 1]), sender)
    with pytest.raises(TransactionRevertedError) as refused:
        r.new.feed.check_transmit(sender.address, old_signed.calldata)
    assert refused.value.error_name == "InvalidSignature"
    new_signed = r.new.sign_report(report, signers=[2, 4, 6], sender=sender)
    r.new.feed.check_transmit(sender.address, new_signed.calldata)  # accepted: no revert


@pytest.mark.slow
def test_reshare_rotation_keeps_the_group_key(w3: Web3) -> None:
    """Rotating to a *reshared* committee: same on-chain group key, reports keep landing.

    The flip side, shown at the end: t_old OLD shares still produce signatures the feed accepts
    under the new config, because the group secret never changed. That is why ``--reshare``
    requires trusting the old members to erase their old shares, and why a fresh DKG is the default.
    """
    old_committee = LocalCommittee.create(4, threshold=2, seed=40)
    run = simulate_reshare(old_committee.dealing.committee, old_committee.dealing.secret_shares, 7, 3, seed=41)
    r = run_rotation(w3, committee_from(run.results, seed=42), old_committee, seed=40)
    assert_gaps_within_heartbeat(r.old, HEARTBEAT.delta_c)
    on_chain_key = bytes(r.old.feed.contract.functions.groupPublicKey().call())
    assert on_chain_key == old_committee.group_public_key == r.new.committee.group_public_key
    assert r.old.feed.config_digest() != r.old_digest  # a new config (new shares, transmitters), same key
    digest, epoch, round_ = r.new.feed.latest_epoch_and_round()
    report = build_report(digest, epoch, round_ + 1, r.new.observations(300_000_000_000))
    sender = r.new.committee.transmitters[0]
    old_signed = r.new.assemble(report, old_committee.sign(r.new.digest(report), signers=[0, 3]), sender)
    r.new.feed.check_transmit(sender.address, old_signed.calldata)  # old shares still verify: erase them!


def test_rotation_refuses_another_feed(w3: Web3) -> None:
    old = LocalFeed.deploy(w3, n=4, seed=50)
    other = LocalFeed.deploy(w3, n=4, seed=51)
    sim = OracleSimulation(old, SimulationSettings(seed=50, timing=HEARTBEAT, chain_time=True))
    with pytest.raises(RotationError, match="not the old committee's feed"):
        rotate(sim, other, old.owner, SimulationSettings(seed=51, timing=HEARTBEAT))
    digest = old.feed.config_digest()
    same_feed = LocalFeed(w3, old.feed, LocalCommittee.create(4, seed=51), old.owner)
    with pytest.raises(RotationError, match="landed no report"):  # never started: no report, no rotation
        rotate(sim, same_feed, old.owner, SimulationSettings(seed=51, timing=HEARTBEAT), timeout=3.0)
    assert old.feed.config_digest() == digest
