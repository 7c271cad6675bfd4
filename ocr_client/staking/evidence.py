"""Equivocation evidence as it goes on-chain and into files: two reports for one (configDigest,
epoch, round), each with the same oracle's partial BLS signature.

The file is JSON with stable field names (``ocr slash submit --evidence FILE`` reads it)::

    {"feed": "0x...", "oracle": 3, "config_digest": "0x...", "epoch": 2, "round": 1,
     "report_a": "0x...", "signature_a": "0x...", "report_b": "0x...", "signature_b": "0x..."}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from eth_abi import encode as abi_encode
from eth_utils import keccak
from web3 import Web3

from ocr_client.errors import OCRError
from ocr_client.protocol.evidence import ConflictingShares
from ocr_client.report.layout import decode_report

SIGNATURE_LENGTH: Final[int] = 128
_FIELDS: Final[tuple[str, ...]] = ("feed", "oracle", "config_digest", "epoch", "round", "report_a",
                                   "signature_a", "report_b", "signature_b")


class EvidenceFileError(OCRError, ValueError):
    """An evidence file that cannot be read or does not describe an equivocation."""


@dataclass(frozen=True)
class EquivocationEvidence:
    """IOracleStaking.Equivocation plus the (digest, epoch, round) both reports name."""

    feed: str
    oracle: int
    config_digest: bytes
    epoch: int
    round: int
    report_a: bytes
    signature_a: bytes
    report_b: bytes
    signature_b: bytes

    @classmethod
    def from_conflict(cls, feed: str, conflict: ConflictingShares) -> EquivocationEvidence:
        return cls(Web3.to_checksum_address(feed), conflict.oracle, conflict.config_digest, conflict.epoch,
                   conflict.round, conflict.report_a, conflict.share_a, conflict.report_b, conflict.share_b)

    @property
    def evidence_hash(self) -> bytes:
        """The offence id the contract marks used: keccak256(abi.encode(feed, digest, uint40
        epochAndRound, uint256 oracle)), so any second pair for the same offence is refused."""
        return keccak(abi_encode(["address", "bytes32", "uint40", "uint256"],
                                 [self.feed, self.config_digest, (self.epoch << 8) | self.round, self.oracle]))

    def as_tuple(self) -> tuple[object, ...]:
        """The Equivocation struct as an ABI tuple."""
        return (self.feed, self.oracle, self.report_a, self.signature_a, self.report_b, self.signature_b)

    def as_json(self) -> dict[str, Any]:
        return {"feed": self.feed, "oracle": self.oracle, "config_digest": "0x" + self.config_digest.hex(),
                "epoch": self.epoch, "round": self.round, "report_a": "0x" + self.report_a.hex(),
                "signature_a": "0x" + self.signature_a.hex(), "report_b": "0x" + self.report_b.hex(),
                "signature_b": "0x" + self.signature_b.hex()}

    def write(self, path: Path) -> None:
        """Write the file whole (temporary file, then rename), so a reader never sees half of it."""
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(self.as_json(), indent=2) + "\n")
        tmp.replace(path)

    @classmethod
    def read(cls, path: Path) -> EquivocationEvidence:
        try:
            data = json.loads(path.read_text())
        except OSError as exc:
            raise EvidenceFileError(f"cannot read evidence file {path}: {exc.strerror}") from None
        except json.JSONDecodeError as exc:
            raise EvidenceFileError(f"evidence file {path} is not JSON: {exc.msg} at line {exc.lineno}") from None
        return cls.from_json(data, str(path))

    @classmethod
    def from_json(cls, data: object, where: str = "evidence") -> EquivocationEvidence:
        if not isinstance(data, dict):
            raise EvidenceFileError(f"{where}: expected a JSON object")
        missing = [f for f in _FIELDS if f not in data]
        if missing:
            raise EvidenceFileError(f"{where}: missing field(s) {', '.join(missing)}")
        feed = data["feed"]
        if not isinstance(feed, str) or not Web3.is_address(feed):
            raise EvidenceFileError(f"{where}: feed {feed!r} is not an address")
        numbers = {}
        for name in ("oracle", "epoch", "round"):
            value = data[name]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise EvidenceFileError(f"{where}: {name} must be a non-negative integer, got {value!r}")
            numbers[name] = value
        blobs = {name: _hex(where, name, data[name]) for name in _FIELDS if name.startswith(("report", "signature", "config"))}
        evidence = cls(Web3.to_checksum_address(feed), numbers["oracle"], blobs["config_digest"], numbers["epoch"],
                       numbers["round"], blobs["report_a"], blobs["signature_a"], blobs["report_b"], blobs["signature_b"])
        evidence.check_consistent(where)
        return evidence

    def check_consistent(self, where: str = "evidence") -> None:
        """Both reports decode and name this (digest, epoch, round); signatures are 128 bytes. The
        contract checks all of it again; this gives a readable line before any gas is spent."""
        for name, raw in (("report_a", self.report_a), ("report_b", self.report_b)):
            try:
                report = decode_report(raw)
            except OCRError as exc:
                raise EvidenceFileError(f"{where}: {name} is not a packed report: {exc}") from None
            if (report.config_digest, report.epoch, report.round) != (self.config_digest, self.epoch, self.round):
                raise EvidenceFileError(f"{where}: {name} is for another (digest, epoch, round)")
        for name, sig in (("signature_a", self.signature_a), ("signature_b", self.signature_b)):
            if len(sig) != SIGNATURE_LENGTH:
                raise EvidenceFileError(f"{where}: {name} is {len(sig)} bytes, not {SIGNATURE_LENGTH}")


def _hex(where: str, name: str, value: object) -> bytes:
    if not isinstance(value, str):
        raise EvidenceFileError(f"{where}: {name} must be a 0x-prefixed hex string")
    text = value[2:] if value.startswith("0x") else value
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise EvidenceFileError(f"{where}: {name} is not hex") from None
