// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AggregatorV2V3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV2V3Interface.sol";

import {IOCRMultiFeed} from "./IOCRMultiFeed.sol";

/// @title FeedView
/// @notice One feed of an OCRMultiFeed hub behind Chainlink's unmodified AggregatorV2V3Interface,
///         so existing consumers (and indexers following AnswerUpdated/NewRound at the aggregator's
///         address) use it like any other aggregator. The hub deploys one per feed.
/// @dev Holds only the feed's identity and metadata; every round is read from the hub, so a revert
///      there (NoDataPresent(roundId) before the first report or for an unknown round) reaches the
///      consumer unchanged; the V2 getters return 0 for unknown rounds, as Chainlink's do. The hub
///      calls `announce` once per report so that the round events come from this address.
contract FeedView is AggregatorV2V3Interface {
    /// @dev AggregatorV3Interface version of this contract.
    uint256 private constant VERSION = 1;

    /// @dev Only the hub may announce rounds; `caller` tried.
    error FeedViewCallerNotHub(address caller);

    /// @notice The hub whose rounds this view serves.
    IOCRMultiFeed public immutable hub;
    /// @notice The feed's index in the hub's reports.
    uint8 public immutable feedId;

    uint8 private immutable i_decimals;
    string private s_description;

    /// @param feedId_ The feed's index in the hub's reports; the deployer is the hub.
    /// @param feedDecimals Decimals of the answers.
    /// @param feedDescription Human description, e.g. "BTC / USD".
    constructor(uint8 feedId_, uint8 feedDecimals, string memory feedDescription) {
        hub = IOCRMultiFeed(msg.sender);
        feedId = feedId_;
        i_decimals = feedDecimals;
        s_description = feedDescription;
    }

    /// @notice Decimals of every answer.
    /// @return The number of decimals.
    function decimals() external view override returns (uint8) {
        return i_decimals;
    }

    /// @notice What this feed reports.
    /// @return The description.
    function description() external view override returns (string memory) {
        return s_description;
    }

    /// @notice Version of this aggregator implementation.
    /// @return The version number.
    function version() external pure override returns (uint256) {
        return VERSION;
    }

    /// @notice One past round of this feed (reverts NoDataPresent if it does not exist).
    /// @param roundId A round accepted earlier (1 = the first report).
    /// @return roundId_ The round asked for.
    /// @return answer The median answer.
    /// @return startedAt Timestamp of the median observation.
    /// @return updatedAt Block time of the transmission.
    /// @return answeredInRound Equal to roundId.
    function getRoundData(uint80 roundId)
        external
        view
        override
        returns (uint80 roundId_, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return hub.getFeedRoundData(feedId, roundId);
    }

    /// @notice The newest round of this feed. Consumers must check `updatedAt` for staleness.
    /// @return roundId The newest round id.
    /// @return answer The median answer.
    /// @return startedAt Timestamp of the median observation.
    /// @return updatedAt Block time of the transmission.
    /// @return answeredInRound Equal to roundId.
    function latestRoundData()
        external
        view
        override
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return hub.latestFeedRoundData(feedId);
    }

    /// @notice The newest answer (AggregatorInterface, V2).
    /// @return The answer, 0 before the first report.
    function latestAnswer() external view override returns (int256) {
        (int192 answer,,) = hub.feedRound(feedId, hub.latestRoundId());
        return answer;
    }

    /// @notice Block time of the newest report (AggregatorInterface, V2).
    /// @return The timestamp, 0 before the first report.
    function latestTimestamp() external view override returns (uint256) {
        (,, uint32 updatedAt) = hub.feedRound(feedId, hub.latestRoundId());
        return updatedAt;
    }

    /// @notice The newest round id (AggregatorInterface, V2).
    /// @return 0 before the first report.
    function latestRound() external view override returns (uint256) {
        return hub.latestRoundId();
    }

    /// @notice The answer of a past round (AggregatorInterface, V2).
    /// @param roundId Any round id.
    /// @return The answer, 0 for a round that does not exist.
    function getAnswer(uint256 roundId) external view override returns (int256) {
        (int192 answer,,) = hub.feedRound(feedId, roundId);
        return answer;
    }

    /// @notice Block time of a past round's report (AggregatorInterface, V2).
    /// @param roundId Any round id.
    /// @return The timestamp, 0 for a round that does not exist.
    function getTimestamp(uint256 roundId) external view override returns (uint256) {
        (,, uint32 updatedAt) = hub.feedRound(feedId, roundId);
        return updatedAt;
    }

    /// @notice Emit this feed's NewRound and AnswerUpdated for a report the hub just accepted.
    /// @dev Only the hub; the events must come from the address consumers read.
    /// @param roundId The round the report became.
    /// @param answer This feed's answer.
    /// @param startedAt Timestamp of this feed's median observation.
    /// @param startedBy The transmitter.
    function announce(uint32 roundId, int192 answer, uint32 startedAt, address startedBy) external {
        if (msg.sender != address(hub)) revert FeedViewCallerNotHub(msg.sender);
        emit NewRound(roundId, startedBy, startedAt);
        emit AnswerUpdated(answer, roundId, block.timestamp);
    }
}
