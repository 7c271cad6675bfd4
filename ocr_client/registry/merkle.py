"""OpenZeppelin StandardMerkleTree (``@openzeppelin/merkle-tree``) in Python.

- leaf = keccak256(keccak256(abi.encode(values))): the inner hash can never be taken for a node;
- leaves sorted by hash, laid out at the end of a flat array in reverse, each node the hash of its
  two children sorted (``hashPair``), so a proof needs no left/right flags;
- the proof of tree index i: its sibling, then its parent's sibling, up to the root.

Verified against the contract: OpenZeppelin's MerkleProof accepts every proof built here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi import encode as abi_encode
from eth_utils import keccak

from ocr_client.errors import OCRError


class MerkleTreeError(OCRError, ValueError):
    """A tree that cannot be built (no leaves) or a value that is not in it."""


def standard_leaf(types: Sequence[str], values: Sequence[Any]) -> bytes:
    """StandardMerkleTree's leaf hash of ``values`` ABI-encoded as ``types``."""
    return keccak(keccak(abi_encode(list(types), list(values))))


def hash_pair(a: bytes, b: bytes) -> bytes:
    """keccak256 of the two hashes in ascending order (OpenZeppelin's commutative hash)."""
    return keccak(min(a, b) + max(a, b))


@dataclass(frozen=True)
class StandardMerkleTree:
    """The tree over ``values`` (each a tuple of ``types``)."""

    types: tuple[str, ...]
    values: tuple[tuple[Any, ...], ...]
    nodes: tuple[bytes, ...]
    #: For each value (input order), its position in ``nodes``.
    positions: tuple[int, ...]

    @classmethod
    def of(cls, values: Sequence[Sequence[Any]], types: Sequence[str]) -> StandardMerkleTree:
        if not values:
            raise MerkleTreeError("a Merkle tree needs at least one leaf")
        leaves = [(standard_leaf(types, v), i) for i, v in enumerate(values)]
        leaves.sort(key=lambda item: item[0])
        size = 2 * len(leaves) - 1
        nodes: list[bytes] = [b""] * size
        positions = [0] * len(leaves)
        for k, (leaf, i) in enumerate(leaves):
            nodes[size - 1 - k] = leaf
            positions[i] = size - 1 - k
        for i in range(size - 1 - len(leaves), -1, -1):
            nodes[i] = hash_pair(nodes[2 * i + 1], nodes[2 * i + 2])
        return cls(tuple(types), tuple(tuple(v) for v in values), tuple(nodes), tuple(positions))

    @property
    def root(self) -> bytes:
        return self.nodes[0]

    def proof(self, index: int) -> list[bytes]:
        """The proof for the value at input position ``index``."""
        if not 0 <= index < len(self.values):
            raise MerkleTreeError(f"no value at index {index} (the tree holds {len(self.values)})")
        at = self.positions[index]
        path: list[bytes] = []
        while at > 0:
            path.append(self.nodes[at + 1 if at % 2 == 1 else at - 1])
            at = (at - 1) // 2
        return path

    def index_of(self, value: Sequence[Any]) -> int:
        try:
            return self.values.index(tuple(value))
        except ValueError:
            raise MerkleTreeError(f"{tuple(value)!r} is not a leaf of this tree") from None


def verify(root: bytes, leaf: bytes, proof: Sequence[bytes]) -> bool:
    """What MerkleProof.verify computes on-chain."""
    node = leaf
    for sibling in proof:
        node = hash_pair(node, sibling)
    return node == root
