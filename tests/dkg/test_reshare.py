"""Resharing a group key to a new committee on the simulated network: same key, new shares, bad dealers out."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from pathlib import Path

import pytest

from ocr_client.cli.keys_dkg import add_dkg_parser, run_keys_dkg
from ocr_client.committee.files import read_committee, write_committee
from ocr_client.committee.local import LocalCommittee
from ocr_client.crypto import combine, get_backend, partial_sign
from ocr_client.dkg import DkgFailedError, DkgParameterError, DkgResult, Exclusion, run_simulated_dkg
from ocr_client.dkg.reshare import RESHARE_DEALER_FAULTS, run_simulated_reshare, simulate_reshare
from ocr_client.errors import KeyFileError
from ocr_client.net.simnet import LinkRules
from tests.dkg.dkg_support import MESSAGE, all_done, assert_agree, assert_consistent_key, assert_signs, reconstruct


@pytest.fixture(scope="module")
def old() -> LocalCommittee:
    """A 2-of-4 committee from a trusted dealer (resharing does not care where the key came from)."""
    return LocalCommittee.create(4, threshold=2, seed=11)


def _reshare(old: LocalCommittee, n: int, t: int, **kwargs: object) -> list[DkgResult]:
    return all_done(run_simulated_reshare(old.dealing.committee, old.dealing.secret_shares, n, t, **kwargs))  # type: ignore[arg-type]


def test_honest_reshare_4_to_7_keeps_the_group_key(old: LocalCommittee) -> None:
    results = _reshare(old, 7, 3, seed=1)
    assert_agree(results)
    first = results[0]
    assert first.qual == (0, 1, 2, 3) and first.excluded == {}
    assert first.committee.group_public_key == old.group_public_key
    assert (first.committee.threshold, first.committee.size) == (3, 7)
    assert not set(first.committee.public_shares) & set(old.dealing.public_shares)  # new shares, not copies
    assert_consistent_key(results)  # every 3-subset interpolates one secret, whose key is the OLD group key
    # test-side: that secret is the old one
    old_results = [DkgResult(s, old.dealing.committee, (), {}) for s in old.dealing.secret_shares]
    assert reconstruct(results, [0, 3, 6]) == reconstruct(old_results, [1, 2])
    # t_new new shares sign under the old group key
    backend = get_backend()
    partials = [partial_sign(results[i].share, MESSAGE, backend) for i in (1, 4, 5)]
    combined = combine(partials, 3, first.committee.public_shares, MESSAGE, backend)
    assert backend.verify(old.group_public_key, MESSAGE, combined.signature)


def test_reshare_can_shrink_and_chain(old: LocalCommittee) -> None:
    """7 -> 4 (t 3 -> 2) after 4 -> 7: the key survives two resharings, from a DKG result too."""
    grown = _reshare(old, 7, 3, seed=2)
    again = all_done(run_simulated_reshare(grown[0].committee, [r.share for r in grown], 4, 2, seed=3))
    assert_agree(again)
    assert again[0].committee.group_public_key == old.group_public_key
    assert_consistent_key(again)
    dkg = all_done(run_simulated_dkg(4, 2, seed=4))
    from_dkg = all_done(run_simulated_reshare(dkg[0].committee, [r.share for r in dkg], 5, 3, seed=5))
    assert from_dkg[0].committee.group_public_key == dkg[0].committee.group_public_key
    assert_signs(from_dkg)


EXPECTED = {
    "bad-share": Exclusion.BAD_SHARE,
    "bad-commitment": Exclusion.BAD_COMMITMENT,
    "silent": Exclusion.SILENT,
    "equivocate": Exclusion.EQUIVOCATION,
    "bad-justification": Exclusion.BAD_JUSTIFICATION,
    "wrong-secret": Exclusion.WRONG_CONSTANT_TERM,
}


def test_every_dealer_fault_has_an_expected_exclusion() -> None:
    assert set(EXPECTED) == set(RESHARE_DEALER_FAULTS)


@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_a_misbehaving_old_dealer_is_excluded_and_the_rest_reshare(old: LocalCommittee, fault: str) -> None:
    results = _reshare(old, 7, 3, seed=6, faulty={1: fault})
    assert_agree(results)
    first = results[0]
    assert first.qual == (0, 2, 3)
    assert {i: first.exclusion_reason(i) for i in first.excluded} == {1: EXPECTED[fault]}
    assert first.committee.group_public_key == old.group_public_key
    assert_consistent_key(results)
    assert_signs(results)


def test_two_of_four_bad_dealers_still_leave_t_old(old: LocalCommittee) -> None:
    results = _reshare(old, 5, 3, seed=7, faulty={0: "wrong-secret", 3: "equivocate"})
    assert_agree(results)
    assert results[0].qual == (1, 2)
    assert results[0].committee.group_public_key == old.group_public_key
    assert_consistent_key(results)


def test_false_complaints_cannot_exclude_an_old_dealer(old: LocalCommittee) -> None:
    run = simulate_reshare(old.dealing.committee, old.dealing.secret_shares, 7, 3, seed=8,
                           faulty_recipients={2: "false-complaint", 5: "false-complaint"})
    results = all_done(run.results)
    assert_agree(results)
    assert results[0].qual == (0, 1, 2, 3) and results[0].excluded == {}
    assert_consistent_key(results)


def test_reordered_and_duplicated_messages_change_nothing(old: LocalCommittee) -> None:
    plain = _reshare(old, 7, 3, seed=9, faulty={2: "bad-share"})
    run = simulate_reshare(old.dealing.committee, old.dealing.secret_shares, 7, 3, seed=9, faulty={2: "bad-share"},
                           rules=LinkRules(latency=0.5, jitter=3.0, duplicate=0.3))
    assert run.network.stats.duplicated > 0
    noisy = all_done(run.results)
    assert noisy[0].committee == plain[0].committee and noisy[0].qual == plain[0].qual


def test_fewer_than_t_old_qualified_dealers_is_a_clear_error() -> None:
    old = LocalCommittee.create(4, threshold=3, seed=12)
    run = simulate_reshare(old.dealing.committee, old.dealing.secret_shares, 4, 2, seed=10,
                           faulty={0: "silent", 2: "wrong-secret"})
    assert run.results == [None] * 4
    for error in run.errors:
        assert isinstance(error, DkgFailedError)
        assert "only 2 qualified old dealers, need at least t_old=3" in str(error)
        assert "0: silent" in str(error) and "2: wrong-constant-term" in str(error)


def test_refusals(old: LocalCommittee) -> None:
    shares = old.dealing.secret_shares
    other = LocalCommittee.create(4, threshold=2, seed=13)
    with pytest.raises(DkgParameterError, match="does not match"):
        simulate_reshare(old.dealing.committee, other.dealing.secret_shares, 4, 2)
    with pytest.raises(DkgParameterError, match="3 old shares"):
        simulate_reshare(old.dealing.committee, shares[:3], 4, 2)
    with pytest.raises(DkgParameterError, match="unknown misbehaviour"):
        simulate_reshare(old.dealing.committee, shares, 4, 2, faulty={0: "lying"})
    with pytest.raises(DkgParameterError, match="new committee"):
        simulate_reshare(old.dealing.committee, shares, 4, 5)
    with pytest.raises(DkgParameterError, match="recipient fault"):
        simulate_reshare(old.dealing.committee, shares, 4, 2, faulty={0: "false-complaint"})


def test_old_shares_still_sign_after_resharing(old: LocalCommittee) -> None:
    """Why --reshare trusts old members to erase their shares: t_old old shares still make a valid signature."""
    _reshare(old, 7, 3, seed=14)
    signed = old.sign(MESSAGE, signers=[0, 3])
    assert get_backend().verify(old.group_public_key, MESSAGE, signed.signature)


# --- ocr keys dkg --reshare --------------------------------------------------------------------

PASSWORD = "reshare test password"


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ocr keys")
    add_dkg_parser(parser.add_subparsers(dest="keys_command", required=True))
    return parser.parse_args(["dkg", *argv])


@pytest.mark.slow
@pytest.mark.parametrize("old_keystores", [False, True])
def test_cli_reshare_writes_a_committee_with_the_same_group_key(tmp_path: Path, old: LocalCommittee,
                                                                old_keystores: bool) -> None:
    password_file = tmp_path / "pw"
    password_file.write_text(PASSWORD + "\n")
    old_dir, out = tmp_path / "old", tmp_path / "new"
    write_committee(old, old_dir, PASSWORD if old_keystores else None, "pbkdf2")
    args = _parse("--reshare", str(old_dir), "--nodes", "7", "--threshold", "3", "--out", str(out), "--seed", "4",
                  "--faulty-dealers", "1", "--fault", "equivocate", "--kdf", "pbkdf2",
                  "--password-file", str(password_file), "--json")
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        assert run_keys_dkg(args) == 0
    summary = json.loads(stdout.getvalue())
    assert summary["group_public_key"] == old.group_public_key.hex()
    assert (summary["old_nodes"], summary["old_threshold"], summary["nodes"], summary["threshold"]) == (4, 2, 7, 3)
    assert len(summary["qual"]) == 3 and next(iter(summary["excluded"].values())).startswith("equivocation")
    new = read_committee(out, PASSWORD)
    assert new.group_public_key == old.group_public_key
    assert (new.n, new.f, new.threshold) == (7, 2, 3)
    digest = b"\x22" * 32
    for signers in ([0, 1, 2], [4, 5, 6]):
        assert get_backend().verify(old.group_public_key, digest, new.sign(digest, signers=signers).signature)


def test_cli_reshare_human_summary_warns_about_erasure(tmp_path: Path, old: LocalCommittee,
                                                       capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCR_KEYSTORE_PASSWORD", PASSWORD)
    write_committee(old, tmp_path / "old")
    args = _parse("--reshare", str(tmp_path / "old"), "--nodes", "4", "--threshold", "2", "--out",
                  str(tmp_path / "new"), "--seed", "1", "--kdf", "pbkdf2")
    assert run_keys_dkg(args) == 0
    text = capsys.readouterr().out
    assert "reshared 4 -> 4" in text and "UNCHANGED" in text and "erase" in text


def test_cli_reshare_refusals(tmp_path: Path, old: LocalCommittee, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCR_KEYSTORE_PASSWORD", PASSWORD)
    write_committee(old, tmp_path / "old")
    common = ["--reshare", str(tmp_path / "old"), "--kdf", "pbkdf2"]
    with pytest.raises(DkgParameterError, match="more than n_old - t_old"):
        run_keys_dkg(_parse("--nodes", "4", "--threshold", "2", "--out", str(tmp_path / "a"), "--faulty-dealers", "3",
                            *common))
    with pytest.raises(KeyFileError):
        run_keys_dkg(_parse("--nodes", "4", "--threshold", "2", "--out", str(tmp_path / "b"),
                            "--reshare", str(tmp_path / "missing")))
    with pytest.raises(KeyFileError, match="new folder"):
        run_keys_dkg(_parse("--nodes", "4", "--threshold", "2", "--out", str(tmp_path / "old"), *common))
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_cli_help_says_what_reshare_trusts(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        _parse("--help")
    text = " ".join(capsys.readouterr().out.split())
    assert "KEEPS THE OLD GROUP KEY" in text and "erase" in text and "fresh DKG" in text
