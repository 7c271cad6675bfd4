// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title OCR2StyleAggregatorErrors
/// @notice Every way the OCR2-style ECDSA baseline refuses a configuration or a report. Each error
///         carries the offending values, so a test (or a transmitter) can tell what was wrong.
interface OCR2StyleAggregatorErrors {
    /*//////////////////////////////////////////////////////////////
                             CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    /// @dev `n` oracles is more than this variant's `maxOracles`.
    error OracleCountOutOfRange(uint256 n, uint256 maxOracles);

    /// @dev One transmitter per signer is required.
    error OracleListLengthMismatch(uint256 signers, uint256 transmitters);

    /// @dev f must be positive: with f = 0 a single key could report alone.
    error FaultBoundZero();

    /// @dev Byzantine fault tolerance needs 3f < n.
    error FaultBoundTooHigh(uint256 f, uint256 n);

    /// @dev The on-chain config must be (version, minAnswer, maxAnswer), packed.
    error OnchainConfigMismatch(bytes onchainConfig);

    /// @dev A signer is the zero address (what ecrecover returns for garbage) or listed twice.
    error InvalidSignerAddress(uint256 index, address signer);

    /// @dev A transmitter is the zero address or listed twice.
    error InvalidTransmitterAddress(uint256 index, address transmitter);

    /// @dev minAnswer must be below maxAnswer.
    error InvalidAnswerBounds(int192 minAnswer, int192 maxAnswer);

    /*//////////////////////////////////////////////////////////////
                                REPORTS
    //////////////////////////////////////////////////////////////*/

    /// @dev (epoch, round) must strictly increase within a configuration.
    error StaleReport(uint40 latestEpochAndRound, uint40 epochAndRound);

    /// @dev The sender is not one of the configured transmitters.
    error UnauthorizedTransmitter(address sender);

    /// @dev The report was signed for another configuration (other chain, contract or committee).
    error ConfigDigestMismatch(bytes32 expected, bytes32 actual);

    /// @dev The calldata is longer or shorter than its arguments account for (padding is refused,
    ///      because the transmitter is reimbursed per calldata byte).
    error CalldataLengthMismatch(uint256 expected, uint256 actual);

    /// @dev Exactly f+1 signatures are required.
    error WrongSignatureCount(uint256 count, uint256 required);

    /// @dev The r and s arrays must have the same length.
    error SignatureComponentsMismatch(uint256 rs, uint256 ss);

    /// @dev The signature at `position` recovers to `recovered`, which is not a configured signer.
    error InvalidSigner(uint256 position, address recovered);

    /// @dev `signer` signed the report more than once.
    error DuplicateSigner(address signer);

    /// @dev The report is not exactly as long as its ABI encoding should be.
    error ReportLengthMismatch(uint256 expected, uint256 actual);

    /// @dev The report carries more observations than the variant can index.
    error TooManyObservations(uint256 count, uint256 maxObservations);

    /// @dev More than f observations are needed for the median to be trustworthy.
    error TooFewObservations(uint256 count, uint256 required);

    /// @dev The wide report must name exactly one observer per observation.
    error ObserverCountMismatch(uint256 observers, uint256 observations);

    /// @dev The median lies outside the configured bounds.
    error MedianOutOfBounds(int192 median, int192 minAnswer, int192 maxAnswer);

    /// @dev Too little gas was left to give the validator its full gas limit.
    error ValidatorGasShortfall(uint256 gasLimit, uint256 gasLeft);
}
