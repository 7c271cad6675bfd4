// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {OCRFeedErrors} from "../feed/OCRFeedErrors.sol";

/// @title AccountableFeedErrors
/// @notice How an AccountableFeed refuses a configuration or a report: every OCRFeed rule (the
///         shared committee errors, bounds, sorting, median) with the same selectors, plus the
///         per-oracle key and signer-bitmap rules below. Each error carries the offending values.
interface AccountableFeedErrors is OCRFeedErrors {
    /// @dev The proof-of-possession list must have one proof per oracle.
    error ProofsOfPossessionLengthMismatch(uint256 proofs, uint256 n);

    /// @dev Oracle `oracle`'s proof of possession is not a valid signature of its own key under the
    ///      PoP DST (wrong length, not a G1 subgroup point, infinity, or it does not verify).
    error InvalidProofOfPossession(uint256 oracle);

    /// @dev Oracle `oracle` registers the same key as oracle `earlier`.
    error DuplicatePublicKey(uint256 oracle, uint256 earlier);

    /// @dev The signer bitmap names nobody.
    error EmptySignerBitmap();

    /// @dev The signer bitmap sets a bit at or above the committee size `n` (it must be below 2^n).
    error SignerBitmapOutOfRange(uint256 bitmap, uint256 n);

    /// @dev There is no oracle `oracle` in a committee of `n`.
    error UnknownOracle(uint256 oracle, uint256 n);

    /// @dev The bitmap names `signers` oracles, fewer than the configured `threshold`.
    error TooFewSigners(uint256 signers, uint256 threshold);
}
