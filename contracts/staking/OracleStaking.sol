// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Owned} from "../access/Owned.sol";
import {IAccountableFeed} from "../accountable/IAccountableFeed.sol";
import {BLS12381} from "../bls/BLS12381.sol";
import {ICommitteeFeed} from "../committee/ICommitteeFeed.sol";
import {IOCRFeed} from "../interfaces/IOCRFeed.sol";
import {IThresholdConfigDigest} from "./ICommitteeKeys.sol";
import {IOracleStaking} from "./IOracleStaking.sol";
import {OracleStakingErrors} from "./OracleStakingErrors.sol";
import {PackedReport} from "./PackedReport.sol";

/// @notice AggregatorV3's latest round, the only part of the feed a staleness alert reads.
interface ILatestRound {
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80);
}

/// @title OracleStaking
/// @notice Staking for the committee of ONE feed (an OCRFeed in threshold mode, an AccountableFeed in
///         accountable mode). Identities are the feed's own: oracle i is transmitter i of the feed's
///         current committee, and its stake is held under that address.
///         - `stake` / `requestUnstake` / `withdraw`: unbonding delays every exit, and stake stays
///           slashable until it is withdrawn (the retirement-attack defence).
///         - `slashEquivocation`: anyone proves that one oracle signed two different reports for the
///           same (configDigest, epoch, round); both partial BLS signatures are checked on-chain with
///           the EIP-2537 precompiles against that oracle's own key (public share or registered key).
///         - `raiseAlert`: anyone, once the feed's latest round is older than the staleness threshold,
///           slashes every staked committee member a fixed amount, once per stale round.
///         Reporters and alerters receive a share of what they caused to be slashed; the rest is
///         forfeited and may be swept by the owner.
/// @dev The feed is trusted to be the committee's feed; the owner is trusted to set sane amounts.
///      The token must be a plain ERC-20 (no fee on transfer, no rebasing). docs/staking.md.
contract OracleStaking is IOracleStaking, OracleStakingErrors, Owned {
    using SafeERC20 for IERC20;

    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Basis points in 100%.
    uint256 public constant MAX_BPS = 10_000;
    /// @notice The longest unbonding period the owner may set (a year), so exits cannot be frozen.
    uint64 public constant MAX_UNBONDING_PERIOD = 365 days;
    /// @notice The `reason` of Slashed for a proven equivocation.
    bytes32 public constant REASON_EQUIVOCATION = "equivocation";
    /// @notice The `reason` of Slashed for a staleness alert.
    bytes32 public constant REASON_STALENESS = "staleness";
    /// @dev Bytes of a G1 partial signature.
    uint256 private constant SIGNATURE_LENGTH = 128;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @notice Every setting the owner controls, in one struct for the constructor.
    /// @param minimumStake Least active stake a member may hold (zero is always allowed).
    /// @param unbondingPeriod Seconds between requestUnstake and the earliest withdraw.
    /// @param equivocationSlash Tokens one proven equivocation costs (capped by holdings).
    /// @param alertSlash Tokens each staked member loses to one staleness alert (capped by holdings).
    /// @param stalenessThreshold Seconds after the latest round's updatedAt from which alerts open.
    /// @param reporterBps Share of an equivocation slash paid to whoever proved it.
    /// @param alerterBps Share of an alert's total slash paid to the alerter.
    struct Parameters {
        uint256 minimumStake;
        uint64 unbondingPeriod;
        uint256 equivocationSlash;
        uint256 alertSlash;
        uint64 stalenessThreshold;
        uint256 reporterBps;
        uint256 alerterBps;
    }

    /// @notice One staker's tokens: active, and unbonding (slashable until withdrawn).
    struct StakeInfo {
        uint256 active;
        uint256 unbonding;
        uint64 unlocksAt;
    }

    /// @notice The feed whose committee stakes here.
    address public immutable feed;
    /// @notice How partial signatures are checked (see Mode).
    Mode public immutable mode;
    /// @notice The staking token.
    IERC20 public immutable token;

    Parameters internal s_params;
    mapping(address account => StakeInfo) internal s_stakes;
    /// @notice Offences already slashed, by evidence hash (equivocation) or alert id (staleness).
    mapping(bytes32 evidenceHash => bool) public evidenceUsed;
    /// @notice Slashed tokens not paid out as rewards, held until the owner sweeps them.
    uint256 public forfeited;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param feed_ The committee feed (OCRFeed for Threshold, AccountableFeed for Accountable).
    /// @param mode_ How partial signatures are checked.
    /// @param token_ The ERC-20 staked.
    /// @param initialOwner Account allowed to change the parameters and sweep forfeited tokens.
    /// @param params Initial parameters (each emits its event).
    constructor(address feed_, Mode mode_, IERC20 token_, address initialOwner, Parameters memory params)
        Owned(initialOwner)
    {
        if (feed_.code.length == 0) revert StakingFeedNotAContract(feed_);
        if (address(token_).code.length == 0) revert StakingTokenNotAContract(address(token_));
        feed = feed_;
        mode = mode_;
        token = token_;
        _setMinimumStake(params.minimumStake);
        _setUnbondingPeriod(params.unbondingPeriod);
        _setEquivocationSlash(params.equivocationSlash);
        _setAlertParameters(params.alertSlash, params.stalenessThreshold);
        _setRewardShares(params.reporterBps, params.alerterBps);
    }

    /*//////////////////////////////////////////////////////////////
                                STAKING
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOracleStaking
    function stake(uint256 amount) external override {
        if (amount == 0) revert ZeroAmount();
        (bool member,) = _indexOf(msg.sender);
        if (!member) revert NotACommitteeMember(msg.sender);
        StakeInfo storage info = s_stakes[msg.sender];
        uint256 active = info.active + amount;
        if (active < s_params.minimumStake) revert BelowMinimumStake(msg.sender, active, s_params.minimumStake);
        info.active = active;
        token.safeTransferFrom(msg.sender, address(this), amount);
        emit Staked(msg.sender, amount, active);
    }

    /// @inheritdoc IOracleStaking
    function requestUnstake(uint256 amount) external override {
        if (amount == 0) revert ZeroAmount();
        StakeInfo storage info = s_stakes[msg.sender];
        if (amount > info.active) revert InsufficientActiveStake(msg.sender, amount, info.active);
        uint256 remaining = info.active - amount;
        if (remaining != 0 && remaining < s_params.minimumStake) {
            revert BelowMinimumStake(msg.sender, remaining, s_params.minimumStake);
        }
        info.active = remaining;
        info.unbonding += amount;
        uint64 unlocksAt = uint64(block.timestamp) + s_params.unbondingPeriod;
        info.unlocksAt = unlocksAt;
        emit UnstakeRequested(msg.sender, amount, info.unbonding, unlocksAt);
    }

    /// @inheritdoc IOracleStaking
    function withdraw() external override {
        StakeInfo storage info = s_stakes[msg.sender];
        uint256 amount = info.unbonding;
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        if (block.timestamp < info.unlocksAt) revert StillUnbonding(msg.sender, info.unlocksAt, uint64(block.timestamp));
        info.unbonding = 0;
        info.unlocksAt = 0;
        token.safeTransfer(msg.sender, amount);
        emit Withdrawn(msg.sender, amount);
    }

    /*//////////////////////////////////////////////////////////////
                          SLASHING BY PROOF
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOracleStaking
    /// @dev Checks run cheapest first, so a replayed or malformed proof costs little: framing, same
    ///      round, different bytes, current config, oracle in range and staked, not used, then the
    ///      committee proof and the two pairings.
    function slashEquivocation(Equivocation calldata evidence, bytes calldata committeeProof)
        external
        override
        returns (bytes32 evidenceHash)
    {
        if (evidence.feed != feed) revert EvidenceForOtherFeed(feed, evidence.feed);
        bytes memory reportA = evidence.reportA;
        bytes memory reportB = evidence.reportB;
        bytes32 digest = _checkSameRound(reportA, reportB, evidence.signatureA.length, evidence.signatureB.length);
        (,, bytes32 current) = ICommitteeFeed(feed).latestConfigDetails();
        if (digest != current) revert EvidenceForOtherConfig(current, digest);

        uint256 oracle = evidence.oracle;
        (uint8 n,,) = ICommitteeFeed(feed).committee();
        if (oracle >= n) revert UnknownOracle(oracle, n);
        address account = ICommitteeFeed(feed).transmitters()[oracle];
        if (_holdings(account) == 0) revert OracleNotStaked(oracle, account);
        (, uint40 epochAndRound) = PackedReport.header(reportA);
        evidenceHash = keccak256(abi.encode(feed, digest, epochAndRound, oracle));
        if (evidenceUsed[evidenceHash]) revert EvidenceAlreadyUsed(evidenceHash);

        bytes memory key = _oracleKey(oracle, current, committeeProof);
        if (!BLS12381.verify(evidence.signatureA, key, PackedReport.signingDigest(feed, reportA))) {
            revert InvalidPartialSignature(0, oracle);
        }
        if (!BLS12381.verify(evidence.signatureB, key, PackedReport.signingDigest(feed, reportB))) {
            revert InvalidPartialSignature(1, oracle);
        }

        evidenceUsed[evidenceHash] = true;
        uint256 amount = _slash(account, s_params.equivocationSlash, REASON_EQUIVOCATION, evidenceHash);
        uint256 reward = amount * s_params.reporterBps / MAX_BPS;
        forfeited += amount - reward;
        if (reward != 0) token.safeTransfer(msg.sender, reward);
        emit EquivocationReported(msg.sender, oracle, evidenceHash, reward);
    }

    /// @dev Both reports framed, both signatures 128 bytes, same (digest, epoch, round), not the
    ///      same bytes. Returns the shared config digest.
    function _checkSameRound(bytes memory reportA, bytes memory reportB, uint256 sigALength, uint256 sigBLength)
        private
        pure
        returns (bytes32 digest)
    {
        if (!PackedReport.wellFormed(reportA)) revert MalformedReport(0, reportA.length);
        if (!PackedReport.wellFormed(reportB)) revert MalformedReport(1, reportB.length);
        if (sigALength != SIGNATURE_LENGTH) revert MalformedSignature(0, sigALength);
        if (sigBLength != SIGNATURE_LENGTH) revert MalformedSignature(1, sigBLength);
        (bytes32 digestA, uint40 roundA) = PackedReport.header(reportA);
        (bytes32 digestB, uint40 roundB) = PackedReport.header(reportB);
        if (digestA != digestB || roundA != roundB) revert ReportsForDifferentRounds(digestA, roundA, digestB, roundB);
        bytes32 hashA = keccak256(reportA);
        if (hashA == keccak256(reportB)) revert IdenticalReports(hashA);
        digest = digestA;
    }

    /// @dev The key oracle `oracle` signs with. Threshold: its public share from a configuration
    ///      proved to hash to the feed's current digest `current`. Accountable: the feed's registered
    ///      key (validated, with a proof of possession, when the feed was configured).
    function _oracleKey(uint256 oracle, bytes32 current, bytes calldata committeeProof)
        private
        view
        returns (bytes memory key)
    {
        if (mode == Mode.Accountable) {
            if (committeeProof.length != 0) revert UnexpectedCommitteeProof(committeeProof.length);
            return IAccountableFeed(feed).publicKey(oracle);
        }
        if (committeeProof.length == 0) revert UnexpectedCommitteeProof(0);
        (uint64 configCount, IOCRFeed.Config memory config) = abi.decode(committeeProof, (uint64, IOCRFeed.Config));
        bytes32 proved = IThresholdConfigDigest(feed).configDigestFromConfigData(block.chainid, feed, configCount, config);
        if (proved != current) revert CommitteeProofMismatch(current, proved);
        // The digest commits to the shares and the feed checked n = shares = transmitters.
        key = config.publicShares[oracle];
    }

    /*//////////////////////////////////////////////////////////////
                           STALENESS ALERTS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOracleStaking
    /// @dev In accountable mode the signers of the latest report are NOT spared: that report is the
    ///      one that went stale, so its bitmap says who was live before the outage, not during it,
    ///      and sparing them would let an oracle sign once and then go dark for free (docs/staking.md).
    function raiseAlert() external override returns (uint256 slashed) {
        uint80 roundId;
        uint256 updatedAt;
        try ILatestRound(feed).latestRoundData() returns (uint80 id, int256, uint256, uint256 at, uint80) {
            (roundId, updatedAt) = (id, at);
        } catch {
            revert FeedHasNoRound();
        }
        uint256 alertableAt = updatedAt + s_params.stalenessThreshold;
        if (block.timestamp < alertableAt) revert FeedNotStale(roundId, updatedAt, alertableAt);
        bytes32 alertId = keccak256(abi.encode(feed, roundId));
        if (evidenceUsed[alertId]) revert AlertAlreadyRaised(roundId);
        evidenceUsed[alertId] = true;

        address[] memory members = ICommitteeFeed(feed).transmitters();
        uint256 each = s_params.alertSlash;
        for (uint256 i = 0; i < members.length; ++i) {
            if (_holdings(members[i]) != 0) slashed += _slash(members[i], each, REASON_STALENESS, alertId);
        }
        if (slashed == 0) revert NoStakeToSlash();
        uint256 reward = slashed * s_params.alerterBps / MAX_BPS;
        forfeited += slashed - reward;
        if (reward != 0) token.safeTransfer(msg.sender, reward);
        emit AlertRaised(msg.sender, roundId, updatedAt, slashed, reward);
    }

    /*//////////////////////////////////////////////////////////////
                                 OWNER
    //////////////////////////////////////////////////////////////*/

    /// @notice Set the least active stake a member may hold.
    /// @param amount Tokens (zero: any amount).
    function setMinimumStake(uint256 amount) external onlyOwner {
        _setMinimumStake(amount);
    }

    /// @notice Set the unbonding period; requests already made keep their unlock time.
    /// @param period Seconds, at most MAX_UNBONDING_PERIOD.
    function setUnbondingPeriod(uint64 period) external onlyOwner {
        _setUnbondingPeriod(period);
    }

    /// @notice Set what one proven equivocation costs.
    /// @param amount Tokens (capped by the oracle's holdings when slashed).
    function setEquivocationSlash(uint256 amount) external onlyOwner {
        _setEquivocationSlash(amount);
    }

    /// @notice Set the per-member staleness slash and the staleness threshold.
    /// @param slashAmount Tokens each staked member loses per alert (capped by holdings).
    /// @param stalenessThreshold Seconds after updatedAt from which an alert may be raised.
    function setAlertParameters(uint256 slashAmount, uint64 stalenessThreshold) external onlyOwner {
        _setAlertParameters(slashAmount, stalenessThreshold);
    }

    /// @notice Set the reporter's and alerter's shares of what they caused to be slashed.
    /// @param reporterBps Basis points for equivocation reporters (<= MAX_BPS).
    /// @param alerterBps Basis points for staleness alerters (<= MAX_BPS).
    function setRewardShares(uint256 reporterBps, uint256 alerterBps) external onlyOwner {
        _setRewardShares(reporterBps, alerterBps);
    }

    /// @notice Send forfeited tokens (slashed, not paid as rewards) to `to`.
    /// @param to Recipient (not zero).
    /// @param amount Tokens, at most `forfeited`.
    function sweepForfeited(address to, uint256 amount) external onlyOwner {
        if (to == address(0) || amount > forfeited) revert InvalidSweep(to, amount, forfeited);
        forfeited -= amount;
        token.safeTransfer(to, amount);
        emit ForfeitedSwept(to, amount);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The current parameters.
    function parameters() external view returns (Parameters memory) {
        return s_params;
    }

    /// @notice `account`'s active and unbonding stake and when the unbonding part unlocks.
    function stakeOf(address account) external view returns (StakeInfo memory) {
        return s_stakes[account];
    }

    /// @notice Everything of `account`'s that can still be slashed (active plus unbonding).
    function slashableOf(address account) external view returns (uint256) {
        return _holdings(account);
    }

    /// @notice Whether `account` is a transmitter of the feed's current committee, and its index.
    function oracleIndexOf(address account) external view returns (bool member, uint256 index) {
        return _indexOf(account);
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    function _holdings(address account) private view returns (uint256) {
        StakeInfo storage info = s_stakes[account];
        return info.active + info.unbonding;
    }

    function _indexOf(address account) private view returns (bool, uint256) {
        address[] memory members = ICommitteeFeed(feed).transmitters();
        for (uint256 i = 0; i < members.length; ++i) {
            if (members[i] == account) return (true, i);
        }
        return (false, 0);
    }

    /// @dev Take up to `amount` from `account`, active stake first, then unbonding stake.
    function _slash(address account, uint256 amount, bytes32 reason, bytes32 evidenceHash)
        private
        returns (uint256 taken)
    {
        StakeInfo storage info = s_stakes[account];
        uint256 fromActive = amount < info.active ? amount : info.active;
        uint256 rest = amount - fromActive;
        uint256 fromUnbonding = rest < info.unbonding ? rest : info.unbonding;
        info.active -= fromActive;
        info.unbonding -= fromUnbonding;
        taken = fromActive + fromUnbonding;
        emit Slashed(account, taken, reason, evidenceHash);
    }

    function _setMinimumStake(uint256 amount) private {
        emit MinimumStakeSet(s_params.minimumStake, amount);
        s_params.minimumStake = amount;
    }

    function _setUnbondingPeriod(uint64 period) private {
        if (period > MAX_UNBONDING_PERIOD) revert UnbondingPeriodTooLong(period, MAX_UNBONDING_PERIOD);
        emit UnbondingPeriodSet(s_params.unbondingPeriod, period);
        s_params.unbondingPeriod = period;
    }

    function _setEquivocationSlash(uint256 amount) private {
        emit EquivocationSlashSet(s_params.equivocationSlash, amount);
        s_params.equivocationSlash = amount;
    }

    function _setAlertParameters(uint256 slashAmount, uint64 stalenessThreshold) private {
        s_params.alertSlash = slashAmount;
        s_params.stalenessThreshold = stalenessThreshold;
        emit AlertParametersSet(slashAmount, stalenessThreshold);
    }

    function _setRewardShares(uint256 reporterBps, uint256 alerterBps) private {
        if (reporterBps > MAX_BPS) revert RewardShareTooHigh(reporterBps, MAX_BPS);
        if (alerterBps > MAX_BPS) revert RewardShareTooHigh(alerterBps, MAX_BPS);
        s_params.reporterBps = reporterBps;
        s_params.alerterBps = alerterBps;
        emit RewardSharesSet(reporterBps, alerterBps);
    }
}
