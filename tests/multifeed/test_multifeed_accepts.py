"""A multi-feed report lands once and every feed gets its own round, event and AggregatorV3 view."""

from __future__ import annotations

from collections.abc import Callable

from eth_account.signers.local import LocalAccount

from ocr_client.chain.deploy import deploy
from ocr_client.chain.transactions import call
from ocr_client.multifeed import LocalMultiFeed, multi_config_digest
from ocr_client.multifeed.layout import decode_multi_report, split_transmit_calldata
from ocr_client.report.layout import Observation
from tests.feed.helpers import expect_revert

ETH = [3000_00000000, 3003_00000000, 2999_00000000, 3001_00000000]
BTC = [31_500000000000000000, 31_400000000000000000, 31_700000000000000000, 31_600000000000000000]
EUR = [1_084000, 1_083000, 1_085000, 1_086000]
TIMESTAMPS = [1_700_000_010, 1_700_000_011, 1_700_000_012, 1_700_000_013]


def _encoded(contract_fn: object) -> bytes:
    return bytes.fromhex(contract_fn._encode_transaction_data()[2:])  # type: ignore[attr-defined]


def test_views_revert_no_data_present_before_the_first_report(hub: LocalMultiFeed) -> None:
    sender = hub.owner.address
    for feed in range(hub.feeds):
        view = hub.hub.view(feed)
        expect_revert(lambda v=view: call(hub.w3, sender, str(v.address),  # type: ignore[misc]
                                          _encoded(v.functions.latestRoundData())), "NoDataPresent")
        expect_revert(lambda v=view: call(hub.w3, sender, str(v.address),  # type: ignore[misc]
                                          _encoded(v.functions.getRoundData(1))), "NoDataPresent")


def test_one_report_gives_every_feed_its_own_answer_and_round(hub: LocalMultiFeed) -> None:
    first = hub.push([ETH, BTC, EUR], timestamps=TIMESTAMPS)
    second = hub.push([3100_00000000, 32 * 10**18, 1_090000])
    first_time = hub.w3.eth.get_block(first["blockNumber"])["timestamp"]
    second_time = hub.w3.eth.get_block(second["blockNumber"])["timestamp"]

    # sorted by value: the median (index 2 of 4) and the row (oracle) it came from
    expected_first = [(3001_00000000, TIMESTAMPS[3]), (31_600000000000000000, TIMESTAMPS[3]), (1_085000, TIMESTAMPS[2])]
    for feed, (answer, started_at) in enumerate(expected_first):
        earlier = hub.hub.round(feed, 1)
        assert earlier is not None
        assert (earlier.round_id, earlier.answer, earlier.answered_in_round) == (1, answer, 1)
        assert (earlier.started_at, earlier.updated_at) == (started_at, first_time)
    for feed, answer in enumerate([3100_00000000, 32 * 10**18, 1_090000]):
        latest = hub.hub.latest_round(feed)
        assert latest is not None
        assert (latest.round_id, latest.answer, latest.answered_in_round, latest.updated_at) == (2, answer, 2, second_time)
        assert hub.hub.round(feed, 3) is None and hub.hub.round(feed, 0) is None
    assert hub.hub.contract.functions.latestRoundId().call() == 2


def test_each_feed_event_carries_its_own_observations_joined_with_the_shared_rows(hub: LocalMultiFeed) -> None:
    signed = hub.signed_transmit([ETH, BTC, EUR], timestamps=TIMESTAMPS)
    receipt = hub.send(signed)
    (report,) = hub.hub.transmissions(receipt["blockNumber"], receipt["blockNumber"])
    assert (report.round_id, report.epoch, report.round) == (1, 1, 1)
    assert report.config_digest == hub.hub.config_digest()
    assert report.observers == (0, 1, 2, 3) and report.timestamps == tuple(TIMESTAMPS)
    assert report.transmitter == hub.committee.transmitters[0].address
    assert [f.feed_id for f in report.feeds] == [0, 1, 2]
    for feed in report.feeds:
        assert feed.round_id == 1
        assert feed.answer == signed.report.feeds[feed.feed_id].answer
        assert feed.observations == signed.report.observations(feed.feed_id)
    # spelled out for one feed: ascending values, each with the oracle and time that observed it
    assert report.feeds[2].observations == (
        Observation(1, TIMESTAMPS[1], 1_083000), Observation(0, TIMESTAMPS[0], 1_084000),
        Observation(2, TIMESTAMPS[2], 1_085000), Observation(3, TIMESTAMPS[3], 1_086000),
    )


def test_a_report_from_a_subset_of_oracles_in_any_row_order_is_accepted(hub: LocalMultiFeed) -> None:
    # 2f+1 = 3 of 4 oracles, rows not in oracle order, signed by oracles 1 and 3
    hub.push([[30, 10, 20], [5, 7, 6], [100, 100, 99]], observers=[3, 0, 2], timestamps=[7, 8, 9], signers=[1, 3])
    answers = [hub.hub.latest_round(i) for i in range(3)]
    assert [a.answer for a in answers if a is not None] == [20, 6, 100]
    # feed 2 ties at 100 between oracles 3 (t=7) and 0 (t=8): ties sort by observer, so oracle 0's is the median
    assert [a.started_at for a in answers if a is not None] == [9, 9, 8]


