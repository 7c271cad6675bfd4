// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

import {IOCRMultiFeed} from "./IOCRMultiFeed.sol";

/// @title FeedView
/// @notice One feed of an OCRMultiFeed hub behind Chainlink's unmodified AggregatorV3Interface, so
///         existing consumers read it like any other aggregator. The hub deploys one per feed.
/// @dev Holds only the feed's identity and metadata; every round is read from the hub, so a revert
///      there (NoDataPresent before the first report or for an unknown round) reaches the consumer
///      unchanged.
contract FeedView is AggregatorV3Interface {
    /// @dev AggregatorV3Interface version of this contract.
    uint256 private constant VERSION = 1;

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
}
