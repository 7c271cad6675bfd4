// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AggregatorV2V3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV2V3Interface.sol";

/// @title ChainlinkConsumer
/// @notice A dApp written only against Chainlink's unmodified AggregatorV2V3Interface, reading
///         every call the way Aave (latestAnswer), Compound (latestRoundData), Liquity (latestRoundData
///         and getRoundData of the round before) and GMX (latestRound, getRoundData) do. It knows
///         nothing of our feeds or of the proxy's phases: the tests point it at a proxy and change
///         the feed behind it.
contract ChainlinkConsumer {
    /// @notice Everything the V2 and V3 interfaces say about the newest round.
    struct Latest {
        int256 answer; // latestAnswer()
        uint256 timestamp; // latestTimestamp()
        uint256 round; // latestRound()
        uint80 roundId; // latestRoundData()...
        int256 roundAnswer;
        uint256 startedAt;
        uint256 updatedAt;
        uint80 answeredInRound;
        uint8 decimals;
    }

    AggregatorV2V3Interface public immutable feed;

    /// @param feed_ Any AggregatorV2V3Interface (here: an AggregatorProxy).
    constructor(AggregatorV2V3Interface feed_) {
        feed = feed_;
    }

    /// @notice One reading of every "latest" call.
    /// @return latest What each call returned.
    function latest() external view returns (Latest memory latest) {
        latest.answer = feed.latestAnswer();
        latest.timestamp = feed.latestTimestamp();
        latest.round = feed.latestRound();
        (latest.roundId, latest.roundAnswer, latest.startedAt, latest.updatedAt, latest.answeredInRound) =
            feed.latestRoundData();
        latest.decimals = feed.decimals();
    }

    /// @notice A past round through the V2 getters and getRoundData.
    /// @param roundId The round, as latestRound/latestRoundData numbered it.
    /// @return answer getAnswer(roundId).
    /// @return timestamp getTimestamp(roundId).
    /// @return roundAnswer getRoundData(roundId)'s answer.
    /// @return updatedAt getRoundData(roundId)'s updatedAt.
    function past(uint80 roundId)
        external
        view
        returns (int256 answer, uint256 timestamp, int256 roundAnswer, uint256 updatedAt)
    {
        answer = feed.getAnswer(roundId);
        timestamp = feed.getTimestamp(roundId);
        (, roundAnswer,, updatedAt,) = feed.getRoundData(roundId);
    }
}
