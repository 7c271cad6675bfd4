// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ICommitteeFeed} from "../committee/ICommitteeFeed.sol";

/// @title IAccountableFeed
/// @notice An Off-Chain Reporting feed whose reports carry one aggregate BLS12-381 signature of the
///         oracles named in a signer bitmap, each oracle holding its own key (no dealer, no DKG).
/// @dev Same packed report and consumer interface (AggregatorV3) as IOCRFeed; transmit() calldata
///      is the packed report, the 128-byte aggregate G1 signature, the 32-byte signer bitmap
///      (uint256, bit i = oracle i signed) and the 1-byte transmitter index.
interface IAccountableFeed is ICommitteeFeed {
    /// @notice A committee configuration. Oracle i has key i, proof i and transmitter i.
    /// @param f Byzantine nodes tolerated, with 3f < n.
    /// @param threshold Signers a report needs, f+1 <= t <= n-f.
    /// @param publicKeys One G2 key per oracle (256 bytes, EIP-2537 encoding).
    /// @param proofsOfPossession Oracle i's G1 signature of publicKeys[i] under the PoP DST.
    /// @param transmitters One transmitting address per oracle.
    /// @param minAnswer Lowest answer a report may carry.
    /// @param maxAnswer Highest answer a report may carry.
    struct Config {
        uint8 f;
        uint8 threshold;
        bytes[] publicKeys;
        bytes[] proofsOfPossession;
        address[] transmitters;
        int192 minAnswer;
        int192 maxAnswer;
    }

    /// @dev A new committee took over; carries the whole committee (keys and proofs included).
    event ConfigSet(
        uint32 previousConfigBlockNumber, bytes32 configDigest, uint64 configCount, uint8 n, Config config
    );

    /// @dev A report was accepted as round `roundId`; as IOCRFeed.NewTransmission plus `signers`,
    ///      the bitmap of the oracles whose signatures the aggregate holds (bit i = oracle i).
    event NewTransmission(
        uint80 indexed roundId,
        bytes32 configDigest,
        uint40 epochAndRound,
        int192 answer,
        address transmitter,
        uint32 observationsTimestamp,
        uint256 signers,
        bytes observations
    );

    /// @notice Install a new committee: every key validated and its proof of possession checked.
    /// @param config The committee; see {Config}.
    function setConfig(Config calldata config) external;

    /// @notice The configured answer bounds.
    function answerBounds() external view returns (int192 minAnswer, int192 maxAnswer);

    /// @notice Oracle `oracle`'s registered G2 key.
    function publicKey(uint256 oracle) external view returns (bytes memory);

    /// @notice The key data contracts (at most 95 keys each; unused entries zero).
    function keyStores() external view returns (address[3] memory);
}
