// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

import {Owned} from "../access/Owned.sol";
import {PerOracleErrors} from "./PerOracleErrors.sol";

/// @title PerOracleAggregator
/// @notice A gas BASELINE, not a product: the feed design that Off-Chain Reporting replaced. Each of
///         the n oracles sends its own answer in its own transaction; the first one of a round opens
///         it, every one is stored and paid for, and the one that brings the round to
///         `maxSubmissions` answers get the median of all of them computed on-chain, after which the
///         round's working data is deleted.
/// @dev Written to do the same storage and event work per submission as Chainlink's FluxAggregator
///      (v0.6) so that its gas is comparable: same slot packing of oracle status, round record,
///      round details and funds; submissions appended to a fresh storage array per round and read
///      back into memory for an in-place quickselect; payment bookkeeping on every submission.
///      Payments are in the chain's native coin instead of LINK (the submit path only moves
///      numbers either way). Left out because no submission pays for them: requester-started
///      rounds, the optional answer validator hook and the admin hand-over.
contract PerOracleAggregator is AggregatorV3Interface, PerOracleErrors, Owned {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @dev AggregatorV3Interface version of this contract.
    uint256 private constant VERSION = 1;

    /// @dev Oracle indices are one byte; the closing submission reads and clears one storage slot
    ///      per submission, which stays far below a block's gas at this size.
    uint256 private constant MAX_ORACLES = 255;

    /// @dev The owner must leave funds for this many rounds of payments to every oracle.
    uint256 private constant RESERVE_ROUNDS = 2;

    /// @dev endingRound of an oracle that has not been removed.
    uint32 private constant NO_END = type(uint32).max;

    /// @dev Ranges of at most this many elements are finished by insertion sort in quickselect.
    uint256 private constant SMALL_RANGE = 8;

    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @dev A round's record: two slots (answer; the three packed numbers).
    struct Round {
        int256 answer;
        uint64 startedAt;
        uint64 updatedAt;
        uint32 answeredInRound;
    }

    /// @dev Parameters fixed for a round when it opens: one slot (16 + 4 + 4 + 4 bytes).
    struct RoundParams {
        uint128 paymentAmount;
        uint32 maxSubmissions;
        uint32 minSubmissions;
        uint32 timeout;
    }

    /// @dev Working data of an open round, deleted when it closes.
    struct RoundDetails {
        int256[] submissions;
        RoundParams params;
    }

    /// @dev One oracle: slot 0 is everything a submission checks and updates (16 + 4 x 4 bytes).
    struct OracleStatus {
        uint128 withdrawable;
        uint32 startingRound;
        uint32 endingRound;
        uint32 lastReportedRound;
        uint32 lastStartedRound;
        int256 latestSubmission;
        uint8 index;
        address admin;
    }

    /// @dev Native coin held for oracles: not yet promised, and owed but not withdrawn.
    struct Funds {
        uint128 available;
        uint128 allocated;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @dev `oracle` sent `submission` for round `round`.
    event SubmissionReceived(int256 indexed submission, uint32 indexed round, address indexed oracle);

    /// @dev Round `roundId` was opened by `startedBy` at `startedAt` (AggregatorInterface's event).
    event NewRound(uint256 indexed roundId, address indexed startedBy, uint256 startedAt);

    /// @dev Round `roundId` got the answer `current` at `updatedAt` (AggregatorInterface's event).
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    /// @dev The unallocated funds are now `amount`.
    event AvailableFundsUpdated(uint256 indexed amount);

    /// @dev Parameters for rounds opened from now on.
    event RoundDetailsUpdated(
        uint128 indexed paymentAmount,
        uint32 indexed minSubmissionCount,
        uint32 indexed maxSubmissionCount,
        uint32 restartDelay,
        uint32 timeout
    );

    /// @dev `oracle` joined (`enabled`) or left the committee.
    event OraclePermissionsUpdated(address indexed oracle, bool indexed enabled);

    /// @dev `newAdmin` now withdraws `oracle`'s payments.
    event OracleAdminUpdated(address indexed oracle, address indexed newAdmin);

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    int256 private immutable i_minSubmissionValue;
    int256 private immutable i_maxSubmissionValue;
    uint8 private immutable i_decimals;
    string private s_description;

    /// @dev Copied into each round's details when it opens.
    RoundParams private s_params;

    /// @dev One slot: the round accepting submissions, the newest answered round, the restart delay.
    uint32 private s_reportingRoundId;
    uint32 private s_latestRoundId;
    uint32 private s_restartDelay;

    mapping(address oracle => OracleStatus) private s_oracles;
    mapping(uint32 roundId => Round) private s_rounds;
    mapping(uint32 roundId => RoundDetails) private s_details;
    address[] private s_oracleAddresses;
    Funds private s_funds;

    /// @param paymentAmount Wei paid to an oracle per accepted submission.
    /// @param timeout Seconds after which an unanswered round may be superseded (0: never).
    /// @param minSubmissionValue Lowest submission accepted.
    /// @param maxSubmissionValue Highest submission accepted.
    /// @param feedDecimals Decimals of the answers (AggregatorV3Interface.decimals).
    /// @param feedDescription What the feed reports (AggregatorV3Interface.description).
    constructor(
        uint128 paymentAmount,
        uint32 timeout,
        int256 minSubmissionValue,
        int256 maxSubmissionValue,
        uint8 feedDecimals,
        string memory feedDescription
    ) Owned(msg.sender) {
        if (minSubmissionValue >= maxSubmissionValue) {
            revert PerOracleInvalidSubmissionBounds(minSubmissionValue, maxSubmissionValue);
        }
        i_minSubmissionValue = minSubmissionValue;
        i_maxSubmissionValue = maxSubmissionValue;
        i_decimals = feedDecimals;
        s_description = feedDescription;
        _setRoundParams(paymentAmount, 0, 0, 0, timeout);
    }

    /*//////////////////////////////////////////////////////////////
                               SUBMISSION
    //////////////////////////////////////////////////////////////*/

    /// @notice Send this oracle's answer for round `roundId`. Sending for the round after the
    ///         current one opens it; the submission that brings the round to its maximum count
    ///         closes it with the median of all its submissions. Pays the sender `paymentAmount`.
    /// @param roundId The current round, the next one, or the previous one while the current has no answer.
    /// @param submission The oracle's answer, within the contract's fixed bounds.
    function submit(uint32 roundId, int256 submission) external {
        if (submission < i_minSubmissionValue || submission > i_maxSubmissionValue) {
            revert PerOracleSubmissionOutOfBounds(submission, i_minSubmissionValue, i_maxSubmissionValue);
        }
        OracleStatus storage oracle = s_oracles[msg.sender];
        uint32 reporting = s_reportingRoundId;
        _checkOracleRound(oracle, roundId, reporting);
        if (uint256(roundId) == uint256(reporting) + 1) _openRound(oracle, roundId);

        RoundDetails storage details = s_details[roundId];
        RoundParams memory params = details.params;
        if (params.maxSubmissions == 0) revert PerOracleRoundNotAccepting(roundId);
        details.submissions.push(submission);
        uint256 count = details.submissions.length;
        oracle.lastReportedRound = roundId;
        oracle.latestSubmission = submission;
        emit SubmissionReceived(submission, roundId, msg.sender);

        if (count >= params.minSubmissions) _answer(roundId, details.submissions);
        _pay(oracle, params.paymentAmount);
        if (count >= params.maxSubmissions) delete s_details[roundId];
    }

    /// @dev May `oracle` submit for `roundId` while `reporting` is the open round? Reverts if not.
    function _checkOracleRound(OracleStatus storage oracle, uint32 roundId, uint32 reporting) private view {
        uint32 startingRound = oracle.startingRound;
        if (startingRound == 0) revert PerOracleUnknownOracle(msg.sender);
        if (roundId < startingRound) revert PerOracleNotYetActive(msg.sender, roundId, startingRound);
        if (roundId > oracle.endingRound) revert PerOracleRetired(msg.sender, roundId, oracle.endingRound);
        if (roundId <= oracle.lastReportedRound) {
            revert PerOracleAlreadyReported(msg.sender, roundId, oracle.lastReportedRound);
        }
        // Accepted: the open round, the next one, or the one before an open round still unanswered.
        if (
            roundId != reporting && uint256(roundId) != uint256(reporting) + 1
                && !(uint256(roundId) + 1 == reporting && s_rounds[reporting].updatedAt == 0)
        ) revert PerOracleInvalidRound(roundId, reporting);
        if (roundId != 1 && !_supersedable(roundId - 1)) revert PerOraclePreviousRoundOpen(roundId - 1);
    }

    /// @dev Open round `roundId` on behalf of `oracle`, closing a timed-out predecessor first.
    function _openRound(OracleStatus storage oracle, uint32 roundId) private {
        uint32 lastStarted = oracle.lastStartedRound;
        uint32 delay = s_restartDelay;
        if (lastStarted != 0 && uint256(roundId) <= uint256(lastStarted) + delay) {
            revert PerOracleRestartDelay(msg.sender, roundId, lastStarted, delay);
        }
        _carryOverTimedOut(roundId - 1);
        s_reportingRoundId = roundId;
        s_details[roundId].params = s_params;
        uint64 startedAt = uint64(block.timestamp);
        s_rounds[roundId].startedAt = startedAt;
        oracle.lastStartedRound = roundId;
        emit NewRound(roundId, msg.sender, startedAt);
    }

    /// @dev A round that timed out without an answer takes the previous round's answer.
    function _carryOverTimedOut(uint32 roundId) private {
        if (!_timedOut(roundId)) return;
        Round storage round = s_rounds[roundId];
        Round storage previous = s_rounds[roundId - 1];
        round.answer = previous.answer;
        round.answeredInRound = previous.answeredInRound;
        round.updatedAt = uint64(block.timestamp);
        delete s_details[roundId];
    }

    /// @dev Compute, store and announce the median of round `roundId`'s submissions so far.
    function _answer(uint32 roundId, int256[] storage submissions) private {
        int256[] memory values = submissions;
        int256 answer = _median(values);
        Round storage round = s_rounds[roundId];
        round.answer = answer;
        round.updatedAt = uint64(block.timestamp);
        round.answeredInRound = roundId;
        s_latestRoundId = roundId;
        emit AnswerUpdated(answer, roundId, block.timestamp);
    }

    /// @dev Move one payment from the available funds to `oracle`'s withdrawable balance.
    function _pay(OracleStatus storage oracle, uint128 payment) private {
        Funds memory funds = s_funds;
        if (funds.available < payment) revert PerOracleOutOfFunds(funds.available, payment);
        unchecked {
            funds.available -= payment;
            funds.allocated += payment; // at most the contract's balance, far below 2^128
        }
        s_funds = funds;
        oracle.withdrawable += payment;
        emit AvailableFundsUpdated(funds.available);
    }

    /// @dev An answered round, or one that timed out, may be followed by the next.
    function _supersedable(uint32 roundId) private view returns (bool) {
        return s_rounds[roundId].updatedAt > 0 || _timedOut(roundId);
    }

    /// @dev An open, unanswered round whose timeout has passed.
    function _timedOut(uint32 roundId) private view returns (bool) {
        Round storage round = s_rounds[roundId];
        uint64 startedAt = round.startedAt;
        if (startedAt == 0 || round.updatedAt != 0) return false;
        uint32 timeout = s_details[roundId].params.timeout;
        return timeout > 0 && uint256(startedAt) + timeout < block.timestamp;
    }

    /*//////////////////////////////////////////////////////////////
                                 MEDIAN
    //////////////////////////////////////////////////////////////*/

    /// @dev The median of `values`, which it reorders: the middle value for an odd count, the mean
    ///      of the two middle values (rounded down) for an even count.
    function _median(int256[] memory values) private pure returns (int256) {
        uint256 count = values.length;
        uint256 middle = count / 2;
        int256 upper = _select(values, middle);
        if (count % 2 == 1) return upper;
        // After selection nothing left of `middle` is larger than values[middle], so the lower
        // middle value is the largest of them.
        int256 lower = values[0];
        for (uint256 i = 1; i < middle; ++i) {
            int256 v = values[i];
            if (v > lower) lower = v;
        }
        // floor((lower + upper) / 2) without overflow: halve each (arithmetic shift rounds down),
        // then add back the half lost when both were odd.
        return (lower >> 1) + (upper >> 1) + (lower & upper & 1);
    }

    /// @dev Quickselect: reorder `values` so that values[k] is the k-th smallest (from 0) with no
    ///      larger value before it and no smaller value after it; returns values[k].
    function _select(int256[] memory values, uint256 k) private pure returns (int256) {
        uint256 lo = 0;
        uint256 hi = values.length - 1;
        while (hi - lo >= SMALL_RANGE) {
            uint256 split = _partition(values, lo, hi);
            if (k <= split) hi = split;
            else lo = split + 1;
        }
        _insertionSort(values, lo, hi);
        return values[k];
    }

    /// @dev Hoare partition of values[lo..hi] around its middle element: returns `split` with
    ///      lo <= split < hi, everything in [lo, split] <= everything in [split + 1, hi].
    function _partition(int256[] memory values, uint256 lo, uint256 hi) private pure returns (uint256) {
        unchecked {
            int256 pivot = values[lo + (hi - lo) / 2];
            uint256 i = lo;
            uint256 j = hi;
            while (true) {
                while (values[i] < pivot) ++i;
                while (values[j] > pivot) --j;
                if (i >= j) return j;
                (values[i], values[j]) = (values[j], values[i]);
                ++i;
                --j;
            }
        }
        return lo; // unreachable: the loop always returns
    }

    /// @dev Sort values[lo..hi] ascending in place (small ranges only).
    function _insertionSort(int256[] memory values, uint256 lo, uint256 hi) private pure {
        unchecked {
            for (uint256 i = lo + 1; i <= hi; ++i) {
                int256 v = values[i];
                uint256 j = i;
                while (j > lo && values[j - 1] > v) {
                    values[j] = values[j - 1];
                    --j;
                }
                values[j] = v;
            }
        }
    }

    /*//////////////////////////////////////////////////////////////
                             CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    /// @notice Remove and add oracles, then set the round sizes for rounds opened from now on.
    ///         Removed oracles may still submit for the next round; added ones start with it.
    /// @param removed Oracles to remove (each must be enabled).
    /// @param added Oracles to add (none may be enabled).
    /// @param addedAdmins For each added oracle, the address that withdraws its payments.
    /// @param minSubmissions Submissions after which a round has an answer.
    /// @param maxSubmissions Submissions that close a round.
    /// @param restartDelay Rounds an oracle must wait after opening one before it opens another.
    function changeOracles(
        address[] calldata removed,
        address[] calldata added,
        address[] calldata addedAdmins,
        uint32 minSubmissions,
        uint32 maxSubmissions,
        uint32 restartDelay
    ) external onlyOwner {
        for (uint256 i = 0; i < removed.length; ++i) {
            _removeOracle(removed[i]);
        }
        if (added.length != addedAdmins.length) revert PerOracleAdminCountMismatch(added.length, addedAdmins.length);
        uint256 current = s_oracleAddresses.length;
        if (current + added.length > MAX_ORACLES) revert PerOracleTooManyOracles(current, added.length, MAX_ORACLES);
        for (uint256 i = 0; i < added.length; ++i) {
            _addOracle(added[i], addedAdmins[i]);
        }
        _setRoundParams(s_params.paymentAmount, minSubmissions, maxSubmissions, restartDelay, s_params.timeout);
    }

    /// @notice Set the payment, round sizes, restart delay and timeout for rounds opened from now on.
    /// @param paymentAmount Wei paid per accepted submission; the contract must hold a reserve for it.
    /// @param minSubmissions Submissions after which a round has an answer.
    /// @param maxSubmissions Submissions that close a round.
    /// @param restartDelay Rounds an oracle must wait after opening one before it opens another.
    /// @param timeout Seconds after which an unanswered round may be superseded (0: never).
    function updateFutureRounds(
        uint128 paymentAmount,
        uint32 minSubmissions,
        uint32 maxSubmissions,
        uint32 restartDelay,
        uint32 timeout
    ) external onlyOwner {
        _setRoundParams(paymentAmount, minSubmissions, maxSubmissions, restartDelay, timeout);
    }

    function _setRoundParams(
        uint128 paymentAmount,
        uint32 minSubmissions,
        uint32 maxSubmissions,
        uint32 restartDelay,
        uint32 timeout
    ) private {
        uint256 oracles = s_oracleAddresses.length;
        if (minSubmissions > maxSubmissions || maxSubmissions > oracles || (oracles > 0 && minSubmissions == 0)) {
            revert PerOracleInvalidSubmissionCounts(minSubmissions, maxSubmissions, oracles);
        }
        if (oracles > 0 && restartDelay >= oracles) revert PerOracleInvalidRestartDelay(restartDelay, oracles);
        uint256 required = _requiredReserve(paymentAmount, oracles);
        if (s_funds.available < required) revert PerOracleInsufficientReserve(s_funds.available, required);
        s_params = RoundParams({
            paymentAmount: paymentAmount,
            maxSubmissions: maxSubmissions,
            minSubmissions: minSubmissions,
            timeout: timeout
        });
        s_restartDelay = restartDelay;
        emit RoundDetailsUpdated(paymentAmount, minSubmissions, maxSubmissions, restartDelay, timeout);
    }

    function _addOracle(address oracle, address admin) private {
        OracleStatus storage status = s_oracles[oracle];
        if (status.endingRound == NO_END) revert PerOracleAlreadyEnabled(oracle);
        if (admin == address(0)) revert PerOracleZeroAdmin(oracle);
        address currentAdmin = status.admin;
        if (currentAdmin != address(0) && currentAdmin != admin) {
            revert PerOracleAdminOverwrite(oracle, currentAdmin, admin);
        }
        uint32 reporting = s_reportingRoundId;
        // Re-added before its last allowed round began: it keeps that round.
        status.startingRound = reporting != 0 && reporting == status.endingRound ? reporting : reporting + 1;
        status.endingRound = NO_END;
        status.index = uint8(s_oracleAddresses.length);
        status.admin = admin;
        s_oracleAddresses.push(oracle);
        emit OraclePermissionsUpdated(oracle, true);
        emit OracleAdminUpdated(oracle, admin);
    }

    function _removeOracle(address oracle) private {
        OracleStatus storage status = s_oracles[oracle];
        if (status.endingRound != NO_END) revert PerOracleNotEnabled(oracle);
        status.endingRound = s_reportingRoundId + 1;
        uint256 last = s_oracleAddresses.length - 1;
        uint8 index = status.index;
        address tail = s_oracleAddresses[last];
        s_oracles[tail].index = index;
        s_oracleAddresses[index] = tail;
        s_oracleAddresses.pop();
        status.index = 0;
        emit OraclePermissionsUpdated(oracle, false);
    }

    /*//////////////////////////////////////////////////////////////
                                 FUNDS
    //////////////////////////////////////////////////////////////*/

    /// @notice Funds for oracle payments: any coin sent here becomes available.
    receive() external payable {
        _updateAvailableFunds();
    }

    /// @notice Recount the available funds from the balance (after coin arrived without a call).
    function updateAvailableFunds() external {
        _updateAvailableFunds();
    }

    /// @notice Send part of `oracle`'s earned payments to `recipient`; only the oracle's admin may.
    /// @param oracle The oracle whose payments are withdrawn.
    /// @param recipient Where the coin goes.
    /// @param amount Wei to send, at most what the oracle is owed.
    function withdrawPayment(address oracle, address payable recipient, uint256 amount) external {
        OracleStatus storage status = s_oracles[oracle];
        if (msg.sender != status.admin) revert PerOracleNotAdmin(oracle, msg.sender, status.admin);
        uint128 owed = status.withdrawable;
        if (amount > owed) revert PerOracleInsufficientWithdrawable(amount, owed);
        status.withdrawable = owed - uint128(amount);
        s_funds.allocated -= uint128(amount);
        _send(recipient, amount);
    }

    /// @notice Take unallocated coin out, leaving the payment reserve; only the owner may.
    /// @param recipient Where the coin goes.
    /// @param amount Wei to send.
    function withdrawFunds(address payable recipient, uint256 amount) external onlyOwner {
        uint256 available = s_funds.available;
        uint256 required = _requiredReserve(s_params.paymentAmount, s_oracleAddresses.length);
        if (available < required || available - required < amount) {
            revert PerOracleReserveWouldBreak(amount, available, required);
        }
        _send(recipient, amount);
        _updateAvailableFunds();
    }

    function _updateAvailableFunds() private {
        Funds memory funds = s_funds;
        uint256 nowAvailable = address(this).balance - funds.allocated;
        if (funds.available != nowAvailable) {
            s_funds.available = uint128(nowAvailable);
            emit AvailableFundsUpdated(nowAvailable);
        }
    }

    function _send(address payable recipient, uint256 amount) private {
        (bool ok,) = recipient.call{value: amount}("");
        if (!ok) revert PerOracleTransferFailed(recipient, amount);
    }

    function _requiredReserve(uint256 payment, uint256 oracles) private pure returns (uint256) {
        return payment * oracles * RESERVE_ROUNDS;
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The committee size.
    /// @return The number of enabled oracles.
    function oracleCount() external view returns (uint256) {
        return s_oracleAddresses.length;
    }

    /// @notice The enabled oracles.
    /// @return Their addresses, in index order.
    function getOracles() external view returns (address[] memory) {
        return s_oracleAddresses;
    }

    /// @notice The round accepting submissions (0 before the first).
    /// @return The round id.
    function reportingRoundId() external view returns (uint32) {
        return s_reportingRoundId;
    }

    /// @notice Parameters copied into each round opened from now on.
    /// @return paymentAmount Wei per submission.
    /// @return minSubmissions Submissions after which a round has an answer.
    /// @return maxSubmissions Submissions that close a round.
    /// @return restartDelay Rounds between two rounds opened by one oracle.
    /// @return timeout Seconds after which an unanswered round may be superseded.
    function roundParams()
        external
        view
        returns (uint128 paymentAmount, uint32 minSubmissions, uint32 maxSubmissions, uint32 restartDelay, uint32 timeout)
    {
        RoundParams memory p = s_params;
        return (p.paymentAmount, p.minSubmissions, p.maxSubmissions, s_restartDelay, p.timeout);
    }

    /// @notice The fixed bounds every submission must respect.
    /// @return minSubmissionValue Lowest accepted submission.
    /// @return maxSubmissionValue Highest accepted submission.
    function submissionBounds() external view returns (int256 minSubmissionValue, int256 maxSubmissionValue) {
        return (i_minSubmissionValue, i_maxSubmissionValue);
    }

    /// @notice What `oracle` sent last and when.
    /// @param oracle The oracle asked about.
    /// @return submission Its latest submission.
    /// @return roundId The round it was for (0 if none).
    function latestSubmission(address oracle) external view returns (int256 submission, uint32 roundId) {
        OracleStatus storage status = s_oracles[oracle];
        return (status.latestSubmission, status.lastReportedRound);
    }

    /// @notice Payments `oracle` has earned and not withdrawn.
    /// @param oracle The oracle asked about.
    /// @return Wei owed.
    function withdrawablePayment(address oracle) external view returns (uint256) {
        return s_oracles[oracle].withdrawable;
    }

    /// @notice Coin not yet promised to any oracle.
    /// @return Wei available for future payments.
    function availableFunds() external view returns (uint128) {
        return s_funds.available;
    }

    /// @notice Coin owed to oracles and not yet withdrawn.
    /// @return Wei allocated.
    function allocatedFunds() external view returns (uint128) {
        return s_funds.allocated;
    }

    /// @inheritdoc AggregatorV3Interface
    function decimals() external view override returns (uint8) {
        return i_decimals;
    }

    /// @inheritdoc AggregatorV3Interface
    function description() external view override returns (string memory) {
        return s_description;
    }

    /// @inheritdoc AggregatorV3Interface
    function version() external pure override returns (uint256) {
        return VERSION;
    }

    /// @inheritdoc AggregatorV3Interface
    function getRoundData(uint80 roundId)
        public
        view
        override
        returns (uint80, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        if (roundId > NO_END) revert PerOracleNoDataPresent(roundId);
        Round memory round = s_rounds[uint32(roundId)];
        if (round.answeredInRound == 0) revert PerOracleNoDataPresent(roundId);
        return (roundId, round.answer, round.startedAt, round.updatedAt, round.answeredInRound);
    }

    /// @inheritdoc AggregatorV3Interface
    function latestRoundData()
        external
        view
        override
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return getRoundData(s_latestRoundId);
    }
}
