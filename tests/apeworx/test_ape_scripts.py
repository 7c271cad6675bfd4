"""``ape run`` scripts, run as a user runs them: ``--network ethereum:local:foundry`` (ape-foundry).

ape-foundry connects to the session's anvil (``APE_FOUNDRY_HOST``), so deploy, configure, push and
read run one after another on one chain; one test lets ape-foundry start its own anvil instead.
Accounts live in a fresh ape data folder per test; a transmitter's V3 keystore (``ocr keys new``
wrote it) becomes an ape account, unlocked by ape's passphrase variable, never by a prompt.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from web3 import Web3

from ocr_client.apeworx.names import passphrase_variable
from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.chain.transactions import send_transaction
from ocr_client.committee.files import PASSWORD_ENV, write_committee
from ocr_client.committee.local import LocalCommittee
from ocr_client.feed import Feed
from tests.support.ape import ApeCLI, error_line, requires_ape

pytestmark = requires_ape

PASSWORD = "correct horse battery staple"
TRANSMITTER = 1  # an oracle other than the first, so the transmitter index is really looked up


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 4-oracle committee in keystores, as ``ocr keys new --password-file`` writes it."""
    out = tmp_path_factory.mktemp("keys") / "keys"
    write_committee(LocalCommittee.create(4, seed=None), out, PASSWORD, kdf="pbkdf2")
    return out


@pytest.fixture
def ape(tmp_path: Path, anvil: Anvil) -> ApeCLI:
    return ApeCLI(data_folder=tmp_path / "ape-data", foundry_host=anvil.rpc_url)


def import_transmitter(ape: ApeCLI, keys: Path, alias: str) -> str:
    """Make oracle TRANSMITTER's transmitter key an ape account (ape keeps V3 keystores by alias)."""
    accounts = ape.data_folder / "accounts"
    accounts.mkdir(parents=True, exist_ok=True)
    shutil.copy(keys / f"oracle-{TRANSMITTER}.transmitter.json", accounts / f"{alias}.json")
    listed = ape.run("accounts", "list")
    assert alias in listed.stdout, listed.stdout + listed.stderr
    return str(json.loads((keys / "committee.json").read_text())["transmitters"][TRANSMITTER])


def fund(w3: Web3, address: str) -> None:
    send_transaction(w3, dev_account(0), Web3.to_checksum_address(address), b"", value=10**18)


@pytest.fixture
def configured_feed(w3: Web3, keys: Path, ape: ApeCLI) -> str:
    """A feed deployed and configured by the ape scripts, owned by ape's test account 0."""
    [deployed] = ape.script_json("deploy_feed", "--account", "TEST::0", "--description", "ETH / USD")
    [configured] = ape.script_json("configure_feed", "--account", "TEST::0", "--feed", deployed["feed"],
                                   "--committee", str(keys / "committee.json"))
    assert configured["config_count"] == 1
    return str(deployed["feed"])


def unlocked(alias: str) -> dict[str, str]:
    return {passphrase_variable(alias): PASSWORD, PASSWORD_ENV: PASSWORD}


def test_deploy_configure_push_on_an_interval_and_read(w3: Web3, keys: Path, ape: ApeCLI) -> None:
    [deployed] = ape.script_json("deploy_feed", "--account", "TEST::0", "--decimals", "8", "--description", "ETH / USD")
    feed = Feed(w3, deployed["feed"])
    assert deployed["owner"] == dev_account(0).address  # ape's TEST::0 is anvil's first dev account
    assert deployed["chain_id"] == w3.eth.chain_id

    [configured] = ape.script_json("configure_feed", "--account", "TEST::0", "--feed", feed.address,
                                   "--committee", str(keys / "committee.json"))
    assert configured["config_digest"] == "0x" + feed.config_digest().hex()

    transmitter = import_transmitter(ape, keys, "oracle1")
    [funded] = ape.script_json("fund_account", "--account", "TEST::0", "--to", "oracle1", "--ether", "1")
    assert (funded["to"], funded["wei"]) == (Web3.to_checksum_address(transmitter), 10**18)
    assert w3.eth.get_balance(Web3.to_checksum_address(transmitter)) >= 10**18
    nonce_before = w3.eth.get_transaction_count(Web3.to_checksum_address(transmitter))
    pushed = ape.script_json("push_reports", "--account", "oracle1", "--feed", feed.address, "--keys", str(keys),
                             "--value", "3012.5", "--interval", "0.2", "--count", "3", env=unlocked("oracle1"))

    assert [(p["epoch"], p["round"]) for p in pushed] == [(0, 1), (0, 2), (0, 3)]
    assert {p["answer"] for p in pushed} == {3012_50000000}
    landed = feed.transmissions()
    assert [t.tx_hash for t in landed] == [p["tx"] for p in pushed]  # each report landed once, in order
    assert {t.transmitter for t in landed} == {Web3.to_checksum_address(transmitter)}
    assert w3.eth.get_transaction_count(Web3.to_checksum_address(transmitter)) == nonce_before + 3

    [latest] = ape.script_json("read_feed", "--feed", feed.address)
    assert (latest["answer"], latest["round_id"], latest["decimals"]) == (3012_50000000, 3, 8)
    assert latest["description"] == "ETH / USD"
    [first] = ape.script_json("read_feed", "--feed", feed.address, "--round", "1")
    assert first["round_id"] == 1


