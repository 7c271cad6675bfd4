// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

import {FeedReader} from "../consumer/FeedReader.sol";

/// @title FeedReaderHarness
/// @notice Exposes FeedReader.read so tests can call it against real feeds.
contract FeedReaderHarness {
    /// @notice FeedReader.read(feed, maxAge).
    /// @param feed Any AggregatorV3Interface.
    /// @param maxAge Oldest acceptable answer, in seconds.
    /// @return answer The answer.
    /// @return updatedAt When it was written.
    /// @return roundId Its round.
    function read(AggregatorV3Interface feed, uint256 maxAge)
        external
        view
        returns (uint256 answer, uint256 updatedAt, uint80 roundId)
    {
        return FeedReader.read(feed, maxAge);
    }
}
