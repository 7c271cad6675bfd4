"""The `ocr` command line: documented JSON, a working chain workflow, and every bad input
answered with one readable line on stderr, a non-zero exit, no traceback and nothing half-written.

Most commands run in-process through ``ocr_client.cli.main`` (an uncaught exception is turned into
what the console script would print: a traceback and exit 1). ``ocr chain up``/``down`` and a few
usage errors run the installed ``.venv/bin/ocr`` so the detached anvil is not a child of pytest.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import subprocess
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from web3 import Web3

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil, log_path
from ocr_client.cli import commands, main
from tests.support.processes import pid_gone

OCR = Path(sys.executable).with_name("ocr")
DEMO_KEYS = {"chain_id", "feed", "n", "f", "threshold", "faulty", "mode", "seed", "decimals", "faulty_oracles",
             "transmitters", "rounds"}
ROUND_KEYS = {"epoch", "round", "answer", "honest_min", "honest_max", "tx", "gas_used", "status", "error",
              "leader", "transmitter", "signers"}
DEAD_URL = "http://127.0.0.1:9"
NO_FEED = "0x0000000000000000000000000000000000000001"
ENV_TO_CLEAR = ("OCR_RPC_URL", "OCR_PRIVATE_KEY")


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    def json(self) -> dict[str, object]:
        assert self.code == 0, f"exit {self.code}: {self.err}"
        assert self.out.strip().count("\n") == 0, f"more than one JSON line: {self.out!r}"
        data = json.loads(self.out)
        assert isinstance(data, dict)
        return data


def ocr(*args: str) -> Result:
    """Run ``ocr args`` in-process, as the console script would (sys.exit(main()))."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except Exception:
            err.write(traceback.format_exc())  # what Python prints for an uncaught exception
            code = 1
    return Result(code, out.getvalue(), err.getvalue())


def ocr_process(*args: str, timeout: float = 60) -> Result:
    """Run the installed ``ocr`` console script."""
    env = {k: v for k, v in os.environ.items() if k not in ENV_TO_CLEAR}
    done = subprocess.run([str(OCR), *args], capture_output=True, text=True, timeout=timeout, env=env,
                          stdin=subprocess.DEVNULL)
    return Result(done.returncode, done.stdout, done.stderr)


