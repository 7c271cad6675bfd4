// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BLS12381} from "../bls/BLS12381.sol";
import {KeyStore} from "../feed/KeyStore.sol";

/// @title FeedVerifyHarness
/// @notice Measures what `ocr gas bench` calls verify_gas: the gas from loading the group key out of
///         a key-store data contract (cold, as in a transmit) to the pairing result, hash-to-curve
///         included, with the same library calls OCRFeed makes.
contract FeedVerifyHarness {
    /// @dev CREATE of the data contract failed (it fails silently, so say so, or gas estimation
    ///      would settle on a limit at which it always fails).
    error StoreCreationFailed();

    /// @notice Store a key the way OCRFeed.setConfig does (digest and bounds zero, no transmitters).
    /// @param groupPublicKey 256-byte G2 key.
    /// @return store The key-store data contract.
    function storeKey(bytes calldata groupPublicKey) external returns (address store) {
        address[] calldata none;
        assembly {
            none.offset := 0
            none.length := 0
        }
        store = KeyStore.write(abi.encodePacked(bytes32(0), int256(0), int256(0), groupPublicKey), none);
        if (store == address(0)) revert StoreCreationFailed();
    }

    /// @notice Gas of key load + BLS verify, measured with gasleft() (call it with eth_call).
    /// @param store A data contract from `storeKey`, not touched earlier in this call (so it is cold).
    /// @param signature 128-byte G1 signature.
    /// @param digest The signing digest.
    /// @return ok The pairing result.
    /// @return gasUsed Gas from the key load to the pairing result.
    function verifyFromStoreGas(address store, bytes calldata signature, bytes32 digest)
        external
        view
        returns (bool ok, uint256 gasUsed)
    {
        bytes memory sig = signature;
        uint256 start = gasleft();
        bytes memory stored = KeyStore.read(store);
        bytes memory key;
        assembly ("memory-safe") {
            key := add(stored, 0x60) // as OCRFeed: the key's length word replaces maxAnswer
            mstore(key, 256)
        }
        ok = BLS12381.verify(sig, key, digest);
        gasUsed = start - gasleft();
    }
}
