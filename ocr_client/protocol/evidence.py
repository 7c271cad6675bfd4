"""Equivocation evidence: two valid partial signatures from one oracle over two different reports
for one (config digest, epoch, round).

An honest oracle records the report it signs for each (epoch, round) durably before it signs
(``persistence.record_signed``) and refuses any other, even after a restart, so only an oracle
that broke the protocol can ever appear in a :class:`ConflictingShares`. Every share travels with
the report it signs (``ReportShare.report``), so the leader that receives both shares holds
everything a staking contract needs to check the offence on-chain.
"""

from __future__ import annotations

from dataclasses import dataclass

from eth_utils import keccak

from ocr_client.errors import ReportError
from ocr_client.report.layout import decode_report


@dataclass(frozen=True)
class ConflictingShares:
    """The offence: ``oracle`` signed ``report_a`` and ``report_b`` (different) for one round."""

    config_digest: bytes
    epoch: int
    round: int
    oracle: int
    report_a: bytes
    share_a: bytes
    report_b: bytes
    share_b: bytes


@dataclass
class ShareWitness:
    """Remembers the first valid share each sender gave for one (digest, epoch, round) and reports a
    second valid share over different report bytes as :class:`ConflictingShares`."""

    config_digest: bytes
    epoch: int
    round: int
    first: dict[int, tuple[bytes, bytes]]  # sender -> (report, share)

    @classmethod
    def for_round(cls, config_digest: bytes, epoch: int, round_: int) -> ShareWitness:
        return cls(config_digest, epoch, round_, {})

    def report_problem(self, report: bytes, report_hash: bytes) -> str | None:
        """Why these report bytes cannot be part of evidence for this round, or None."""
        if keccak(report) != report_hash:
            return "report bytes do not match the share's hash"
        return round_problem(report, self.config_digest, self.epoch, self.round)

    def witness(self, sender: int, report: bytes, share: bytes) -> ConflictingShares | None:
        """Note a share already verified as ``sender``'s over ``report``; the conflict if it is one."""
        earlier = self.first.get(sender)
        if earlier is None:
            self.first[sender] = (report, share)
            return None
        if earlier[0] == report:
            return None
        return ConflictingShares(self.config_digest, self.epoch, self.round, sender, earlier[0], earlier[1],
                                 report, share)


def round_problem(report: bytes, config_digest: bytes, epoch: int, round_: int) -> str | None:
    """Why ``report`` is not a packed report for (config_digest, epoch, round_), or None."""
    try:
        decoded = decode_report(report)
    except ReportError as exc:
        return f"undecodable report: {exc}"
    if (decoded.config_digest, decoded.epoch, decoded.round) != (config_digest, epoch, round_):
        return "report for another (digest, epoch, round)"
    return None
