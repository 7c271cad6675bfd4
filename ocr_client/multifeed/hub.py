"""A Python handle on one deployed OCRMultiFeed hub and its per-feed FeedView contracts.

Like :class:`ocr_client.feed.Feed`: the caller brings the Web3 and the accounts, writes go through
:func:`ocr_client.chain.transactions.send_transaction` (a revert raises
:class:`~ocr_client.errors.TransactionRevertedError` naming the custom error), and consumer reads
go through each feed's AggregatorV3Interface view, exactly as a dApp would read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt

from ocr_client.chain.compiler import artifact
from ocr_client.chain.deploy import deploy
from ocr_client.chain.transactions import send_transaction
from ocr_client.committee.contract import CommitteeContract, RoundData
from ocr_client.multifeed.config import MultiFeedConfig, validate_multi_config
from ocr_client.multifeed.layout import decode_feed_observations
from ocr_client.report.layout import Observation

HUB_CONTRACT = "OCRMultiFeed"
VIEW_CONTRACT = "FeedView"


@dataclass(frozen=True)
class FeedTransmission:
    """One decoded FeedTransmission event, joined with its report's rows."""

    feed_id: int
    round_id: int
    answer: int
    observations: tuple[Observation, ...]


@dataclass(frozen=True)
class MultiTransmission:
    """One accepted report: its ReportTransmitted event and every feed's FeedTransmission."""

    round_id: int
    config_digest: bytes
    epoch: int
    round: int
    observers: tuple[int, ...]
    timestamps: tuple[int, ...]
    transmitter: str
    feeds: tuple[FeedTransmission, ...]
    tx_hash: str
    block_number: int


class MultiFeed(CommitteeContract):
    """One OCRMultiFeed contract and its per-feed FeedViews."""

    CONTRACT = HUB_CONTRACT

    def __init__(self, w3: Web3, address: str) -> None:
        super().__init__(w3, address)
        self._views: list[Contract] | None = None

    @classmethod
    def deploy(cls, w3: Web3, owner: LocalAccount, decimals: Sequence[int], descriptions: Sequence[str]) -> MultiFeed:
        """Deploy a hub with one feed per (decimals, description); the hub deploys each FeedView."""
        contract = deploy(w3, owner, HUB_CONTRACT, list(decimals), list(descriptions), owner.address)
        return cls(w3, str(contract.address))

    # --- configuration --------------------------------------------------------------------

    def set_config(self, owner: LocalAccount, config: MultiFeedConfig) -> TxReceipt:
        """Install a committee (validated here first, so a bad config fails before any gas is spent)."""
        validate_multi_config(config, self.feed_count())
        data = self.contract.encode_abi("setConfig", args=[config.as_tuple()])
        return send_transaction(self.w3, owner, self.address, bytes.fromhex(data[2:]))

    def feed_count(self) -> int:
        return int(self.contract.functions.feedCount().call())

    def answer_bounds(self, feed: int) -> tuple[int, int]:
        lo, hi = self._view("answerBounds", feed)
        return int(lo), int(hi)

    # --- consumer views (through each feed's AggregatorV3Interface) ------------------------

    def views(self) -> list[Contract]:
        """Every feed's FeedView, in feed order."""
        if self._views is None:
            abi = artifact(VIEW_CONTRACT).abi
            self._views = [
                self.w3.eth.contract(address=Web3.to_checksum_address(self.contract.functions.feedView(i).call()), abi=abi)
                for i in range(self.feed_count())
            ]
        return self._views

    def view(self, feed: int) -> Contract:
        """Feed ``feed``'s AggregatorV3Interface contract."""
        return self.views()[feed]

    def latest_round(self, feed: int) -> RoundData | None:
        """Feed ``feed``'s newest round via its view, or None before the first report (NoDataPresent)."""
        return self._round_or_none("latestRoundData", contract=self.view(feed))

    def round(self, feed: int, round_id: int) -> RoundData | None:
        """A past round of feed ``feed`` via its view, or None if it does not exist (NoDataPresent)."""
        return self._round_or_none("getRoundData", round_id, contract=self.view(feed))

    # --- events ---------------------------------------------------------------------------

    def transmissions(self, from_block: int = 0, to_block: int | str = "latest") -> list[MultiTransmission]:
        """Every accepted report in the block range: ReportTransmitted joined with its FeedTransmissions."""
        reports = self.contract.events.ReportTransmitted().get_logs(from_block=from_block, to_block=to_block)
        feed_events = self.contract.events.FeedTransmission().get_logs(from_block=from_block, to_block=to_block)
        by_tx: dict[bytes, list[Any]] = {}
        for e in feed_events:
            by_tx.setdefault(bytes(e["transactionHash"]), []).append(e)
        return [_decode(r, by_tx.get(bytes(r["transactionHash"]), [])) for r in reports]


def _decode(report: Any, feed_events: list[Any]) -> MultiTransmission:
    args = report["args"]
    observers, timestamps = bytes(args["observers"]), bytes(args["observationTimestamps"])
    feeds = tuple(
        FeedTransmission(
            feed_id=int(e["args"]["feedId"]),
            round_id=int(e["args"]["roundId"]),
            answer=int(e["args"]["answer"]),
            observations=decode_feed_observations(observers, timestamps, bytes(e["args"]["observations"])),
        )
        for e in sorted(feed_events, key=lambda e: int(e["logIndex"]))
    )
    return MultiTransmission(
        round_id=int(args["roundId"]),
        config_digest=bytes(args["configDigest"]),
        epoch=int(args["epoch"]),
        round=int(args["round"]),
        observers=tuple(observers),
        timestamps=tuple(int.from_bytes(timestamps[i : i + 4], "big") for i in range(0, len(timestamps), 4)),
        transmitter=str(args["transmitter"]),
        feeds=feeds,
        tx_hash="0x" + bytes(report["transactionHash"]).hex(),
        block_number=int(report["blockNumber"]),
    )


__all__ = ["FeedTransmission", "MultiFeed", "MultiTransmission"]
