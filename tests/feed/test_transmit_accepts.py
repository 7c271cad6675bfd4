"""A valid report lands, gets its own round record, and reads back through AggregatorV3Interface."""

from __future__ import annotations

from ocr_client.chain.deploy import deploy
from ocr_client.report.layout import Observation
from ocr_client.testing import LocalFeed
from tests.feed.helpers import expect_revert


def test_feed_reverts_no_data_present_before_the_first_report(ocr_local_feed: LocalFeed) -> None:
    fn = ocr_local_feed.feed.contract.functions
    from ocr_client.chain.transactions import call

    sender = ocr_local_feed.owner.address
    expect_revert(lambda: call(ocr_local_feed.w3, sender, ocr_local_feed.address,
                               bytes.fromhex(fn.latestRoundData()._encode_transaction_data()[2:])), "NoDataPresent")
    expect_revert(lambda: call(ocr_local_feed.w3, sender, ocr_local_feed.address,
                               bytes.fromhex(fn.getRoundData(1)._encode_transaction_data()[2:])), "NoDataPresent")


def test_valid_reports_are_readable_through_latest_and_get_round_data(ocr_local_feed: LocalFeed) -> None:
    values = [3000_00000000, 3003_00000000, 2999_00000000, 3001_00000000]
    timestamps = [1_700_000_010, 1_700_000_011, 1_700_000_012, 1_700_000_013]
    first = ocr_local_feed.push(values, timestamps=timestamps)
    second = ocr_local_feed.push(3100_00000000)

    latest = ocr_local_feed.feed.latest_round()
    assert latest is not None
    assert latest.round_id == 2 and latest.answer == 3100_00000000 and latest.answered_in_round == 2
    assert latest.updated_at == ocr_local_feed.w3.eth.get_block(second["blockNumber"])["timestamp"]

    earlier = ocr_local_feed.feed.round(1)
    assert earlier is not None
    # sorted: 2999 (t12), 3000 (t10), 3001 (t13), 3003 (t11): the median is 3001, observed at t13
    assert earlier.answer == 3001_00000000
    assert earlier.started_at == 1_700_000_013
    assert earlier.updated_at == ocr_local_feed.w3.eth.get_block(first["blockNumber"])["timestamp"]
    assert ocr_local_feed.feed.round(3) is None


def test_new_transmission_event_carries_observations_observers_and_timestamps(ocr_local_feed: LocalFeed) -> None:
    values = [10, 40, 20, 30]
    timestamps = [100, 101, 102, 103]
    receipt = ocr_local_feed.push(values, timestamps=timestamps)
    (event,) = ocr_local_feed.feed.transmissions(receipt["blockNumber"], receipt["blockNumber"])
    assert event.round_id == 1 and event.epoch == 1 and event.round == 1
    assert event.answer == 30
    assert event.config_digest == ocr_local_feed.feed.config_digest()
    assert event.transmitter == ocr_local_feed.committee.transmitters[0].address
    assert event.observations == (
        Observation(0, 100, 10), Observation(2, 102, 20), Observation(3, 103, 30), Observation(1, 101, 40),
    )


def test_unmodified_aggregator_v3_consumer_reads_the_feed(ocr_local_feed: LocalFeed, deployer) -> None:  # type: ignore[no-untyped-def]
    consumer = deploy(ocr_local_feed.w3, deployer, "FeedConsumer", ocr_local_feed.address)
    ocr_local_feed.push(2500_12345678)
    ocr_local_feed.push(2600_00000000)
    price, round_id = consumer.functions.price18(3600).call()
    assert (price, round_id) == (2600 * 10**18, 2)
    assert consumer.functions.answerAt(1).call() == 2500_12345678


def test_negative_answers_within_bounds_are_accepted(ocr_feed_factory) -> None:  # type: ignore[no-untyped-def]
    local = ocr_feed_factory(n=4, min_answer=-(10**20), max_answer=10**20)
    local.push([-5, -1, -3, 7])
    latest = local.feed.latest_round()
    assert latest is not None and latest.answer == -1


def test_consumer_metadata_matches_chainlink_interface(ocr_local_feed: LocalFeed) -> None:
    fn = ocr_local_feed.feed.contract.functions
    assert fn.decimals().call() == 8
    assert fn.description().call() == "TEST / USD"
    assert fn.version().call() == 1
