"""The leaves a reputation publication commits to: (oracle address, fixed-point score, rank)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from web3 import Web3

from ocr_client.registry.merkle import StandardMerkleTree

#: ABI types of one leaf, in ReputationRegistry.leaf's order.
SCORE_LEAF_TYPES: Final[tuple[str, ...]] = ("address", "uint256", "uint256")


@dataclass(frozen=True)
class ScoreLeaf:
    """One oracle's published result: a non-negative fixed-point score and its rank (1 = best)."""

    oracle: str
    score: int
    rank: int

    def as_values(self) -> tuple[str, int, int]:
        return (Web3.to_checksum_address(self.oracle), self.score, self.rank)


def score_tree(leaves: Sequence[ScoreLeaf]) -> StandardMerkleTree:
    """The publication's tree; the same leaves in any order give the same root."""
    return StandardMerkleTree.of([leaf.as_values() for leaf in leaves], SCORE_LEAF_TYPES)
