// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CommitteeErrors} from "../committee/CommitteeErrors.sol";

/// @title OCRFeedErrors
/// @notice How an OCRFeed refuses a configuration or a report: the committee rules shared with the
///         multi-feed hub (CommitteeErrors) plus the single-feed ones below; each error carries the
///         offending values so a transmitter can say exactly what was wrong.
interface OCRFeedErrors is CommitteeErrors {
    /// @dev minAnswer must be below maxAnswer.
    error InvalidAnswerBounds(int192 minAnswer, int192 maxAnswer);

    /// @dev Observation at `position` is smaller than the one before it.
    error ObservationsNotSorted(uint256 position);

    /// @dev The reported answer is not the median observations[count / 2].
    error WrongMedian(int192 answer, int192 median);

    /// @dev The answer lies outside the configured bounds.
    error AnswerOutOfBounds(int192 answer, int192 minAnswer, int192 maxAnswer);
}
