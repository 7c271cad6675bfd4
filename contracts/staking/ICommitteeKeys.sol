// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IOCRFeed} from "../interfaces/IOCRFeed.sol";

/// @title IThresholdConfigDigest
/// @notice OCRFeed's pure digest function, through which a staking contract proves an oracle's
///         public share: the feed stores only the group key, but its config digest commits to
///         every share, so a configuration that hashes to the current digest names the true shares.
interface IThresholdConfigDigest {
    /// @notice The digest OCRFeed gives `config` as configuration number `configCount`.
    function configDigestFromConfigData(
        uint256 chainId,
        address contractAddress,
        uint64 configCount,
        IOCRFeed.Config calldata config
    ) external pure returns (bytes32);
}
