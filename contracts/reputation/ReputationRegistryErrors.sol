// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ReputationRegistryErrors
/// @notice Ways ReputationRegistry refuses a publication or a lookup, with the offending values.
abstract contract ReputationRegistryErrors {
    /// @dev A publication must name at least one feed.
    error NoFeeds();
    /// @dev The block range is empty or reversed.
    error InvalidBlockRange(uint64 fromBlock, uint64 toBlock);
    /// @dev The range ends at `toBlock`, after the current block `current`.
    error BlockRangeInFuture(uint64 toBlock, uint256 current);
    /// @dev A zero method id or Merkle root.
    error EmptyCommitment();
    /// @dev No publication `id` (ids run from 1 to `count`).
    error UnknownPublication(uint256 id, uint256 count);
}
