"""The joint-Feldman DKG end to end on the simulated network: honest runs, every misbehaviour, faults."""

from __future__ import annotations

import pytest

from ocr_client.committee.local import LocalCommittee
from ocr_client.crypto import Dealing, get_backend
from ocr_client.dkg import DkgFailedError, DkgParameterError, Exclusion, run_simulated_dkg, simulate_dkg
from ocr_client.net.simnet import LinkRules
from tests.dkg.dkg_support import all_done, assert_agree, assert_consistent_key, assert_signs


@pytest.mark.parametrize(("n", "t"), [(4, 2), (7, 3)])
def test_honest_nodes_agree_and_the_key_signs(n: int, t: int) -> None:
    results = all_done(run_simulated_dkg(n, t, seed=1))
    assert_agree(results)
    assert results[0].qual == tuple(range(n)) and results[0].excluded == {}
    assert_consistent_key(results)
    assert_signs(results)
    assert_signs(results, signers=range(t))


def test_threshold_one_and_full_threshold() -> None:
    for n, t in ((3, 1), (3, 3)):
        results = all_done(run_simulated_dkg(n, t, seed=2))
        assert_agree(results)
        assert_consistent_key(results)
        assert_signs(results)


EXPECTED = {
    "bad-share": Exclusion.BAD_SHARE,
    "bad-commitment": Exclusion.BAD_COMMITMENT,
    "silent": Exclusion.SILENT,
    "equivocate": Exclusion.EQUIVOCATION,
    "bad-justification": Exclusion.BAD_JUSTIFICATION,
}


@pytest.mark.parametrize("strategy", sorted(EXPECTED))
def test_f_misbehaving_dealers_are_excluded_and_the_rest_still_agree(strategy: str) -> None:
    faulty = {1: strategy, 4: strategy}  # n = 7, f = 2
    results = all_done(run_simulated_dkg(7, 3, seed=3, faulty=faulty))
    assert_agree(results)
    first = results[0]
    assert first.qual == (0, 2, 3, 5, 6)
    assert {i: first.exclusion_reason(i) for i in first.excluded} == {1: EXPECTED[strategy], 4: EXPECTED[strategy]}
    assert_consistent_key(results)
    assert_signs(results, signers=[0, 2, 3])
    assert_signs(results, signers=[1, 4, 6])  # faulty dealers are still honest recipients


def test_mixed_misbehaviour() -> None:
    faulty = {0: "equivocate", 6: "bad-justification"}
    results = all_done(run_simulated_dkg(7, 3, seed=4, faulty=faulty))
    assert_agree(results)
    assert results[0].qual == (1, 2, 3, 4, 5)
    assert_consistent_key(results)


def test_false_complaints_cannot_exclude_honest_dealers() -> None:
    results = all_done(run_simulated_dkg(7, 3, seed=5, faulty={2: "false-complaint", 5: "false-complaint"}))
    assert_agree(results)
    assert results[0].qual == tuple(range(7)) and results[0].excluded == {}
    assert_consistent_key(results)


def test_duplicated_and_reordered_messages_change_nothing() -> None:
    rules = LinkRules(latency=0.5, jitter=3.0, duplicate=0.3)
    plain = all_done(run_simulated_dkg(7, 3, seed=6, faulty={3: "bad-share"}))
    run = simulate_dkg(7, 3, seed=6, faulty={3: "bad-share"}, rules=rules)
    assert run.network.stats.duplicated > 0
    noisy = all_done(run.results)
    assert_agree(noisy)
    assert noisy[0].committee == plain[0].committee and noisy[0].qual == plain[0].qual
    assert_consistent_key(noisy)


def test_a_node_cut_off_from_one_dealer_gets_its_share_through_the_justification() -> None:
    # dealer 2's deal never reaches node 5: node 5 complains (missing), dealer 2 justifies, stays in QUAL
    def configure(network: object) -> None:
        from ocr_client.net.simnet import SimNetwork

        assert isinstance(network, SimNetwork)
        network.add_filter(lambda s, r, p: not (s == 2 and r == 5 and p[8] == 1))

    results = all_done(run_simulated_dkg(7, 3, seed=7, configure=configure))
    assert_agree(results)
    assert results[0].qual == tuple(range(7))
    assert_consistent_key(results)


def test_same_seed_same_key_and_fresh_randomness_without_seed() -> None:
    a = all_done(run_simulated_dkg(4, 2, seed=11))
    b = all_done(run_simulated_dkg(4, 2, seed=11))
    c = all_done(run_simulated_dkg(4, 2, seed=12))
    d = all_done(run_simulated_dkg(4, 2, seed=None))
    e = all_done(run_simulated_dkg(4, 2, seed=None))
    assert a[0].committee == b[0].committee
    assert [r.share for r in a] == [r.share for r in b]
    keys = {x[0].committee.group_public_key for x in (a, c, d, e)}
    assert len(keys) == 4
    assert_consistent_key(d)


def test_too_few_qualified_dealers_fails_clearly_everywhere() -> None:
    run = simulate_dkg(4, 3, seed=8, faulty={0: "silent", 1: "bad-share"})
    assert run.results == [None] * 4
    for error in run.errors:
        assert isinstance(error, DkgFailedError)
        assert "only 2 qualified dealers, need at least t=3" in str(error)


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(DkgParameterError, match="threshold"):
        simulate_dkg(3, 4, seed=0)
    with pytest.raises(DkgParameterError, match="unknown misbehaviour"):
        simulate_dkg(4, 2, seed=0, faulty={0: "lie"})
    with pytest.raises(DkgParameterError, match="faulty node indices"):
        simulate_dkg(4, 2, seed=0, faulty={9: "silent"})


def test_a_dkg_result_is_a_working_local_committee() -> None:
    results = all_done(run_simulated_dkg(7, 3, seed=9, faulty={1: "bad-share"}))
    backend = get_backend()
    committee = LocalCommittee(f=2, dealing=Dealing(results[0].committee, tuple(r.share for r in results)),
                               transmitters=(), backend=backend)
    digest = b"\x42" * 32
    combined = committee.sign(digest, signers=[6, 2, 4])
    assert backend.verify(committee.group_public_key, digest, combined.signature)
    assert committee.n == 7 and committee.threshold == 3
