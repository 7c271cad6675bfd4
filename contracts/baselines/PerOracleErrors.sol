// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title PerOracleErrors
/// @notice Every way a PerOracleAggregator refuses a configuration, a submission or a withdrawal;
///         each error carries the values that made it fail.
interface PerOracleErrors {
    /*//////////////////////////////////////////////////////////////
                             CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    /// @dev The lowest accepted submission must lie below the highest.
    error PerOracleInvalidSubmissionBounds(int256 minSubmissionValue, int256 maxSubmissionValue);

    /// @dev Adding `added` oracles to `current` would pass the `maximum` this contract allows.
    error PerOracleTooManyOracles(uint256 current, uint256 added, uint256 maximum);

    /// @dev Every added oracle needs exactly one admin.
    error PerOracleAdminCountMismatch(uint256 oracles, uint256 admins);

    /// @dev `oracle` is already in the committee.
    error PerOracleAlreadyEnabled(address oracle);

    /// @dev `oracle` is not in the committee, so it cannot be removed.
    error PerOracleNotEnabled(address oracle);

    /// @dev An oracle's admin (who withdraws its payments) cannot be the zero address.
    error PerOracleZeroAdmin(address oracle);

    /// @dev `oracle` was registered before with admin `current`; the owner may not hand it to `proposed`.
    error PerOracleAdminOverwrite(address oracle, address current, address proposed);

    /// @dev Round sizes need 0 < minSubmissions <= maxSubmissions <= oracleCount (min may be 0 only
    ///      while there are no oracles).
    error PerOracleInvalidSubmissionCounts(uint32 minSubmissions, uint32 maxSubmissions, uint256 oracleCount);

    /// @dev The restart delay must be below the committee size, or nobody could ever start a round.
    error PerOracleInvalidRestartDelay(uint32 restartDelay, uint256 oracleCount);

    /// @dev The contract holds `available` but the new payment needs a reserve of `required`.
    error PerOracleInsufficientReserve(uint256 available, uint256 required);

    /*//////////////////////////////////////////////////////////////
                              SUBMISSIONS
    //////////////////////////////////////////////////////////////*/

    /// @dev `oracle` has never been registered.
    error PerOracleUnknownOracle(address oracle);

    /// @dev `oracle` may submit from round `startingRound` only.
    error PerOracleNotYetActive(address oracle, uint32 roundId, uint32 startingRound);

    /// @dev `oracle` was removed and may submit up to round `endingRound` only.
    error PerOracleRetired(address oracle, uint32 roundId, uint32 endingRound);

    /// @dev `oracle` already submitted in round `lastReportedRound`, which is not before `roundId`.
    error PerOracleAlreadyReported(address oracle, uint32 roundId, uint32 lastReportedRound);

    /// @dev Only the current round, the next one, or the one before an unanswered current round
    ///      accept submissions.
    error PerOracleInvalidRound(uint32 roundId, uint32 reportingRoundId);

    /// @dev Round `previousRoundId` has neither an answer nor timed out, so the next cannot begin.
    error PerOraclePreviousRoundOpen(uint32 previousRoundId);

    /// @dev `oracle` started round `lastStartedRound` and must wait `restartDelay` rounds to start another.
    error PerOracleRestartDelay(address oracle, uint32 roundId, uint32 lastStartedRound, uint32 restartDelay);

    /// @dev Round `roundId` is closed or was never opened.
    error PerOracleRoundNotAccepting(uint32 roundId);

    /// @dev The submission lies outside the contract's fixed bounds.
    error PerOracleSubmissionOutOfBounds(int256 submission, int256 minSubmissionValue, int256 maxSubmissionValue);

    /// @dev The contract has `available` unallocated funds, less than one `payment`.
    error PerOracleOutOfFunds(uint256 available, uint256 payment);

    /*//////////////////////////////////////////////////////////////
                              WITHDRAWALS
    //////////////////////////////////////////////////////////////*/

    /// @dev Only `admin` may move `oracle`'s payments; `caller` is not it.
    error PerOracleNotAdmin(address oracle, address caller, address admin);

    /// @dev Asked for `amount` but only `withdrawable` is owed.
    error PerOracleInsufficientWithdrawable(uint256 amount, uint256 withdrawable);

    /// @dev The owner may take `amount` only if `available - required` (the payment reserve) covers it.
    error PerOracleReserveWouldBreak(uint256 amount, uint256 available, uint256 required);

    /// @dev Sending `amount` wei to `recipient` failed.
    error PerOracleTransferFailed(address recipient, uint256 amount);

    /*//////////////////////////////////////////////////////////////
                               CONSUMERS
    //////////////////////////////////////////////////////////////*/

    /// @dev The round asked for has no answer (yet).
    error PerOracleNoDataPresent(uint80 roundId);
}
