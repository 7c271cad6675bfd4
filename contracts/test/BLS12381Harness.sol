// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BLS12381} from "../bls/BLS12381.sol";

/// @title BLS12381Harness
/// @notice Test-only contract exposing every BLS12381 library function, plus gas probes that
///         measure the library alone (gasleft() around the call, calldata already in memory).
contract BLS12381Harness {
    // =================================================================================================
    //  Functions: library entry points
    // =================================================================================================

    /// @notice RFC 9380 hash_to_curve to G1 for any message and DST.
    /// @param message The message.
    /// @param dst The domain separation tag.
    /// @return The 128-byte G1 point.
    function hashToG1(bytes calldata message, bytes calldata dst) external view returns (bytes memory) {
        return BLS12381.hashToG1(message, dst);
    }

    /// @notice The optimised report path: hash_to_curve(digest) under REPORT_DST.
    /// @param digest The 32-byte message.
    /// @return The 128-byte G1 point.
    function hashToG1Report(bytes32 digest) external view returns (bytes memory) {
        return BLS12381.hashToG1Report(digest);
    }

    /// @notice Hot-path verification of a report signature.
    /// @param signature 128-byte G1 signature.
    /// @param publicKey 256-byte G2 key.
    /// @param digest The signed digest.
    /// @return The pairing result.
    function verify(bytes calldata signature, bytes calldata publicKey, bytes32 digest) external view returns (bool) {
        return BLS12381.verify(signature, publicKey, digest);
    }

    /// @notice Verification under an arbitrary DST.
    /// @param signature 128-byte G1 signature.
    /// @param publicKey 256-byte G2 key.
    /// @param message The signed message.
    /// @param dst The domain separation tag.
    /// @return The pairing result.
    function verifyWithDst(bytes calldata signature, bytes calldata publicKey, bytes calldata message, bytes calldata dst)
        external
        view
        returns (bool)
    {
        return BLS12381.verifyWithDst(signature, publicKey, message, dst);
    }

    /// @notice Encoding checks of a G1 point (reverts on failure).
    /// @param point The encoded point.
    function checkG1(bytes calldata point) external pure {
        BLS12381.checkG1(point);
    }

    /// @notice Encoding checks of a G2 point (reverts on failure).
    /// @param point The encoded point.
    function checkG2(bytes calldata point) external pure {
        BLS12381.checkG2(point);
    }

    /// @notice Full validation of a G2 key, subgroup included (reverts on failure).
    /// @param point The encoded point.
    function validateG2(bytes calldata point) external view {
        BLS12381.validateG2(point);
    }

    /// @notice The library's report DST.
    /// @return The DST bytes.
    function reportDst() external pure returns (bytes memory) {
        return BLS12381.REPORT_DST;
    }

    // =================================================================================================
    //  Functions: gas probes
    // =================================================================================================

    /// @notice Gas of the hot-path verify alone (checks + hash + pairing).
    /// @param signature 128-byte G1 signature.
    /// @param publicKey 256-byte G2 key.
    /// @param digest The signed digest.
    /// @return ok The result.
    /// @return gasUsed Gas between the two gasleft() readings.
    function verifyGas(bytes calldata signature, bytes calldata publicKey, bytes32 digest)
        external
        view
        returns (bool ok, uint256 gasUsed)
    {
        bytes memory sig = signature;
        bytes memory pk = publicKey;
        uint256 before = gasleft();
        ok = BLS12381.verify(sig, pk, digest);
        gasUsed = before - gasleft();
    }

    /// @notice Gas of the optimised report hash alone.
    /// @param digest The 32-byte message.
    /// @return point The point.
    /// @return gasUsed Gas between the two gasleft() readings.
    function hashToG1ReportGas(bytes32 digest) external view returns (bytes memory point, uint256 gasUsed) {
        uint256 before = gasleft();
        point = BLS12381.hashToG1Report(digest);
        gasUsed = before - gasleft();
    }

    /// @notice Gas of the general hash alone.
    /// @param message The message.
    /// @param dst The domain separation tag.
    /// @return point The point.
    /// @return gasUsed Gas between the two gasleft() readings.
    function hashToG1Gas(bytes calldata message, bytes calldata dst)
        external
        view
        returns (bytes memory point, uint256 gasUsed)
    {
        bytes memory m = message;
        bytes memory d = dst;
        uint256 before = gasleft();
        point = BLS12381.hashToG1(m, d);
        gasUsed = before - gasleft();
    }

    /// @notice Gas of validateG2 alone.
    /// @param point The encoded G2 point.
    /// @return gasUsed Gas between the two gasleft() readings.
    function validateG2Gas(bytes calldata point) external view returns (uint256 gasUsed) {
        bytes memory p = point;
        uint256 before = gasleft();
        BLS12381.validateG2(p);
        gasUsed = before - gasleft();
    }
}
