"""The registry of event formats the indexer reads: one entry per kind of feed contract.

A format names the topics it reads, routes each log to its decoder, and says which metrics its
events can support (``capabilities``). It is recognised from the contract's runtime code alone: a
Solidity contract that emits an event pushes the event's topic0 as a 32-byte constant, so the
topic is a substring of the code. Adding a format (or one more event, such as staking's) means
one more :class:`Format` entry and its decoder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from ocr_client.reputation import decode_columns, decode_ocr2, decode_ours, decode_staking
from ocr_client.reputation.configs import ConfigBook
from ocr_client.reputation.records import Batch, LogPlace, RawLog

#: What a format's events carry beyond observations and their observer indices.
OBSERVATION_TIMESTAMPS: Final[str] = "observation_timestamps"
SIGNERS: Final[str] = "signers"
STAKES: Final[str] = "stakes"

#: Decode one log into the batch; a ConfigSet decoder returns previousConfigBlockNumber.
LogDecoder = Callable[[RawLog, LogPlace, ConfigBook, Batch], object]
#: Decode a run of consecutive logs of one topic at once (the same rows as its LogDecoder).
RunDecoder = Callable[[list[RawLog], ConfigBook, Batch], None]


@dataclass(frozen=True)
class Format:
    """One kind of feed contract."""

    name: str
    #: topic0 whose presence in the runtime code identifies the format (its transmission event)
    marker: str
    config_topic: str
    capabilities: frozenset[str]
    #: topic0 -> decoder, the ConfigSet one included
    decoders: dict[str, LogDecoder] = field(default_factory=dict)
    #: topic0 -> a decoder of runs of that topic's logs, where one exists (the hot path)
    run_decoders: dict[str, RunDecoder] = field(default_factory=dict)

    @property
    def topics(self) -> list[str]:
        return sorted(self.decoders)


class _MultiFeedDecoders:
    """The hub's decoders share the pending FeedTransmission parts of a transaction."""

    def __init__(self) -> None:
        self.state = decode_ours.MultiFeedDecoder()

    def feed(self, log: RawLog, place: LogPlace, book: ConfigBook, out: Batch) -> None:
        self.state.feed_part(log)

    def report(self, log: RawLog, place: LogPlace, book: ConfigBook, out: Batch) -> None:
        self.state.report(log, place, book, out)


def _ours_config(name: str) -> LogDecoder:
    def decode(log: RawLog, place: LogPlace, book: ConfigBook, out: Batch) -> int:
        return decode_ours.decode_config(log, place, name, book, out)
    return decode


def build_formats() -> tuple[Format, ...]:
    """Every registered format (fresh decoder state: one set per indexing run)."""
    multi = _MultiFeedDecoders()
    return (
        Format("ocr-feed", decode_ours.FEED_TRANSMISSION, decode_ours.FEED_CONFIG_SET,
               frozenset({OBSERVATION_TIMESTAMPS}),
               {decode_ours.FEED_TRANSMISSION: decode_ours.decode_transmission,
                decode_ours.FEED_CONFIG_SET: _ours_config("ocr-feed")},
               {decode_ours.FEED_TRANSMISSION: decode_columns.decode_transmissions}),
        Format("accountable-feed", decode_ours.ACCOUNTABLE_TRANSMISSION, decode_ours.ACCOUNTABLE_CONFIG_SET,
               frozenset({OBSERVATION_TIMESTAMPS, SIGNERS}),
               {decode_ours.ACCOUNTABLE_TRANSMISSION: decode_ours.decode_transmission,
                decode_ours.ACCOUNTABLE_CONFIG_SET: _ours_config("accountable-feed")},
               {decode_ours.ACCOUNTABLE_TRANSMISSION: decode_columns.decode_transmissions}),
        Format("ocr-multifeed", decode_ours.MULTI_REPORT, decode_ours.MULTI_CONFIG_SET,
               frozenset({OBSERVATION_TIMESTAMPS}),
               {decode_ours.MULTI_FEED: multi.feed, decode_ours.MULTI_REPORT: multi.report,
                decode_ours.MULTI_CONFIG_SET: _ours_config("ocr-multifeed")}),
        # Not a feed: the stake behind a feed's oracles. No ConfigSet (its committee is its feed's), so
        # the config history walk finds none (it has no latestConfigDetails).
        Format(decode_staking.FORMAT, decode_staking.STAKED, "", frozenset({STAKES}),
               {decode_staking.STAKED: decode_staking.decode_staked,
                decode_staking.WITHDRAWN: decode_staking.decode_withdrawn,
                decode_staking.SLASHED: decode_staking.decode_slashed,
                decode_staking.ALERT_RAISED: decode_staking.decode_alert}),
        Format(decode_ocr2.FORMAT, decode_ocr2.OCR2_TRANSMISSION, decode_ocr2.OCR2_CONFIG_SET, frozenset(),
               {decode_ocr2.OCR2_TRANSMISSION: decode_ocr2.decode_transmission,
                decode_ocr2.OCR2_CONFIG_SET: decode_ocr2.decode_config}),
    )


FORMAT_NAMES: Final[tuple[str, ...]] = tuple(f.name for f in build_formats())
CAPABILITIES: Final[dict[str, frozenset[str]]] = {f.name: f.capabilities for f in build_formats()}


def detect(code_hex: str, formats: tuple[Format, ...]) -> Format | None:
    """The format whose transmission topic the runtime code pushes, if any."""
    code = code_hex.lower().removeprefix("0x")
    for fmt in formats:
        if fmt.marker[2:] in code:
            return fmt
    return None


def by_name(name: str, formats: tuple[Format, ...]) -> Format:
    return next(f for f in formats if f.name == name)
