// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title OCRMultiFeedErrors
/// @notice Every way an OCRMultiFeed (or one of its FeedViews) refuses a deployment, a configuration,
///         a report or a read; each error carries the offending values. Errors that mean the same as
///         OCRFeed's keep its name and arguments (so they share its selector); per-feed errors add the
///         feed id as their first argument.
interface OCRMultiFeedErrors {
    /*//////////////////////////////////////////////////////////////
                               DEPLOYMENT
    //////////////////////////////////////////////////////////////*/

    /// @dev A hub carries 1 to 32 feeds.
    error InvalidFeedCount(uint256 feeds, uint256 maxFeeds);

    /// @dev One decimals value and one description per feed.
    error FeedMetadataLengthMismatch(uint256 decimals, uint256 descriptions);

    /*//////////////////////////////////////////////////////////////
                             CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    /// @dev The committee size `n` is zero or above the 255 an observer byte can index.
    error InvalidCommitteeSize(uint256 n);

    /// @dev Byzantine fault tolerance needs 3f < n.
    error FaultToleranceTooHigh(uint256 f, uint256 n);

    /// @dev The threshold must satisfy f+1 <= t <= n-f.
    error InvalidThreshold(uint256 threshold, uint256 f, uint256 n);

    /// @dev The public-share list must have one G2 key per oracle.
    error PublicSharesLengthMismatch(uint256 shares, uint256 n);

    /// @dev A G2 point in the config is not exactly 256 bytes.
    error InvalidKeyLength(uint256 length);

    /// @dev A transmitter is the zero address or listed twice.
    error InvalidTransmitter(address transmitter);

    /// @dev The config must give one minAnswer and one maxAnswer per feed.
    error AnswerBoundsLengthMismatch(uint256 minAnswers, uint256 maxAnswers, uint256 feeds);

    /// @dev Feed `feedId`'s minAnswer must be below its maxAnswer.
    error InvalidAnswerBounds(uint256 feedId, int192 minAnswer, int192 maxAnswer);

    /// @dev Creating a configuration data contract failed.
    error KeyStoreCreationFailed();

    /*//////////////////////////////////////////////////////////////
                                REPORTS
    //////////////////////////////////////////////////////////////*/

    /// @dev No configuration has been set, so no report can be checked.
    error NotConfigured();

    /// @dev The calldata is not exactly 4 + 39 + 5m + k(24 + 25m) + 129 bytes long for its k and m.
    error ReportLengthMismatch(uint256 expected, uint256 actual);

    /// @dev The report carries `actual` feeds; this hub has `expected`.
    error FeedCountMismatch(uint256 expected, uint256 actual);

    /// @dev The report was made for another configuration (other chain, contract or committee).
    error ConfigDigestMismatch(bytes32 expected, bytes32 actual);

    /// @dev (epoch, round) must strictly increase within a configuration.
    error StaleReport(uint32 latestEpoch, uint8 latestRound, uint32 epoch, uint8 round);

    /// @dev The sender is not the transmitter configured at the calldata's transmitter index.
    error UnauthorizedTransmitter(address sender);

    /// @dev A report needs at least 2f+1 observations.
    error TooFewObservations(uint256 count, uint256 required);

    /// @dev Observer index `observer` at row `position` is not below the committee size `n`.
    error ObserverOutOfRange(uint256 position, uint256 observer, uint256 n);

    /// @dev Oracle `observer` appears twice (second time at row `position`).
    error DuplicateObserver(uint256 position, uint256 observer);

    /// @dev Feed `feedId`'s row position at `position` names row `row`, not below the count `m`.
    error RowPositionOutOfRange(uint256 feedId, uint256 position, uint256 row, uint256 m);

    /// @dev Feed `feedId` names row `row` twice (second time at `position`).
    error DuplicateRowPosition(uint256 feedId, uint256 position, uint256 row);

    /// @dev Feed `feedId`'s value at `position` is smaller than the one before it.
    error ObservationsNotSorted(uint256 feedId, uint256 position);

    /// @dev Feed `feedId`'s answer is not its median values[m / 2].
    error WrongMedian(uint256 feedId, int192 answer, int192 median);

    /// @dev Feed `feedId`'s answer lies outside its configured bounds.
    error AnswerOutOfBounds(uint256 feedId, int192 answer, int192 minAnswer, int192 maxAnswer);

    /// @dev The BLS signature does not verify against the group key for this report.
    error InvalidSignature();

    /*//////////////////////////////////////////////////////////////
                               CONSUMERS
    //////////////////////////////////////////////////////////////*/

    /// @dev No report has been accepted yet, or the round asked for does not exist.
    error NoDataPresent();

    /// @dev There is no feed `feedId` on this hub (it has `feeds`).
    error UnknownFeed(uint256 feedId, uint256 feeds);
}
