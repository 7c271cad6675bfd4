"""Node config validation: every mistake is one ConfigError naming the field."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ocr_client.cli.node import main
from ocr_client.committee.files import read_oracle_keys
from ocr_client.committee.local import LocalCommittee
from ocr_client.errors import ConfigError, KeyFileError
from ocr_client.node.config import NodeConfigError, load_node_config

Edit = Callable[[int, Callable[[dict[str, Any]], object]], Path]


def test_provisioned_configs_load_and_share_one_secret(node_folder: Path) -> None:
    configs = [load_node_config(node_folder / f"node-{i}.json") for i in range(4)]
    assert [c.index for c in configs] == [0, 1, 2, 3]
    assert len({c.shared_secret for c in configs}) == 1
    assert len(configs[0].shared_secret) == 16
    first = configs[0]
    assert (first.n, first.f, first.threshold) == (4, 1, 2)
    assert first.store == node_folder / "stores" / "node-0.sqlite"
    assert first.committee_dir == node_folder / "committee"
    assert [p.endpoint for p in first.peers] == [c.bind for c in configs]
    assert first.signing_key.verify_key == configs[2].verify_keys[0]
    text = repr(first)  # secrets stay out of repr
    assert bytes(first.signing_key).hex() not in text and first.curve_secret not in text and "shared_secret" not in text


def _delete(*path: str) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        for key in path[:-1]:
            doc = doc[key]
        del doc[path[-1]]
    return change


@pytest.mark.parametrize("path", [
    ("store",), ("rpc_url",), ("feed",), ("offchain", "n"), ("offchain", "timing"), ("transport", "peers"),
    ("secrets", "x25519"), ("keys", "committee"), ("offchain", "sealed_shared_secrets"), ("sources",),
])
def test_a_missing_field_is_named(edit_config: Edit, path: tuple[str, ...]) -> None:
    config = edit_config(0, _delete(*path))
    with pytest.raises(NodeConfigError, match="missing") as info:
        load_node_config(config)
    assert info.value.field == ".".join(path)


def test_unknown_fields_are_refused(edit_config: Edit) -> None:
    config = edit_config(1, lambda d: d.update(stor="x"))
    with pytest.raises(NodeConfigError, match=r"unknown field.*stor"):
        load_node_config(config)
    config = edit_config(1, lambda d: (d.pop("stor"), d["offchain"]["timing"].update(delta_progres=1)))
    with pytest.raises(NodeConfigError, match="delta_progres") as info:
        load_node_config(config)
    assert info.value.field == "offchain.timing"


def test_a_secret_sealed_to_another_oracle_is_refused(edit_config: Edit) -> None:
    def swap(doc: dict[str, Any]) -> None:
        sealed = doc["offchain"]["sealed_shared_secrets"]
        sealed[0], sealed[1] = sealed[1], sealed[0]

    config = edit_config(0, swap)
    with pytest.raises(NodeConfigError, match="cannot be opened") as info:
        load_node_config(config)
    assert info.value.field == "offchain.sealed_shared_secrets[0]"


def test_a_corrupted_sealed_secret_is_refused(edit_config: Edit) -> None:
    config = edit_config(2, lambda d: d["offchain"]["sealed_shared_secrets"].__setitem__(2, "zz"))
    with pytest.raises(NodeConfigError, match="not valid hex"):
        load_node_config(config)
    config = edit_config(2, lambda d: d["offchain"]["sealed_shared_secrets"].__setitem__(2, "00" * 64))
    with pytest.raises(NodeConfigError, match="sealed_shared_secrets\\[2\\]"):
        load_node_config(config)


def test_keys_must_belong_to_this_oracle(edit_config: Edit, node_folder: Path) -> None:
    config = edit_config(0, lambda d: d["secrets"].update(ed25519={"file": "secrets/node-1.ed25519"}))
    with pytest.raises(NodeConfigError, match="ed25519_public_keys\\[0\\]"):
        load_node_config(config)
    config = edit_config(0, lambda d: d["secrets"].update(ed25519={"file": "secrets/node-0.ed25519"},
                                                          curve={"file": "secrets/node-3.curve"}))
    with pytest.raises(NodeConfigError, match=r"peers\[0\]\.public_key"):
        load_node_config(config)
    config = edit_config(0, lambda d: d["secrets"].update(curve={"file": "secrets/missing"}))
    with pytest.raises(NodeConfigError, match="cannot read"):
        load_node_config(config)


def test_protocol_rules_and_sources_are_checked_at_load(edit_config: Edit) -> None:
    config = edit_config(3, lambda d: d["offchain"]["timing"].update(delta_grace=5.0))
    with pytest.raises(NodeConfigError, match="DeltaGrace < DeltaRound") as info:
        load_node_config(config)
    assert info.value.field == "offchain"
    config = edit_config(3, lambda d: (d["offchain"]["timing"].update(delta_grace=0.25),
                                       d["sources"][0].update(type="carrier-pigeon")))
    with pytest.raises(NodeConfigError, match="carrier-pigeon") as info:
        load_node_config(config)
    assert info.value.field == "sources[0]"
    config = edit_config(3, lambda d: (d["sources"][0].update(type="random-walk"), d.update(index=4)))
    with pytest.raises(NodeConfigError, match="not in a committee"):
        load_node_config(config)


def test_expected_digest_must_be_32_bytes(edit_config: Edit) -> None:
    config = edit_config(0, lambda d: d.update(expected_config_digest="0x1234"))
    with pytest.raises(NodeConfigError, match="32 bytes") as info:
        load_node_config(config)
    assert info.value.field == "expected_config_digest"


def test_unreadable_config_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_node_config(tmp_path / "nope.json")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_node_config(tmp_path / "bad.json")
    (tmp_path / "list.json").write_text("[]")
    with pytest.raises(NodeConfigError, match="expected an object"):
        load_node_config(tmp_path / "list.json")


def test_cli_reports_a_config_error_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["node", "--config", str(tmp_path / "nope.json")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ocr node: error: cannot read node config") and err.count("\n") == 1


def test_read_oracle_keys_reads_only_one_oracle(node_folder: Path, committee: LocalCommittee) -> None:
    folder = node_folder / "committee"
    for other in (0, 1, 3):
        (folder / f"oracle-{other}.json").unlink()
    share, public, account = read_oracle_keys(folder, 2)
    assert share == committee.share(2)
    assert public == committee.dealing.committee
    assert account.address == committee.transmitters[2].address
    with pytest.raises(KeyFileError):
        read_oracle_keys(folder, 1)
    with pytest.raises(KeyFileError, match="not in the committee"):
        read_oracle_keys(folder, 4)


def test_read_oracle_keys_refuses_a_share_of_another_committee(node_folder: Path) -> None:
    folder = node_folder / "committee"
    doc = json.loads((folder / "oracle-1.json").read_text())
    (folder / "oracle-0.json").write_text(json.dumps({**doc, "index": 0}))
    with pytest.raises(KeyFileError, match="does not match"):
        read_oracle_keys(folder, 0)
