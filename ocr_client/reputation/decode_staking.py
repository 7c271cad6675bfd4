"""Decoder for OracleStaking (contracts/staking): the stake and slashing behind each oracle.

Events read (IOracleStaking): ``Staked(address indexed oracle, uint256 amount, uint256 active)``,
``Withdrawn(address indexed oracle, uint256 amount)``, ``Slashed(address indexed oracle, uint256
amount, bytes32 indexed reason, bytes32 evidenceHash)`` and ``AlertRaised(address indexed alerter,
uint80 indexed roundId, uint256 updatedAt, uint256 slashed, uint256 reward)``.

Each stake-moving event becomes one signed row of the ``stakes`` table, so ``sum(staked)`` is what
an oracle holds at risk (active plus unbonding: both slashable) and ``sum(slashed)`` what it lost:
Staked +amount; Withdrawn -amount; Slashed -amount staked, +amount slashed. UnstakeRequested moves
nothing that can be lost, so it is not read. An alert is committee-wide: one ``alerts`` row.
"""

from __future__ import annotations

from typing import Final

from ocr_client.reputation.abi import ADDRESS_BYTES, WORD, topic, topic_uint, uint_at
from ocr_client.reputation.configs import ConfigBook
from ocr_client.reputation.records import Batch, LogPlace, RawLog

FORMAT: Final[str] = "oracle-staking"
STAKED: Final[str] = topic("Staked(address,uint256,uint256)")
WITHDRAWN: Final[str] = topic("Withdrawn(address,uint256)")
SLASHED: Final[str] = topic("Slashed(address,uint256,bytes32,bytes32)")
ALERT_RAISED: Final[str] = topic("AlertRaised(address,uint80,uint256,uint256,uint256)")


def _indexed_address(topic_hex: str) -> str:
    return "0x" + topic_hex[2 + 2 * (WORD - ADDRESS_BYTES):].lower()


def _stake_row(log: RawLog, place: LogPlace, out: Batch, staked: int, slashed: int) -> None:
    out.stakes.append((_indexed_address(log["topics"][1]), log["address"].lower(), staked, slashed,
                       place.block_number, place.tx_hash, place.log_index))
    out.see_block(place)


def decode_staked(log: RawLog, place: LogPlace, book: ConfigBook, out: Batch) -> None:
    _stake_row(log, place, out, uint_at(bytes.fromhex(log["data"][2:]), 0), 0)


def decode_withdrawn(log: RawLog, place: LogPlace, book: ConfigBook, out: Batch) -> None:
    _stake_row(log, place, out, -uint_at(bytes.fromhex(log["data"][2:]), 0), 0)


def decode_slashed(log: RawLog, place: LogPlace, book: ConfigBook, out: Batch) -> None:
    amount = uint_at(bytes.fromhex(log["data"][2:]), 0)
    _stake_row(log, place, out, -amount, amount)


def decode_alert(log: RawLog, place: LogPlace, book: ConfigBook, out: Batch) -> None:
    data = bytes.fromhex(log["data"][2:])
    out.alerts.append((log["address"].lower(), _indexed_address(log["topics"][1]), topic_uint(log["topics"][2]),
                       uint_at(data, 0), uint_at(data, 1), uint_at(data, 2), place.block_number, place.tx_hash,
                       place.log_index))
    out.see_block(place)
