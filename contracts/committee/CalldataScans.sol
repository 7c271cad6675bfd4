// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title CalldataScans
/// @notice The two per-observation scans every report layout needs, over packed calldata: observer
///         bytes into a bitmap, and int192 values checked ascending.
/// @dev Unrolled four items per iteration (one calldataload for four observers) with a plain loop
///      for the remainder: about 35 gas per observer instead of about 100 for a simple loop.
library CalldataScans {
    uint256 internal constant INT192_LENGTH = 24;
    /// @dev Right shift that turns a 32-byte calldataload into the int192 at its start.
    uint256 internal constant INT192_SHIFT = 64;

    /// @notice One pass over `count` observer bytes at calldata offset `at`, with a 256-bit bitmap.
    /// @dev Range checks are left to the caller, done once on `seen` (no bit at or above n).
    /// @return seen Bit i is set when oracle i observed (up to the first repeat).
    /// @return repeatedAt Position + 1 of the first observer that appears twice, 0 if none does.
    function observerBitmap(uint256 at, uint256 count) internal pure returns (uint256 seen, uint256 repeatedAt) {
        assembly ("memory-safe") {
            let ptr := at
            let end := add(at, count)
            let endOfQuads := add(at, and(count, not(3)))
            for {} lt(ptr, endOfQuads) { ptr := add(ptr, 4) } {
                let word := calldataload(ptr)
                let bit := shl(byte(0, word), 1)
                if and(seen, bit) { repeatedAt := sub(add(ptr, 1), at) break }
                seen := or(seen, bit)
                bit := shl(byte(1, word), 1)
                if and(seen, bit) { repeatedAt := sub(add(ptr, 2), at) break }
                seen := or(seen, bit)
                bit := shl(byte(2, word), 1)
                if and(seen, bit) { repeatedAt := sub(add(ptr, 3), at) break }
                seen := or(seen, bit)
                bit := shl(byte(3, word), 1)
                if and(seen, bit) { repeatedAt := sub(add(ptr, 4), at) break }
                seen := or(seen, bit)
            }
            if iszero(repeatedAt) {
                for {} lt(ptr, end) { ptr := add(ptr, 1) } {
                    let bit := shl(byte(0, calldataload(ptr)), 1)
                    if and(seen, bit) { repeatedAt := sub(add(ptr, 1), at) break }
                    seen := or(seen, bit)
                }
            }
        }
    }

    /// @notice Position of the first of `count` int192 values at calldata offset `at` that is below
    ///         its predecessor; 0 when they ascend. Callers guarantee count >= 1 (a report has at
    ///         least 2f+1 observations, checked first).
    function firstUnsorted(uint256 at, uint256 count) internal pure returns (uint256 position) {
        assembly ("memory-safe") {
            let end := add(at, mul(count, INT192_LENGTH))
            let previous := sar(INT192_SHIFT, calldataload(at))
            let ptr := add(at, INT192_LENGTH)
            // (count - 1) comparisons: four at a time while at least four remain.
            let endOfQuads := add(ptr, mul(and(sub(count, 1), not(3)), INT192_LENGTH))
            for {} lt(ptr, endOfQuads) { ptr := add(ptr, 96) } {
                let a := sar(INT192_SHIFT, calldataload(ptr))
                if slt(a, previous) { position := ptr break }
                let b := sar(INT192_SHIFT, calldataload(add(ptr, 24)))
                if slt(b, a) { position := add(ptr, 24) break }
                let c := sar(INT192_SHIFT, calldataload(add(ptr, 48)))
                if slt(c, b) { position := add(ptr, 48) break }
                previous := sar(INT192_SHIFT, calldataload(add(ptr, 72)))
                if slt(previous, c) { position := add(ptr, 72) break }
            }
            if iszero(position) {
                for {} lt(ptr, end) { ptr := add(ptr, INT192_LENGTH) } {
                    let current := sar(INT192_SHIFT, calldataload(ptr))
                    if slt(current, previous) { position := ptr break }
                    previous := current
                }
            }
            if position { position := div(sub(position, at), INT192_LENGTH) }
        }
    }
}
