"""Blocks to land and fees paid in each testnet condition, on a real anvil (``--hardfork prague``).

    .venv/bin/python benchmarks/bench_transmission.py [--scenarios spike,dropped,...] [--json]

Runs every scenario of :mod:`ocr_client.testing.tx_scenarios` (the ones the scenario tests
assert) and prints one row each: reports, whether each landed exactly once, whether the nonces
are contiguous, blocks from submission to the mining block, bumps, the highest max fee offered and
the total fee paid (gas used x effective gas price, summed over the transmitter's mined
transactions). docs/transmission.md quotes the table.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import tempfile
import time
from pathlib import Path

from ocr_client.testing.tx_scenarios import SCENARIOS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), help=f"comma-separated, from {list(SCENARIOS)}")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    rows = []
    for name in args.scenarios.split(","):
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            result = SCENARIOS[name](Path(folder))
        row = result.row()
        row["key"] = name
        row["wall_s"] = round(time.perf_counter() - started, 1)
        rows.append(row)
        if not args.json:
            print(f"measured {name}", flush=True)
    if args.json:
        print(json.dumps({"python": platform.python_version(), "rows": rows}))
        return
    print("| scenario | reports | landed once | nonces ok | under cap | blocks to land | bumps | max fee offered (gwei) "
          "| fees paid (ETH) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        blocks = ", ".join(str(b) for b in r["blocks_to_land"])
        print(f"| {r['scenario']} | {r['reports']} | {_yes(r['landed_once'])} | {_yes(r['nonces_ok'])} | "
              f"{_yes(r['under_cap'])} | {blocks} | {r['bumps']} | {r['max_fee_offered_gwei']} | "
              f"{r['fees_paid_gwei'] / 1e9:.6f} |")


def _yes(value: object) -> str:
    return "yes" if value else "NO"


if __name__ == "__main__":
    main()
