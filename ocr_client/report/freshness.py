"""The rules a consumer applies before using a feed's answer, the same as contracts/consumer/FeedReader.sol.

One pure function, so the Python handles (``Feed.read``, ``AccountableFeedHandle.read``,
``ProxyHandle.read``) and the Solidity library refuse exactly the same answers, in the same order:
an incomplete round, then a non-positive answer, then a stale one.
"""

from __future__ import annotations

from typing import Protocol

from ocr_client.errors import FeedReadError, IncompleteRoundError, NonPositiveAnswerError, StaleAnswerError


class RoundFields(Protocol):
    """What the rules read from an AggregatorV3 round."""

    @property
    def round_id(self) -> int: ...
    @property
    def answer(self) -> int: ...
    @property
    def updated_at(self) -> int: ...
    @property
    def answered_in_round(self) -> int: ...


def answer_problem(round_: RoundFields, max_age: int, now: int) -> FeedReadError | None:
    """Why ``round_``'s answer must not be used at time ``now`` (chain time), or None when it may."""
    if round_.updated_at == 0 or round_.answered_in_round < round_.round_id:
        return IncompleteRoundError(round_.round_id, round_.answered_in_round, round_.updated_at)
    if round_.answer <= 0:
        return NonPositiveAnswerError(round_.round_id, round_.answer)
    # An answer from the future (a chain whose clock went back) counts as fresh, as in FeedReader.sol.
    if now > round_.updated_at and now - round_.updated_at > max_age:
        return StaleAnswerError(round_.round_id, round_.updated_at, max_age, now)
    return None
