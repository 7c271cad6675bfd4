"""How ocr gas bench summarises results: savings and where threshold-bls starts to win."""

from __future__ import annotations

from ocr_client.chain.calldata import calldata_gas
from ocr_client.gas.bench import BenchReport, available_schemes, compare_phrase, format_table, plan_bench, progress_line
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
    assert "threshold-bls against ecdsa: n=10 costs 72.7% more, n=30 costs 11.1% more, n=50 saves 16.0%" in table
    assert "cheaper from measured n = 50" in table


def test_no_crossover_when_bls_never_wins() -> None:
    report = BenchReport(results=[_result("threshold-bls", 4, 190), _result("ecdsa", 4, 95)])
    assert report.crossover() is None and report.crossover_estimate() is None
    assert "not cheaper at any measured n" in format_table(report)


def test_calldata_gas_counts_zero_and_nonzero_bytes() -> None:
    assert calldata_gas(b"\x00\x00\x01\xff") == 4 + 4 + 16 + 16


def test_comparisons_are_said_in_words_never_as_a_negative_saving() -> None:
    assert compare_phrase(183_442, 95_035) == "costs 93.0% more"
    assert compare_phrase(219_642, 277_913) == "saves 21.0%"
    assert compare_phrase(5, 5) == "costs the same"


def test_progress_is_one_short_line_not_a_repr() -> None:
    line = progress_line(3, 18, _result("threshold-bls", 31, 199_603))
    assert line == "[3/18] threshold-bls n=31: 199,603 gas per report"
    multi = BenchResult(scheme="threshold-bls", n=31, f=10, feeds=16, observations=31, signers=None, calldata_bytes=0,
                        calldata_gas=0, verify_gas=None, gas_per_report=923_428, gas_per_feed=57_714)
    assert progress_line(1, 2, multi) == "[1/2] threshold-bls n=31 feeds=16: 923,428 gas per report"


def test_a_combination_one_scheme_of_a_name_measures_is_not_reported_as_skipped() -> None:
    """threshold-bls is OCRFeed for one feed and the multi-feed hub for more: n=4 with one feed is
    measured (by OCRFeed) although the hub scheme does not run it."""
    tasks, skipped = plan_bench([4], [1, 16], available_schemes())
    assert ("threshold-bls", 4, 1) in {(s.name, n, k) for s, n, k in tasks}
    assert ("threshold-bls", 4, 16) in {(s.name, n, k) for s, n, k in tasks}
    assert not [s for s in skipped if s[0] == "threshold-bls"]
    assert ("ecdsa", 4, 16) in skipped and ("ecdsa", 4, 1) not in skipped
    table = format_table(BenchReport(skipped=skipped))
    assert ("not measured (the scheme cannot run it): accountable-bls, ecdsa, per-oracle at n=4 with 16 feeds "
            "per report") in table
