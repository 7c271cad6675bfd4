// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title KeyStore
/// @notice Immutable per-configuration data (digest, bounds, 256-byte G2 group key) kept as the
///         code of a tiny data contract, so `transmit` loads all of it with one EXTCODECOPY
///         (2,600 gas cold plus 3 per word) instead of one cold SLOAD (2,100) per 32-byte word.
/// @dev The runtime code is a STOP byte followed by the data, so calling the data contract does
///      nothing. Layout of the data (all 32-byte words except the key):
///      [0, 32) config digest | [32, 64) minAnswer | [64, 96) maxAnswer | [96, 352) group key.
library KeyStore {
    /// @dev Bytes of data after the STOP byte.
    uint256 internal constant DATA_LENGTH = 352;
    /// @dev Where the data starts in the data contract's code (after the STOP byte).
    uint256 internal constant DATA_OFFSET = 1;
    uint256 internal constant DIGEST_AT = 0;
    uint256 internal constant MIN_ANSWER_AT = 32;
    uint256 internal constant MAX_ANSWER_AT = 64;
    uint256 internal constant KEY_AT = 96;
    uint256 internal constant KEY_LENGTH = 256;

    /// @dev Init code prefix: PUSH2 len, DUP1, PUSH1 10, RETURNDATASIZE, CODECOPY, RETURNDATASIZE,
    ///      RETURN; it returns everything after its own 10 bytes as the runtime code.
    uint256 internal constant INIT_PREFIX = 0x61000080600a3d393df3;
    uint256 internal constant INIT_PREFIX_LENGTH = 10;

    /// @notice Deploy a data contract holding `data` (which must be DATA_LENGTH bytes).
    /// @param data The packed configuration data.
    /// @return store The data contract's address, or zero if creation failed.
    function write(bytes memory data) internal returns (address store) {
        uint256 runtimeLength = data.length + DATA_OFFSET;
        bytes memory init = abi.encodePacked(
            uint80(INIT_PREFIX | (runtimeLength << 56)), bytes1(0x00), data
        );
        assembly ("memory-safe") {
            store := create(0, add(init, 0x20), mload(init))
        }
    }

    /// @notice Read the stored data back into memory (one EXTCODECOPY).
    /// @param store The data contract.
    /// @return data DATA_LENGTH bytes.
    function read(address store) internal view returns (bytes memory data) {
        data = new bytes(DATA_LENGTH);
        assembly ("memory-safe") {
            extcodecopy(store, add(data, 0x20), DATA_OFFSET, DATA_LENGTH)
        }
    }
}
