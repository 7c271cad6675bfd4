"""The committed report vectors: Python re-derives every byte, and the contract accepts them as they are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.chain.rpc import connect
from ocr_client.chain.transactions import send_transaction
from ocr_client.committee.local import LocalCommittee
from ocr_client.crypto import get_backend
from ocr_client.feed import Feed
from ocr_client.local.feed import FUNDING_WEI
from ocr_client.local.vectors import build_vector
from ocr_client.report.layout import decode_report, split_transmit_calldata

VECTORS: list[dict[str, Any]] = json.loads((Path(__file__).parent / "reports.json").read_text())


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_python_rederives_every_byte_of_the_vector(vector: dict[str, Any]) -> None:
    inputs = {"name", "n", "seed", "epoch", "round", "values", "timestamps", "observers", "signers"}
    fresh = build_vector({k: v for k, v in vector.items() if k in inputs})
    assert fresh == vector


@pytest.mark.parametrize("backend", ["arkworks", "py_ecc"])
@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector_decodes_and_its_signature_verifies(vector: dict[str, Any], backend: str) -> None:
    report_bytes, signature, transmitter_index = split_transmit_calldata(bytes.fromhex(vector["calldata"]))
    assert transmitter_index == vector["transmitter_index"]
    assert report_bytes.hex() == vector["report"]
    report = decode_report(report_bytes)
    assert report.answer == vector["answer"] and report.epoch == vector["epoch"] and report.round == vector["round"]
    assert sorted(o.value for o in report.observations) == sorted(vector["values"])
    assert get_backend(backend).verify(bytes.fromhex(vector["group_public_key"]),
                                       bytes.fromhex(vector["signing_digest"]), signature)


def test_contract_accepts_the_vectors_exact_calldata() -> None:
    with Anvil() as anvil:  # fresh chain: the first deployment lands at the vectors' feed address
        w3 = connect(anvil.rpc_url)
        owner = dev_account(0)
        for vector in VECTORS:
            anvil_reset(w3)
            feed = Feed.deploy(w3, owner)
            assert feed.address == vector["feed"]
            committee = LocalCommittee.create(vector["n"], seed=vector["seed"])
            feed.set_config(owner, committee.onchain_config(vector["min_answer"], vector["max_answer"]))
            assert feed.config_digest().hex() == vector["config_digest"]
            calldata = bytes.fromhex(vector["calldata"])
            sender = committee.transmitters[vector["transmitter_index"]]
            send_transaction(w3, owner, sender.address, b"", value=FUNDING_WEI)
            feed.transmit(sender, calldata)
            latest = feed.latest_round()
            assert latest is not None and latest.answer == vector["answer"]


def anvil_reset(w3: Any) -> None:
    """Back to a fresh chain, so account 0's next deployment is at its first CREATE address."""
    w3.provider.make_request("anvil_reset", [])  # nonces follow: with nothing in flight they come from the chain
