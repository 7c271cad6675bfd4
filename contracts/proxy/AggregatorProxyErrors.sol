// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title AggregatorProxyErrors
/// @notice Why an AggregatorProxy refuses a change or a read; each error carries the values at fault.
abstract contract AggregatorProxyErrors {
    /// @dev An aggregator must be a contract address, never zero.
    error AggregatorProxyZeroAddress();

    /// @dev `aggregator` has no code: a proxy pointing at it would answer nothing.
    error AggregatorProxyNotAContract(address aggregator);

    /// @dev confirmAggregator(`given`) while the proposed aggregator is `proposed`.
    error AggregatorProxyNotProposed(address given, address proposed);

    /// @dev A proposed* read while no aggregator is proposed.
    error AggregatorProxyNoProposal();

    /// @dev Round `roundId` names phase `phaseId`, which no aggregator ever served.
    error AggregatorProxyUnknownPhase(uint80 roundId, uint16 phaseId);

    /// @dev 2^16 - 1 phases is all a round id can name.
    error AggregatorProxyTooManyPhases(uint16 phaseId);
}
