"""How ocr gas bench summarises results: savings and where threshold-bls starts to win."""

from __future__ import annotations

from ocr_client.chain.calldata import calldata_gas
from ocr_client.gas.bench import BenchReport, format_table
from ocr_client.gas.types import BenchResult


def _result(scheme: str, n: int, gas: int) -> BenchResult:
    return BenchResult(scheme=scheme, n=n, f=(n - 1) // 3, feeds=1, observations=n, signers=None,
                       calldata_bytes=0, calldata_gas=0, verify_gas=None, gas_per_report=gas, gas_per_feed=gas)


def test_crossover_is_the_first_measured_n_from_which_bls_stays_cheaper() -> None:
    report = BenchReport(results=[
        _result("threshold-bls", 10, 190), _result("threshold-bls", 30, 200), _result("threshold-bls", 50, 210),
        _result("ecdsa", 10, 110), _result("ecdsa", 30, 180), _result("ecdsa", 50, 250),
    ])
    assert report.crossover() == 50
    # the gap goes from +20 at n = 30 to -40 at n = 50: zero a third of the way, n = 36.67
    estimate = report.crossover_estimate()
    assert estimate is not None and abs(estimate - (30 + 20 * 20 / 60)) < 1e-9
    table = format_table(report)
    assert "n=50: +16.0%" in table and "cheaper from measured n = 50" in table


def test_no_crossover_when_bls_never_wins() -> None:
    report = BenchReport(results=[_result("threshold-bls", 4, 190), _result("ecdsa", 4, 95)])
    assert report.crossover() is None and report.crossover_estimate() is None
    assert "not cheaper at any measured n" in format_table(report)


def test_calldata_gas_counts_zero_and_nonzero_bytes() -> None:
    assert calldata_gas(b"\x00\x00\x01\xff") == 4 + 4 + 16 + 16
