"""Helpers for node tests: provision a folder of node configs for a committee."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ocr_client.committee.local import LocalCommittee
from ocr_client.node.devnet import DEVNET_TIMING
from ocr_client.node.provision import NodeSetup, write_node_configs

FAKE_FEED = "0x5FbDB2315678afecb367f032d93F642f64180aa3"


def random_walk(i: int) -> list[dict[str, Any]]:
    return [{"type": "random-walk", "name": "walk", "seed": 1, "origin": 0.0, "noise_seed": i}]


def provision(folder: Path, committee: LocalCommittee, rpc_url: str = "http://127.0.0.1:1", feed: str = FAKE_FEED,
              digest: bytes = b"\x11" * 32) -> list[Path]:
    """Committee files, secrets and node-<i>.json for ``committee`` in ``folder`` (seeded identities)."""
    setup = NodeSetup(rpc_url=rpc_url, feed=feed, config_digest=digest, committee=committee, timing=DEVNET_TIMING,
                      min_answer=1, max_answer=10**30, seed=5)
    return write_node_configs(folder, setup, random_walk)
