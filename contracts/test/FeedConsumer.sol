// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/// @title FeedConsumer
/// @notice A dApp written only against Chainlink's unmodified AggregatorV3Interface, as existing
///         consumers are: it must read an OCRFeed without knowing what it is.
contract FeedConsumer {
    /// @dev The answer is older than the consumer's heartbeat allowance.
    error StalePrice(uint256 updatedAt, uint256 maxAge);

    AggregatorV3Interface public immutable feed;

    /// @param feed_ Any AggregatorV3Interface feed.
    constructor(AggregatorV3Interface feed_) {
        feed = feed_;
    }

    /// @notice The latest price scaled to 18 decimals, refusing stale data as consumers should.
    /// @param maxAge Oldest acceptable `updatedAt`, in seconds before now.
    /// @return price The answer with 18 decimals.
    /// @return roundId The round it came from.
    function price18(uint256 maxAge) external view returns (int256 price, uint80 roundId) {
        (uint80 id, int256 answer,, uint256 updatedAt,) = feed.latestRoundData();
        if (block.timestamp - updatedAt > maxAge) revert StalePrice(updatedAt, maxAge);
        return (answer * int256(10 ** (18 - uint256(feed.decimals()))), id);
    }

    /// @notice A past round's answer, through getRoundData.
    /// @param roundId The round to read.
    /// @return answer The answer of that round.
    function answerAt(uint80 roundId) external view returns (int256 answer) {
        (, answer,,,) = feed.getRoundData(roundId);
    }
}
