"""`ocr stake ...` with a keystore account and `ocr slash submit`: exit codes and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_account import Account

from ocr_client.chain.anvil import Anvil
from ocr_client.cli import main
from ocr_client.staking.local import LocalStaking


def test_an_operator_unstakes_with_its_keystore_and_anyone_submits_evidence_once(
        anvil: Anvil, threshold: LocalStaking, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCR_PRIVATE_KEY", "0x" + bytes(Account.from_key(b"\x09" * 32).key).hex())
    member = threshold.members[0]
    keystore = tmp_path / "oracle-0.transmitter.json"
    keystore.write_text(json.dumps(Account.encrypt(member.key, "pw", kdf="pbkdf2", iterations=2)))
    (tmp_path / "pw").write_text("pw\n")
    common = ["--staking", threshold.staking.address, "--rpc-url", anvil.rpc_url, "--json"]
    signer = ["--keystore", str(keystore), "--password-file", str(tmp_path / "pw")]
    assert main(["stake", "unstake", *common, *signer, "--amount", "1"]) == 1
    assert "BelowMinimumStake" in capsys.readouterr().err
    minimum = threshold.staking.parameters().minimum_stake
    assert main(["stake", "unstake", *common, *signer, "--amount", str(minimum)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["active"], out["unbonding"], out["oracle"]) == ("0", str(minimum), 0)
    assert main(["stake", "status", *common, *signer]) == 0
    assert json.loads(capsys.readouterr().out)["unbonding"] == str(minimum)
    assert main(["stake", "withdraw", *common, *signer]) == 1
    assert "StillUnbonding" in capsys.readouterr().err
    assert main(["stake", "deposit", *common, *signer, "--amount", str(minimum)]) == 0
    assert json.loads(capsys.readouterr().out)["active"] == str(minimum)

    threshold.local.fund(Account.from_key(b"\x09" * 32).address)
    evidence = tmp_path / "evidence.json"
    threshold.equivocation(0).write(evidence)  # oracle 0 is unbonding: still slashable
    assert main(["slash", "submit", *common, "--evidence", str(evidence)]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"] == "slashed"
    assert main(["slash", "submit", *common, "--evidence", str(evidence)]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"] == "already-slashed"
    assert threshold.staking.slashable(member.address) == minimum  # one slash of two stakes

    evidence.write_text('{"feed": "0x1"}')
    assert main(["slash", "submit", *common, "--evidence", str(evidence)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"ocr slash: error: {evidence}: missing field(s) oracle, config_digest, epoch, round, report_a, "
                   "signature_a, report_b, signature_b"]
