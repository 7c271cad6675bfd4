"""Run the ``ape`` CLI of this virtualenv the way a user would, isolated from the user's own ape data.

Each run gets its own ``APE_DATA_FOLDER`` (accounts live there), anvil on PATH (ape-foundry looks
for it only there), and optionally ``APE_FOUNDRY_HOST`` so ape-foundry connects to a running anvil
instead of starting one: scripts run one after another then share one chain.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pytest

from ocr_client import paths
from ocr_client.chain.anvil import anvil_binary

APE_INSTALLED: Final[bool] = importlib.util.find_spec("ape") is not None
NETWORK: Final[str] = "ethereum:local:foundry"
RUN_TIMEOUT_S: Final[float] = 180.0

#: Marks for every test that runs ape: the slow tier, the ape tier, and a clean skip without the extra.
requires_ape = [
    pytest.mark.slow,
    pytest.mark.ape,
    pytest.mark.skipif(not APE_INSTALLED, reason="the ape extra is not installed: `make ape` installs it and runs these"),
]


def ape_executable() -> Path:
    return Path(sys.executable).parent / "ape"


@dataclass
class ApeCLI:
    """The ape CLI with its own data folder, optionally pointed at one running anvil."""

    data_folder: Path
    foundry_host: str | None = None
    cwd: Path = field(default_factory=paths.project_root)

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("APE_")}
        env["PATH"] = f"{anvil_binary().parent}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        env["APE_DATA_FOLDER"] = str(self.data_folder)
        if self.foundry_host is not None:
            env["APE_FOUNDRY_HOST"] = self.foundry_host
        env.update(extra)
        return env

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(ape_executable()), *args], cwd=self.cwd, env=self.env(**(env or {})),
                              capture_output=True, text=True, timeout=RUN_TIMEOUT_S, stdin=subprocess.DEVNULL)

    def script(self, name: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """``ape run NAME --network ethereum:local:foundry ARGS``."""
        return self.run("run", name, "--network", NETWORK, *args, env=env)

    def script_json(self, name: str, *args: str, env: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """Run a script with ``--json``; it must succeed; every JSON line it printed, in order."""
        done = self.script(name, *args, "--json", env=env)
        assert done.returncode == 0, f"ape run {name} failed:\n{done.stdout}\n{done.stderr}"
        return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def error_line(done: subprocess.CompletedProcess[str]) -> str:
    """The one error line a failed script printed: exit 1, and exactly one ``Error:`` line, no traceback."""
    assert done.returncode == 1, f"expected exit 1, got {done.returncode}:\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr + done.stdout
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, done.stderr
    assert "Usage:" not in done.stderr
    return errors[0]
