"""Reputation tests on a real anvil: feeds get transmissions with values chosen per oracle, so each
test knows the truth (who lied, who stalled, who copied) before it indexes and scores the chain."""

from __future__ import annotations

import random
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from web3 import Web3

from ocr_client.reputation.formats import build_formats
from ocr_client.reputation.indexer import IndexOptions, Progress, indexing, resolve_feeds
from ocr_client.reputation.ranking import ScoreOptions, ScoreResult, score
from ocr_client.reputation.rpc import JsonRpcReader
from ocr_client.reputation.store import Store
from ocr_client.testing import LocalFeed

BASE_PRICE = 3000_00000000
STEP = 100_000
#: Honest noise: up to 1 bp either way around the true price.
NOISE = 30_000
LIE_BPS = 100

OCR = str(Path(sys.executable).with_name("ocr"))


def true_price(r: int) -> int:
    return BASE_PRICE + r * STEP


def honest_values(n: int, r: int, rng: random.Random) -> list[int]:
    return [true_price(r) + rng.randint(-NOISE, NOISE) for _ in range(n)]


def push_honest(local: LocalFeed, w3: Web3, count: int, seed: int = 1) -> None:
    """``count`` reports of honest values (seeded), every observation stamped with the chain's time."""
    rng = random.Random(seed)
    n = local.committee.n
    for r in range(count):
        local.push(honest_values(n, r, rng), timestamps=[chain_time(w3)] * n)


def lie(r: int) -> int:
    return true_price(r) * (10_000 + LIE_BPS) // 10_000


def chain_time(w3: Web3) -> int:
    return int(w3.eth.get_block("latest")["timestamp"])


def index(rpc_url: str, feeds: Sequence[str], db: Path, **options: object) -> Progress:
    """Index through the engine's API (the CLI does exactly this)."""
    reader = JsonRpcReader(rpc_url)
    targets = resolve_feeds(reader, feeds, build_formats())
    with indexing(reader, db, targets, IndexOptions(**options)) as indexer:  # type: ignore[arg-type]
        return indexer.run(targets)


def scored(db: Path, **options: object) -> ScoreResult:
    store = Store.open(db)
    try:
        return score(store, ScoreOptions(**options))  # type: ignore[arg-type]
    finally:
        store.close()


def query(db: Path, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
    store = Store.open(db)
    try:
        return store.query(sql, params)
    finally:
        store.close()


def run_ocr(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([OCR, *args], capture_output=True, text=True, timeout=120)


def by_address(result: ScoreResult) -> dict[str, dict[str, object]]:
    return {o.oracle.lower(): o.to_json() for o in result.oracles}


@pytest.fixture
def rng() -> random.Random:
    return random.Random(7)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "rep.duckdb"


PushFn = Callable[..., object]