def test_calldata_is_exactly_the_documented_packed_layout(hub: LocalMultiFeed) -> None:
    signed = hub.signed_transmit([ETH, BTC, EUR], timestamps=TIMESTAMPS)
    report, signature, index = split_transmit_calldata(signed.calldata)
    assert decode_multi_report(report) == signed.report
    assert (signature, index) == (signed.signature, 0)
    m, k = 4, 3
    assert len(signed.calldata) == 4 + 39 + 5 * m + k * (24 + 25 * m) + 128 + 1


def test_config_digest_computed_in_python_matches_the_hub(hub: LocalMultiFeed) -> None:
    from ocr_client.multifeed import MultiFeedConfig

    config = MultiFeedConfig.for_committee(hub.committee, [1, 1, 1], [10**14, 10**20, 10**7])
    digest = multi_config_digest(hub.chain_id, hub.address, 1, config)
    assert digest == hub.hub.config_digest()
    assert digest[:2] == bytes.fromhex("0b16")
    assert hub.hub.answer_bounds(1) == (1, 10**20)


def test_each_view_has_its_own_metadata_and_serves_an_unmodified_aggregator_v3_consumer(
    hub: LocalMultiFeed, deployer: LocalAccount,
) -> None:
    views = hub.hub.views()
    assert [v.functions.decimals().call() for v in views] == [8, 18, 6]
    assert [v.functions.description().call() for v in views] == ["ETH / USD", "BTC / ETH", "EUR / USD"]
    assert {v.functions.version().call() for v in views} == {1}
    assert [v.functions.feedId().call() for v in views] == [0, 1, 2]
    assert {v.functions.hub().call() for v in views} == {hub.address}
    hub.push([2500_12345678, 31 * 10**18, 1_080000])
    hub.push([2600_00000000, 32 * 10**18, 1_090000])
    consumer = deploy(hub.w3, deployer, "FeedConsumer", views[2].address)
    price, round_id = consumer.functions.price18(3600).call()
    assert (price, round_id) == (1_090000 * 10**12, 2)
    assert consumer.functions.answerAt(1).call() == 1_080000


def test_unknown_feed_ids_are_refused_with_their_own_error(hub: LocalMultiFeed) -> None:
    fn = hub.hub.contract.functions
    sender = hub.owner.address
    expect_revert(lambda: call(hub.w3, sender, hub.address, _encoded(fn.latestFeedRoundData(3))), "UnknownFeed", 3, 3)
    expect_revert(lambda: call(hub.w3, sender, hub.address, _encoded(fn.feedView(7))), "UnknownFeed", 7, 3)


def test_negative_answers_and_one_feed_hubs_work(multi_factory: Callable[..., LocalMultiFeed]) -> None:
    local = multi_factory(n=4, feeds=1, min_answers=[-(10**20)], max_answers=[10**20])
    local.push([[-5, -1, -3, 7]])
    latest = local.hub.latest_round(0)
    assert latest is not None and latest.answer == -1


def test_rounds_count_on_across_a_new_configuration(multi_factory: Callable[..., LocalMultiFeed]) -> None:
    from ocr_client.committee.local import LocalCommittee
    from ocr_client.multifeed import MultiFeedConfig

    local = multi_factory(n=4, feeds=2)
    local.push([10, 20])
    committee = LocalCommittee.create(7, seed=5)
    local.hub.set_config(local.owner, MultiFeedConfig.for_committee(committee, [1, 1], [10**9, 10**9]))
    local.committee, local.epoch, local.round = committee, 1, 0
    local.push([11, 21])
    assert [r.round_id for r in (local.hub.latest_round(0), local.hub.latest_round(1)) if r] == [2, 2]
    assert local.hub.committee() == (7, 2, 3)


def test_start_runs_a_hub_on_its_own_anvil_and_close_stops_it() -> None:
    with LocalMultiFeed.start(n=4, feeds=2, seed=3) as local:
        local.push([[1, 2, 3, 4], 9])
        assert [r.answer for r in (local.hub.latest_round(0), local.hub.latest_round(1)) if r] == [3, 9]
        anvil = local._anvil
        assert anvil is not None and anvil.process is not None
        process = anvil.process
    assert local._anvil is None and process.poll() is not None


def test_only_the_hub_announces_a_feed_views_rounds(hub: LocalMultiFeed) -> None:
    view = hub.hub.view(0)
    fn = view.functions.announce(7, 1, 1, hub.owner.address)
    expect_revert(lambda: call(hub.w3, hub.owner.address, str(view.address), _encoded(fn)),
                  "FeedViewCallerNotHub", hub.owner.address)
