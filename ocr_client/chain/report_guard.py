"""Is a report's transmit still worth paying for? Asked before each send and each bump.

A report is named by ``(config digest, epoch, round)``, which is also its transaction key, so a
report is submitted at most once per transmitter and a restarted manager can ask the same question
of the transactions it finds in its store. The contract's ``latestConfigDigestAndEpoch`` answers
it: the same digest with an (epoch, round) at or past ours means the report (or a newer one)
already landed; another digest means the configuration changed and the report can never land.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from ocr_client.chain.nonces import TxRecord
from ocr_client.chain.txmanager import Guard
from ocr_client.errors import ChainError

PREFIX: Final[str] = "report"


def report_key(config_digest: bytes, epoch: int, round_: int) -> str:
    """The transaction key of a report's transmit."""
    return f"{PREFIX}:0x{config_digest.hex()}:{epoch}:{round_}"


def parse_report_key(key: str) -> tuple[bytes, int, int] | None:
    """(digest, epoch, round) of a report key; None for any other transaction (fillers, transfers)."""
    parts = key.split(":")
    if len(parts) != 4 or parts[0] != PREFIX:
        return None
    try:
        return bytes.fromhex(parts[1].removeprefix("0x")), int(parts[2]), int(parts[3])
    except ValueError:
        return None


def report_guard(latest: Callable[[], tuple[bytes, int, int]]) -> Guard:
    """A guard over ``latest()`` (the contract's newest digest, epoch and round).

    When the chain cannot be read the transaction goes on: skipping a bump for a report that is
    still needed costs more than one bump for a report that is not.
    """

    def guard(tx: TxRecord) -> str | None:
        report = parse_report_key(tx.key)
        if report is None:
            return None
        digest, epoch, round_ = report
        try:
            onchain_digest, onchain_epoch, onchain_round = latest()
        except ChainError:
            return None
        if onchain_digest != digest and onchain_digest != b"\x00" * 32:
            return f"the feed's configuration changed (digest 0x{onchain_digest.hex()[:16]}...)"
        if (onchain_epoch, onchain_round) >= (epoch, round_):
            same = (onchain_epoch, onchain_round) == (epoch, round_)
            return (f"report (epoch {epoch}, round {round_}) already landed" if same else
                    f"superseded by (epoch {onchain_epoch}, round {onchain_round}) on-chain")
        return None

    return guard
