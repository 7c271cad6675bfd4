"""docs/testnet.md, run step by step: every ```bash block of the guide, in order, in one shell,
against a local anvil with interval mining (a block a second) and a proxy as the second RPC.

The ```sh blocks hold what only an operator has (their RPC URLs, their funded key); the test
supplies local stand-ins for those through the environment and a key file, so nothing leaves
this machine.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.chain.rpc import connect
from ocr_client.feed import Feed
from ocr_client.paths import project_root
from ocr_client.testing.fault_proxy import FaultProxy

pytestmark = pytest.mark.slow

GUIDE = project_root() / "docs" / "testnet.md"
GUIDE_TIMEOUT_S = 300


def bash_blocks(text: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", text, flags=re.S)


def test_the_guide_has_tested_steps_and_only_local_addresses_run() -> None:
    blocks = bash_blocks(GUIDE.read_text())
    assert len(blocks) >= 5
    for block in blocks:  # whatever URL the tested steps reach comes from the environment
        assert "https://" not in block and "http://" not in block.replace("http://127.0.0.1", "")


def test_the_testnet_guide_runs_against_anvil_with_interval_mining(tmp_path: Path) -> None:
    script = "set -euo pipefail\n" + "\n".join(bash_blocks(GUIDE.read_text()))
    (tmp_path / "deployer.key").write_text(dev_account(0).key.hex() + "\n")
    with Anvil(block_time=1) as anvil, FaultProxy(anvil.rpc_url) as second:
        env = {**os.environ, "RPC_URL": anvil.rpc_url, "RPC_URL_2": second.url,
               "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
        env.pop("OCR_KEYSTORE_PASSWORD", None)
        shell = subprocess.Popen(["bash", "-c", script], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            out, err = shell.communicate(timeout=GUIDE_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(shell.pid, signal.SIGTERM)
            out, err = shell.communicate(timeout=30)
            pytest.fail(f"the guide did not finish in {GUIDE_TIMEOUT_S}s: {err[-2000:]}")
        finally:
            if shell.poll() is None:
                os.killpg(shell.pid, signal.SIGKILL)
        log = (tmp_path / "committee-run.log").read_text() if (tmp_path / "committee-run.log").exists() else ""
        assert shell.returncode == 0, f"exit {shell.returncode}\nstderr: {err[-3000:]}\ndevnet: {log[-3000:]}"

        # Step 1: a DKG committee of 4 with keystores.
        committee = json.loads((tmp_path / "committee" / "committee.json").read_text())
        assert committee["n"] == 4 and committee["threshold"] == 2
        assert (tmp_path / "committee" / "oracle-0.transmitter.json").exists()
        # Step 3: the committee ran with both RPCs and the guide's transmission settings...
        node0 = json.loads((tmp_path / "committee-run" / "node-0.json").read_text())
        assert node0["rpc_url"] == [anvil.rpc_url, second.url]
        assert node0["transmission"] == {"confirmations": 3, "max_fee_per_gas": 30 * 10**9,
                                         "spend_limit_per_report": 10**16, "gas_limit": 400_000}
        assert node0["keys"]["password_file"] == "secrets/keystore-password"
        # ...and the report `ocr read` printed is on the feed, landed exactly once.
        (read,) = [json.loads(line) for line in out.splitlines() if line.startswith('{"feed"')]
        assert read["round_id"] >= 1 and read["decimals"] == 8
        feed = Feed(connect(anvil.rpc_url), read["feed"])
        landed = [(t.epoch, t.round) for t in feed.transmissions()]
        assert len(landed) == len(set(landed)) >= 1
        # Step 5: the metrics the guide tells operators to watch are served.
        for metric in ("ocr_tx_confirmed_total", "ocr_tx_fee_capped_total", "ocr_transmitter_balance_wei",
                       "ocr_tx_insufficient_funds_total", "ocr_reports_landed_total"):
            assert metric in out, f"{metric} not in the metrics output"
        # Stopped by the guide's last step: no node is left running.
        assert "devnet: stopping" in log
