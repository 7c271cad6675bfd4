// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ICommitteeFeed} from "../committee/ICommitteeFeed.sol";

/// @title IOCRMultiFeed
/// @notice A hub that carries k price feeds (1 <= k <= 32, fixed at deployment) in one Off-Chain
///         Reporting report with one BLS12-381 threshold signature: the pairing is paid once per
///         report, not once per feed. Every feed keeps its own round records, its own event and its
///         own AggregatorV2V3Interface view (a FeedView contract the hub deploys), which emits the
///         feed's NewRound and AnswerUpdated for every accepted report.
/// @dev Report layout: docs in contracts/multifeed/MultiReportLayout.sol and
///      ocr_client/multifeed/layout.py. Reputation and monitoring read the two events alone.
interface IOCRMultiFeed is ICommitteeFeed {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice A committee configuration. Oracle i has public share i and transmitter i, so
    ///         n = transmitters.length. Same committee fields as IOCRFeed.Config, but one pair of
    ///         answer bounds per feed (feeds of one hub need not share a scale).
    /// @param f Byzantine nodes tolerated, with 3f < n.
    /// @param threshold Partial signatures combined into a report signature, f+1 <= t <= n-f.
    /// @param groupPublicKey The committee's G2 group key (256 bytes, EIP-2537 encoding).
    /// @param publicShares One G2 public share per oracle (256 bytes each).
    /// @param transmitters One transmitting address per oracle.
    /// @param minAnswers Lowest answer a report may carry, one per feed (length k).
    /// @param maxAnswers Highest answer a report may carry, one per feed (length k).
    struct Config {
        uint8 f;
        uint8 threshold;
        bytes groupPublicKey;
        bytes[] publicShares;
        address[] transmitters;
        int192[] minAnswers;
        int192[] maxAnswers;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @dev A new committee took over; carries the whole committee (see IOCRFeed.ConfigSet).
    event ConfigSet(
        uint32 previousConfigBlockNumber, bytes32 configDigest, uint64 configCount, uint8 n, Config config
    );

    /// @dev A report was accepted: every feed got round `roundId`. Carries what the feeds share, once:
    ///      `observers` one byte per observation (oracle index) and `observationTimestamps` four
    ///      bytes each (uint32 big-endian), in the report's row order. Each feed's own values follow
    ///      in one FeedTransmission per feed, emitted before this event in the same transaction.
    event ReportTransmitted(
        uint80 indexed roundId,
        bytes32 configDigest,
        uint32 epoch,
        uint8 round,
        bytes observers,
        bytes observationTimestamps,
        address transmitter
    );

    /// @dev Feed `feedId` got round `roundId` with `answer`. `observations` is the feed's packed
    ///      section of the report without its answer: m bytes of row positions (position j names the
    ///      row, in ReportTransmitted's observers/timestamps, of the j-th smallest value), then m
    ///      int192 values (24 bytes each, big-endian two's complement), ascending.
    event FeedTransmission(uint8 indexed feedId, uint80 indexed roundId, int192 answer, bytes observations);

    /*//////////////////////////////////////////////////////////////
                               FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Install a new committee; resets (epoch, round) and invalidates every older report.
    /// @param config The committee; see {Config}.
    function setConfig(Config calldata config) external;

    /// @notice The number of feeds k every report carries.
    /// @return k Fixed at deployment.
    function feedCount() external view returns (uint8 k);

    /// @notice The AggregatorV3Interface contract of feed `feedId`.
    /// @param feedId 0 <= feedId < k.
    /// @return The FeedView the hub deployed for that feed.
    function feedView(uint8 feedId) external view returns (address);

    /// @notice The newest round id (every feed's newest round: each report carries all k feeds).
    /// @return roundId 0 before the first report.
    function latestRoundId() external view returns (uint32 roundId);

    /// @notice One past round of one feed, in AggregatorV3Interface's shape.
    /// @param feedId The feed.
    /// @param roundId A round accepted earlier (1 = the first report).
    /// @return roundId_ The round asked for.
    /// @return answer The feed's median answer.
    /// @return startedAt Timestamp of the feed's median observation.
    /// @return updatedAt Block time of the transmission.
    /// @return answeredInRound Equal to roundId.
    function getFeedRoundData(uint8 feedId, uint80 roundId)
        external
        view
        returns (uint80 roundId_, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);

    /// @notice The newest round of one feed, in AggregatorV3Interface's shape.
    /// @param feedId The feed.
    /// @return roundId The newest round id.
    /// @return answer The feed's median answer.
    /// @return startedAt Timestamp of the feed's median observation.
    /// @return updatedAt Block time of the transmission.
    /// @return answeredInRound Equal to roundId.
    function latestFeedRoundData(uint8 feedId)
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);

    /// @notice One round of one feed with zeros for a round that does not exist (the V2 getters').
    /// @param feedId The feed.
    /// @param roundId Any round id.
    /// @return answer The feed's median answer (0 if unknown).
    /// @return startedAt Timestamp of the feed's median observation (0 if unknown).
    /// @return updatedAt Block time of the transmission (0 if unknown).
    function feedRound(uint8 feedId, uint256 roundId)
        external
        view
        returns (int192 answer, uint32 startedAt, uint32 updatedAt);

    /// @notice The configured answer bounds of one feed.
    /// @param feedId The feed.
    /// @return minAnswer Lowest answer accepted.
    /// @return maxAnswer Highest answer accepted.
    function answerBounds(uint8 feedId) external view returns (int192 minAnswer, int192 maxAnswer);
}
