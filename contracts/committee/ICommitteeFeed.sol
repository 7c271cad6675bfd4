// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ICommitteeFeed
/// @notice What every BLS-committee feed (single-feed OCRFeed, multi-feed hub) answers about its
///         committee and its newest report, whatever its report carries.
interface ICommitteeFeed {
    /// @notice Submit a signed report. The calldata after the selector is the packed report, the
    ///         128-byte G1 signature and one byte naming the sender's oracle index; see
    ///         docs/report-format.md.
    function transmit() external;

    /// @notice The current configuration's identity.
    /// @return configCount How many configurations were set so far.
    /// @return blockNumber The block in which the current one was set.
    /// @return configDigest The digest reports must carry (zero before the first configuration).
    function latestConfigDetails() external view returns (uint64 configCount, uint32 blockNumber, bytes32 configDigest);

    /// @notice The (epoch, round) of the newest accepted report under the current configuration.
    /// @return configDigest The current configuration digest.
    /// @return epoch The newest accepted epoch.
    /// @return round The newest accepted round within that epoch.
    function latestConfigDigestAndEpoch() external view returns (bytes32 configDigest, uint32 epoch, uint8 round);

    /// @notice The committee parameters.
    /// @return n Committee size.
    /// @return f Faults tolerated.
    /// @return threshold Signatures needed.
    function committee() external view returns (uint8 n, uint8 f, uint8 threshold);

    /// @notice The committee's G2 group key (256 bytes, EIP-2537 encoding).
    /// @return The key.
    function groupPublicKey() external view returns (bytes memory);

    /// @notice The configured transmitters, index i for oracle i (empty before the first configuration).
    /// @return The transmitter addresses.
    function transmitters() external view returns (address[] memory);
}
