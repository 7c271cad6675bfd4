"""Publishing scores on-chain and auditing a publication from chain data alone.

::

    publish: store ──score()──► leaves (oracle, score ppm, rank) ──StandardMerkleTree──► root
                                 method + operators ──keccak──► methodId      ──► ReputationRegistry
    verify:  registry ──publication──► (feeds, block range) ──index a fresh store up to toBlock──►
             score() with the same method ──► root == published root ? exit 0 : diff, exit 1

A publication commits to what anyone can recompute: its contracts (the feeds scored and any
OracleStaking contract behind them), one block range, the method id and the root. Scores are
integers (ppm) and every input comes from the chain, so the recomputed root is equal bit for bit.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from eth_utils import keccak, to_checksum_address

from ocr_client.registry.merkle import StandardMerkleTree
from ocr_client.registry.scores import ScoreLeaf, score_tree
from ocr_client.reputation.errors import ReputationError
from ocr_client.reputation.formats import build_formats
from ocr_client.reputation.indexer import IndexOptions, indexing, resolve_feeds
from ocr_client.reputation.ranking import ScoreOptions, ScoreResult, score
from ocr_client.reputation.records import RawLog
from ocr_client.reputation.rpc import BlockHeader, ChainReader
from ocr_client.reputation.store import Store

#: What the method id hashes, besides the scoring method itself (docs/reputation.md).
METHOD_ID_VERSION: Final[str] = "ocr-client reputation publication v1"


class PublicationError(ReputationError):
    """A store that cannot be published as one commitment (contracts indexed to different blocks, a
    hub feed scored alone) or a publication that cannot be recomputed."""


@dataclass(frozen=True)
class ScoreTable:
    """Everything a publication commits to, computed from one store."""

    method_id: bytes
    contracts: tuple[str, ...]
    from_block: int
    to_block: int
    leaves: tuple[ScoreLeaf, ...]
    result: ScoreResult

    @property
    def tree(self) -> StandardMerkleTree:
        return score_tree(self.leaves)

    @property
    def root(self) -> bytes:
        return self.tree.root

    def to_json(self) -> dict[str, Any]:
        """The table a publisher serves at its URI: scores, and each oracle's Merkle proof."""
        tree = self.tree
        return {"method_id": "0x" + self.method_id.hex(), "root": "0x" + self.root.hex(),
                "contracts": list(self.contracts), "from_block": self.from_block, "to_block": self.to_block,
                "leaves": [{"oracle": leaf.oracle, "score": leaf.score, "rank": leaf.rank,
                            "proof": ["0x" + p.hex() for p in tree.proof(i)]} for i, leaf in enumerate(self.leaves)],
                "scores": self.result.to_json()}


def method_id(result: ScoreResult, operators: Sequence[tuple[str, str]]) -> bytes:
    """keccak256 of the canonical JSON of the scoring method (normalisation, weights, window, decay,
    metric definitions) and the operator grouping it ran with: two publications share an id exactly
    when they were scored the same way."""
    canonical = json.dumps({"version": METHOD_ID_VERSION, "method": result.method,
                            "operators": sorted([a.lower(), o] for a, o in operators)},
                           sort_keys=True, separators=(",", ":"))
    return keccak(text=canonical)


def score_table(store: Store, options: ScoreOptions) -> ScoreTable:
    """Score the store and say what the publication covers; refuses what could not be recomputed."""
    if any("/" in f for f in options.feeds):
        raise PublicationError("a publication covers whole contracts: score a hub with all its feeds (no 0xHUB/ID)")
    rows = store.query("SELECT contract, first_block, next_block FROM contracts ORDER BY contract")
    if not rows:
        raise PublicationError(f"{store.path} has no indexed contract: run `ocr reputation index` first")
    result = score(store, options)
    scored = {str(f["contract"]).lower() for f in result.feeds}
    formats = {str(r[0]): fmt for r in rows for fmt in [store.contract_state(str(r[0]))] if fmt is not None}
    contracts = sorted(c for c in formats if c in scored or formats[c].format == "oracle-staking")
    ends = {int(r[2]) - 1 for r in rows if str(r[0]) in contracts}
    if len(ends) != 1:
        raise PublicationError(f"the contracts of {store.path} are indexed to different blocks ({sorted(ends)}): "
                               "index them together (one `ocr reputation index` with every --feed) and publish again")
    operators = [(str(a), str(o)) for a, o in store.query("SELECT address, operator FROM s_ops")]
    leaves = tuple(ScoreLeaf(o, s, r) for o, s, r in result.leaves())
    return ScoreTable(method_id(result, operators), tuple(to_checksum_address(c) for c in contracts),
                      min(int(r[1]) for r in rows if str(r[0]) in contracts), ends.pop(), leaves, result)


