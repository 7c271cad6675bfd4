// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title TestStakeToken
/// @notice An OpenZeppelin ERC-20 anyone may mint, for staking on a local chain. Never for value.
contract TestStakeToken is ERC20 {
    /// @param name_ Token name.
    /// @param symbol_ Token symbol.
    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) {}

    /// @notice Mint `amount` to `to` (open to anyone: a test token).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
