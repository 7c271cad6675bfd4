"""What decoding produces: rows for the store's tables, kept as plain tuples in columnar order.

A decoder appends to a :class:`Batch`; the store writes a whole batch (one chunk of blocks) and
the cursor in one transaction. Column order is the table's (see :mod:`ocr_client.reputation.schema`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: A raw log as the JSON-RPC returns it (hex strings).
RawLog = dict[str, Any]

Row = tuple[Any, ...]


@dataclass(frozen=True)
class LogPlace:
    """Where a log sits on the chain."""

    block_number: int
    block_hash: str
    block_time: int | None
    tx_hash: str
    log_index: int

    @classmethod
    def of(cls, log: RawLog) -> LogPlace:
        ts = log.get("blockTimestamp")
        return cls(int(log["blockNumber"], 16), log["blockHash"], int(ts, 16) if ts else None,
                   log["transactionHash"], int(log["logIndex"], 16))


@dataclass(frozen=True)
class PackedReport:
    """One report's observations as OCRFeed and AccountableFeed emit them, not yet unpacked:
    ``packed_hex`` is k observer bytes, k uint16 offsets from ``report_time``, k int192 values."""

    feed: str
    round_id: int
    answer: int
    report_time: int
    packed_hex: str
    k: int
    oracles: tuple[str, ...]
    block: int


@dataclass(frozen=True)
class PackedBlock:
    """Reports of one feed and committee with k observations each, still packed (decode_columns.py):
    ``raw`` is a (reports x 27k) byte matrix, one row per report as in :class:`PackedReport`."""

    feed: str
    oracles: tuple[str, ...]
    k: int
    round_ids: np.ndarray[Any, Any]
    answers: np.ndarray[Any, Any]
    report_times: np.ndarray[Any, Any]
    blocks: np.ndarray[Any, Any]
    raw: np.ndarray[Any, Any]


@dataclass
class Batch:
    """Rows decoded from one chunk of logs, per table."""

    configs: list[Row] = field(default_factory=list)
    config_oracles: list[Row] = field(default_factory=list)
    reports: list[Row] = field(default_factory=list)
    #: report rows as columns in the table's order (decode_columns.py; Store._insert_shared takes them)
    report_blocks: list[dict[str, Any]] = field(default_factory=list)
    #: observation rows as CSV lines (derive.py formats them: the hub's and any report the columns do not take)
    observations: list[str] = field(default_factory=list)
    #: reports whose observations are still packed (derive_columns.py unpacks a whole chunk at once)
    packed: list[PackedReport] = field(default_factory=list)
    packed_blocks: list[PackedBlock] = field(default_factory=list)
    #: observation rows as column blocks (derive_columns.ObservationBlock: numpy arrays)
    observation_blocks: list[Any] = field(default_factory=list)
    signers: list[Row] = field(default_factory=list)
    receipts: list[Row] = field(default_factory=list)
    stakes: list[Row] = field(default_factory=list)
    alerts: list[Row] = field(default_factory=list)
    #: block number -> (hash, timestamp or None until fetched)
    blocks: dict[int, tuple[str, int | None]] = field(default_factory=dict)
    #: transmission tx hashes (receipts are fetched for these when asked)
    tx_hashes: list[str] = field(default_factory=list)

    def see_block(self, place: LogPlace) -> None:
        self.blocks[place.block_number] = (place.block_hash, place.block_time)

    @property
    def report_count(self) -> int:
        return len(self.reports) + sum(len(b["round_id"]) for b in self.report_blocks)

    @property
    def row_count(self) -> int:
        """Rows to store, near enough (observations dominate)."""
        return (self.report_count + len(self.observations) + sum(len(b) for b in self.observation_blocks)
                + sum(p.k for p in self.packed) + sum(b.raw.shape[0] * b.k for b in self.packed_blocks)
                + len(self.signers))
