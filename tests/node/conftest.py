"""Fixtures for node tests: a provisioned folder of node configs, and a way to edit one."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ocr_client.committee.local import LocalCommittee
from tests.node.support import provision


@pytest.fixture(scope="module")
def committee() -> LocalCommittee:
    return LocalCommittee.create(4, seed=3)


@pytest.fixture
def node_folder(tmp_path: Path, committee: LocalCommittee) -> Path:
    provision(tmp_path, committee)
    return tmp_path


@pytest.fixture
def edit_config(node_folder: Path) -> Callable[[int, Callable[[dict[str, Any]], object]], Path]:
    """Rewrite node i's config through ``change(document)``; returns its path."""

    def edit(i: int, change: Callable[[dict[str, Any]], object]) -> Path:
        path = node_folder / f"node-{i}.json"
        doc = json.loads(path.read_text())
        change(doc)
        path.write_text(json.dumps(doc))
        return path

    return edit
