"""`ocr keys dkg` through its own parser: keystores that load as a committee whose key signs."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from pathlib import Path

import pytest

from ocr_client.cli.keys_dkg import add_dkg_parser, run_keys_dkg
from ocr_client.committee.files import read_committee
from ocr_client.committee.local import committee_f
from ocr_client.crypto import get_backend
from ocr_client.errors import ConfigError, KeyFileError, OCRError

PASSWORD = "dkg test password"


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ocr keys")
    add_dkg_parser(parser.add_subparsers(dest="keys_command", required=True))
    return parser.parse_args(["dkg", *argv])


@pytest.fixture(scope="module")
def password_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pw") / "pw"
    path.write_text(PASSWORD + "\n")
    return path


@pytest.fixture(scope="module")
def dkg_run(tmp_path_factory: pytest.TempPathFactory, password_file: Path) -> tuple[Path, dict[str, object]]:
    out = tmp_path_factory.mktemp("dkg") / "committee"
    args = _parse("--nodes", "4", "--threshold", "2", "--out", str(out), "--faulty-dealers", "1", "--fault", "equivocate",
                  "--seed", "3", "--kdf", "pbkdf2", "--password-file", str(password_file), "--json")
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        assert run_keys_dkg(args) == 0
    return out, json.loads(stdout.getvalue())


def test_json_summary(dkg_run: tuple[Path, dict[str, object]]) -> None:
    out, summary = dkg_run
    assert set(summary) == {"nodes", "threshold", "qual", "excluded", "group_public_key", "out"}
    assert summary["nodes"] == 4 and summary["threshold"] == 2 and summary["out"] == str(out)
    excluded = summary["excluded"]
    assert isinstance(excluded, dict) and len(excluded) == 1
    assert next(iter(excluded.values())).startswith("equivocation")
    assert isinstance(summary["qual"], list) and len(summary["qual"]) == 3


def test_the_keystores_load_and_sign_under_the_group_key(dkg_run: tuple[Path, dict[str, object]]) -> None:
    out, summary = dkg_run
    committee = read_committee(out, PASSWORD)
    assert committee.group_public_key.hex() == summary["group_public_key"]
    assert (committee.n, committee.f, committee.threshold) == (4, 1, 2)
    digest = b"\x11" * 32
    for signers in ([0, 1], [2, 3], [3, 0]):
        signed = committee.sign(digest, signers=signers)
        assert get_backend().verify(committee.group_public_key, digest, signed.signature)
    assert sorted(p.name for p in out.iterdir())[:2] == ["committee.json", "oracle-0.bls.json"]


@pytest.mark.slow
def test_human_summary(tmp_path: Path, password_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "c"
    args = _parse("--nodes", "3", "--threshold", "1", "--out", str(out), "--seed", "1", "--faulty-dealers", "1",
                  "--fault", "silent", "--kdf", "pbkdf2", "--password-file", str(password_file))
    assert run_keys_dkg(args) == 0
    text = capsys.readouterr().out
    assert "2 qualified dealers" in text and "silent" in text and "group public key" in text and str(out) in text


def test_refusals(tmp_path: Path, password_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OCR_KEYSTORE_PASSWORD", raising=False)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    common = ["--password-file", str(password_file), "--kdf", "pbkdf2"]
    with pytest.raises(KeyFileError, match="not an empty folder"):
        run_keys_dkg(_parse("--nodes", "4", "--threshold", "2", "--out", str(tmp_path / "full"), *common))
    with pytest.raises(OCRError, match="more than n - t"):
        run_keys_dkg(_parse("--nodes", "4", "--threshold", "2", "--out", str(tmp_path / "a"), "--faulty-dealers", "3",
                            *common))
    with pytest.raises(ConfigError):
        run_keys_dkg(_parse("--nodes", "4", "--threshold", "5", "--out", str(tmp_path / "b"), *common))
    with pytest.raises(OCRError, match="need a password"):
        run_keys_dkg(_parse("--nodes", "4", "--threshold", "2", "--out", str(tmp_path / "c")))
    assert not (tmp_path / "a").exists() and not (tmp_path / "c").exists()


def test_options_and_f() -> None:
    args = _parse("--nodes", "7", "--threshold", "3", "--out", "x")
    assert (args.faulty_dealers, args.fault, args.seed, args.kdf, args.password_file, args.json) == (
        0, "bad-share", None, "scrypt", None, False)
    with pytest.raises(SystemExit):
        _parse("--nodes", "7", "--threshold", "3", "--out", "x", "--fault", "lying")
    assert [committee_f(n, t) for n, t in ((4, 2), (7, 3), (7, 5), (10, 4), (31, 11), (4, 4))] == [1, 2, 2, 3, 10, 0]
