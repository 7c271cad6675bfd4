// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/// @title FeedReader
/// @notice The checks every consumer of a Chainlink-style feed should make, in one call: an answer
///         that is positive, from a complete round, and not older than the caller's limit. Works on
///         any AggregatorV3Interface (our feeds, a proxy, Chainlink's own). Python's
///         `SingleFeedContract.read(max_age=...)` applies the same rules in the same order.
library FeedReader {
    /// @dev The round has no answer yet (updatedAt 0) or its answer comes from an older round.
    error FeedReaderIncompleteRound(uint80 roundId, uint80 answeredInRound, uint256 updatedAt);

    /// @dev The answer is zero or negative: no price a consumer can use.
    error FeedReaderNonPositiveAnswer(uint80 roundId, int256 answer);

    /// @dev The answer was written at `updatedAt`, more than `maxAge` seconds before `now`.
    error FeedReaderStaleAnswer(uint80 roundId, uint256 updatedAt, uint256 maxAge, uint256 now);

    /// @notice The newest answer, or a revert naming why it must not be used.
    /// @param feed Any AggregatorV3Interface.
    /// @param maxAge The oldest acceptable answer, in seconds before this block (the feed's heartbeat
    ///        plus a margin is the usual choice).
    /// @return answer The answer, positive.
    /// @return updatedAt When it was written.
    /// @return roundId The round it came from.
    function read(AggregatorV3Interface feed, uint256 maxAge)
        internal
        view
        returns (uint256 answer, uint256 updatedAt, uint80 roundId)
    {
        int256 value;
        uint80 answeredInRound;
        (roundId, value,, updatedAt, answeredInRound) = feed.latestRoundData();
        if (updatedAt == 0 || answeredInRound < roundId) {
            revert FeedReaderIncompleteRound(roundId, answeredInRound, updatedAt);
        }
        if (value <= 0) revert FeedReaderNonPositiveAnswer(roundId, value);
        // An answer from the future (a chain whose clock went back) counts as fresh: age 0.
        if (block.timestamp > updatedAt && block.timestamp - updatedAt > maxAge) {
            revert FeedReaderStaleAnswer(roundId, updatedAt, maxAge, block.timestamp);
        }
        answer = uint256(value);
    }
}
