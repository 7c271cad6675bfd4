"""Every entry of ``.gas-snapshot``: the OCRFeed, multi-feed and accountable scenarios together."""

from __future__ import annotations

import functools

from ocr_client.gas.scenarios import SNAPSHOT_NODES, SPREAD_SNAPSHOT_NAME, measure_all, measure_time_spread
from ocr_client.gas.schemes.accountable import measure_snapshot_cases as accountable_cases
from ocr_client.gas.schemes.multifeed import measure_snapshot_cases, snapshot_name


@functools.cache
def snapshot_entries() -> dict[str, int]:
    """``Contract:case`` -> gas, measured once per process: the scenarios are fixed and the compiled
    code cannot change under a running process."""
    entries = {m.snapshot_name: m.gas_used for m in measure_all(SNAPSHOT_NODES)}
    entries.update({snapshot_name(r.n, k): r.gas_per_report for k, r in measure_snapshot_cases().items()})
    entries.update(accountable_cases(SNAPSHOT_NODES))
    entries[SPREAD_SNAPSHOT_NAME] = measure_time_spread()
    return entries
