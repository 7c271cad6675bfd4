// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title CommitteeErrors
/// @notice The refusals every BLS-committee feed shares (single-feed OCRFeed, multi-feed hub): the
///         committee's configuration and the parts of a report that are not about one feed's values.
///         One declaration each, so the same rule has the same selector everywhere.
interface CommitteeErrors {
    /*//////////////////////////////////////////////////////////////
                             CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    /// @dev The committee size `n` is zero or above the 255 an observer byte can index.
    error InvalidCommitteeSize(uint256 n);

    /// @dev Byzantine fault tolerance needs 3f < n.
    error FaultToleranceTooHigh(uint256 f, uint256 n);

    /// @dev The threshold must satisfy f+1 <= t <= n-f: above f so an honest node signed, at most
    ///      n-f so that f silent nodes cannot stop the feed.
    error InvalidThreshold(uint256 threshold, uint256 f, uint256 n);

    /// @dev The public-share list must have one G2 key per oracle.
    error PublicSharesLengthMismatch(uint256 shares, uint256 n);

    /// @dev A G2 point in the config is not exactly 256 bytes.
    error InvalidKeyLength(uint256 length);

    /// @dev A transmitter is the zero address or listed twice.
    error InvalidTransmitter(address transmitter);

    /// @dev Creating a data contract (key store, bounds store) failed.
    error KeyStoreCreationFailed();

    /*//////////////////////////////////////////////////////////////
                                REPORTS
    //////////////////////////////////////////////////////////////*/

    /// @dev No configuration has been set, so no report can be checked.
    error NotConfigured();

    /// @dev The calldata is not exactly as long as the layout implies for its counts.
    error ReportLengthMismatch(uint256 expected, uint256 actual);

    /// @dev The report was made for another configuration (other chain, contract or committee).
    error ConfigDigestMismatch(bytes32 expected, bytes32 actual);

    /// @dev (epoch, round) must strictly increase within a configuration.
    error StaleReport(uint32 latestEpoch, uint8 latestRound, uint32 epoch, uint8 round);

    /// @dev The sender is not the transmitter configured at the calldata's transmitter index.
    error UnauthorizedTransmitter(address sender);

    /// @dev A report needs at least 2f+1 observations.
    error TooFewObservations(uint256 count, uint256 required);

    /// @dev Observer index `observer` at `position` is not below the committee size `n`.
    error ObserverOutOfRange(uint256 position, uint256 observer, uint256 n);

    /// @dev Oracle `observer` appears twice (second time at `position`).
    error DuplicateObserver(uint256 position, uint256 observer);

    /// @dev The BLS signature does not verify against the group key for this report.
    error InvalidSignature();

    /*//////////////////////////////////////////////////////////////
                               CONSUMERS
    //////////////////////////////////////////////////////////////*/

    /// @dev No report has been accepted yet, or the round asked for does not exist.
    error NoDataPresent(uint256 roundId);
}
