"""The round trace: a readable account of every round, assembled from node events.

For each (epoch, round): who led, who observed what, what the leader asked to be reported, who
signed, why nodes declined, who transmitted (and who stood down), and what the chain said. The
demo's JSON rows and the BFT tests' assertions are both read from here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ocr_client.protocol.telemetry import Event


@dataclass
class RoundTrace:
    """Everything seen about one (epoch, round)."""

    epoch: int
    round: int
    leader: int | None = None
    started_at: float | None = None
    observed: dict[int, int] = field(default_factory=dict)  # oracle -> value it observed
    requested: dict[int, int] | None = None  # observations the leader put in the report request
    signed: list[int] = field(default_factory=list)  # oracles that say they signed (their own account)
    shares_at_leader: list[int] = field(default_factory=list)  # shares the leader actually received
    declined: dict[int, str] = field(default_factory=dict)  # oracle -> why it did not sign
    answer: int | None = None
    signers: tuple[int, ...] | None = None  # in the accepted FINAL
    finalized_at: float | None = None
    transmitter: int | None = None
    tx: str | None = None
    gas_used: int | None = None
    landed_at: float | None = None
    reverted: list[tuple[int, str | None]] = field(default_factory=list)
    stood_down: list[int] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.tx is not None and self.transmitter is not None and self.landed_at is not None:
            return "accepted"
        if self.reverted:
            return "reverted"
        if self.finalized_at is not None:
            return "finalized"
        return "no-report"

    def describe(self, decimals: int = 8) -> str:
        """The round as a few readable lines: who led, who observed what, who signed, who sent."""

        def fmt(value: int) -> str:
            return f"{value / 10**decimals:,.{min(decimals, 4)}f}"

        lines = [f"epoch {self.epoch} round {self.round}: leader {self.leader}, {self.status}"]
        if self.observed:
            lines.append("  observed: " + ", ".join(f"{o}={fmt(v)}" for o, v in sorted(self.observed.items())))
        if self.requested is not None:
            lines.append(f"  report request from {len(self.requested)} observers: {sorted(self.requested)}")
        if self.signed:
            lines.append(f"  signed by: {sorted(self.signed)}")
        if self.shares_at_leader:
            lines.append(f"  shares that reached the leader: {sorted(self.shares_at_leader)}")
        for oracle, reason in sorted(self.declined.items()):
            lines.append(f"  oracle {oracle} declined: {reason}")
        if self.answer is not None:
            lines.append(f"  final: answer {fmt(self.answer)}, signatures of {list(self.signers or ())}")
        if self.transmitter is not None:
            lines.append(f"  transmitted by {self.transmitter}: {self.tx} ({self.gas_used} gas)")
        if self.stood_down:
            lines.append(f"  stood down (already on chain): {sorted(self.stood_down)}")
        for oracle, error in self.reverted:
            lines.append(f"  transmission by {oracle} reverted: {error}")
        why = self.why_no_report()
        if why is not None:
            lines.append(f"  no report: {why}")
        return "\n".join(lines)

    def why_no_report(self) -> str | None:
        """One line saying why this round produced nothing (None if it did)."""
        if self.finalized_at is not None:
            return None
        if self.requested is None:
            return (f"leader {self.leader} sent no report request "
                    f"({len(self.observed)} oracles observed; the leader needs 2f+1 of them)")
        if self.declined:
            reasons = sorted(set(self.declined.values()))
            return f"{len(self.declined)} oracles declined: {'; '.join(reasons)}"
        return f"{len(self.signed)} signature shares, no FINAL reached"


class TraceRecorder:
    """A telemetry sink building :class:`RoundTrace` records and pacemaker history."""

    def __init__(self) -> None:
        self.rounds: dict[tuple[int, int], RoundTrace] = {}
        self.events_by_kind: defaultdict[str, int] = defaultdict(int)
        self.epoch_changes: list[tuple[float, int, int]] = []  # (time, node, epoch)
        self.malformed = 0
        self.landed_count = 0

    def _round(self, event: Event) -> RoundTrace:
        key = (event.epoch, event.round)
        trace = self.rounds.get(key)
        if trace is None:
            trace = self.rounds[key] = RoundTrace(event.epoch, event.round)
        return trace

    def __call__(self, event: Event) -> None:
        self.emit(event)

    def emit(self, event: Event) -> None:
        kind, d = event.kind, event.detail
        self.events_by_kind[kind] += 1
        if event.phase == "pacemaker":
            if kind == "new-epoch":
                self.epoch_changes.append((event.time, event.node, event.epoch))
            return
        if kind == "malformed":
            self.malformed += 1
            return
        if event.phase == "network":
            return
        trace = self._round(event)
        handler = _HANDLERS.get(kind)
        if handler is not None:
            landed_before = trace.landed_at is not None
            handler(trace, event, d)
            self.landed_count += trace.landed_at is not None and not landed_before

    def landed(self) -> list[RoundTrace]:
        return sorted((t for t in self.rounds.values() if t.status == "accepted"), key=lambda t: t.landed_at or 0.0)

    def reverted_count(self) -> int:
        return sum(len(t.reverted) for t in self.rounds.values())


def _round_start(t: RoundTrace, e: Event, d: dict[str, Any]) -> None:
    t.leader, t.started_at = e.node, e.time


def _observed(t: RoundTrace, e: Event, d: dict[str, Any]) -> None:
    t.observed[e.node] = int(d["value"])


def _requested(t: RoundTrace, e: Event, d: dict[str, Any]) -> None:
    t.requested = {int(k): int(v) for k, v in d["observations"].items()}


def _signed(t: RoundTrace, e: Event, d: dict[str, Any]) -> None:
    t.signed.append(e.node)


def _share_received(t: RoundTrace, e: Event, d: dict[str, Any]) -> None:
    t.shares_at_leader.append(int(d["sender"]))


def _declined(t: RoundTrace, e: Event, d: dict[str, Any]) -> None:
    t.declined[e.node] = str(d.get("reason"))


def _accepted(t: RoundTrace, e: Event, d: dict[str, Any]) -> None:
    if t.finalized_at is None:
        t.finalized_at, t.answer, t.signers = e.time, int(d["answer"]), tuple(d["signers"])


def _transmitted(t: RoundTrace, e: Event, d: dict[str, Any]) -> None:
    if e.phase == "transmit":
        t.transmitter, t.tx, t.gas_used, t.landed_at = e.node, d.get("tx"), d.get("gas_used"), e.time


def _reverted(t: RoundTrace, e: Event, d: dict[str, Any]) -> None:
    t.reverted.append((e.node, d.get("error")))


def _stood_down(t: RoundTrace, e: Event, d: dict[str, Any]) -> None:
    t.stood_down.append(e.node)


_HANDLERS = {
    "round-start": _round_start,
    "observed": _observed,
    "report-request": _requested,
    "signed": _signed,
    "share-received": _share_received,
    "no-report": _declined,
    "refused-request": _declined,
    "refused-equivocation": _declined,
    "accepted": lambda t, e, d: _transmitted(t, e, d) if e.phase == "transmit" else _accepted(t, e, d),
    "reverted": _reverted,
    "failed": _reverted,
    "stood-down": _stood_down,
}
