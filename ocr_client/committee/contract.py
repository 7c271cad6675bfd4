"""What every BLS-committee contract handle shares: connecting to it, its committee views, and
sending transmit calls. :class:`ocr_client.feed.Feed` and the multi-feed hub's handle build on it,
as OCRFeed and OCRMultiFeed build on the Solidity CommitteeFeed base.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, ClassVar

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt

from ocr_client.chain.compiler import artifact
from ocr_client.chain.transactions import call, send_transaction
from ocr_client.errors import ChainError, NoAnswerError, TransactionRevertedError
from ocr_client.report.freshness import answer_problem
from ocr_client.report.layout import TRANSMIT_SELECTOR


@dataclass(frozen=True)
class RoundData:
    """One AggregatorV3 round, plus how old it is."""

    round_id: int
    answer: int
    started_at: int
    updated_at: int
    answered_in_round: int

    def age(self, now: float | None = None) -> int:
        """Seconds since the round was written (consumers compare this with their heartbeat)."""
        return int((time.time() if now is None else now) - self.updated_at)


class CommitteeContract:
    """A deployed contract of kind ``CONTRACT`` (a CommitteeFeed)."""

    CONTRACT: ClassVar[str]

    def __init__(self, w3: Web3, address: str) -> None:
        self.w3 = w3
        if not Web3.is_address(address):
            raise ChainError(f"{address!r} is not an Ethereum address")
        self.address = Web3.to_checksum_address(address)
        self.contract: Contract = w3.eth.contract(address=self.address, abi=artifact(self.CONTRACT).abi)
        if not w3.eth.get_code(self.address):
            raise ChainError(f"no contract at {self.address} on chain {w3.eth.chain_id}")

    # --- committee views ------------------------------------------------------------------

    def config_details(self) -> tuple[int, int, bytes]:
        """(config count, block number, config digest) of the current configuration."""
        count, block, digest = self._view("latestConfigDetails")
        return int(count), int(block), bytes(digest)

    def config_digest(self) -> bytes:
        return self.config_details()[2]

    def latest_epoch_and_round(self) -> tuple[bytes, int, int]:
        """(config digest, epoch, round) of the newest accepted report in this configuration."""
        digest, epoch, round_ = self._view("latestConfigDigestAndEpoch")
        return bytes(digest), int(epoch), int(round_)

    def committee(self) -> tuple[int, int, int]:
        """(n, f, threshold)."""
        n, f, t = self._view("committee")
        return int(n), int(f), int(t)

    def transmitters(self) -> list[str]:
        """The configured transmitters, index i for oracle i."""
        (addresses,) = self._view("transmitters")
        return [Web3.to_checksum_address(a) for a in addresses]

    # --- transmission ---------------------------------------------------------------------

    def check_transmit(self, sender: str, calldata: bytes) -> None:
        """eth_call the transmit: raises TransactionRevertedError with the error the chain would give."""
        call(self.w3, sender, self.address, calldata)

    def transmit(self, transmitter: LocalAccount, calldata: bytes, gas: int | None = None) -> TxReceipt:
        """Send a signed report's transmit() calldata; wait for and return the receipt."""
        if calldata[:4] != TRANSMIT_SELECTOR:
            raise ChainError("transmit calldata must start with the transmit() selector")
        return send_transaction(self.w3, transmitter, self.address, calldata, gas=gas)

    # --- reading --------------------------------------------------------------------------

    def _view(self, function: str, *args: Any, contract: Contract | None = None) -> tuple[Any, ...]:
        """eth_call a view (of this contract, or of ``contract``) through :func:`call`, so a revert
        raises with the decoded custom error instead of web3's opaque one."""
        target = contract or self.contract
        fn = target.get_function_by_name(function)(*args)
        raw = call(self.w3, self.address, str(target.address), bytes.fromhex(fn._encode_transaction_data()[2:]))
        return tuple(self.w3.codec.decode([o["type"] for o in fn.abi["outputs"]], raw))

    def _round_or_none(self, function: str, *args: Any, contract: Contract | None = None) -> RoundData | None:
        """An AggregatorV3-shaped round, or None where the contract says NoDataPresent."""
        try:
            return RoundData(*(int(v) for v in self._view(function, *args, contract=contract)))
        except TransactionRevertedError as exc:
            if exc.error_name == "NoDataPresent":
                return None
            raise


class SingleFeedContract(CommitteeContract):
    """A committee contract that is itself one AggregatorV3 feed (OCRFeed, AccountableFeed); the
    multi-feed hub is not, its rounds live per feed."""

    def decimals(self) -> int:
        return int(self._view("decimals")[0])

    def latest_round(self) -> RoundData | None:
        """The newest round, or None before the first report (the contract reverts NoDataPresent)."""
        return self._round_or_none("latestRoundData")

    def round(self, round_id: int) -> RoundData | None:
        """A past round, or None if it does not exist (NoDataPresent)."""
        return self._round_or_none("getRoundData", round_id)

    # --- AggregatorInterface (V2): zeros for rounds that do not exist, as Chainlink's --------

    def latest_answer(self) -> int:
        return int(self._view("latestAnswer")[0])

    def latest_timestamp(self) -> int:
        return int(self._view("latestTimestamp")[0])

    def latest_round_id(self) -> int:
        return int(self._view("latestRound")[0])

    def answer_at(self, round_id: int) -> int:
        return int(self._view("getAnswer", round_id)[0])

    def timestamp_at(self, round_id: int) -> int:
        return int(self._view("getTimestamp", round_id)[0])

    # --- a consumer's read ----------------------------------------------------------------

    def read(self, max_age: int, now: int | None = None) -> RoundData:
        """The newest round if a consumer may use it: complete, positive, at most ``max_age`` seconds
        old at ``now`` (default: the latest block's time). Raises the FeedReadError that
        contracts/consumer/FeedReader.sol would revert with (NoAnswerError before the first report)."""
        return checked_read(self.w3, self.latest_round(), max_age, now)


def checked_read(w3: Web3, latest: RoundData | None, max_age: int, now: int | None = None) -> RoundData:
    """``latest`` if :func:`~ocr_client.report.freshness.answer_problem` finds nothing wrong with it."""
    if latest is None:
        raise NoAnswerError("the feed has no report yet", 0)
    at = int(w3.eth.get_block("latest")["timestamp"]) if now is None else now
    problem = answer_problem(latest, max_age, at)
    if problem is not None:
        raise problem
    return latest
