// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// =====================================================================================================
//  Errors of the BLS12-381 library (contracts/bls/BLS12381.sol)
// =====================================================================================================
//
// File-level custom errors, so that the library and every contract using it revert with the same
// selectors, and so that off-chain code can decode them from any contract's ABI that imports them.

/// @dev A 64-byte field element of a point is not canonical: its top 16 bytes are not zero or its
///      value is >= p. `element` is the index of the offending element within the point: 0 = x,
///      1 = y for G1; 0 = x.c0, 1 = x.c1, 2 = y.c0, 3 = y.c1 for G2.
error MalformedPoint(uint256 element);

/// @dev A signature or public key is the point at infinity (all zero bytes). An infinity key or
///      signature would make the pairing check pass for any message, so it is always refused.
error InfinityPoint();

/// @dev A precompile call returned failure: an input off the curve or outside the prime-order
///      subgroup, or (never with the gas this library forwards) too little gas. Never reported as
///      a `false` verification result, so a failing call cannot pass for a bad signature.
error PrecompileFailed(address precompile);

/// @dev An encoded point does not have the length of its group: 128 bytes for G1, 256 for G2.
error InvalidPointLength(uint256 length, uint256 expected);

/// @dev A hash-to-curve domain separation tag longer than 255 bytes (RFC 9380 section 5.3.3 would
///      need the oversize-DST reduction, which this library does not implement).
error DstTooLong(uint256 length);
