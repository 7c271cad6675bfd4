"""The HTML report in a real headless Chromium: it renders offline, logs no console error, shows
every oracle with its charts, and links nothing outside the file."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest
from web3 import Web3

from ocr_client.cli import main
from ocr_client.testing import LocalFeed
from tests.reputation.browser import chromium_binary, load
from tests.reputation.conftest import chain_time, honest_values, index, lie

N = 7
#: The committed screenshot; the test rewrites it only when OCR_UPDATE_SCREENSHOT=1, so a run leaves the tree clean.
DOCS_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "reputation-report.png"

pytestmark = pytest.mark.slow


def test_report_renders_in_chromium_with_every_oracle(ocr_web3: Web3, ocr_anvil: object, tmp_path: Path) -> None:
    if chromium_binary() is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it with .ci/ensure-chromium")
        pytest.skip("chromium not installed (run .ci/ensure-chromium)")
    local = LocalFeed.deploy(ocr_web3, n=N, seed=51)
    rng = random.Random(8)
    for r in range(30):
        values = honest_values(N, r, rng)
        values[6] = lie(r)
        values[4] = values[2]  # a mirror, so the sybil section has evidence
        now = chain_time(ocr_web3)
        local.push(values, timestamps=[now - rng.randint(0, 4) for _ in range(N)])
    db, page = tmp_path / "rep.duckdb", tmp_path / "report.html"
    shot = DOCS_SCREENSHOT if os.environ.get("OCR_UPDATE_SCREENSHOT") == "1" else tmp_path / "report.png"
    index(ocr_anvil.rpc_url, [local.address], db)  # type: ignore[attr-defined]
    assert main(["reputation", "report", "--db", str(db), "--html", str(page)]) == 0
    html = page.read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)  # nothing fetched from elsewhere
    seen = load(page, {
        "ranked": "[...document.querySelectorAll('#ranking tr[id^=rank-] code')].map(c => c.textContent)",
        "charts": "document.querySelectorAll('.oracle svg').length",
        "drawn": "[...document.querySelectorAll('.oracle svg')].every(s => s.getBoundingClientRect().width > 0)",
        "sybil_rows": "document.querySelectorAll('#sybil tr').length",
        "weights": "document.querySelectorAll('#weights tr').length",
    }, screenshot=shot)
    assert seen.console_errors == []
    oracles = {a.address for a in local.committee.transmitters}
    assert set(seen.values["ranked"]) == oracles and len(seen.values["ranked"]) == N
    assert seen.values["charts"] == 3 * N and seen.values["drawn"] is True
    assert seen.values["sybil_rows"] >= 2 and seen.values["weights"] > 1
    assert shot.stat().st_size > 10_000
