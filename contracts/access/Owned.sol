// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Owned
/// @notice Single-owner access control with custom errors that name the caller.
abstract contract Owned {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @dev `caller` is not the owner.
    error OwnedUnauthorized(address caller);

    /// @dev A zero address cannot own the contract.
    error OwnedZeroAddress();

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @dev Ownership moved from `previousOwner` to `newOwner`.
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    address private s_owner;

    constructor(address initialOwner) {
        if (initialOwner == address(0)) revert OwnedZeroAddress();
        s_owner = initialOwner;
        emit OwnershipTransferred(address(0), initialOwner);
    }

    modifier onlyOwner() {
        if (msg.sender != s_owner) revert OwnedUnauthorized(msg.sender);
        _;
    }

    /// @notice The account allowed to change the configuration.
    /// @return The current owner.
    function owner() public view returns (address) {
        return s_owner;
    }

    /// @notice Hand ownership to `newOwner`; only the owner may call.
    /// @param newOwner The next owner, never the zero address.
    function transferOwnership(address newOwner) external onlyOwner {
        if (newOwner == address(0)) revert OwnedZeroAddress();
        emit OwnershipTransferred(s_owner, newOwner);
        s_owner = newOwner;
    }
}
