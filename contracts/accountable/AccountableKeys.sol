// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PrecompileFailed} from "../bls/BLS12381Errors.sol";
import {CommitteeErrors} from "../committee/CommitteeErrors.sol";
import {KeyStore} from "../feed/KeyStore.sol";

/// @title AccountableKeys
/// @notice Per-oracle G2 keys kept as the code of data contracts (KeyStore.writeData), at most 95
///         keys each so each stays under the 24,576-byte code limit, and their sum over a signer
///         bitmap by a G2ADD chain.
/// @dev Data of store j: a 64-byte header (store 0: minAnswer, maxAnswer as int256 words; others
///      zero) then keys 95j .. 95j+94, 256 bytes each: at most 1 + 64 + 95 * 256 = 24,385 code bytes.
///      n <= 255 needs at most 3 stores.
library AccountableKeys {
    uint256 internal constant KEYS_PER_STORE = 95;
    uint256 internal constant MAX_STORES = 3;
    uint256 internal constant HEADER_LENGTH = 64;
    uint256 internal constant KEY_LENGTH = 256;
    /// @dev Code offset of a store's first key (after the STOP byte and the header).
    uint256 internal constant KEYS_AT = 65;
    /// @dev Code offset of store 0's bounds.
    uint256 internal constant BOUNDS_AT = 1;
    uint256 internal constant G2ADD_PRECOMPILE = 0x0d;
    uint256 internal constant G2ADD_GAS = 600;

    /// @notice Deploy the key stores for `keys` (header of store 0 = the bounds).
    function write(bytes[] calldata keys, int192 minAnswer, int192 maxAnswer)
        internal
        returns (address[3] memory stores)
    {
        uint256 n = keys.length;
        for (uint256 j = 0; j * KEYS_PER_STORE < n; ++j) {
            uint256 first = j * KEYS_PER_STORE;
            uint256 count = n - first < KEYS_PER_STORE ? n - first : KEYS_PER_STORE;
            bytes memory data = new bytes(HEADER_LENGTH + count * KEY_LENGTH);
            if (j == 0) {
                assembly ("memory-safe") {
                    mstore(add(data, 0x20), minAnswer)
                    mstore(add(data, 0x40), maxAnswer)
                }
            }
            for (uint256 i = 0; i < count; ++i) {
                bytes calldata key = keys[first + i];
                assembly ("memory-safe") {
                    calldatacopy(add(add(data, 0x60), mul(i, KEY_LENGTH)), key.offset, KEY_LENGTH)
                }
            }
            address store = KeyStore.writeData(data);
            if (store == address(0)) revert CommitteeErrors.KeyStoreCreationFailed();
            stores[j] = store;
        }
    }

    /// @notice The bounds kept in store 0.
    function bounds(address store0) internal view returns (int192 minAnswer, int192 maxAnswer) {
        assembly ("memory-safe") {
            extcodecopy(store0, 0x00, BOUNDS_AT, 0x40)
            minAnswer := mload(0x00)
            maxAnswer := mload(0x20)
        }
    }

    /// @notice Oracle `index`'s key.
    function key(address[3] memory stores, uint256 index) internal view returns (bytes memory out) {
        out = new bytes(KEY_LENGTH);
        address store = stores[index / KEYS_PER_STORE];
        uint256 at = KEYS_AT + (index % KEYS_PER_STORE) * KEY_LENGTH;
        assembly ("memory-safe") {
            extcodecopy(store, add(out, 0x20), at, KEY_LENGTH)
        }
    }

    /// @notice Sum of the keys named by `signers` (bit i = oracle i; the caller checked the bitmap
    ///         is nonzero and below 2^n): each key is copied from its store next to the running sum
    ///         and added with G2ADD, given exactly its 600 gas; a failing add reverts.
    /// @return sum The 256-byte aggregate key (may be infinity: the pairing check rejects that).
    /// @return count How many keys were summed.
    function aggregate(address[3] memory stores, uint256 signers)
        internal
        view
        returns (bytes memory sum, uint256 count)
    {
        bool ok = true;
        assembly ("memory-safe") {
            sum := mload(0x40)
            mstore(sum, KEY_LENGTH)
            let acc := add(sum, 0x20)
            let next := add(acc, KEY_LENGTH)
            // The running sum and the next key: 512 bytes, the G2ADD input.
            mstore(0x40, add(next, KEY_LENGTH))
            let bits := signers
            for { let i := 0 } bits { i := add(i, 1) } {
                if and(bits, 1) {
                    let j := div(i, KEYS_PER_STORE)
                    let store := mload(add(stores, shl(5, j)))
                    let at := add(KEYS_AT, mul(mod(i, KEYS_PER_STORE), KEY_LENGTH))
                    switch count
                    case 0 { extcodecopy(store, acc, at, KEY_LENGTH) }
                    default {
                        extcodecopy(store, next, at, KEY_LENGTH)
                        ok := and(ok, staticcall(G2ADD_GAS, G2ADD_PRECOMPILE, acc, 0x200, acc, KEY_LENGTH))
                    }
                    count := add(count, 1)
                }
                bits := shr(1, bits)
            }
        }
        if (!ok) revert PrecompileFailed(address(uint160(G2ADD_PRECOMPILE)));
    }
}
