"""`ocr gas snapshot` and `ocr gas bench`: the CI-facing gas commands.

Each command here measures every snapshot entry on a fresh anvil (about 15 s), so they run in the
slow tier; the comparison rules they print are tested quickly in tests/gas/test_gas_snapshot.py,
and .ci/run also runs `ocr gas snapshot --check` against the committed file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ocr_client.cli import main
from ocr_client.gas import snapshot as gas_snapshot

REPO = Path(__file__).resolve().parents[2]
COMMITTED = gas_snapshot.read(REPO / ".gas-snapshot")


def _write(path: Path, entries: dict[str, int]) -> Path:
    gas_snapshot.write(path, entries)
    return path


@pytest.mark.slow
def test_snapshot_check_passes_against_the_committed_snapshot(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gas", "snapshot", "--check", "--file", str(REPO / ".gas-snapshot")]) == 0
    assert "no gas changes" in capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.parametrize("delta", [+1, -1])
def test_snapshot_check_fails_on_drift_either_way(tmp_path: Path, capsys: pytest.CaptureFixture[str], delta: int) -> None:
    name = next(iter(COMMITTED))
    path = _write(tmp_path / "snap", {**COMMITTED, name: COMMITTED[name] + delta})
    with pytest.raises(SystemExit) as exit_info:
        main(["gas", "snapshot", "--check", "--file", str(path)])
    assert exit_info.value.code == 1
    assert f"{name}: {COMMITTED[name] + delta} -> {COMMITTED[name]}" in capsys.readouterr().out


@pytest.mark.slow
def test_snapshot_check_tolerance_allows_small_drift(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = next(iter(COMMITTED))
    path = _write(tmp_path / "snap", {**COMMITTED, name: COMMITTED[name] + 100})
    assert main(["gas", "snapshot", "--check", "--tolerance", "0.1", "--file", str(path)]) == 0
    assert "within tolerance" in capsys.readouterr().out


@pytest.mark.slow
def test_new_and_removed_entries_are_reported_but_do_not_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dropped = next(iter(COMMITTED))
    entries = {k: v for k, v in COMMITTED.items() if k != dropped}
    entries["OCRFeed:retired_case"] = 1
    path = _write(tmp_path / "snap", entries)
    assert main(["gas", "snapshot", "--check", "--file", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{dropped}: new entry" in out and "OCRFeed:retired_case: removed" in out


@pytest.mark.slow
def test_diff_shows_changes_without_failing_or_writing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = next(iter(COMMITTED))
    path = _write(tmp_path / "snap", {**COMMITTED, name: 1})
    before = path.read_text()
    assert main(["gas", "snapshot", "--diff", "--file", str(path)]) == 0
    assert f"{name}: 1 -> {COMMITTED[name]}" in capsys.readouterr().out
    assert path.read_text() == before


@pytest.mark.slow
def test_snapshot_writes_the_forge_format_file(tmp_path: Path) -> None:
    path = tmp_path / "snap"
    assert main(["gas", "snapshot", "--file", str(path)]) == 0
    assert gas_snapshot.read(path) == COMMITTED


@pytest.mark.slow
def test_bench_json_has_the_documented_fields_and_plots(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "gas.png"
    assert main(["gas", "bench", "--nodes", "4", "--json", "--plot", str(png)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"hardfork", "solc", "optimizer", "results"} and doc["hardfork"] == "prague"
    ours = [r for r in doc["results"] if r["scheme"] == "threshold-bls"]
    assert ours and set(ours[0]) == {"scheme", "n", "f", "feeds", "observations", "signers", "calldata_bytes",
                                     "calldata_gas", "verify_gas", "gas_per_report", "gas_per_feed"}
    assert ours[0]["gas_per_report"] == COMMITTED["OCRFeed:transmit_n4_obs4"]
    assert ours[0]["verify_gas"] <= 126_697  # 1.10 x the EIP-2537 floor of 115,179
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_bench_text_reads_as_a_person_expects(capsys: pytest.CaptureFixture[str]) -> None:
    """No Python reprs, one short progress line per measurement (stderr is not a terminal here),
    comparisons in words, and no "skipped" line for a combination that was measured."""
    assert main(["gas", "bench", "--nodes", "4", "--feeds", "1,2"]) == 0
    captured = capsys.readouterr()
    progress = captured.err.splitlines()
    assert progress and all(line.startswith("[") and "gas per report" in line for line in progress)
    assert progress[0].startswith("[1/") and progress[-1].startswith(f"[{len(progress)}/{len(progress)}]")
    assert "BenchResult(" not in captured.err + captured.out
    assert "threshold-bls against ecdsa: n=4 costs " in captured.out and "% more" in captured.out
    assert "-9" not in captured.out.split("against ecdsa")[1].splitlines()[0]  # no negative saving
    assert "skipped" not in captured.out and "with 1 feed per report" not in captured.out
    assert "accountable-bls, ecdsa, per-oracle at n=4 with 2 feeds per report" in captured.out


@pytest.mark.parametrize("argv", [["gas", "bench", "--nodes", "4,x"], ["gas", "bench", "--nodes", "0"],
                                  ["gas", "snapshot", "--check", "--diff"]])
def test_bad_gas_arguments_are_usage_errors(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
