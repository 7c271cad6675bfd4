"""Report test vectors shared by the Python codec and the Solidity verifier.

Each vector is a seeded committee and a report on a feed deployed first by anvil's account 0 on a
fresh chain (so its address is always the same): the encoded report, the signing digest, the
combined signature and the transmit calldata. Python tests re-derive every byte; the contract
test deploys the same feed and must accept exactly these bytes.
"""

from __future__ import annotations

from typing import Any, Final

from eth_utils import to_checksum_address

from ocr_client.committee.local import LocalCommittee
from ocr_client.report.config import config_digest
from ocr_client.report.layout import Observation, encode_report, encode_transmit_calldata, signing_digest
from ocr_client.report.median import build_report

CHAIN_ID: Final[int] = 31337
#: CREATE address of the first contract anvil's account 0 deploys on a fresh chain.
FEED_ADDRESS: Final[str] = to_checksum_address("0x5fbdb2315678afecb367f032d93f642f64180aa3")
MIN_ANSWER: Final[int] = -(10**30)
MAX_ANSWER: Final[int] = 10**30
#: Every vector is sent by oracle 1's transmitter.
TRANSMITTER_INDEX: Final[int] = 1

CASES: Final[list[dict[str, Any]]] = [
    {"name": "n4-all-observe", "n": 4, "seed": 11, "epoch": 1, "round": 1,
     "values": [3000_00000000, 3001_50000000, 2999_99999999, 3000_00000001],
     "timestamps": [1_700_000_001, 1_700_000_002, 1_700_000_003, 1_700_000_004]},
    {"name": "n4-negative-and-quorum-only", "n": 4, "seed": 12, "epoch": 7, "round": 255,
     "values": [-5, -7, 2**191 - 1], "observers": [3, 0, 2], "timestamps": [2**32 - 1, 2**32 - 1 - 65535, 2**32 - 12345]},
    {"name": "n7-threshold-3", "n": 7, "seed": 13, "epoch": 2**32 - 1, "round": 3,
     "values": [10, 20, 30, 40, 50, 60, 70], "timestamps": [1] * 7, "signers": [6, 2, 4]},
]


def build_vector(case: dict[str, Any]) -> dict[str, Any]:
    """Every derived byte of one case, as hex."""
    committee = LocalCommittee.create(case["n"], seed=case["seed"])
    config = committee.onchain_config(MIN_ANSWER, MAX_ANSWER)
    digest = config_digest(CHAIN_ID, FEED_ADDRESS, 1, config)
    observers = case.get("observers", list(range(len(case["values"]))))
    observations = [Observation(o, t, v) for o, t, v in zip(observers, case["timestamps"], case["values"], strict=True)]
    report = build_report(digest, case["epoch"], case["round"], observations)
    raw = encode_report(report)
    to_sign = signing_digest(CHAIN_ID, FEED_ADDRESS, raw)
    signed = committee.sign(to_sign, case.get("signers"))
    return {
        **case,
        "chain_id": CHAIN_ID, "feed": FEED_ADDRESS, "min_answer": MIN_ANSWER, "max_answer": MAX_ANSWER,
        "group_public_key": committee.group_public_key.hex(),
        "config_digest": digest.hex(), "answer": report.answer,
        "report": raw.hex(), "signing_digest": to_sign.hex(), "signature": signed.signature.hex(),
        "transmitter_index": TRANSMITTER_INDEX,
        "calldata": encode_transmit_calldata(raw, signed.signature, TRANSMITTER_INDEX).hex(),
    }


def build_all() -> list[dict[str, Any]]:
    return [build_vector(case) for case in CASES]
