// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IOracleStaking
/// @notice Stake an ERC-20 token as a member of one committee feed's committee; lose it to anyone
///         who proves an equivocation on-chain, or to a staleness alert. Stake stays slashable until
///         it is withdrawn, which is only possible an unbonding period after asking.
/// @dev The reputation indexer reads Staked, Slashed and AlertRaised; docs/staking.md.
interface IOracleStaking {
    /// @notice Which key an oracle's partial signature is checked against.
    /// @dev Threshold: its public share of an OCRFeed (proved against the config digest);
    ///      Accountable: its registered key on an AccountableFeed.
    enum Mode {
        Threshold,
        Accountable
    }

    /// @notice Two reports signed by one oracle for the same (configDigest, epoch, round).
    /// @param feed The feed the reports are for (must be this contract's feed).
    /// @param oracle The oracle index in the feed's current committee.
    /// @param reportA Packed report bytes (docs/report-format.md), without signature.
    /// @param signatureA Oracle `oracle`'s 128-byte G1 partial signature of reportA's signing digest.
    /// @param reportB A different packed report for the same (configDigest, epoch, round).
    /// @param signatureB Its partial signature by the same oracle.
    struct Equivocation {
        address feed;
        uint8 oracle;
        bytes reportA;
        bytes signatureA;
        bytes reportB;
        bytes signatureB;
    }

    /// @dev `oracle` added `amount`; it now has `active` active stake.
    event Staked(address indexed oracle, uint256 amount, uint256 active);
    /// @dev `oracle` moved `amount` from active to unbonding; all its unbonding stake unlocks at `unlocksAt`.
    event UnstakeRequested(address indexed oracle, uint256 amount, uint256 unbonding, uint64 unlocksAt);
    /// @dev `oracle` took back `amount` of unbonded stake.
    event Withdrawn(address indexed oracle, uint256 amount);
    /// @dev `oracle` lost `amount` for `reason` ("equivocation" or "staleness", as bytes32); the
    ///      evidence is the offence id (equivocation) or the stale round's alert id (staleness).
    event Slashed(address indexed oracle, uint256 amount, bytes32 indexed reason, bytes32 evidenceHash);
    /// @dev `reporter` proved an equivocation and received `reward`.
    event EquivocationReported(address indexed reporter, uint256 indexed oracle, bytes32 evidenceHash, uint256 reward);
    /// @dev `alerter` raised the alert for stale round `roundId` (updated at `updatedAt`): the committee
    ///      lost `slashed` in total and the alerter received `reward`.
    event AlertRaised(address indexed alerter, uint80 indexed roundId, uint256 updatedAt, uint256 slashed, uint256 reward);
    /// @dev The minimum active stake changed.
    event MinimumStakeSet(uint256 previous, uint256 current);
    /// @dev The unbonding period changed (seconds). Requests already made keep their unlock time.
    event UnbondingPeriodSet(uint64 previous, uint64 current);
    /// @dev The amount an equivocation costs changed.
    event EquivocationSlashSet(uint256 previous, uint256 current);
    /// @dev The amount each staker loses to a staleness alert, and the staleness threshold, changed.
    event AlertParametersSet(uint256 slashAmount, uint64 stalenessThreshold);
    /// @dev The reporter's and the alerter's shares (basis points of what was slashed) changed.
    event RewardSharesSet(uint256 reporterBps, uint256 alerterBps);
    /// @dev Forfeited tokens (slashed minus rewards) were sent to `to`.
    event ForfeitedSwept(address indexed to, uint256 amount);

    /// @notice Add `amount` tokens (approved beforehand) to the caller's active stake. The caller
    ///         must be a transmitter of the feed's current committee.
    /// @param amount Tokens to add; the resulting active stake must reach the minimum.
    function stake(uint256 amount) external;

    /// @notice Start unbonding `amount` of the caller's active stake. It stays slashable until
    ///         withdrawn; the unlock time of everything unbonding restarts from now.
    /// @param amount Tokens to move out of active stake (the rest must be zero or at least the minimum).
    function requestUnstake(uint256 amount) external;

    /// @notice Take back the caller's unbonding stake once its unbonding period is over.
    function withdraw() external;

    /// @notice Slash an oracle that signed two different reports for one (configDigest, epoch, round).
    /// @param evidence The two reports and their partial signatures.
    /// @param committeeProof Threshold mode: abi.encode(uint64 configCount, IOCRFeed.Config config) of
    ///        the feed's current configuration (from its ConfigSet event), which hashes to its config
    ///        digest and so proves the oracle's public share. Accountable mode: empty.
    /// @return evidenceHash The offence id, keccak256(abi.encode(feed, configDigest, epoch, round, oracle)).
    function slashEquivocation(Equivocation calldata evidence, bytes calldata committeeProof)
        external
        returns (bytes32 evidenceHash);

    /// @notice Raise the staleness alert for the feed's latest round if it is older than the
    ///         threshold: every staked member of the current committee loses the alert amount
    ///         (capped by what it holds) and the caller receives the alerter's share.
    /// @return slashed The total taken from the committee.
    function raiseAlert() external returns (uint256 slashed);
}
