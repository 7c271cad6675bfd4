// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

import {ReportLayout} from "../feed/ReportLayout.sol";
import {CommitteeFeed} from "./CommitteeFeed.sol";

/// @title SingleFeedRounds
/// @notice A committee feed that reports one value per round and serves it through Chainlink's
///         unmodified AggregatorV3Interface: the round records and the consumer views, written once
///         for the threshold feed (OCRFeed) and the accountable feed.
abstract contract SingleFeedRounds is AggregatorV3Interface, CommitteeFeed {
    /// @dev AggregatorV3Interface version of these contracts.
    uint256 private constant VERSION = 1;

    /// @dev NewTransmission's head: the offsets of its three `bytes` fields sit at these positions.
    uint256 private constant OBSERVERS_OFFSET_AT = 0x80;
    uint256 private constant TIMESTAMPS_OFFSET_AT = 0xa0;
    uint256 private constant VALUES_OFFSET_AT = 0xc0;

    /// @dev One round record, one slot (24 + 4 + 4 bytes).
    struct Transmission {
        int192 answer;
        uint32 startedAt; // timestamp of the median observation
        uint32 updatedAt; // block timestamp of the transmission
    }

    mapping(uint32 roundId => Transmission) internal s_transmissions;

    uint8 private immutable i_decimals;
    string private s_description;

    /// @param feedDecimals Decimals of the answers (AggregatorV3Interface.decimals).
    /// @param feedDescription Human description, e.g. "ETH / USD".
    /// @param initialOwner Account allowed to call setConfig.
    constructor(uint8 feedDecimals, string memory feedDescription, address initialOwner) CommitteeFeed(initialOwner) {
        i_decimals = feedDecimals;
        s_description = feedDescription;
    }

    /// @dev Writes the three per-observation tails (of a report with `count` observations, in the
    ///      ReportLayout) of a hand-encoded NewTransmission at `p` (its head,
    ///      `headLength` bytes, is the caller's; the three offsets go at 0x80, 0xa0, 0xc0 of it): each
    ///      tail is a length word and the calldata bytes zero-padded to 32 (the last data word is
    ///      zeroed before the copy, as memory here may hold older bytes).
    /// @return end The first byte after the encoded data.
    function _writeObservationTails(uint256 p, uint256 headLength, uint256 count) internal pure returns (uint256 end) {
        (uint256 observersAt, uint256 timestampsAt, uint256 valuesAt, uint256 signatureAt) =
            ReportLayout.sectionOffsets(count);
        assembly ("memory-safe") {
            let next := add(p, headLength)

            mstore(add(p, OBSERVERS_OFFSET_AT), sub(next, p))
            let length := sub(timestampsAt, observersAt)
            let padded := and(add(length, 31), not(31))
            mstore(next, length)
            mstore(add(next, padded), 0)
            calldatacopy(add(next, 0x20), observersAt, length)
            next := add(add(next, 0x20), padded)

            mstore(add(p, TIMESTAMPS_OFFSET_AT), sub(next, p))
            length := sub(valuesAt, timestampsAt)
            padded := and(add(length, 31), not(31))
            mstore(next, length)
            mstore(add(next, padded), 0)
            calldatacopy(add(next, 0x20), timestampsAt, length)
            next := add(add(next, 0x20), padded)

            mstore(add(p, VALUES_OFFSET_AT), sub(next, p))
            length := sub(signatureAt, valuesAt)
            padded := and(add(length, 31), not(31))
            mstore(next, length)
            mstore(add(next, padded), 0)
            calldatacopy(add(next, 0x20), valuesAt, length)
            end := add(add(next, 0x20), padded)
        }
    }

    /*//////////////////////////////////////////////////////////////
                             CONSUMER VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice Decimals of every answer.
    /// @return The number of decimals.
    function decimals() external view override returns (uint8) {
        return i_decimals;
    }

    /// @notice What this feed reports, e.g. "ETH / USD".
    /// @return The description.
    function description() external view override returns (string memory) {
        return s_description;
    }

    /// @notice Version of this aggregator implementation.
    /// @return The version number.
    function version() external pure override returns (uint256) {
        return VERSION;
    }

    /// @notice One past round.
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
        if (roundId == 0 || roundId > s_hot.latestRoundId) revert NoDataPresent();
        Transmission memory t = s_transmissions[uint32(roundId)];
        return (roundId, t.answer, t.startedAt, t.updatedAt, roundId);
    }

    /// @notice The newest round. Consumers must check `updatedAt` against their staleness limit.
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
        uint32 latest = s_hot.latestRoundId;
        if (latest == 0) revert NoDataPresent();
        Transmission memory t = s_transmissions[latest];
        return (latest, t.answer, t.startedAt, t.updatedAt, latest);
    }
}
