"""Relay-once of signed responses and justifications: equivocating responders and justifiers.

Every node re-sends, once, each new signed RESPONSE / JUSTIFICATION version it accepts from another
author, so all honest nodes hold the same versions by the deadline and decide QUAL alike.
"""

from __future__ import annotations

from ocr_client.dkg import Exclusion, simulate_dkg
from ocr_client.dkg.messages import MAGIC, MessageType
from ocr_client.dkg.participants import SESSION_SIZE
from ocr_client.net.simnet import LinkRules, SimNetwork
from tests.dkg.dkg_support import all_done, assert_agree, assert_consistent_key, assert_signs

_TYPE_AT = len(MAGIC)
_AUTHOR_AT = len(MAGIC) + 1 + SESSION_SIZE


def _kind_and_author(payload: bytes) -> tuple[int, int]:
    return payload[_TYPE_AT], payload[_AUTHOR_AT]


def test_an_equivocating_responder_cannot_exclude_an_honest_dealer() -> None:
    # node 2 complains about dealer 3 to nodes 4..6 and answers all-OK to nodes 0..3; unrelayed,
    # dealer 3 would not justify and nodes 4..6 alone would exclude it
    run = simulate_dkg(7, 3, seed=21, faulty={2: "equivocate-response"})
    results = all_done(run.results)
    assert_agree(results)
    assert results[0].qual == tuple(range(7)) and results[0].excluded == {}
    assert_consistent_key(results)
    assert_signs(results)
    for node in run.nodes:  # the relays gave every node (the equivocator too) both signed versions
        assert set(node._other_responses) == {2}


def test_an_equivocating_justifier_is_excluded_everywhere() -> None:
    # node 5's false complaints make every dealer justify; dealer 4 sends two different justifications
    run = simulate_dkg(7, 3, seed=22, faulty={4: "equivocate-justification", 5: "false-complaint"})
    results = all_done(run.results)
    assert_agree(results)
    first = results[0]
    assert first.qual == (0, 1, 2, 3, 5, 6)
    assert {i: first.exclusion_reason(i) for i in first.excluded} == {4: Exclusion.EQUIVOCATION}
    assert "justifications" in first.excluded[4]
    assert_consistent_key(results)
    assert_signs(results, signers=[0, 4, 6])


def test_both_equivocations_with_reordering_and_duplicates() -> None:
    rules = LinkRules(latency=0.5, jitter=3.0, duplicate=0.3)
    faulty = {1: "equivocate-response", 4: "equivocate-justification", 6: "false-complaint"}
    run = simulate_dkg(7, 3, seed=23, faulty=faulty, rules=rules)
    results = all_done(run.results)
    assert_agree(results)
    assert results[0].qual == (0, 1, 2, 3, 5, 6)
    assert {i: results[0].exclusion_reason(i) for i in results[0].excluded} == {4: Exclusion.EQUIVOCATION}
    assert_consistent_key(results)


def test_a_complaint_sent_to_a_few_nodes_reaches_every_dealer_through_relays() -> None:
    # node 2 complains about everyone, but its own response only reaches nodes 0 and 1; without
    # relays the other dealers would not justify and nodes 0, 1 alone would exclude them
    def configure(network: SimNetwork) -> None:
        def only_to_0_and_1(sender: int, receiver: int, payload: bytes) -> bool:
            own = sender == 2 and _kind_and_author(payload) == (MessageType.RESPONSE, 2)
            return not own or receiver in (0, 1, 2)

        network.add_filter(only_to_0_and_1)

    run = simulate_dkg(7, 3, seed=24, faulty={2: "false-complaint"}, configure=configure)
    results = all_done(run.results)
    assert_agree(results)
    assert results[0].qual == tuple(range(7)) and results[0].excluded == {}
    assert_consistent_key(results)


def test_a_justification_sent_to_one_node_reaches_all() -> None:
    # dealer 3's justification only reaches node 0 directly; the relay brings it to everyone
    def configure(network: SimNetwork) -> None:
        def only_to_0(sender: int, receiver: int, payload: bytes) -> bool:
            own = sender == 3 and _kind_and_author(payload) == (MessageType.JUSTIFICATION, 3)
            return not own or receiver in (0, 3)

        network.add_filter(only_to_0)

    run = simulate_dkg(7, 3, seed=25, faulty={5: "false-complaint"}, configure=configure)
    results = all_done(run.results)
    assert_agree(results)
    assert results[0].qual == tuple(range(7))


def test_relays_are_authenticated_by_the_author_not_the_sender() -> None:
    run = simulate_dkg(4, 2, seed=26)
    node = run.nodes[0]
    deal = run.nodes[1]._my_deal
    assert deal is not None
    before = dict(node.rejected)
    node._seen_payloads.clear()  # forget the copy node 0 accepted from node 1 itself
    node.handle(2, deal.encode())  # a deal relayed by someone else: refused
    assert node.rejected.get("sender mismatch", 0) == before.get("sender mismatch", 0) + 1


def test_seeded_runs_with_equivocation_are_reproducible() -> None:
    faulty = {1: "equivocate-response", 4: "equivocate-justification", 6: "false-complaint"}
    a = all_done(simulate_dkg(7, 3, seed=27, faulty=faulty).results)
    b = all_done(simulate_dkg(7, 3, seed=27, faulty=faulty).results)
    assert [r.committee for r in a] == [r.committee for r in b]
    assert [r.share for r in a] == [r.share for r in b]


def test_the_decision_ignores_every_complaint_of_an_equivocating_responder() -> None:
    from ocr_client.crypto import get_backend
    from ocr_client.dkg.messages import Status
    from ocr_client.dkg.qual import decide

    run = simulate_dkg(7, 3, seed=21, faulty={2: "equivocate-response"})
    node = run.nodes[0]
    versions = [node._responses[2], node._other_responses[2]]
    complaint = next(r for r in versions if r.entries[3].status is Status.COMPLAINT)
    ok = next(r for r in versions if r is not complaint)
    assert ok.entries[3].status is Status.OK
    responses = {**node._responses, 2: complaint}
    # no justifications at all: the complaint alone excludes dealer 3, the two versions exclude no one
    alone = decide(run.config, responses, {}, get_backend())
    assert alone.excluded == {3: "no-justification: did not answer complaints from nodes [2]"}
    both = decide(run.config, responses, {}, get_backend(), other_responses={2: ok})
    assert both.qual == tuple(range(7)) and both.excluded == {}
