"""The gas of staking, of an equivocation proof in each mode and of a staleness alert is pinned in
.gas-snapshot (fixed scenarios on a fresh anvil, prague): any drift fails until regenerated.
Slow tier (it starts its own anvil); CI's `ocr gas snapshot --check` checks the same entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocr_client.gas import snapshot as gas_snapshot
from ocr_client.staking.gas import measure_snapshot_cases
from ocr_client.testing.pytest_plugin import GasRecorder

SNAPSHOT = Path(__file__).resolve().parents[2] / ".gas-snapshot"
#: Two BLS verifications (hash to G1 + a 2-pair pairing each) are ~248,000 of a proof.
TWO_VERIFIES: int = 2 * 124_000


@pytest.mark.slow
def test_staking_gas_matches_the_committed_snapshot(ocr_gas: GasRecorder) -> None:
    measured = measure_snapshot_cases()
    for name, gas in measured.items():
        ocr_gas.record(name, gas)
    committed = gas_snapshot.read(SNAPSHOT)
    assert set(measured) <= set(committed), f"missing from .gas-snapshot: {sorted(set(measured) - set(committed))}"
    # A proof is two pairing-based verifications plus bookkeeping; the threshold one also hashes the
    # whole committee configuration (the shares' proof), so it costs more than the accountable one.
    threshold = measured["OracleStaking:slashEquivocation_threshold_n4"]
    accountable = measured["OracleStaking:slashEquivocation_accountable_n4"]
    assert TWO_VERIFIES < accountable < threshold < TWO_VERIFIES + 200_000
