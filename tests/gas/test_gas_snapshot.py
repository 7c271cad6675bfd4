"""Steady-state transmit gas for n = 4, 10, 31 is pinned in .gas-snapshot (forge's line format).

Gas is deterministic for fixed bytecode, hardfork, state and calldata, so any drift, up or down,
fails here until the snapshot is regenerated on purpose (`make gas-snapshot`).
"""

from __future__ import annotations

from pathlib import Path

from ocr_client import settings
from ocr_client.gas import snapshot as gas_snapshot
from ocr_client.gas.scenarios import SNAPSHOT_NODES, measure_all
from ocr_client.testing.pytest_plugin import GasRecorder

SNAPSHOT = Path(__file__).resolve().parents[2] / ".gas-snapshot"


def test_transmit_gas_matches_the_committed_snapshot(ocr_gas: GasRecorder) -> None:
    assert settings.ANVIL_HARDFORK == "prague"  # every figure in the snapshot is a prague figure
    measurements = measure_all(SNAPSHOT_NODES)
    for m in measurements:
        ocr_gas.record(m.snapshot_name, m.gas_used)
    names = {m.snapshot_name for m in measurements}
    committed = gas_snapshot.read(SNAPSHOT)
    assert names <= set(committed), f"missing from .gas-snapshot: {sorted(names - set(committed))}"
    # more observations cost more, and a threshold signature keeps the growth per observation small
    gas = [m.gas_used for m in measurements]
    assert gas == sorted(gas)
    slope = (gas[-1] - gas[0]) / (measurements[-1].n - measurements[0].n)
    assert slope < 700, f"{slope:.0f} gas per observation"
    # the spine's bar: a steady-state transmit at n = 31, f = 10, 31 observations, <= 200,000 gas
    (n31,) = [m for m in measurements if m.n == 31]
    assert (n31.f, n31.observations) == (10, 31)
    assert n31.gas_used <= 200_000, f"n = 31 transmit costs {n31.gas_used} gas"


def test_snapshot_lines_are_in_forge_format() -> None:
    text = SNAPSHOT.read_text()
    entries = gas_snapshot.parse(text, str(SNAPSHOT))
    assert entries and gas_snapshot.render(entries) == text


def test_snapshot_comparison_flags_drift_both_ways_but_not_new_entries() -> None:
    old = {"OCRFeed:a": 1000, "OCRFeed:b": 2000, "OCRFeed:gone": 5}
    new = {"OCRFeed:a": 1010, "OCRFeed:b": 1990, "OCRFeed:new": 7}
    strict = gas_snapshot.compare(old, new)
    assert strict.failed and set(strict.changed) == {"OCRFeed:a", "OCRFeed:b"}
    assert strict.added == {"OCRFeed:new": 7} and strict.removed == {"OCRFeed:gone": 5}
    tolerant = gas_snapshot.compare(old, new, tolerance_pct=1.0)
    assert not tolerant.failed and set(tolerant.within) == {"OCRFeed:a", "OCRFeed:b"}


def test_malformed_snapshot_line_names_file_and_line() -> None:
    import pytest

    with pytest.raises(gas_snapshot.GasSnapshotError, match=r"snap:2"):
        gas_snapshot.parse("OCRFeed:a (gas: 1)\nnot a line\n", "snap")
