// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CalldataScans} from "../committee/CalldataScans.sol";

/// @title ReportLayout
/// @notice Reads a packed report straight from `transmit` calldata. Python's
///         `ocr_client.report.layout` defines the same layout; committed JSON vectors keep them equal.
/// @dev Calldata = selector (4) || report || signature (128). The report, with no padding anywhere:
///      | offset     | bytes | field                                                     |
///      | 0          | 32    | config digest                                             |
///      | 32         | 4     | epoch (uint32)                                            |
///      | 36         | 1     | round (uint8)                                             |
///      | 37         | 24    | answer (int192, two's complement)                         |
///      | 61         | 4     | observations timestamp T (uint32, the earliest observation) |
///      | 65         | 1     | count k of observations                                   |
///      | 66         | k     | observer index of each observation (uint8)                |
///      | 66+k       | 2k    | each observation's time as seconds after T (uint16)       |
///      | 66+3k      | 24k   | observations (int192), ascending                          |
///      | 66+27k     | 128   | signature (G1, EIP-2537), after the report                |
///      | 194+27k    | 1     | transmitter's oracle index (not signed)                   |
///      All integers are big-endian. Offsets below include the 4-byte selector. The transmitter
///      index only says where to find the sender among the configured transmitters; a wrong one
///      names another address and is refused, so it needs no signature. The three per-observation
///      sections are contiguous, so NewTransmission copies them with one calldatacopy.
library ReportLayout {
    uint256 internal constant SELECTOR_LENGTH = 4;
    uint256 internal constant DIGEST_AT = 4;
    uint256 internal constant EPOCH_AT = 36;
    uint256 internal constant ROUND_AT = 40;
    uint256 internal constant ANSWER_AT = 41;
    uint256 internal constant OBSERVATIONS_TIMESTAMP_AT = 65;
    uint256 internal constant COUNT_AT = 69;
    uint256 internal constant OBSERVERS_AT = 70;
    /// @dev Report bytes before the per-observation sections.
    uint256 internal constant HEADER_LENGTH = 66;
    /// @dev An observation's time is a uint16 offset from the observations timestamp.
    uint256 internal constant TIMESTAMP_OFFSET_LENGTH = 2;
    uint256 internal constant OBSERVATION_LENGTH = 24;
    /// @dev Bytes each observation adds: observer (1) + timestamp offset (2) + value (24).
    uint256 internal constant BYTES_PER_OBSERVATION = 27;
    uint256 internal constant SIGNATURE_LENGTH = 128;
    uint256 internal constant TRANSMITTER_INDEX_LENGTH = 1;

    /// @dev Right shifts that turn a 32-byte calldataload into the field at its start.
    uint256 internal constant UINT32_SHIFT = 224;
    uint256 internal constant UINT16_SHIFT = 240;
    uint256 internal constant INT192_SHIFT = 64;
    uint256 internal constant UINT40_SHIFT = 216;

    /// @notice Number of observations k (zero if the calldata is too short to hold it).
    function observationCount() internal pure returns (uint256 k) {
        assembly ("memory-safe") {
            k := byte(0, calldataload(COUNT_AT))
        }
    }

    /// @notice The exact calldata length a report with k observations has.
    function calldataLength(uint256 k) internal pure returns (uint256) {
        return SELECTOR_LENGTH + HEADER_LENGTH + BYTES_PER_OBSERVATION * k + SIGNATURE_LENGTH + TRANSMITTER_INDEX_LENGTH;
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

    /// @notice The answer the report claims.
    function answer() internal pure returns (int192 value) {
        assembly ("memory-safe") {
            value := sar(INT192_SHIFT, calldataload(ANSWER_AT))
        }
    }

    /// @notice Observer index of observation i.
    function observer(uint256 i) internal pure returns (uint256 index) {
        assembly ("memory-safe") {
            index := byte(0, calldataload(add(OBSERVERS_AT, i)))
        }
    }

    /// @notice Value of observation i in a report with k observations.
    function observation(uint256 k, uint256 i) internal pure returns (int192 value) {
        assembly ("memory-safe") {
            let at := add(add(OBSERVERS_AT, mul(k, 3)), mul(i, OBSERVATION_LENGTH))
            value := sar(INT192_SHIFT, calldataload(at))
        }
    }

    /// @notice Calldata offset of the first observation value (after observers and timestamp offsets).
    function valuesAt(uint256 k) internal pure returns (uint256) {
        unchecked {
            return OBSERVERS_AT + 3 * k; // k < 256: no overflow
        }
    }

    /// @notice The report's observations timestamp T (every observation's time is T + its offset).
    function observationsTimestamp() internal pure returns (uint32 ts) {
        assembly ("memory-safe") {
            ts := shr(UINT32_SHIFT, calldataload(OBSERVATIONS_TIMESTAMP_AT))
        }
    }

    /// @notice Timestamp of the median observation (index k / 2): T plus its offset. Cannot
    ///         exceed uint32: the sum is truncated to 32 bits, as a uint32 read would be.
    function medianTimestamp(uint256 k) internal pure returns (uint32 ts) {
        assembly ("memory-safe") {
            let at := add(add(OBSERVERS_AT, k), mul(shr(1, k), TIMESTAMP_OFFSET_LENGTH))
            ts := and(add(shr(UINT32_SHIFT, calldataload(OBSERVATIONS_TIMESTAMP_AT)), shr(UINT16_SHIFT, calldataload(at))), 0xffffffff)
        }
    }

    /// @notice Calldata offset and length of the three contiguous per-observation sections
    ///         (observers || timestamp offsets || values): what NewTransmission carries as one `bytes`.
    function observationsSection(uint256 k) internal pure returns (uint256 at, uint256 length) {
        at = OBSERVERS_AT;
        length = BYTES_PER_OBSERVATION * k;
    }

    /// @notice The oracle index of the transmitter, the last calldata byte.
    function transmitterIndex(uint256 k) internal pure returns (uint256 index) {
        uint256 at = SELECTOR_LENGTH + HEADER_LENGTH + BYTES_PER_OBSERVATION * k + SIGNATURE_LENGTH;
        assembly ("memory-safe") {
            index := byte(0, calldataload(at))
        }
    }

    /// @notice The 128-byte signature copied to memory.
    function signature(uint256 k) internal pure returns (bytes memory sig) {
        uint256 at = SELECTOR_LENGTH + HEADER_LENGTH + BYTES_PER_OBSERVATION * k;
        assembly ("memory-safe") {
            // Allocated by hand: `new bytes` would zero memory that the copy overwrites anyway.
            sig := mload(0x40)
            mstore(sig, SIGNATURE_LENGTH)
            mstore(0x40, add(sig, add(0x20, SIGNATURE_LENGTH)))
            calldatacopy(add(sig, 0x20), at, SIGNATURE_LENGTH)
        }
    }

    /// @notice keccak256(chainid (32 bytes) || this contract (20 bytes) || report): what the
    ///         committee signs, binding the chain and contract on top of the config digest.
    function signingDigest(uint256 k) internal view returns (bytes32 digest) {
        uint256 reportLength = HEADER_LENGTH + BYTES_PER_OBSERVATION * k;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, chainid())
            mstore(add(ptr, 0x20), shl(96, address()))
            calldatacopy(add(ptr, 0x34), SELECTOR_LENGTH, reportLength)
            digest := keccak256(ptr, add(0x34, reportLength))
        }
    }
}
