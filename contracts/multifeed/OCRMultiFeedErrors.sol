// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CommitteeErrors} from "../committee/CommitteeErrors.sol";

/// @title OCRMultiFeedErrors
/// @notice Every way an OCRMultiFeed (or one of its FeedViews) refuses a deployment, a configuration,
///         a report or a read; each error carries the offending values. The committee rules it shares
///         with OCRFeed come from CommitteeErrors (one declaration, one selector); per-feed errors add
///         the feed id as their first argument.
interface OCRMultiFeedErrors is CommitteeErrors {
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

    /// @dev The config must give one minAnswer and one maxAnswer per feed.
    error AnswerBoundsLengthMismatch(uint256 minAnswers, uint256 maxAnswers, uint256 feeds);

    /// @dev Feed `feedId`'s minAnswer must be below its maxAnswer.
    error InvalidAnswerBounds(uint256 feedId, int192 minAnswer, int192 maxAnswer);

    /*//////////////////////////////////////////////////////////////
                                REPORTS
    //////////////////////////////////////////////////////////////*/

    /// @dev The report carries `actual` feeds; this hub has `expected`.
    error FeedCountMismatch(uint256 expected, uint256 actual);

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

    /*//////////////////////////////////////////////////////////////
                               CONSUMERS
    //////////////////////////////////////////////////////////////*/

    /// @dev There is no feed `feedId` on this hub (it has `feeds`).
    error UnknownFeed(uint256 feedId, uint256 feeds);
}
