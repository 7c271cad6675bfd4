"""An OCRFeed driven through ape: deploy, configure from ``committee.json``, push signed reports, read.

Reads and checks go through the project's :class:`~ocr_client.feed.Feed` handle on ape's own web3
connection, so errors are decoded the same way as in ``ocr``. Writes are built by the project's
code (report layout, signing digest, threshold signature, setConfig encoding), dry-run with an
``eth_estimateGas`` that names the contract's custom error before anything is paid, and then
handed to the ape account, which sets nonce and fees, signs and sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ape import chain
from web3 import Web3

from ocr_client.apeworx.contracts import container
from ocr_client.chain.rpc import ChainInfo, preflight
from ocr_client.chain.transactions import GAS_MARGIN_DEN, GAS_MARGIN_NUM, estimate_gas
from ocr_client.committee.files import read_onchain_config
from ocr_client.committee.local import LocalCommittee
from ocr_client.errors import ApeScriptError, ChainError
from ocr_client.feed.handle import FEED_CONTRACT, Feed
from ocr_client.report.config import validate_config
from ocr_client.report.layout import Observation, encode_report, encode_transmit_calldata, signing_digest
from ocr_client.report.median import build_report

#: Rounds are one byte in the report layout; after the last one the next report opens a new epoch.
LAST_ROUND: Final[int] = 255


def ape_web3() -> Web3:
    """The web3 connection of ape's connected provider (ape 0.8 and we share web3 7)."""
    w3 = chain.provider.web3
    if not isinstance(w3, Web3):
        raise ChainError("ape's provider has no web3 connection")
    return w3


def connected_chain() -> ChainInfo:
    """Preflight ape's chain as ``ocr`` does: the chain id, and the EIP-2537 precompiles present."""
    return preflight(ape_web3())


def next_epoch_round(epoch: int, round_: int) -> tuple[int, int]:
    """The (epoch, round) after the feed's latest one."""
    return (epoch + 1, 1) if round_ >= LAST_ROUND else (epoch, round_ + 1)


@dataclass(frozen=True)
class Sent:
    """A mined transaction: its hash and gas."""

    tx: str
    gas_used: int


def send(account: Any, to: str, data: bytes) -> Sent:
    """Dry-run (a revert raises TransactionRevertedError naming the custom error), then let the ape
    account price, sign and send it with our gas margin, and wait for it."""
    w3 = ape_web3()
    gas = estimate_gas(w3, str(account.address), to, data) * GAS_MARGIN_NUM // GAS_MARGIN_DEN
    txn = chain.provider.network.ecosystem.create_transaction(
        receiver=to, data=data, sender=str(account.address), gas=gas)
    receipt = account.call(txn)
    return Sent(tx=str(receipt.txn_hash), gas_used=int(receipt.gas_used))


def deploy_feed(account: Any, decimals: int, description: str) -> dict[str, Any]:
    """Deploy an unconfigured OCRFeed owned by ``account``."""
    info = connected_chain()
    instance = account.deploy(container(FEED_CONTRACT), decimals, description, str(account.address))
    return {"feed": str(instance.address), "chain_id": info.chain_id, "owner": str(account.address),
            "tx": str(instance.txn_hash) if getattr(instance, "txn_hash", None) else None}


def configure_feed(account: Any, feed_address: str, committee_json: Path,
                   min_answer: int, max_answer: int) -> dict[str, Any]:
    """setConfig from a committee.json (checked here first, so a bad committee costs no gas)."""
    connected_chain()
    config = read_onchain_config(committee_json, min_answer, max_answer)
    validate_config(config)
    feed = Feed(ape_web3(), feed_address)
    data = feed.contract.encode_abi("setConfig", args=[config.as_tuple()])
    sent = send(account, feed.address, bytes.fromhex(data[2:]))
    count, _, digest = feed.config_details()
    return {"feed": feed.address, "config_count": count, "config_digest": "0x" + digest.hex(), "tx": sent.tx}


def transmitter_index(feed: Feed, address: str) -> int:
    """Which oracle's transmitter ``address`` is on this feed; the contract refuses anyone else."""
    transmitters = feed.transmitters()
    for i, transmitter in enumerate(transmitters):
        if transmitter.lower() == address.lower():
            return i
    raise ApeScriptError(f"ape account {address} is not a transmitter of feed {feed.address} "
                         f"(its transmitters: {', '.join(transmitters)})")


def push_value(account: Any, feed_address: str, committee: LocalCommittee, value: int) -> dict[str, Any]:
    """Every oracle of ``committee`` observes ``value`` (already scaled by decimals); the report is
    signed with t shares and transmitted from ``account``, which must be one of the transmitters."""
    w3 = ape_web3()
    feed = Feed(w3, feed_address)
    index = transmitter_index(feed, str(account.address))
    _, epoch, round_ = feed.latest_epoch_and_round()
    epoch, round_ = next_epoch_round(epoch, round_)
    now = int(w3.eth.get_block("latest")["timestamp"])
    report = build_report(feed.config_digest(), epoch, round_,
                          [Observation(observer=i, timestamp=now, value=value) for i in range(committee.n)])
    raw = encode_report(report)
    combined = committee.sign(signing_digest(int(w3.eth.chain_id), feed.address, raw))
    sent = send(account, feed.address, encode_transmit_calldata(raw, combined.signature, index))
    return {"feed": feed.address, "answer": report.answer, "epoch": epoch, "round": round_,
            "tx": sent.tx, "gas_used": sent.gas_used}


def read_feed(feed_address: str, round_id: int | None = None) -> dict[str, Any]:
    """The latest (or a past) round, as ``ocr read --json`` gives it."""
    w3 = ape_web3()
    feed = Feed(w3, feed_address)
    data = feed.latest_round() if round_id is None else feed.round(round_id)
    if data is None:
        return {"feed": feed.address, "round_id": None, "answer": None}
    now = int(w3.eth.get_block("latest")["timestamp"])
    return {"feed": feed.address, "description": feed.description(), "decimals": feed.decimals(),
            "round_id": data.round_id, "answer": data.answer, "started_at": data.started_at,
            "updated_at": data.updated_at, "age_seconds": now - data.updated_at}
