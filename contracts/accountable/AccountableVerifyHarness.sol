// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BLS12381} from "../bls/BLS12381.sol";
import {AccountableKeys} from "./AccountableKeys.sol";

/// @title AccountableVerifyHarness
/// @notice Measures accountable verify_gas: from loading the signers' keys out of cold key-store
///         data contracts, through the G2ADD chain, to the pairing result (hash-to-curve included),
///         with the same library calls AccountableFeed makes. For `ocr gas bench`-style numbers.
contract AccountableVerifyHarness {
    /// @notice Store keys the way AccountableFeed.setConfig does (bounds zero).
    function storeKeys(bytes[] calldata keys) external returns (address[3] memory stores) {
        stores = AccountableKeys.write(keys, 0, 0);
    }

    /// @notice Gas of key loads + aggregation + BLS verify (call it with eth_call, stores cold).
    function verifyFromStoresGas(address[3] calldata stores, uint256 signers, bytes calldata signature, bytes32 digest)
        external
        view
        returns (bool ok, uint256 gasUsed)
    {
        bytes memory sig = signature;
        address[3] memory s = stores;
        uint256 start = gasleft();
        (bytes memory key,) = AccountableKeys.aggregate(s, signers);
        ok = BLS12381.verify(sig, key, digest);
        gasUsed = start - gasleft();
    }
}
