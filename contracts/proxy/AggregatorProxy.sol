// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AggregatorV2V3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV2V3Interface.sol";

import {Owned} from "../access/Owned.sol";
import {AggregatorProxyErrors} from "./AggregatorProxyErrors.sol";

/// @title AggregatorProxy
/// @notice The address consumers keep while the feed behind it is replaced: it serves Chainlink's
///         AggregatorV2V3Interface from the current aggregator, and the owner moves it to a new one
///         in two steps (propose, then confirm), so consumers can read the proposed feed first.
/// @dev Chainlink's phase semantics: every confirmed aggregator opens a new phase (ids from 1), and
///      the proxy's round id is `phaseId << 64 | aggregatorRoundId`, so ids keep increasing across a
///      change and every old round stays readable through its phase's aggregator. Unknown rounds
///      follow the aggregator: the V2 getters return 0; getRoundData reverts, with
///      AggregatorProxyUnknownPhase for a phase that never existed, or with the aggregator's own
///      error (ours: NoDataPresent(aggregatorRoundId)) for a round its phase does not have.
contract AggregatorProxy is AggregatorV2V3Interface, AggregatorProxyErrors, Owned {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @dev Bits of the aggregator's round id inside the proxy's round id.
    uint256 private constant PHASE_OFFSET = 64;
    /// @dev The largest aggregator round id a proxy round id can carry.
    uint256 private constant MAX_AGGREGATOR_ROUND = type(uint64).max;

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @dev The owner proposed `proposed` to replace `current`.
    event AggregatorProposed(address indexed current, address indexed proposed);

    /// @dev `latest` replaced `previous` and opened phase `phaseId`.
    event AggregatorConfirmed(address indexed previous, address indexed latest, uint16 indexed phaseId);

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev The current phase and its aggregator, one slot (2 + 20 bytes): one SLOAD per read.
    struct Phase {
        uint16 id;
        AggregatorV2V3Interface aggregator;
    }

    Phase private s_currentPhase;
    AggregatorV2V3Interface private s_proposedAggregator;
    mapping(uint16 phaseId => AggregatorV2V3Interface) private s_phaseAggregators;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param aggregator_ The aggregator of phase 1.
    /// @param initialOwner Account allowed to propose and confirm aggregators.
    constructor(address aggregator_, address initialOwner) Owned(initialOwner) {
        _setAggregator(aggregator_);
    }

    /*//////////////////////////////////////////////////////////////
                            PHASE CHANGES
    //////////////////////////////////////////////////////////////*/

    /// @notice Propose the next aggregator; consumers can read it via proposed* before it is confirmed.
    /// @param aggregator_ The candidate (a contract).
    function proposeAggregator(address aggregator_) external onlyOwner {
        _checkAggregator(aggregator_);
        s_proposedAggregator = AggregatorV2V3Interface(aggregator_);
        emit AggregatorProposed(address(s_currentPhase.aggregator), aggregator_);
    }

    /// @notice Make the proposed aggregator current: it opens the next phase.
    /// @param aggregator_ Must equal the proposed aggregator (guards against confirming a stale proposal).
    function confirmAggregator(address aggregator_) external onlyOwner {
        address proposed = address(s_proposedAggregator);
        if (aggregator_ == address(0) || aggregator_ != proposed) revert AggregatorProxyNotProposed(aggregator_, proposed);
        delete s_proposedAggregator;
        _setAggregator(aggregator_);
    }

    function _setAggregator(address aggregator_) private {
        _checkAggregator(aggregator_);
        Phase memory previous = s_currentPhase;
        if (previous.id == type(uint16).max) revert AggregatorProxyTooManyPhases(previous.id);
        uint16 id = previous.id + 1;
        s_currentPhase = Phase({id: id, aggregator: AggregatorV2V3Interface(aggregator_)});
        s_phaseAggregators[id] = AggregatorV2V3Interface(aggregator_);
        emit AggregatorConfirmed(address(previous.aggregator), aggregator_, id);
    }

    function _checkAggregator(address aggregator_) private view {
        if (aggregator_ == address(0)) revert AggregatorProxyZeroAddress();
        if (aggregator_.code.length == 0) revert AggregatorProxyNotAContract(aggregator_);
    }

    /*//////////////////////////////////////////////////////////////
                             PHASE VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The current phase (1 for the first aggregator).
    /// @return The phase id.
    function phaseId() external view returns (uint16) {
        return s_currentPhase.id;
    }

    /// @notice The current aggregator.
    /// @return Its address.
    function aggregator() external view returns (address) {
        return address(s_currentPhase.aggregator);
    }

    /// @notice The aggregator proposed to replace the current one.
    /// @return Its address, zero when none is proposed.
    function proposedAggregator() external view returns (address) {
        return address(s_proposedAggregator);
    }

    /// @notice The aggregator that served phase `phaseId_`.
    /// @param phaseId_ A phase id.
    /// @return Its address, zero for a phase that never existed.
    function phaseAggregators(uint16 phaseId_) external view returns (address) {
        return address(s_phaseAggregators[phaseId_]);
    }

    /*//////////////////////////////////////////////////////////////
                        AGGREGATOR V3 INTERFACE
    //////////////////////////////////////////////////////////////*/

    /// @notice Decimals of the current aggregator's answers.
    /// @return The number of decimals.
    function decimals() external view override returns (uint8) {
        return s_currentPhase.aggregator.decimals();
    }

    /// @notice The current aggregator's description.
    /// @return The description.
    function description() external view override returns (string memory) {
        return s_currentPhase.aggregator.description();
    }

    /// @notice The current aggregator's version.
    /// @return The version number.
    function version() external view override returns (uint256) {
        return s_currentPhase.aggregator.version();
    }

    /// @notice A round of any phase, by proxy round id (phaseId << 64 | aggregatorRoundId).
    /// @param roundId The proxy round id.
    /// @return id The proxy round id asked for.
    /// @return answer The answer.
    /// @return startedAt When the round started, per its aggregator.
    /// @return updatedAt When it was answered.
    /// @return answeredInRound The proxy round id of the answer.
    function getRoundData(uint80 roundId)
        external
        view
        override
        returns (uint80 id, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        (uint16 phase, uint64 aggregatorRoundId) = _parseIds(roundId);
        AggregatorV2V3Interface source = s_phaseAggregators[phase];
        if (address(source) == address(0)) revert AggregatorProxyUnknownPhase(roundId, phase);
        (id, answer, startedAt, updatedAt, answeredInRound) = source.getRoundData(aggregatorRoundId);
        return (_phaseRoundId(phase, id), answer, startedAt, updatedAt, _phaseRoundId(phase, answeredInRound));
    }

    /// @notice The current aggregator's newest round, with proxy round ids.
    /// @return id The proxy round id.
    /// @return answer The answer.
    /// @return startedAt When the round started.
    /// @return updatedAt When it was answered; consumers check it for staleness.
    /// @return answeredInRound The proxy round id of the answer.
    function latestRoundData()
        external
        view
        override
        returns (uint80 id, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        Phase memory current = s_currentPhase;
        (id, answer, startedAt, updatedAt, answeredInRound) = current.aggregator.latestRoundData();
        return (_phaseRoundId(current.id, id), answer, startedAt, updatedAt, _phaseRoundId(current.id, answeredInRound));
    }

    /// @notice A round of the proposed aggregator, by its own round id (no phase: it has none yet).
    /// @param roundId The proposed aggregator's round id.
    /// @return id The round id.
    /// @return answer The answer.
    /// @return startedAt When the round started.
    /// @return updatedAt When it was answered.
    /// @return answeredInRound The round id of the answer.
    function proposedGetRoundData(uint80 roundId)
        external
        view
        returns (uint80 id, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return _proposed().getRoundData(roundId);
    }

    /// @notice The proposed aggregator's newest round, by its own round id.
    /// @return id The round id.
    /// @return answer The answer.
    /// @return startedAt When the round started.
    /// @return updatedAt When it was answered.
    /// @return answeredInRound The round id of the answer.
    function proposedLatestRoundData()
        external
        view
        returns (uint80 id, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return _proposed().latestRoundData();
    }

    /*//////////////////////////////////////////////////////////////
                          AGGREGATOR INTERFACE (V2)
    //////////////////////////////////////////////////////////////*/

    /// @notice The current aggregator's newest answer (0 before its first report).
    /// @return The answer.
    function latestAnswer() external view override returns (int256) {
        return s_currentPhase.aggregator.latestAnswer();
    }

    /// @notice When the current aggregator's newest answer was written (0 before its first report).
    /// @return The timestamp.
    function latestTimestamp() external view override returns (uint256) {
        return s_currentPhase.aggregator.latestTimestamp();
    }

    /// @notice The proxy round id of the current aggregator's newest round (phaseId << 64 before its
    ///         first report).
    /// @return The proxy round id.
    function latestRound() external view override returns (uint256) {
        Phase memory current = s_currentPhase;
        return _phaseRoundId(current.id, current.aggregator.latestRound());
    }

    /// @notice A past answer by proxy round id; 0 for an unknown phase or round.
    /// @param roundId The proxy round id.
    /// @return The answer.
    function getAnswer(uint256 roundId) external view override returns (int256) {
        (AggregatorV2V3Interface source, uint64 aggregatorRoundId) = _sourceOrZero(roundId);
        return address(source) == address(0) ? int256(0) : source.getAnswer(aggregatorRoundId);
    }

    /// @notice When a past round was answered, by proxy round id; 0 for an unknown phase or round.
    /// @param roundId The proxy round id.
    /// @return The timestamp.
    function getTimestamp(uint256 roundId) external view override returns (uint256) {
        (AggregatorV2V3Interface source, uint64 aggregatorRoundId) = _sourceOrZero(roundId);
        return address(source) == address(0) ? 0 : source.getTimestamp(aggregatorRoundId);
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    function _proposed() private view returns (AggregatorV2V3Interface proposed) {
        proposed = s_proposedAggregator;
        if (address(proposed) == address(0)) revert AggregatorProxyNoProposal();
    }

    /// @dev A V2 lookup's aggregator and its round id; a zero aggregator when the id is wider than
    ///      80 bits or names no phase (the V2 getters then answer 0, as Chainlink's proxy does).
    function _sourceOrZero(uint256 roundId) private view returns (AggregatorV2V3Interface, uint64) {
        if (roundId > type(uint80).max) return (AggregatorV2V3Interface(address(0)), 0);
        (uint16 phase, uint64 aggregatorRoundId) = _parseIds(roundId);
        return (s_phaseAggregators[phase], aggregatorRoundId);
    }

    function _parseIds(uint256 roundId) private pure returns (uint16 phase, uint64 aggregatorRoundId) {
        phase = uint16(roundId >> PHASE_OFFSET);
        aggregatorRoundId = uint64(roundId);
    }

    function _phaseRoundId(uint16 phase, uint256 aggregatorRoundId) private pure returns (uint80) {
        return uint80((uint256(phase) << PHASE_OFFSET) | (aggregatorRoundId & MAX_AGGREGATOR_ROUND));
    }
}
