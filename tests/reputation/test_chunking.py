"""How the indexer cuts a block range into eth_getLogs requests: even pieces of about the target
for a dense feed (so it stores one while the next is fetched), growth where blocks are empty,
and never a range the node refused. The node is simulated by its log density; the real requests
are covered on anvil by test_resilience.py and test_index_score.py."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

import pytest

from ocr_client.reputation.rpc import ChainReader, ChunkedLogs, RangeTooLargeError, RawLog

TARGET = 2_000


class DenseChain:
    """A node answering eth_getLogs with ``per_block(n)`` logs for block n; it refuses ranges of
    more than ``max_range`` blocks, as public RPCs do."""

    def __init__(self, per_block: Callable[[int], int], max_range: int | None = None) -> None:
        self.per_block = per_block
        self.max_range = max_range
        self.requests: list[tuple[int, int]] = []

    def logs(self, addresses: Sequence[str], topics: Sequence[str], start: int, end: int) -> list[RawLog]:
        if self.max_range is not None and end - start + 1 > self.max_range:
            raise RangeTooLargeError("eth_getLogs", -32005, f"query exceeds max block range {self.max_range}")
        self.requests.append((start, end))
        return [cast(RawLog, {"blockNumber": hex(n)}) for n in range(start, end + 1) for _ in range(self.per_block(n))]


def pieces(chain: DenseChain, start: int, end: int, first: int = 16) -> list[int]:
    """The number of logs in each piece, reading [start, end] as the indexer does."""
    logs = ChunkedLogs(cast(ChainReader, chain), first, target_logs=TARGET)
    sizes = []
    while start <= end:
        stop, got = logs.next_chunk(["0xfeed"], [], start, end)
        sizes.append(len(got))
        start = stop + 1
    return sizes


def covered_once(chain: DenseChain, start: int, end: int) -> bool:
    blocks = [n for a, b in chain.requests for n in range(a, b + 1)]
    return blocks == list(range(start, end + 1))


def test_a_dense_feed_comes_in_pieces_of_the_target_and_never_one_twice_as_large() -> None:
    chain = DenseChain(lambda n: 100)
    sizes = pieces(chain, 1, 100)
    assert sizes == [1_600, 2_000, 2_000, 2_000, 2_000, 400]
    assert covered_once(chain, 1, 100)


def test_growth_stops_at_the_target_when_the_first_pieces_are_small() -> None:
    chain = DenseChain(lambda n: 30)
    sizes = pieces(chain, 1, 400)
    # doubling while a double stays under the target, then the 66 blocks that bring 1,980 logs
    assert sizes == [480, 960, 1_920, 1_980, 1_980, 1_980, 1_980, 720]
    assert covered_once(chain, 1, 400)


def test_a_denser_stretch_shrinks_the_next_piece_and_an_empty_one_lets_it_grow() -> None:
    chain = DenseChain(lambda n: 0 if n <= 64 else 500)
    sizes = pieces(chain, 1, 200)
    lengths = [b - a + 1 for a, b in chain.requests]
    assert lengths[:3] == [16, 32, 64]  # no logs: doubling
    assert sizes[2] == 48 * 500  # the stretch turned dense inside that chunk
    assert lengths[3:5] == [5, 4] and set(lengths[4:-1]) == {4}  # then aimed at 2,000 logs
    assert set(sizes[4:-1]) == {TARGET}
    assert covered_once(chain, 1, 200)


@pytest.mark.parametrize("max_range", [5, 40])
def test_growth_stays_below_a_range_the_node_refused(max_range: int) -> None:
    chain = DenseChain(lambda n: 1, max_range=max_range)
    pieces(chain, 1, 500)
    assert max(b - a + 1 for a, b in chain.requests) <= max_range
    assert covered_once(chain, 1, 500)
