// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BLS12381} from "../bls/BLS12381.sol";
import {CalldataScans} from "./CalldataScans.sol";
import {CommitteeErrors} from "./CommitteeErrors.sol";

/// @title CommitteeRules
/// @notice The rules a BLS-committee feed applies to its configuration and to the committee part
///         of every report, written once for the single-feed and the multi-feed contracts.
library CommitteeRules {
    /// @dev The largest committee: observer indices are one byte and `seen` is a 256-bit bitmap.
    uint256 internal constant MAX_ORACLES = 255;
    /// @dev Bytes of an EIP-2537 G2 point.
    uint256 internal constant G2_LENGTH = 256;
    /// @dev Bits of the round in the packed epoch-and-round.
    uint256 internal constant ROUND_BITS = 8;
    /// @dev The top two bytes of a config digest name the digest scheme (like libocr's prefix).
    uint256 private constant PREFIX_SHIFT = 240;
    uint256 private constant PREFIX_MASK = 0xffff;

    /// @notice 3f < n, f+1 <= t <= n-f, n <= 255, one public share per oracle.
    function checkCommittee(uint256 n, uint256 f, uint256 threshold, uint256 shares) internal pure {
        if (n == 0 || n > MAX_ORACLES) revert CommitteeErrors.InvalidCommitteeSize(n);
        if (3 * f >= n) revert CommitteeErrors.FaultToleranceTooHigh(f, n);
        if (threshold <= f || threshold > n - f) revert CommitteeErrors.InvalidThreshold(threshold, f, n);
        if (shares != n) revert CommitteeErrors.PublicSharesLengthMismatch(shares, n);
    }

    /// @notice The group key gets the full check (on curve, in the subgroup, not infinity) because
    ///         the pairing trusts it; shares are only carried in events, so they get the encoding check.
    function checkKeys(bytes calldata groupPublicKey, bytes[] calldata publicShares) internal view {
        if (groupPublicKey.length != G2_LENGTH) revert CommitteeErrors.InvalidKeyLength(groupPublicKey.length);
        BLS12381.validateG2(groupPublicKey);
        for (uint256 i = 0; i < publicShares.length; ++i) {
            if (publicShares[i].length != G2_LENGTH) revert CommitteeErrors.InvalidKeyLength(publicShares[i].length);
            BLS12381.checkG2(publicShares[i]);
        }
    }

    /// @notice Transmitters must be nonzero and distinct. Uniqueness is tracked in transient storage
    ///         (100 gas a check, nothing left behind) since the list itself lives in the key store.
    function checkTransmitters(address[] calldata transmitters) internal {
        uint256 n = transmitters.length;
        for (uint256 i = 0; i < n; ++i) {
            address t = transmitters[i];
            bool seen;
            assembly ("memory-safe") {
                seen := tload(t)
                tstore(t, 1)
            }
            if (t == address(0) || seen) revert CommitteeErrors.InvalidTransmitter(t);
        }
        for (uint256 i = 0; i < n; ++i) {
            address t = transmitters[i];
            assembly ("memory-safe") {
                tstore(t, 0)
            }
        }
    }

    /// @notice `hash` with its top two bytes replaced by the digest scheme's `prefix`.
    function withPrefix(bytes32 hash, uint256 prefix) internal pure returns (bytes32) {
        return bytes32((uint256(hash) & ~(PREFIX_MASK << PREFIX_SHIFT)) | (prefix << PREFIX_SHIFT));
    }

    /// @notice The report belongs to this configuration and its (epoch, round) is newer.
    function checkHeader(bytes32 expected, bytes32 actual, uint40 latestEpochAndRound, uint40 epochAndRound)
        internal
        pure
    {
        if (actual != expected) revert CommitteeErrors.ConfigDigestMismatch(expected, actual);
        if (epochAndRound <= latestEpochAndRound) {
            revert CommitteeErrors.StaleReport(
                uint32(latestEpochAndRound >> ROUND_BITS),
                uint8(latestEpochAndRound),
                uint32(epochAndRound >> ROUND_BITS),
                uint8(epochAndRound)
            );
        }
    }

    /// @notice At least 2f+1 observers at calldata offset `observersAt`, each below n, none twice.
    function checkObservers(uint256 observersAt, uint256 count, uint256 n, uint256 f) internal pure {
        uint256 required = 2 * f + 1;
        if (count < required) revert CommitteeErrors.TooFewObservations(count, required);
        (uint256 seen, uint256 repeatedAt) = CalldataScans.observerBitmap(observersAt, count);
        if (seen >> n != 0 || repeatedAt != 0) _revertObserver(observersAt, count, n, repeatedAt);
    }

    /// @dev Cold path: find which observer broke the rules, in position order, and say so.
    function _revertObserver(uint256 observersAt, uint256 count, uint256 n, uint256 repeatedAt) private pure {
        uint256 limit = repeatedAt == 0 ? count : repeatedAt;
        for (uint256 i = 0; i < limit; ++i) {
            uint256 observer = _byteAt(observersAt + i);
            if (observer >= n) revert CommitteeErrors.ObserverOutOfRange(i, observer, n);
        }
        revert CommitteeErrors.DuplicateObserver(repeatedAt - 1, _byteAt(observersAt + repeatedAt - 1));
    }

    function _byteAt(uint256 at) private pure returns (uint256 value) {
        assembly ("memory-safe") {
            value := byte(0, calldataload(at))
        }
    }
}
