// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ReportLayout} from "../feed/ReportLayout.sol";

/// @title PackedReport
/// @notice Reads a packed report (docs/report-format.md) held in memory, as evidence carries it,
///         where ReportLayout reads the same layout from transmit calldata. Lengths and offsets
///         are ReportLayout's, so the two can never disagree.
library PackedReport {
    /// @dev Report offset of the count k (ReportLayout's offsets include the 4-byte selector).
    uint256 internal constant COUNT_AT = ReportLayout.COUNT_AT - ReportLayout.SELECTOR_LENGTH;

    /// @notice Whether `report` has exactly the length its observation count implies.
    function wellFormed(bytes memory report) internal pure returns (bool) {
        if (report.length < ReportLayout.HEADER_LENGTH) return false;
        uint256 k = uint8(report[COUNT_AT]);
        return report.length == ReportLayout.HEADER_LENGTH + ReportLayout.BYTES_PER_OBSERVATION * k;
    }

    /// @notice The config digest and (epoch << 8 | round) of a well-formed report.
    function header(bytes memory report) internal pure returns (bytes32 digest, uint40 epochAndRound) {
        uint256 shift = ReportLayout.UINT40_SHIFT;
        assembly ("memory-safe") {
            digest := mload(add(report, 0x20))
            epochAndRound := shr(shift, mload(add(report, 0x40)))
        }
    }

    /// @notice What the committee signs: keccak256(chain id (32) || feed (20) || report), exactly
    ///         as ReportLayout.signingDigest computes it inside the feed.
    function signingDigest(address feed, bytes memory report) internal view returns (bytes32) {
        return keccak256(abi.encodePacked(block.chainid, feed, report));
    }
}
