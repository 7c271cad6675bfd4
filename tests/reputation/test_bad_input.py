"""Bad input: one clear line, a non-zero exit, and the database exactly as it was (or still absent)."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import duckdb
import pytest
from web3 import Web3

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import free_port
from ocr_client.chain.deploy import deploy
from ocr_client.cli import main
from ocr_client.testing import LocalFeed
from tests.reputation.conftest import push_honest


@pytest.fixture(scope="module")
def indexed(ocr_web3: Web3, ocr_anvil: object, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, Path]:
    """(rpc url, feed, a database holding that feed's 3 reports)."""
    local = LocalFeed.deploy(ocr_web3, n=4, seed=31)
    push_honest(local, ocr_web3, 3, seed=3)
    db = tmp_path_factory.mktemp("bad") / "rep.duckdb"
    url = ocr_anvil.rpc_url  # type: ignore[attr-defined]
    assert main(["reputation", "index", "--rpc-url", url, "--feed", local.address, "--db", str(db)]) == 0
    return url, local.address, db


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused(capsys: pytest.CaptureFixture[str], argv: list[str], match: str) -> None:
    capsys.readouterr()
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("ocr reputation: error: "), err
    assert match in err, err


def test_an_address_without_code_is_refused_and_no_database_is_created(
        indexed: tuple[str, str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url, _, _ = indexed
    db = tmp_path / "new.duckdb"
    refused(capsys, ["reputation", "index", "--rpc-url", url, "--feed", "0x000000000000000000000000000000000000dEaD",
                     "--db", str(db)], "no contract at 0x000000000000000000000000000000000000dEaD")
    assert not db.exists()


def test_a_database_path_that_cannot_be_created_is_one_line(
        indexed: tuple[str, str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url, feed, _ = indexed
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    refused(capsys, ["reputation", "index", "--rpc-url", url, "--feed", feed, "--db", str(blocker / "rep.duckdb")],
            f"cannot create {blocker / 'rep.duckdb'}: {blocker} is a file, not a directory")
    assert blocker.read_text() == "not a directory"


def test_a_contract_of_unknown_format_is_refused_and_the_database_is_unchanged(
        ocr_web3: Web3, indexed: tuple[str, str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    url, feed, db = indexed
    stranger = deploy(ocr_web3, dev_account(0), "FeedConsumer", feed)  # a contract, but not a feed
    before = digest(db)
    refused(capsys, ["reputation", "index", "--rpc-url", url, "--feed", feed, "--feed", str(stranger.address),
                     "--db", str(db)], "unknown format")
    assert digest(db) == before


def test_a_dead_rpc_is_one_line(indexed: tuple[str, str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    _, feed, db = indexed
    before = digest(db)
    refused(capsys, ["reputation", "index", "--rpc-url", f"http://127.0.0.1:{free_port()}", "--feed", feed,
                     "--db", str(db)], "stopped answering")
    assert digest(db) == before


def test_a_corrupt_or_foreign_database_is_refused_untouched(
        indexed: tuple[str, str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url, feed, _ = indexed
    corrupt = tmp_path / "corrupt.duckdb"
    corrupt.write_bytes(random.Random(1).randbytes(8192))
    foreign = tmp_path / "foreign.duckdb"
    with duckdb.connect(str(foreign)) as con:
        con.execute("CREATE TABLE prices (t BIGINT, p DOUBLE)")
    for path, match in ((corrupt, "not a usable DuckDB database"), (foreign, "not an ocr reputation store")):
        before = digest(path)
        refused(capsys, ["reputation", "score", "--db", str(path)], match)
        refused(capsys, ["reputation", "index", "--rpc-url", url, "--feed", feed, "--db", str(path)], match)
        assert digest(path) == before


@pytest.mark.parametrize(("text", "match"), [
    ('{"inclusion_rate": 1, "charisma": 2}', "unknown metric 'charisma'"),
    ('{"inclusion_rate": -1}', "must be a non-negative number"),
    ('{"inclusion_rate": "lots"}', "must be a number"),
    ('{"inclusion_rate": 0}', "every weight is zero"),
    ("[1, 2]", "must hold one table/object"),
    ("{", "not valid JSON"),
])
def test_a_bad_weights_file_is_one_line(indexed: tuple[str, str, Path], tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str], text: str, match: str) -> None:
    _, _, db = indexed
    weights = tmp_path / "w.json"
    weights.write_text(text)
    before = digest(db)
    refused(capsys, ["reputation", "score", "--db", str(db), "--weights", str(weights)], match)
    assert digest(db) == before


def test_toml_weights_are_read(indexed: tuple[str, str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, _, db = indexed
    weights = tmp_path / "w.toml"
    weights.write_text("inclusion_rate = 2\ndeviation_median_bps = 0.5\n")
    capsys.readouterr()
    assert main(["reputation", "score", "--db", str(db), "--weights", str(weights), "--json"]) == 0
    assert '"effective_weights": {"deviation_median_bps": 0.2, "inclusion_rate": 0.8}' in capsys.readouterr().out


def test_a_window_with_no_data_is_one_line(indexed: tuple[str, str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    _, _, db = indexed
    before = digest(db)
    refused(capsys, ["reputation", "score", "--db", str(db), "--since", "2099-01-01"], "no reports of")
    refused(capsys, ["reputation", "score", "--db", str(db), "--feed", "0x" + "ab" * 20], "not indexed in this database")
    assert digest(db) == before
