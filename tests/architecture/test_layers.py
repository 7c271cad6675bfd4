"""The package layers in pyproject.toml hold, and an import that breaks them fails with its name.

`make lint` runs the same `lint-imports`; these tests pin that the contracts are really checked
(a contract that cannot fail would be decoration).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    """The package and its import contracts, copied so that a test can break them."""
    shutil.copytree(ROOT / "ocr_client", tmp_path / "ocr_client",
                    ignore=shutil.ignore_patterns("__pycache__", "solcjs"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_package_keeps_every_import_contract() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


def test_an_import_that_climbs_a_layer_fails_and_names_itself(tree_copy: Path) -> None:
    median = tree_copy / "ocr_client" / "report" / "median.py"
    median.write_text(median.read_text() + "\nfrom ocr_client.cli import commands  # noqa: E402\n")
    result = _lint(tree_copy)
    assert result.returncode != 0
    assert "ocr_client.report is not allowed to import ocr_client.cli" in result.stdout
    assert "ocr_client.report.median -> ocr_client.cli.commands" in result.stdout


def test_a_cycle_between_modules_of_one_package_fails(tree_copy: Path) -> None:
    pacemaker = tree_copy / "ocr_client" / "protocol" / "pacemaker.py"
    pacemaker.write_text(pacemaker.read_text() + "\nfrom ocr_client.protocol import node  # noqa: E402\n")
    result = _lint(tree_copy)
    assert result.returncode != 0
    assert "No import cycles between the modules of any package BROKEN" in result.stdout
