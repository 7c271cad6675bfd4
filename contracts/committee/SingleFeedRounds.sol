// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AggregatorV2V3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV2V3Interface.sol";

import {ReportLayout} from "../feed/ReportLayout.sol";
import {CommitteeFeed} from "./CommitteeFeed.sol";

/// @title SingleFeedRounds
/// @notice A committee feed that reports one value per round and serves it through Chainlink's
///         unmodified AggregatorV2V3Interface: the round records, the round events and the consumer
///         views, written once for the threshold feed (OCRFeed) and the accountable feed.
/// @dev Unknown rounds follow Chainlink: the V2 getters (getAnswer, getTimestamp, latestAnswer,
///      latestTimestamp) return 0, the V3 ones revert, here with NoDataPresent(roundId) (Chainlink's
///      FluxAggregator reverts with the string "No data present"; OCR2Aggregator's latestRoundData
///      returns zeros before the first report, ours reverts NoDataPresent(0)). docs/consumers.md.
abstract contract SingleFeedRounds is AggregatorV2V3Interface, CommitteeFeed {
    /// @dev AggregatorV3Interface version of these contracts.
    uint256 private constant VERSION = 1;

    /// @dev NewTransmission's head: configDigest, epochAndRound, answer, transmitter,
    ///      observationsTimestamp, then (accountable only) signers, then the offset of `observations`.
    uint256 private constant HEAD_EPOCH_AND_ROUND_AT = 0x20;
    uint256 private constant HEAD_ANSWER_AT = 0x40;
    uint256 private constant HEAD_TRANSMITTER_AT = 0x60;
    uint256 private constant HEAD_OBSERVATIONS_TIMESTAMP_AT = 0x80;
    uint256 private constant HEAD_SIGNERS_AT = 0xa0;
    /// @dev Head length without and with the signer bitmap word.
    uint256 internal constant EVENT_HEAD_LENGTH = 0xc0;
    uint256 internal constant EVENT_HEAD_WITH_SIGNERS_LENGTH = 0xe0;

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

    /// @dev Store round `roundId` and emit its three events. Shared by both single-feed contracts;
    ///      the caller has checked the report in calldata (ReportLayout) with `count` observations.
    ///      `head` is EVENT_HEAD_LENGTH (OCRFeed) or EVENT_HEAD_WITH_SIGNERS_LENGTH (AccountableFeed,
    ///      whose `signers` word sits before the offset).
    function _acceptRound(uint32 roundId, uint256 count, int192 answer, bytes32 topic, uint256 head, uint256 signers)
        internal
    {
        uint32 startedAt = ReportLayout.medianTimestamp(count);
        s_transmissions[roundId] = Transmission({answer: answer, startedAt: startedAt, updatedAt: uint32(block.timestamp)});
        // Only two fields of the hot slot change: update them in place (one warm SLOAD + one SSTORE
        // after the optimizer merges them) rather than repacking all six.
        s_hot.latestEpochAndRound = ReportLayout.epochAndRound();
        s_hot.latestRoundId = roundId;
        _emitTransmission(roundId, count, answer, topic, head, signers);
        _emitRoundEvents(roundId, answer, startedAt);
    }

    /// @dev NewTransmission with the ABI encoding written by hand: the report's three contiguous
    ///      per-observation sections go into the one `observations` bytes with a single calldatacopy
    ///      (docs/report-format.md gives the exact ABI; the event tests decode it with web3).
    function _emitTransmission(uint32 roundId, uint256 count, int192 answer, bytes32 topic, uint256 head, uint256 signers)
        private
    {
        bytes32 digest = ReportLayout.configDigest();
        uint40 epochAndRound = ReportLayout.epochAndRound();
        uint32 observationsTimestamp = ReportLayout.observationsTimestamp();
        (uint256 at, uint256 length) = ReportLayout.observationsSection(count);
        assembly ("memory-safe") {
            let p := mload(0x40) // scratch past the free memory pointer: not allocated, the log reads it
            mstore(p, digest)
            mstore(add(p, HEAD_EPOCH_AND_ROUND_AT), epochAndRound)
            mstore(add(p, HEAD_ANSWER_AT), answer) // sign-extended: read with sar from calldata
            mstore(add(p, HEAD_TRANSMITTER_AT), caller())
            mstore(add(p, HEAD_OBSERVATIONS_TIMESTAMP_AT), observationsTimestamp)
            if gt(head, EVENT_HEAD_LENGTH) { mstore(add(p, HEAD_SIGNERS_AT), signers) }
            mstore(add(p, sub(head, 0x20)), head) // the offset of `observations`
            let tail := add(p, head)
            let padded := and(add(length, 31), not(31))
            mstore(tail, length)
            mstore(add(tail, padded), 0) // zero the padding of the last word (memory may hold old bytes)
            calldatacopy(add(tail, 0x20), at, length)
            log2(p, add(add(head, 0x20), padded), topic, roundId)
        }
    }

    /// @dev AggregatorInterface's NewRound and AnswerUpdated, as OCR2Aggregator emits them after its
    ///      NewTransmission; their one data word is written to scratch space (no memory growth).
    ///      `startedBy` is the transmitter (OCR2Aggregator puts address(0) there).
    function _emitRoundEvents(uint32 roundId, int192 answer, uint32 startedAt) private {
        bytes32 newRound = NewRound.selector;
        bytes32 answerUpdated = AnswerUpdated.selector;
        assembly ("memory-safe") {
            mstore(0x00, startedAt)
            log3(0x00, 0x20, newRound, roundId, caller())
            mstore(0x00, timestamp())
            log3(0x00, 0x20, answerUpdated, answer, roundId)
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
        if (roundId == 0 || roundId > s_hot.latestRoundId) revert NoDataPresent(roundId);
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
        if (latest == 0) revert NoDataPresent(0);
        Transmission memory t = s_transmissions[latest];
        return (latest, t.answer, t.startedAt, t.updatedAt, latest);
    }

    /// @notice The newest answer (AggregatorInterface, V2).
    /// @return The answer, 0 before the first report.
    function latestAnswer() external view override returns (int256) {
        return s_transmissions[s_hot.latestRoundId].answer; // round 0 is never written: zeros
    }

    /// @notice Block time of the newest report (AggregatorInterface, V2).
    /// @return The timestamp, 0 before the first report.
    function latestTimestamp() external view override returns (uint256) {
        return s_transmissions[s_hot.latestRoundId].updatedAt;
    }

    /// @notice The newest round id (AggregatorInterface, V2).
    /// @return 0 before the first report.
    function latestRound() external view override returns (uint256) {
        return s_hot.latestRoundId;
    }

    /// @notice The answer of a past round (AggregatorInterface, V2).
    /// @param roundId Any round id.
    /// @return The answer, 0 for a round that does not exist.
    function getAnswer(uint256 roundId) external view override returns (int256) {
        if (roundId > s_hot.latestRoundId) return 0;
        return s_transmissions[uint32(roundId)].answer;
    }

    /// @notice Block time of a past round's report (AggregatorInterface, V2).
    /// @param roundId Any round id.
    /// @return The timestamp, 0 for a round that does not exist.
    function getTimestamp(uint256 roundId) external view override returns (uint256) {
        if (roundId > s_hot.latestRoundId) return 0;
        return s_transmissions[uint32(roundId)].updatedAt;
    }
}
