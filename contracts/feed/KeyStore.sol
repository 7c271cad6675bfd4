// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title KeyStore
/// @notice Immutable per-configuration data (digest, bounds, 256-byte G2 group key, transmitters)
///         kept as the code of a tiny data contract, so `transmit` loads what it needs with one
///         EXTCODECOPY (2,600 gas cold plus 3 per word) instead of one cold SLOAD (2,100) per word,
///         and checks its sender with a second, warm EXTCODECOPY (~100) instead of a cold mapping
///         SLOAD (2,100).
/// @dev The runtime code is a STOP byte followed by the data, so calling the data contract does
///      nothing. Layout of the data: [0, 32) config digest | [32, 64) minAnswer | [64, 96)
///      maxAnswer | [96, 352) group key | then 20 bytes per transmitter, oracle order. At most 255
///      transmitters: 5,452 bytes, far below the 24,576-byte code limit.
library KeyStore {
    /// @dev Bytes of the fixed part of the data (everything before the transmitters).
    uint256 internal constant FIXED_LENGTH = 352;
    /// @dev Where the data starts in the data contract's code (after the STOP byte).
    uint256 internal constant DATA_OFFSET = 1;
    uint256 internal constant DIGEST_AT = 0;
    uint256 internal constant MIN_ANSWER_AT = 32;
    uint256 internal constant MAX_ANSWER_AT = 64;
    uint256 internal constant KEY_AT = 96;
    uint256 internal constant KEY_LENGTH = 256;
    uint256 internal constant TRANSMITTERS_AT = FIXED_LENGTH;
    uint256 internal constant ADDRESS_LENGTH = 20;
    /// @dev Right shift that turns a 32-byte word into the address packed at its start.
    uint256 internal constant ADDRESS_SHIFT = 96;

    /// @dev Init code prefix: PUSH2 len, DUP1, PUSH1 10, RETURNDATASIZE, CODECOPY, RETURNDATASIZE,
    ///      RETURN; it returns everything after its own 10 bytes as the runtime code.
    uint256 internal constant INIT_PREFIX = 0x61000080600a3d393df3;
    /// @dev Bit position of the PUSH2 operand inside INIT_PREFIX.
    uint256 internal constant INIT_LENGTH_SHIFT = 56;

    /// @notice Deploy a data contract holding the fixed part followed by the packed transmitters.
    /// @param fixedPart FIXED_LENGTH bytes: digest, minAnswer, maxAnswer, group key.
    /// @param transmitters Oracle i's transmitter at position i.
    /// @return store The data contract's address, or zero if creation failed.
    function write(bytes memory fixedPart, address[] calldata transmitters) internal returns (address store) {
        bytes memory packed = new bytes(ADDRESS_LENGTH * transmitters.length);
        for (uint256 i = 0; i < transmitters.length; ++i) {
            address t = transmitters[i];
            assembly ("memory-safe") {
                // Ascending writes: each 32-byte store's spill is overwritten by the next address.
                mstore(add(add(packed, 0x20), mul(i, ADDRESS_LENGTH)), shl(ADDRESS_SHIFT, t))
            }
        }
        return writeData(bytes.concat(fixedPart, packed));
    }

    /// @notice Deploy a data contract whose code is a STOP byte followed by `data`.
    /// @param data Anything up to 24,575 bytes.
    /// @return store The data contract's address, or zero if creation failed.
    function writeData(bytes memory data) internal returns (address store) {
        uint256 runtimeLength = DATA_OFFSET + data.length;
        bytes memory init =
            abi.encodePacked(uint80(INIT_PREFIX | (runtimeLength << INIT_LENGTH_SHIFT)), bytes1(0x00), data);
        assembly ("memory-safe") {
            store := create(0, add(init, 0x20), mload(init))
        }
    }

    /// @notice Read the fixed part back into memory (one EXTCODECOPY).
    /// @param store The data contract.
    /// @return data FIXED_LENGTH bytes.
    function read(address store) internal view returns (bytes memory data) {
        assembly ("memory-safe") {
            // Allocated by hand: `new bytes` would zero memory that EXTCODECOPY overwrites anyway.
            data := mload(0x40)
            mstore(data, FIXED_LENGTH)
            mstore(0x40, add(data, add(0x20, FIXED_LENGTH)))
            extcodecopy(store, add(data, 0x20), DATA_OFFSET, FIXED_LENGTH)
        }
    }

    /// @notice Number of transmitters stored.
    /// @param store The data contract.
    /// @return n The committee size.
    function transmitterCount(address store) internal view returns (uint256 n) {
        n = (store.code.length - DATA_OFFSET - FIXED_LENGTH) / ADDRESS_LENGTH;
    }

    /// @notice Oracle `index`'s transmitter (reads past the end give the zero address).
    /// @param store The data contract.
    /// @param index The oracle index.
    /// @return t The transmitter address.
    function transmitter(address store, uint256 index) internal view returns (address t) {
        assembly ("memory-safe") {
            mstore(0x00, 0)
            extcodecopy(store, 0x00, add(add(DATA_OFFSET, TRANSMITTERS_AT), mul(index, ADDRESS_LENGTH)), ADDRESS_LENGTH)
            t := shr(ADDRESS_SHIFT, mload(0x00))
        }
    }
}
