"""`ocr keys`: committee secrets in EIP-2335 and V3 keystores, never printed, refused clearly when wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ocr_client.cli import main
from ocr_client.committee.files import read_committee, write_committee
from ocr_client.committee.local import LocalCommittee
from ocr_client.errors import KeyFileError

PASSWORD = "correct horse battery staple"

# Every test that reads or writes real keystores is slow: each of a 4-oracle committee's 8 keystores
# costs one full-strength scrypt (about a second). The keystore format itself is tested quickly in
# tests/keys; the slow tier runs the CLI round trips below.


@pytest.fixture(scope="module")
def keystore_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("keys") / "committee"
    write_committee(LocalCommittee.create(4, seed=21), folder, PASSWORD)
    return folder


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "pw"
    path.write_text(PASSWORD + "\n")
    return path


@pytest.mark.slow
def test_keystores_round_trip_to_the_same_committee(keystore_folder: Path) -> None:
    original = LocalCommittee.create(4, seed=21)
    loaded = read_committee(keystore_folder, PASSWORD)
    assert [loaded.share(i).secret for i in range(4)] == [original.share(i).secret for i in range(4)]
    assert [a.address for a in loaded.transmitters] == [a.address for a in original.transmitters]
    files = sorted(p.name for p in keystore_folder.iterdir())
    assert "oracle-0.json" not in files and "oracle-0.bls.json" in files and "oracle-0.transmitter.json" in files
    assert (keystore_folder / "oracle-0.bls.json").stat().st_mode & 0o077 == 0  # owner-only


@pytest.mark.slow
def test_keystores_hold_no_plaintext_secret(keystore_folder: Path) -> None:
    committee = LocalCommittee.create(4, seed=21)
    secret_hex = committee.share(0).secret.to_bytes(32, "big").hex()
    key_hex = committee.transmitters[0].key.hex().removeprefix("0x")
    text = "".join(p.read_text() for p in keystore_folder.iterdir())
    assert secret_hex not in text and key_hex not in text


@pytest.mark.slow
def test_a_wrong_password_is_one_clear_error(keystore_folder: Path) -> None:
    with pytest.raises(KeyFileError, match="wrong password"):
        read_committee(keystore_folder, "not it")


@pytest.mark.slow
def test_keystores_without_a_password_say_how_to_give_one(keystore_folder: Path) -> None:
    with pytest.raises(KeyFileError, match="OCR_KEYSTORE_PASSWORD"):
        read_committee(keystore_folder)


@pytest.mark.slow
def test_a_corrupted_keystore_is_one_clear_error(keystore_folder: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for p in keystore_folder.iterdir():
        (broken / p.name).write_text(p.read_text())
    data = json.loads((broken / "oracle-2.bls.json").read_text())
    data["crypto"]["cipher"]["params"]["iv"] = "zz"
    (broken / "oracle-2.bls.json").write_text(json.dumps(data))
    with pytest.raises(KeyFileError, match=r"oracle-2\.bls\.json.*corrupt"):
        read_committee(broken, PASSWORD)


@pytest.mark.slow
def test_a_share_from_another_committee_is_refused(keystore_folder: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    write_committee(LocalCommittee.create(4, seed=22), other, PASSWORD, kdf="pbkdf2")
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    for p in keystore_folder.iterdir():
        (mixed / p.name).write_text(p.read_text())
    (mixed / "oracle-1.bls.json").write_text((other / "oracle-1.bls.json").read_text())
    with pytest.raises(KeyFileError, match="oracle 1 does not match"):
        read_committee(mixed, PASSWORD)


@pytest.mark.slow
def test_inspect_shows_public_parts_only_and_checks_the_password(
    keystore_folder: Path, password_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    committee = LocalCommittee.create(4, seed=21)
    assert main(["keys", "inspect", str(keystore_folder / "oracle-0.bls.json"), "--json",
                 "--password-file", str(password_file)]) == 0
    out = capsys.readouterr().out
    info = json.loads(out)
    assert info["kind"] == "eip-2335 bls keystore" and info["password"] == "ok"
    assert committee.share(0).secret.to_bytes(32, "big").hex() not in out


@pytest.mark.slow
def test_inspect_with_a_wrong_password_exits_1_in_one_line(
    keystore_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad"
    bad.write_text("nope\n")
    assert main(["keys", "inspect", str(keystore_folder / "oracle-0.transmitter.json"),
                 "--password-file", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "wrong password" in err


def test_keys_new_needs_a_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("OCR_KEYSTORE_PASSWORD", raising=False)
    assert main(["keys", "new", "--nodes", "4", "--out", str(tmp_path / "k")]) == 1
    assert "password" in capsys.readouterr().err
    assert not (tmp_path / "k" / "committee.json").exists()


@pytest.mark.slow
def test_import_moves_a_plaintext_committee_into_keystores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OCR_KEYSTORE_PASSWORD", PASSWORD)
    assert main(["committee", "new", "--nodes", "4", "--seed", "5", "--out", str(tmp_path / "plain")]) == 0
    assert main(["keys", "import", "--from", str(tmp_path / "plain"), "--out", str(tmp_path / "ks"),
                 "--kdf", "pbkdf2"]) == 0
    capsys.readouterr()
    plain = read_committee(tmp_path / "plain")
    moved = read_committee(tmp_path / "ks", PASSWORD)
    assert [s.secret for s in moved.dealing.secret_shares] == [s.secret for s in plain.dealing.secret_shares]


@pytest.mark.slow
def test_demo_runs_with_a_committee_from_keystores(
    keystore_folder: Path, password_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--keys", str(keystore_folder), "--password-file", str(password_file),
                 "--rounds", "2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["n"], doc["f"], doc["threshold"]) == (4, 1, 2)
    assert [r["status"] for r in doc["rounds"]] == ["accepted", "accepted"]
