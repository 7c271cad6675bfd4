// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title MultiReportLayout
/// @notice Reads a packed multi-feed report straight from `transmit` calldata. Python's
///         `ocr_client.multifeed.layout` defines the same layout.
/// @dev Calldata = selector (4) || report || signature (128) || transmitter index (1). The report,
///      with no padding anywhere (m observations, k feeds):
///      | offset          | bytes      | field                                              |
///      | 0               | 32         | config digest                                      |
///      | 32              | 4          | epoch (uint32)                                     |
///      | 36              | 1          | round (uint8)                                      |
///      | 37              | 1          | k, the number of feeds                             |
///      | 38              | 1          | m, the number of observations (rows)               |
///      | 39              | m          | observer index of each row (uint8)                 |
///      | 39+m            | 4m         | timestamp of each row (uint32)                     |
///      | 39+5m           | k * B      | one block of B = 24 + 25m bytes per feed, in order: |
///      |   +0            | 24         |   answer (int192, two's complement)                |
///      |   +24           | m          |   row of the j-th smallest value (uint8)           |
///      |   +24+m         | 24m        |   values (int192), ascending                       |
///      | 39+5m+kB        | 128        | signature (G1, EIP-2537), after the report         |
///      | 167+5m+kB       | 1          | transmitter's oracle index (not signed)            |
///      Every oracle observes all k feeds at once, so a row (observer, timestamp) is listed once
///      and each feed refers to rows: observation j of feed i is (observer[row_ij], timestamp[row_ij],
///      value_ij). Each feed's values are sorted on their own, so the rows are a permutation per
///      feed. All integers are big-endian; offsets below include the 4-byte selector.
library MultiReportLayout {
    uint256 internal constant SELECTOR_LENGTH = 4;
    uint256 internal constant DIGEST_AT = 4;
    uint256 internal constant EPOCH_AT = 36;
    uint256 internal constant FEED_COUNT_AT = 41;
    uint256 internal constant OBSERVATION_COUNT_AT = 42;
    uint256 internal constant OBSERVERS_AT = 43;
    /// @dev Report bytes before the rows.
    uint256 internal constant HEADER_LENGTH = 39;
    /// @dev Bytes each row adds: observer (1) + timestamp (4).
    uint256 internal constant BYTES_PER_ROW = 5;
    uint256 internal constant TIMESTAMP_LENGTH = 4;
    uint256 internal constant VALUE_LENGTH = 24;
    /// @dev Bytes each observation adds to a feed block: row (1) + value (24).
    uint256 internal constant BYTES_PER_FEED_OBSERVATION = 25;
    uint256 internal constant SIGNATURE_LENGTH = 128;
    uint256 internal constant TRANSMITTER_INDEX_LENGTH = 1;

    /// @dev Right shifts that turn a 32-byte calldataload into the field at its start.
    uint256 internal constant INT192_SHIFT = 64;
    uint256 internal constant UINT40_SHIFT = 216;

    /// @notice (k, m): feeds and observations (zero if the calldata is too short to hold them).
    function counts() internal pure returns (uint256 k, uint256 m) {
        assembly ("memory-safe") {
            let word := calldataload(FEED_COUNT_AT)
            k := byte(0, word)
            m := byte(1, word)
        }
    }

    /// @notice Bytes of the report (what is signed) for k feeds and m observations.
    function reportLength(uint256 k, uint256 m) internal pure returns (uint256) {
        return HEADER_LENGTH + BYTES_PER_ROW * m + k * (VALUE_LENGTH + BYTES_PER_FEED_OBSERVATION * m);
    }

    /// @notice The exact calldata length of a transmit with k feeds and m observations.
    function calldataLength(uint256 k, uint256 m) internal pure returns (uint256) {
        return SELECTOR_LENGTH + reportLength(k, m) + SIGNATURE_LENGTH + TRANSMITTER_INDEX_LENGTH;
    }

    /// @notice The report's config digest.
    function configDigest() internal pure returns (bytes32 digest) {
        assembly ("memory-safe") {
            digest := calldataload(DIGEST_AT)
        }
    }

    /// @notice (epoch << 8) | round, as the 5 bytes at EPOCH_AT read big-endian.
    function epochAndRound() internal pure returns (uint40 value) {
        assembly ("memory-safe") {
            value := shr(UINT40_SHIFT, calldataload(EPOCH_AT))
        }
    }

    /// @notice Observer index of row i.
    function observer(uint256 i) internal pure returns (uint256 index) {
        assembly ("memory-safe") {
            index := byte(0, calldataload(add(OBSERVERS_AT, i)))
        }
    }

    /// @notice Calldata offset of the rows' timestamps.
    function timestampsAt(uint256 m) internal pure returns (uint256) {
        return OBSERVERS_AT + m;
    }

    /// @notice Calldata offset of the first feed block.
    function feedsAt(uint256 m) internal pure returns (uint256) {
        return OBSERVERS_AT + BYTES_PER_ROW * m;
    }

    /// @notice Bytes of one feed block.
    function feedBlockLength(uint256 m) internal pure returns (uint256) {
        return VALUE_LENGTH + BYTES_PER_FEED_OBSERVATION * m;
    }

    /// @notice The int192 at calldata offset `at`.
    function int192At(uint256 ptr) internal pure returns (int192 value) {
        assembly ("memory-safe") {
            value := sar(INT192_SHIFT, calldataload(ptr))
        }
    }

    /// @notice The byte at calldata offset `at`.
    function byteAt(uint256 ptr) internal pure returns (uint256 value) {
        assembly ("memory-safe") {
            value := byte(0, calldataload(ptr))
        }
    }

    /// @notice Calldata offset of the signature.
    function signatureAt(uint256 k, uint256 m) internal pure returns (uint256) {
        return SELECTOR_LENGTH + reportLength(k, m);
    }

    /// @notice The oracle index of the transmitter, the last calldata byte.
    function transmitterIndex(uint256 k, uint256 m) internal pure returns (uint256 index) {
        uint256 ptr = signatureAt(k, m) + SIGNATURE_LENGTH;
        assembly ("memory-safe") {
            index := byte(0, calldataload(ptr))
        }
    }

    /// @notice The 128-byte signature copied to memory.
    function signature(uint256 k, uint256 m) internal pure returns (bytes memory sig) {
        uint256 ptr = signatureAt(k, m);
        assembly ("memory-safe") {
            sig := mload(0x40)
            mstore(sig, SIGNATURE_LENGTH)
            mstore(0x40, add(sig, add(0x20, SIGNATURE_LENGTH)))
            calldatacopy(add(sig, 0x20), ptr, SIGNATURE_LENGTH)
        }
    }

    /// @notice keccak256(chainid (32 bytes) || this contract (20 bytes) || report), the same binding
    ///         as a single feed's report. Uses memory past the free pointer as scratch.
    function signingDigest(uint256 k, uint256 m) internal view returns (bytes32 digest) {
        uint256 length = reportLength(k, m);
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, chainid())
            mstore(add(ptr, 0x20), shl(96, address()))
            calldatacopy(add(ptr, 0x34), SELECTOR_LENGTH, length)
            digest := keccak256(ptr, add(0x34, length))
        }
    }
}