def assert_one_line_error(result: Result, code: int = 1, *needles: str) -> str:
    """Exit ``code``, no stdout, exactly one readable line on stderr containing each needle."""
    assert result.code == code, f"exit {result.code}, expected {code}; stderr: {result.err}"
    assert "Traceback" not in result.err, result.err
    line = result.err.strip()
    assert line, "nothing on stderr"
    assert "\n" not in line, f"more than one line on stderr: {result.err!r}"
    assert result.out == "", f"unexpected stdout: {result.out!r}"
    for needle in needles:
        assert needle in line, f"{needle!r} not in {line!r}"
    return line


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No ambient chain or key, and `ocr chain` state in a temporary folder (never the repo's .ocr)."""
    for name in ENV_TO_CLEAR:
        monkeypatch.delenv(name, raising=False)
    state = tmp_path / "ocr-state"
    monkeypatch.setenv("OCR_STATE_DIR", str(state))
    return state


@pytest.fixture(scope="module")
def committee_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("committee") / "keys"
    result = ocr("committee", "new", "--nodes", "4", "--seed", "1", "--out", str(out), "--json")
    assert result.json()["n"] == 4
    return out


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("key") / "deployer.key"
    path.write_text(dev_account(0).key.hex() + "\n")
    return path


@pytest.fixture(scope="module")
def cancun_anvil() -> Iterator[Anvil]:
    with Anvil(hardfork="cancun", chain_id=4243) as node:
        yield node


@pytest.fixture(scope="module")
def configured_feed(anvil: Anvil, key_file: Path, committee_dir: Path) -> str:
    """A feed on the session anvil with the 4-node committee installed."""
    feed = str(ocr("deploy", "--rpc-url", anvil.rpc_url, "--private-key-file", str(key_file), "--json").json()["feed"])
    ocr("set-config", "--feed", feed, "--committee", str(committee_dir / "committee.json"),
        "--rpc-url", anvil.rpc_url, "--private-key-file", str(key_file), "--json").json()
    return feed


# --- ocr demo ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_4() -> dict[str, object]:
    return ocr("demo", "--nodes", "4", "--rounds", "2", "--json").json()


def test_demo_json_has_exactly_the_documented_keys_and_accepted_answers_lie_in_the_honest_range(
    demo_4: dict[str, object],
) -> None:
    data = demo_4
    assert set(data) == DEMO_KEYS
    assert data["n"] == 4 and data["f"] == 1 and data["threshold"] == 2
    assert data["faulty"] == data["f"], "--faulty defaults to f"
    assert data["mode"] == "threshold" and data["seed"] == 0 and data["decimals"] == 8
    assert Web3.is_checksum_address(data["feed"])
    rounds = data["rounds"]
    assert isinstance(rounds, list) and len(rounds) == 2
    for r in rounds:
        assert set(r) == ROUND_KEYS, r
    accepted = [r for r in rounds if r["status"] == "accepted"]
    assert accepted, f"no round accepted with f faulty nodes: {rounds}"
    for r in accepted:
        assert r["honest_min"] <= r["answer"] <= r["honest_max"], r
        assert r["tx"] and r["gas_used"] > 0 and r["error"] is None
        assert 0 <= r["leader"] < 4 and 0 <= r["transmitter"] < 4
        assert r["signers"] is None, "threshold mode does not know who signed"


def test_demo_json_names_the_faulty_oracles_and_the_transmitter_of_each_oracle(anvil: Anvil) -> None:
    data = ocr("demo", "--nodes", "7", "--rounds", "3", "--seed", "4", "--rpc-url", anvil.rpc_url, "--json").json()
    faulty = data["faulty_oracles"]
    assert isinstance(faulty, list) and len(faulty) == data["faulty"] == 2
    assert faulty == sorted(set(faulty)) and all(0 <= i < 7 for i in faulty)
    transmitters = data["transmitters"]
    assert isinstance(transmitters, list) and len(set(transmitters)) == 7
    assert all(Web3.is_checksum_address(a) for a in transmitters)
    w3 = Web3(Web3.HTTPProvider(anvil.rpc_url))
    accepted = [r for r in data["rounds"] if r["status"] == "accepted"]  # type: ignore[union-attr]
    assert accepted
    for r in accepted:  # the chain's sender of each landed report is the oracle's listed transmitter
        assert w3.eth.get_transaction(r["tx"])["from"] == transmitters[r["transmitter"]], r


def test_demo_with_the_same_seed_gives_the_same_answers(demo_4: dict[str, object]) -> None:
    again = ocr("demo", "--nodes", "4", "--rounds", "2", "--seed", "0", "--json").json()

    def outcome(data: dict[str, object]) -> list[tuple[object, ...]]:
        return [(r["epoch"], r["round"], r["answer"], r["honest_min"], r["honest_max"], r["status"],
                 r["leader"], r["transmitter"])
                for r in data["rounds"]]  # type: ignore[union-attr]

    assert outcome(again) == outcome(demo_4)


def test_demo_with_more_liars_than_f_pauses_instead_of_landing_a_lie() -> None:
    data = ocr("demo", "--nodes", "7", "--faulty", "4", "--rounds", "4", "--seed", "1", "--json").json()
    assert data["f"] == 2 and data["faulty"] == 4 and data["faulty"] > data["f"]
    rounds = data["rounds"]
    statuses = [r["status"] for r in rounds]  # type: ignore[union-attr]
    assert set(statuses) <= {"accepted", "no-report"}, statuses
    assert "no-report" in statuses, statuses
    for r in rounds:  # type: ignore[union-attr]
        if r["status"] == "accepted":
            assert r["honest_min"] <= r["answer"] <= r["honest_max"], r
        else:
            assert r["answer"] is None and r["tx"] is None, r


def test_demo_strategy_names_are_the_protocol_strategies() -> None:
    import random

    from ocr_client.protocol.byzantine import Behaviour, behaviour
    from ocr_client.protocol.strategy_names import STRATEGIES

    shown = ocr("demo", "--help").out
    assert "{" + ",".join(STRATEGIES) + "}" in shown.replace("\n", "").replace(" ", "")
    assert all(isinstance(behaviour(name, random.Random(0)), Behaviour) for name in STRATEGIES)


@pytest.mark.parametrize("strategy", ["silent-leader", "equivocate"])
def test_demo_with_a_byzantine_strategy_and_message_loss_still_lands_honest_answers(strategy: str) -> None:
    data = ocr("demo", "--nodes", "4", "--rounds", "12", "--strategy", strategy, "--drop", "0.1", "--seed", "2",
               "--json").json()
    accepted = [r for r in data["rounds"] if r["status"] == "accepted"]  # type: ignore[union-attr]
    assert len(accepted) >= 4, data["rounds"]
    for r in accepted:
        assert r["honest_min"] <= r["answer"] <= r["honest_max"], r


def test_demo_in_accountable_mode_names_the_signers_of_every_landed_round() -> None:
    data = ocr("demo", "--nodes", "4", "--rounds", "3", "--mode", "accountable", "--json").json()
    assert data["mode"] == "accountable"
    for r in data["rounds"]:  # type: ignore[union-attr]
        assert r["status"] == "accepted", r
        signers = r["signers"]
        assert isinstance(signers, list) and len(signers) >= data["threshold"], r
        assert all(0 <= s < 4 for s in signers) and signers == sorted(set(signers))


@pytest.mark.parametrize("argv, problem", [
    (["--strategy", "nonsense"], "invalid choice"),
    (["--drop", "1.5"], "must be in [0, 1)"),
    (["--drop", "x"], "expected a probability"),
    (["--mode", "other"], "invalid choice"),
])
def test_demo_rejects_bad_protocol_options_in_one_line(argv: list[str], problem: str) -> None:
    assert_one_line_error(ocr("demo", *argv), 2, problem)


# --- the chain workflow ------------------------------------------------------------------------


def test_chain_workflow_deploys_configures_pushes_and_reads_back_on_a_managed_anvil(
    tmp_path: Path, isolated_env: Path
) -> None:
    keys = tmp_path / "committee"
    up = ocr_process("chain", "up", "--json")
    state: dict[str, object] = {}
    try:
        state = up.json()
        assert (isolated_env / "chain.json").exists()
        assert json.loads((isolated_env / "chain.json").read_text())["pid"] == state["pid"]
        assert set(state) >= {"pid", "rpc_url", "chain_id"}
        assert str(state["rpc_url"]).startswith("http://127.0.0.1:")

        made = ocr("committee", "new", "--nodes", "4", "--seed", "1", "--out", str(keys), "--json").json()
        assert (made["n"], made["f"], made["threshold"]) == (4, 1, 2)
        assert sorted(p.name for p in keys.iterdir()) == [
            "committee.json", "oracle-0.json", "oracle-1.json", "oracle-2.json", "oracle-3.json"]

        deployed = ocr("deploy", "--json").json()
        feed = str(deployed["feed"])
        assert deployed["chain_id"] == state["chain_id"]
        assert deployed["owner"] == dev_account(0).address  # managed anvil: dev key 0 pays

        configured = ocr("set-config", "--feed", feed, "--committee", str(keys / "committee.json"), "--json").json()
        assert configured["config_count"] == 1

        before = ocr("read", "--feed", feed, "--json").json()
        assert before["answer"] is None and before["round_id"] is None

        pushed = ocr("push", "--feed", feed, "--keys", str(keys), "--value", "3012.5", "--json").json()
        assert pushed["answer"] == 301250000000

        after = ocr("read", "--feed", feed, "--json").json()
        assert after["answer"] == 301250000000
        assert after["round_id"] == 1
        assert after["decimals"] == 8
        assert isinstance(after["age_seconds"], int) and after["age_seconds"] >= 0
    finally:
        down = ocr_process("chain", "down", "--json")
    assert down.json() == {"stopped": True}
    assert pid_gone(int(state["pid"])), "anvil survived `ocr chain down`"  # type: ignore[arg-type]
    assert not (isolated_env / "chain.json").exists()
    assert ocr_process("chain", "down", "--json").json() == {"stopped": False}


@pytest.mark.slow
def test_chain_down_removes_the_anvil_log_it_started_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build = tmp_path / "build"
    monkeypatch.setenv("OCR_BUILD_DIR", str(build))  # chain up/down compile nothing, so an empty build dir is fine
    up = ocr_process("chain", "up", "--json")
    try:
        state = up.json()
        assert log_path(str(state["rpc_url"]).rsplit(":", 1)[1]).exists()
    finally:
        down = ocr_process("chain", "down", "--json")
    assert down.json() == {"stopped": True}
    assert pid_gone(int(state["pid"]))  # type: ignore[arg-type]
    assert sorted(p.name for p in build.iterdir()) == []


# --- a chain ocr did not start needs a key -----------------------------------------------------


def test_a_chain_given_by_rpc_url_refuses_to_deploy_without_a_private_key(anvil: Anvil) -> None:
    result = ocr("deploy", "--rpc-url", anvil.rpc_url)
    assert_one_line_error(result, 1, "--private-key-file", "OCR_PRIVATE_KEY")


def test_a_chain_given_by_rpc_url_deploys_with_a_private_key_file(anvil: Anvil, w3: Web3, key_file: Path) -> None:
    deployed = ocr("deploy", "--rpc-url", anvil.rpc_url, "--private-key-file", str(key_file), "--json").json()
    assert deployed["owner"] == dev_account(0).address
    assert w3.eth.get_code(Web3.to_checksum_address(str(deployed["feed"])))


def test_a_chain_given_by_rpc_url_deploys_with_ocr_private_key_in_the_environment(
    anvil: Anvil, w3: Web3, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OCR_PRIVATE_KEY", "0x" + dev_account(1).key.hex().removeprefix("0x"))
    deployed = ocr("deploy", "--rpc-url", anvil.rpc_url, "--json").json()
    assert deployed["owner"] == dev_account(1).address
    assert w3.eth.get_code(Web3.to_checksum_address(str(deployed["feed"])))


def test_a_chain_given_by_ocr_rpc_url_also_needs_a_key(anvil: Anvil, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCR_RPC_URL", anvil.rpc_url)
    assert_one_line_error(ocr("deploy"), 1, "--private-key-file")


# --- bad inputs: one line, non-zero exit, nothing half-written ----------------------------------


def test_an_unknown_option_is_a_usage_error_with_exit_2_and_one_line() -> None:
    result = ocr_process("demo", "--bogus")
    assert_one_line_error(result, 2, "--bogus")
    assert_one_line_error(ocr("demo", "--bogus"), 2, "--bogus")


@pytest.mark.parametrize("url", [DEAD_URL, "ftp://x"], ids=["nothing-listening", "not-http"])
def test_an_unreachable_rpc_url_exits_1_with_one_line(url: str) -> None:
    assert_one_line_error(ocr_process("read", "--feed", NO_FEED, "--rpc-url", url), 1, url)


def test_with_no_chain_at_all_read_says_how_to_get_one() -> None:
    assert_one_line_error(ocr("read", "--feed", NO_FEED), 1, "ocr chain up")


def test_a_chain_without_eip2537_is_refused_naming_the_precompiles(cancun_anvil: Anvil, key_file: Path) -> None:
    line = assert_one_line_error(ocr("read", "--feed", NO_FEED, "--rpc-url", cancun_anvil.rpc_url), 1, "EIP-2537")
    assert "4243" in line
    assert_one_line_error(
        ocr("deploy", "--rpc-url", cancun_anvil.rpc_url, "--private-key-file", str(key_file)), 1, "EIP-2537")


def test_reading_an_address_without_code_is_refused_in_one_line(anvil: Anvil) -> None:
    assert_one_line_error(ocr("read", "--feed", NO_FEED, "--rpc-url", anvil.rpc_url), 1, "no contract")


def test_a_committee_that_breaks_3f_below_n_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "bad-committee"
    assert_one_line_error(ocr("committee", "new", "--nodes", "3", "--f", "1", "--out", str(out)), 1, "3f < n")
    assert not (out / "committee.json").exists()
    assert not out.exists() or not any(out.iterdir())


def test_a_committee_file_as_private_key_is_refused_as_not_secp256k1(anvil: Anvil, committee_dir: Path) -> None:
    result = ocr("deploy", "--rpc-url", anvil.rpc_url, "--private-key-file", str(committee_dir / "committee.json"))
    assert_one_line_error(result, 1, "not a secp256k1 private key")


def test_an_oracle_secrets_file_as_committee_is_refused_by_kind(anvil: Anvil, key_file: Path,
                                                               committee_dir: Path) -> None:
    result = ocr("set-config", "--feed", NO_FEED, "--committee", str(committee_dir / "oracle-0.json"),
                 "--rpc-url", anvil.rpc_url, "--private-key-file", str(key_file))
    assert_one_line_error(result, 1, "not a ocr-client/committee file", "oracle-secrets")


def test_a_truncated_committee_json_is_refused_as_corrupted(
    tmp_path: Path, anvil: Anvil, key_file: Path, committee_dir: Path, configured_feed: str
) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for p in committee_dir.iterdir():
        (broken / p.name).write_bytes(p.read_bytes())
    text = (broken / "committee.json").read_text()
    (broken / "committee.json").write_text(text[: len(text) // 2])
    chain = ("--rpc-url", anvil.rpc_url, "--private-key-file", str(key_file))
    line = assert_one_line_error(
        ocr("set-config", "--feed", configured_feed, "--committee", str(broken / "committee.json"), *chain), 1)
    assert "not valid JSON" in line and "corrupted" in line
    line = assert_one_line_error(
        ocr("push", "--feed", configured_feed, "--keys", str(broken), "--value", "1", *chain), 1)
    assert "not valid JSON" in line and "corrupted" in line


def test_committee_new_twice_into_one_folder_fails_and_keeps_the_first_files(tmp_path: Path) -> None:
    out = tmp_path / "keys"
    ocr("committee", "new", "--nodes", "4", "--seed", "1", "--out", str(out), "--json").json()
    first = snapshot(out)
    result = ocr("committee", "new", "--nodes", "7", "--seed", "2", "--out", str(out))
    assert_one_line_error(result, 1, "already exists")
    assert snapshot(out) == first


# --- bad inputs that once escaped as tracebacks ------------------------------------------------


def test_a_malformed_feed_address_is_refused_in_one_line(anvil: Anvil) -> None:
    assert_one_line_error(ocr("read", "--feed", "notanaddress", "--rpc-url", anvil.rpc_url), 1, "notanaddress")


def test_a_committee_out_path_that_is_a_file_is_refused_in_one_line(tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("keep me")
    assert_one_line_error(ocr("committee", "new", "--nodes", "4", "--out", str(target)), 1)
    assert target.read_text() == "keep me"


def test_pushing_to_a_feed_without_a_config_is_refused_in_one_line(anvil: Anvil, key_file: Path,
                                                                  committee_dir: Path) -> None:
    chain = ("--rpc-url", anvil.rpc_url, "--private-key-file", str(key_file))
    feed = str(ocr("deploy", *chain, "--json").json()["feed"])
    assert_one_line_error(ocr("push", "--feed", feed, "--keys", str(committee_dir), "--value", "3000", *chain), 1)


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_a_non_finite_push_value_is_refused_in_one_line(value: str, anvil: Anvil, key_file: Path,
                                                       committee_dir: Path, configured_feed: str) -> None:
    result = ocr("push", "--feed", configured_feed, "--keys", str(committee_dir), "--value", value,
                 "--rpc-url", anvil.rpc_url, "--private-key-file", str(key_file))
    assert_one_line_error(result, 1)


def test_chain_status_with_a_corrupted_state_file_is_refused_in_one_line(isolated_env: Path) -> None:
    isolated_env.mkdir(parents=True)
    (isolated_env / "chain.json").write_text("{garbage")
    assert_one_line_error(ocr("chain", "status"), 1, "chain.json")


def test_an_rpc_node_that_stops_answering_mid_command_is_one_line_not_a_traceback(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A node that accepts the connection and never answers (as anvil did at n = 100 under load):
    # whichever command is talking to it gets requests' ReadTimeout, which main turns into one line.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"

        def hangs(_args: object) -> None:
            requests.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber"}, timeout=0.3)

        monkeypatch.setitem(commands.COMMANDS, "read", hangs)
        line = assert_one_line_error(ocr("read", "--feed", NO_FEED, "--rpc-url", url), 1, "ReadTimeout")
    assert line.startswith("ocr read: error: the RPC node stopped answering")
