// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ICommitteeFeed} from "../committee/ICommitteeFeed.sol";

/// @title IOCRFeed
/// @notice An Off-Chain Reporting feed whose reports carry one BLS12-381 threshold signature.
/// @dev Reputation and monitoring are computed from these two events alone.
interface IOCRFeed is ICommitteeFeed {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice A committee configuration. Oracle i has public share i and transmitter i, so
    ///         n = transmitters.length.
    /// @param f Byzantine nodes tolerated, with 3f < n.
    /// @param threshold Partial signatures combined into a report signature, f+1 <= t <= n-f.
    /// @param groupPublicKey The committee's G2 group key (256 bytes, EIP-2537 encoding).
    /// @param publicShares One G2 public share per oracle (256 bytes each).
    /// @param transmitters One transmitting address per oracle.
    /// @param minAnswer Lowest answer a report may carry.
    /// @param maxAnswer Highest answer a report may carry.
    struct Config {
        uint8 f;
        uint8 threshold;
        bytes groupPublicKey;
        bytes[] publicShares;
        address[] transmitters;
        int192 minAnswer;
        int192 maxAnswer;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @dev A new committee took over. Carries the whole committee so that off-chain tools never
    ///      need to read storage: `n` oracles and the full `config` (f, threshold, G2 group key,
    ///      per-oracle G2 public shares, transmitters, answer bounds).
    event ConfigSet(
        uint32 previousConfigBlockNumber, bytes32 configDigest, uint64 configCount, uint8 n, Config config
    );

    /// @dev A report was accepted as round `roundId` (NewRound and AnswerUpdated follow it).
    ///      `epochAndRound` is (epoch << 8) | round. `observations` is the report's own packed bytes,
    ///      k = length / 27 observations in the report's (ascending value) order: k observer bytes
    ///      (oracle index), then k uint16 offsets (seconds after `observationsTimestamp`, big-endian),
    ///      then k int192 values (24 bytes each, big-endian two's complement). docs/report-format.md.
    event NewTransmission(
        uint80 indexed roundId,
        bytes32 configDigest,
        uint40 epochAndRound,
        int192 answer,
        address transmitter,
        uint32 observationsTimestamp,
        bytes observations
    );

    /*//////////////////////////////////////////////////////////////
                               FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Install a new committee; resets (epoch, round) and invalidates every older report.
    /// @param config The committee; see {Config}.
    function setConfig(Config calldata config) external;

    /// @notice The configured answer bounds.
    /// @return minAnswer Lowest answer accepted.
    /// @return maxAnswer Highest answer accepted.
    function answerBounds() external view returns (int192 minAnswer, int192 maxAnswer);
}
