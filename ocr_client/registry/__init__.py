"""Reputation on-chain: the ReputationRegistry contract's handle and the Merkle tree of scores.

The tree is OpenZeppelin StandardMerkleTree's, byte for byte (double-keccak leaves of the ABI
encoding, sorted leaves, sorted pairs), so its roots and proofs are the ones the contract's
MerkleProof checks and the ones any StandardMerkleTree user computes.
"""

from ocr_client.registry.merkle import StandardMerkleTree, standard_leaf
from ocr_client.registry.scores import SCORE_LEAF_TYPES, ScoreLeaf, score_tree

__all__ = ["SCORE_LEAF_TYPES", "ScoreLeaf", "StandardMerkleTree", "score_tree", "standard_leaf"]
