// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title PackedReport
/// @notice Reads a packed report (docs/report-format.md) held in memory, as evidence carries it,
///         where ReportLayout reads the same layout from transmit calldata.
library PackedReport {
    /// @dev Report bytes before the per-observation sections, and where the count k sits.
    uint256 internal constant HEADER_LENGTH = 62;
    uint256 internal constant COUNT_AT = 61;
    /// @dev Bytes each observation adds: observer (1) + timestamp (4) + value (24).
    uint256 internal constant BYTES_PER_OBSERVATION = 29;
    /// @dev Right shift that turns a 32-byte word into the 5-byte (epoch, round) at its start.
    uint256 internal constant UINT40_SHIFT = 216;

    /// @notice Whether `report` has exactly the length its observation count implies.
    function wellFormed(bytes memory report) internal pure returns (bool) {
        if (report.length < HEADER_LENGTH) return false;
        uint256 k = uint8(report[COUNT_AT]);
        return report.length == HEADER_LENGTH + BYTES_PER_OBSERVATION * k;
    }

    /// @notice The config digest and (epoch << 8 | round) of a well-formed report.
    function header(bytes memory report) internal pure returns (bytes32 digest, uint40 epochAndRound) {
        assembly ("memory-safe") {
            digest := mload(add(report, 0x20))
            epochAndRound := shr(UINT40_SHIFT, mload(add(report, 0x40)))
        }
    }

    /// @notice What the committee signs: keccak256(chain id (32) || feed (20) || report), exactly
    ///         as ReportLayout.signingDigest computes it inside the feed.
    function signingDigest(address feed, bytes memory report) internal view returns (bytes32) {
        return keccak256(abi.encodePacked(block.chainid, feed, report));
    }
}
