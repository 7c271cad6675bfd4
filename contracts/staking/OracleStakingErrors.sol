// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title OracleStakingErrors
/// @notice Every way OracleStaking refuses a call, each carrying the offending values. A refused
///         call moves nothing: no stake, no reward, no evidence marked used.
abstract contract OracleStakingErrors {
    /// @dev The feed address given at construction has no code.
    error StakingFeedNotAContract(address feed);
    /// @dev The staking token address given at construction has no code.
    error StakingTokenNotAContract(address token);
    /// @dev A zero amount where tokens must move.
    error ZeroAmount();
    /// @dev `account` is not a transmitter of the feed's current committee, so it cannot stake.
    error NotACommitteeMember(address account);
    /// @dev After this call `account` would hold `active` active stake, below the minimum `minimum`
    ///      (and not zero, which is allowed only for a full exit).
    error BelowMinimumStake(address account, uint256 active, uint256 minimum);
    /// @dev `account` asked to unstake `requested` but has only `active` active stake.
    error InsufficientActiveStake(address account, uint256 requested, uint256 active);
    /// @dev `account` has nothing unbonding to withdraw.
    error NothingToWithdraw(address account);
    /// @dev `account`'s unbonding stake unlocks at `unlocksAt`; it is now `nowTime`.
    error StillUnbonding(address account, uint64 unlocksAt, uint64 nowTime);
    /// @dev A reward share above 100% (`bps` of `maximum` basis points).
    error RewardShareTooHigh(uint256 bps, uint256 maximum);
    /// @dev An unbonding period longer than the allowed maximum.
    error UnbondingPeriodTooLong(uint64 period, uint64 maximum);
    /// @dev Sweeping more forfeited tokens (`requested`) than are held (`available`), or to zero.
    error InvalidSweep(address to, uint256 requested, uint256 available);

    // --- equivocation proofs ------------------------------------------------------------------

    /// @dev The evidence names feed `got`; this contract slashes for feed `expected` only.
    error EvidenceForOtherFeed(address expected, address got);
    /// @dev Report `which` (0 = A, 1 = B) is not a well-formed packed report (`length` bytes).
    error MalformedReport(uint256 which, uint256 length);
    /// @dev Signature `which` (0 = A, 1 = B) is `length` bytes, not a 128-byte G1 point.
    error MalformedSignature(uint256 which, uint256 length);
    /// @dev The two reports are for different (configDigest, epoch, round), so signing both is allowed.
    error ReportsForDifferentRounds(bytes32 digestA, uint40 epochAndRoundA, bytes32 digestB, uint40 epochAndRoundB);
    /// @dev Both reports are the same bytes (hash `reportHash`): signing one report twice is no offence.
    error IdenticalReports(bytes32 reportHash);
    /// @dev The reports are for configuration `got`; the feed's current configuration is `expected`.
    error EvidenceForOtherConfig(bytes32 expected, bytes32 got);
    /// @dev The committee the threshold proof supplies hashes to `got`, not the feed's digest `expected`.
    error CommitteeProofMismatch(bytes32 expected, bytes32 got);
    /// @dev The committee proof is required in threshold mode and must be empty in accountable mode.
    error UnexpectedCommitteeProof(uint256 length);
    /// @dev Oracle index `oracle` is not below the committee size `n`.
    error UnknownOracle(uint256 oracle, uint256 n);
    /// @dev Oracle `oracle` (transmitter `account`) holds no stake: there is nothing to slash.
    error OracleNotStaked(uint256 oracle, address account);
    /// @dev This offence (`evidenceHash`: digest, epoch, round, oracle) was already slashed.
    error EvidenceAlreadyUsed(bytes32 evidenceHash);
    /// @dev Partial signature `which` (0 = A, 1 = B) is not oracle `oracle`'s signature of its report.
    error InvalidPartialSignature(uint256 which, uint256 oracle);

    // --- staleness alerts ---------------------------------------------------------------------

    /// @dev The feed has no round yet, so there is no updatedAt to judge.
    error FeedHasNoRound();
    /// @dev The feed's round `roundId` was updated at `updatedAt`; alerts open at `alertableAt`.
    error FeedNotStale(uint80 roundId, uint256 updatedAt, uint256 alertableAt);
    /// @dev An alert for the feed's round `roundId` was already raised.
    error AlertAlreadyRaised(uint80 roundId);
    /// @dev No member of the current committee holds stake, so an alert would slash nothing.
    error NoStakeToSlash();
}
