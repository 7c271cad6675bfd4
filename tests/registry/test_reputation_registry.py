"""ReputationRegistry: a publication commits to a StandardMerkleTree root of (oracle, score, rank);
verifyScore accepts exactly the published leaves, and the Python tree is OpenZeppelin's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_account.signers.local import LocalAccount
from hypothesis import given, settings
from hypothesis import strategies as st
from web3 import Web3

from ocr_client.chain.accounts import dev_account
from ocr_client.errors import TransactionRevertedError
from ocr_client.registry.contract import ReputationRegistryHandle
from ocr_client.registry.merkle import MerkleTreeError, StandardMerkleTree, standard_leaf, verify
from ocr_client.registry.scores import SCORE_LEAF_TYPES, ScoreLeaf, score_tree

LEAVES = [ScoreLeaf(dev_account(i).address, 900_000 - 37_000 * i, i + 1) for i in range(5)]
METHOD = Web3.keccak(text="test-method weights=40,40,20")
VECTORS = Path(__file__).parent / "standard_merkle_tree_vectors.json"


def _published(w3: Web3, publisher: LocalAccount) -> tuple[ReputationRegistryHandle, int]:
    registry = ReputationRegistryHandle.deploy(w3, publisher)
    head = int(w3.eth.block_number) - 1  # mined blocks only: the range ends before the head
    pid, _ = registry.publish(publisher, METHOD, [dev_account(8).address], 0, head, score_tree(LEAVES).root,
                              "ipfs://scores")
    return registry, pid


def test_every_published_score_verifies_on_chain_and_an_altered_one_is_refused(w3: Web3) -> None:
    registry, pid = _published(w3, dev_account(0))
    tree = score_tree(LEAVES)
    for i, leaf in enumerate(LEAVES):
        assert registry.verify_score(pid, leaf.oracle, leaf.score, leaf.rank, tree.proof(i))
    first = LEAVES[0]
    assert not registry.verify_score(pid, first.oracle, first.score + 1, first.rank, tree.proof(0))
    assert not registry.verify_score(pid, first.oracle, first.score, first.rank + 1, tree.proof(0))
    publication = registry.publication(pid)
    assert (publication.root, publication.method_id, publication.uri) == (tree.root, METHOD, "ipfs://scores")
    assert registry.contract.functions.leaf(first.oracle, first.score, first.rank).call() == standard_leaf(
        SCORE_LEAF_TYPES, first.as_values())


def test_a_publication_must_commit_to_something_scored_in_the_past(w3: Web3) -> None:
    registry = ReputationRegistryHandle.deploy(w3, dev_account(0))
    root = score_tree(LEAVES).root
    head = int(w3.eth.block_number) - 1  # mined blocks only: the range ends before the head
    cases = [([], 0, head, root, "NoFeeds"), ([dev_account(1).address], 5, 4, root, "InvalidBlockRange"),
             ([dev_account(1).address], 0, head + 2, root, "BlockRangeInFuture"),
             ([dev_account(1).address], 0, head, bytes(32), "EmptyCommitment")]
    for feeds, low, high, commitment, error in cases:
        with pytest.raises(TransactionRevertedError) as info:
            registry.publish(dev_account(0), METHOD, feeds, low, high, commitment, "")
        assert info.value.error_name == error
    with pytest.raises(TransactionRevertedError) as missing:
        registry.publication(7)
    assert missing.value.error_name == "UnknownPublication" and missing.value.error_args == (7, 0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2**160 - 1), st.integers(0, 2**64), st.integers(1, 255)),
                min_size=1, max_size=17, unique=True))
def test_every_proof_verifies_and_the_root_ignores_leaf_order(rows: list[tuple[int, int, int]]) -> None:
    values = [(Web3.to_checksum_address(a.to_bytes(20, "big")), s, r) for a, s, r in rows]
    tree = StandardMerkleTree.of(values, SCORE_LEAF_TYPES)
    for i, value in enumerate(values):
        assert verify(tree.root, standard_leaf(SCORE_LEAF_TYPES, value), tree.proof(i))
    assert StandardMerkleTree.of(list(reversed(values)), SCORE_LEAF_TYPES).root == tree.root


def test_an_empty_tree_is_refused() -> None:
    with pytest.raises(MerkleTreeError):
        StandardMerkleTree.of([], SCORE_LEAF_TYPES)


def test_roots_and_proofs_equal_openzeppelins_merkle_tree_library() -> None:
    """Vectors generated once with @openzeppelin/merkle-tree 1.0.8 (JavaScript)."""
    vectors = json.loads(VECTORS.read_text())
    values = [(Web3.to_checksum_address(v["value"][0]), int(v["value"][1]), int(v["value"][2]))
              for v in vectors["leaves"]]
    tree = StandardMerkleTree.of(values, vectors["types"])
    assert "0x" + tree.root.hex() == vectors["root"]
    for i, entry in enumerate(vectors["leaves"]):
        assert ["0x" + p.hex() for p in tree.proof(i)] == entry["proof"]
    single = vectors["single"]
    one = StandardMerkleTree.of([(Web3.to_checksum_address(single["value"][0]), int(single["value"][1]),
                                  int(single["value"][2]))], vectors["types"])
    assert "0x" + one.root.hex() == single["root"]