class CappedReader:
    """A chain reader that sees the chain as of block ``cap``: the head is never past it."""

    def __init__(self, inner: ChainReader, cap: int) -> None:
        self.inner = inner
        self.cap = cap

    def chain_id(self) -> int:
        return self.inner.chain_id()

    def block_number(self) -> int:
        head = self.inner.block_number()
        if head < self.cap:
            raise PublicationError(f"the chain's head {head} is behind the publication's last block {self.cap}")
        return self.cap

    def code(self, address: str) -> str:
        return self.inner.code(address)

    def call(self, address: str, data: str) -> str:
        return self.inner.call(address, data)

    def logs(self, addresses: Sequence[str], topics: Sequence[str], start: int, end: int) -> list[RawLog]:
        return self.inner.logs(addresses, topics, start, min(end, self.cap))

    def headers(self, numbers: Sequence[int]) -> dict[int, BlockHeader | None]:
        return self.inner.headers(numbers)

    def receipts(self, tx_hashes: Sequence[str]) -> list[dict[str, Any]]:
        return self.inner.receipts(tx_hashes)

    def blocks_with_transactions(self, numbers: Sequence[int]) -> list[dict[str, Any]]:
        return self.inner.blocks_with_transactions(numbers)


def recompute(reader: ChainReader, contracts: Sequence[str], from_block: int, to_block: int,
              options: ScoreOptions, workdir: Path | None = None) -> ScoreTable:
    """Index ``contracts`` into a fresh store from ``from_block`` to exactly ``to_block`` and score it."""
    capped = CappedReader(reader, to_block)
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        path = Path(tmp) / "verify.duckdb"
        targets = resolve_feeds(capped, list(contracts), build_formats())
        with indexing(capped, path, targets, IndexOptions(from_block=from_block, confirmations=0)) as indexer:
            indexer.run(targets)
        scored = Store.open(path)  # as `ocr reputation score` scores: read-only, with DuckDB's threads
        try:
            return score_table(scored, options)
        finally:
            scored.close()


@dataclass(frozen=True)
class LeafChange:
    oracle: str
    published: tuple[int, int] | None  # (score, rank)
    recomputed: tuple[int, int] | None


def leaf_diff(published: Sequence[ScoreLeaf], recomputed: Sequence[ScoreLeaf]) -> list[LeafChange]:
    """Oracles whose (score, rank) differ, or that only one side lists."""
    mine = {leaf.oracle.lower(): (leaf.score, leaf.rank) for leaf in published}
    theirs = {leaf.oracle.lower(): (leaf.score, leaf.rank) for leaf in recomputed}
    return [LeafChange(to_checksum_address(o), mine.get(o), theirs.get(o)) for o in sorted(set(mine) | set(theirs))
            if mine.get(o) != theirs.get(o)]


def read_table_leaves(path: Path) -> list[ScoreLeaf]:
    """The leaves of a table written by ``publish --out`` (what a publisher serves at its URI)."""
    try:
        data = json.loads(path.read_text())
        return [ScoreLeaf(str(e["oracle"]), int(e["score"]), int(e["rank"])) for e in data["leaves"]]
    except OSError as exc:
        raise PublicationError(f"cannot read the published table {path}: {exc.strerror}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise PublicationError(f"{path} is not a published score table ({type(exc).__name__}: {exc})") from None