def test_push_reads_its_source_before_each_push_and_stops_within_the_duration(
        w3: Web3, keys: Path, ape: ApeCLI, configured_feed: str, tmp_path: Path) -> None:
    prices = tmp_path / "prices.csv"
    prices.write_text("price\n3000\n3001\n3002\n3003\n3004\n3005\n")
    fund(w3, import_transmitter(ape, keys, "oracle1"))
    source = json.dumps({"type": "csv", "path": str(prices)})
    pushed = ape.script_json("push_reports", "--account", "oracle1", "--feed", configured_feed, "--keys", str(keys),
                             "--source", source, "--interval", "0.5", "--duration", "1.2", env=unlocked("oracle1"))
    # slots at 0, 0.5 and 1.0 s at most (fewer if a push overran its slot); the rows in order
    assert 1 <= len(pushed) <= 3
    assert [p["answer"] for p in pushed] == [(3000 + i) * 10**8 for i in range(len(pushed))]
    assert Feed(w3, configured_feed).latest_round().answer == pushed[-1]["answer"]  # type: ignore[union-attr]


def test_ape_foundry_starts_its_own_prague_anvil_when_none_is_running(tmp_path: Path) -> None:
    own = ApeCLI(data_folder=tmp_path / "ape-data")  # no APE_FOUNDRY_HOST: ape-foundry starts anvil
    [deployed] = own.script_json("deploy_feed", "--account", "TEST::0")
    # deploy_feed preflights the chain first: it has the EIP-2537 precompiles (prague, from ape-config.yaml)
    assert deployed["chain_id"] == 31337
    assert Web3.is_checksum_address(deployed["feed"])


# --- bad input: one line, exit 1, nothing sent ----------------------------------------------


def test_an_unknown_ape_network_is_named_in_one_line(ape: ApeCLI) -> None:
    done = ape.run("run", "read_feed", "--network", "ethereum:nowhere:foundry", "--feed", dev_account(0).address)
    assert error_line(done) == ("Error: unknown ape network 'ethereum:nowhere:foundry': No network in 'ethereum' "
                                "named 'nowhere'; `ape networks list` shows the choices")


def test_an_unknown_account_alias_is_named_in_one_line_and_nothing_is_sent(w3: Web3, ape: ApeCLI) -> None:
    block = w3.eth.block_number
    line = error_line(ape.script("deploy_feed", "--account", "nobody"))
    assert line.startswith("Error: no ape account with alias 'nobody'")
    assert "ape accounts import nobody" in line
    assert w3.eth.block_number == block


def test_a_locked_alias_without_its_passphrase_variable_fails_before_anything_is_sent(
        w3: Web3, keys: Path, ape: ApeCLI, configured_feed: str) -> None:
    transmitter = import_transmitter(ape, keys, "oracle1")
    keyfile = ape.data_folder / "accounts" / "oracle1.json"
    before = keyfile.read_bytes()
    nonce = w3.eth.get_transaction_count(Web3.to_checksum_address(transmitter))
    done = ape.script("push_reports", "--account", "oracle1", "--feed", configured_feed, "--keys", str(keys),
                      "--value", "3000", "--count", "1", env={PASSWORD_ENV: PASSWORD})
    assert error_line(done) == ("Error: ape account 'oracle1' is locked: set APE_ACCOUNTS_oracle1_PASSPHRASE "
                                "to its passphrase (scripts never prompt)")
    assert keyfile.read_bytes() == before  # the key is untouched
    assert w3.eth.get_transaction_count(Web3.to_checksum_address(transmitter)) == nonce  # no nonce used


def test_a_wrong_passphrase_is_one_line(keys: Path, ape: ApeCLI, configured_feed: str) -> None:
    import_transmitter(ape, keys, "oracle1")
    done = ape.script("push_reports", "--account", "oracle1", "--feed", configured_feed, "--keys", str(keys),
                      "--value", "3000", "--count", "1",
                      env={passphrase_variable("oracle1"): "wrong", PASSWORD_ENV: PASSWORD})
    assert error_line(done) == "Error: APE_ACCOUNTS_oracle1_PASSPHRASE does not unlock ape account 'oracle1' (wrong passphrase)"


def test_an_account_that_is_not_a_transmitter_is_refused_before_paying(
        w3: Web3, keys: Path, ape: ApeCLI, configured_feed: str) -> None:
    stranger = dev_account(2).address
    nonce = w3.eth.get_transaction_count(stranger)
    done = ape.script("push_reports", "--account", "TEST::2", "--feed", configured_feed, "--keys", str(keys),
                      "--value", "3000", "--count", "1", env={PASSWORD_ENV: PASSWORD})
    assert error_line(done).startswith(f"Error: ape account {stranger} is not a transmitter of feed {configured_feed}")
    assert w3.eth.get_transaction_count(stranger) == nonce


def test_a_push_loop_without_a_bound_is_refused(keys: Path, ape: ApeCLI, configured_feed: str) -> None:
    done = ape.script("push_reports", "--account", "TEST::0", "--feed", configured_feed, "--keys", str(keys),
                      "--value", "3000")
    assert error_line(done) == "Error: give --count or --duration (or both): a push loop must end by itself"
