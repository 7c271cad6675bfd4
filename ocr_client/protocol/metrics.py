"""Prometheus metrics derived from protocol :class:`~ocr_client.protocol.telemetry.Event` s.

The protocol code never touches Prometheus: it only emits events (see telemetry.py). This sink
turns that one event stream into counters, gauges and per-phase latency histograms, so metrics can
never disagree with the round trace or the logs, and the protocol stays testable without a
metrics backend.

Everything lives in the sink's own :class:`~prometheus_client.CollectorRegistry` (not the
process-global one), so several sinks — one per simulated node, or one per test — never clash on
metric names.

Phase latencies (``ocr_phase_latency_seconds{node, phase}``), all measured on the emitting node's
clock (``Event.time``) and keyed per node by ``(epoch, round)``; each is observed at most once per
node and round, and only when both ends were seen by this sink:

``observe``
    From the first observe/report/finalize/transmit-phase event the node emits for the round to
    its ``observe/observed`` event. For the leader that is ``round-start -> observed`` (time to get
    its own observation); a follower's first event for a round is usually ``observed`` itself, so
    its sample is ~0 — the follower does not see the round before the leader's request arrives.
``report``
    ``observe/observed -> report/signed``: time from the node's own observation to signing the
    report (includes waiting for the leader to collect observations and send the report request).
``finalize``
    ``report/signed`` (or ``observe/observed`` when the node did not sign, e.g. it was not needed)
    ``-> finalize/accepted``: time until the node holds a valid attested report.
``transmit``
    ``finalize/accepted -> transmit/accepted|reverted|failed``: time until this node's own
    transmission attempt has an outcome (includes its transmission-schedule delay). Rounds where
    the node stood down produce no sample.

Per-round start times are bounded: at most ``max_rounds`` (node, epoch, round) entries are kept
(oldest evicted first), entries ``keep_epochs`` or more epochs behind the node's current epoch are
dropped on each new epoch, and an entry is dropped once its round reaches a terminal transmit
event. A node that crashes mid-round or a byzantine flood of round numbers therefore cannot grow
memory.

Label values are bounded too: ``phase``/``event`` come from the protocol's fixed vocabulary,
no-report reasons are mapped to :data:`NO_REPORT_REASONS`, and revert errors keep their decoded
custom-error name (an identifier) but everything else, and anything past
``max_error_labels`` distinct names, becomes ``"other"``.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, start_http_server

from ocr_client.chain.txmanager import TxEvent
from ocr_client.protocol.telemetry import Event

#: The fixed set of ``reason`` label values of ``ocr_no_report_total``.
NO_REPORT_REASONS = ("no-deviation", "out-of-bounds", "sanity-band", "invalid-request", "equivocation", "other")

#: Phases whose events belong to a round (pacemaker and network events use round 0 as "no round").
ROUND_PHASES = frozenset({"observe", "report", "finalize", "transmit"})

#: Blocks from submitting a transaction to the block that mined it.
BLOCK_BUCKETS = (1, 2, 3, 4, 6, 8, 12, 20, 50, float("inf"))

#: Histogram buckets in seconds: sub-second network rounds up to multi-minute transmission delays.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, float("inf"))

_TRANSMIT_OUTCOMES = frozenset({"accepted", "reverted", "failed"})
_ERROR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


def no_report_reason(kind: str, reason: object) -> str:
    """Map a no-report event's free-text reason to one of :data:`NO_REPORT_REASONS`.

    The protocol's reasons are human-readable sentences that may change wording; matching on
    keywords keeps the label set fixed (bounded cardinality) and robust to rephrasing.
    """
    if kind == "refused-request":
        return "invalid-request"
    if kind == "refused-equivocation":
        return "equivocation"
    text = str(reason).lower()
    if "deviation" in text or "heartbeat" in text:
        return "no-deviation"
    if "minanswer" in text or "maxanswer" in text or "bound" in text or "outside" in text:
        return "out-of-bounds"
    if "own observation" in text or "sanity" in text or "too far" in text:
        return "sanity-band"
    return "other"


@dataclass
class _RoundTimes:
    """Node-clock times of one node's milestones in one round (None: not seen yet)."""

    first: float
    observed: float | None = None
    signed: float | None = None
    accepted: float | None = None


class ProtocolMetrics:
    """Telemetry sink keeping Prometheus metrics of the protocol events it is fed.

    Use it as a sink (``metrics(event)`` or ``metrics.emit(event)``), e.g. in a
    :class:`~ocr_client.protocol.telemetry.Fanout`. ``node`` fixes the ``node`` label of every
    sample (one sink per node process, labelled by configuration); when None the label is each
    event's ``node`` (one sink shared by the nodes of a simulation). See the module docstring for
    what each latency measures and how memory and label cardinality are bounded.
    """

    def __init__(self, registry: CollectorRegistry | None = None, node: int | None = None, *,
                 max_rounds: int = 1024, keep_epochs: int = 4, max_error_labels: int = 32) -> None:
        self.registry = registry if registry is not None else CollectorRegistry(auto_describe=True)
        self.node = node
        self.max_rounds = max_rounds
        self.keep_epochs = keep_epochs
        self.max_error_labels = max_error_labels
        self._lock = threading.Lock()
        self._rounds: OrderedDict[tuple[str, int, int], _RoundTimes] = OrderedDict()
        self._last_report: dict[str, int] = {}
        self._error_labels: set[str] = set()
        self._servers: list[WSGIServer] = []
        r = self.registry
        self.events = Counter("ocr_events", "Protocol events emitted, by phase and event kind.",
                              ["node", "phase", "event"], registry=r)
        self.phase_latency = Histogram("ocr_phase_latency_seconds",
                                       "Per-round phase latency on the node clock (see ocr_client.protocol.metrics).",
                                       ["node", "phase"], buckets=LATENCY_BUCKETS, registry=r)
        self.epoch = Gauge("ocr_epoch", "Current epoch of the node's pacemaker.", ["node"], registry=r)
        self.leader = Gauge("ocr_leader", "Leader of the node's current epoch.", ["node"], registry=r)
        self.last_report_answer = Gauge("ocr_last_report_answer", "Answer of the newest finalized report.",
                                        ["node"], registry=r)
        self.last_report_round = Gauge("ocr_last_report_round",
                                       "epoch*256+round of the newest finalized report.", ["node"], registry=r)
        self.reports_landed = Counter("ocr_reports_landed", "Reports this node transmitted that were accepted on-chain.",
                                      ["node"], registry=r)
        self.transmit_reverted = Counter("ocr_transmit_reverted", "Transmissions by this node that reverted, by error.",
                                         ["node", "error"], registry=r)
        self.malformed = Counter("ocr_malformed_messages", "Messages from peers that failed to decode or validate.",
                                 ["node"], registry=r)
        self.no_report = Counter("ocr_no_report", "Rounds this node declined to sign, by reason class.",
                                 ["node", "reason"], registry=r)
        # --- the transaction manager (fed by tx_event) ---
        self.tx_fee_capped = Counter("ocr_tx_fee_capped", "Times the fee cap held a transaction back (below the base "
                                     "fee, or no room left for a bump).", ["node"], registry=r)
        self.tx_bumps = Counter("ocr_tx_bumps", "Same-nonce replacements with bumped fees.", ["node"], registry=r)
        self.tx_insufficient_funds = Counter("ocr_tx_insufficient_funds", "Transactions held back because the "
                                             "transmitter cannot pay gas limit x max fee.", ["node"], registry=r)
        self.tx_low_balance = Counter("ocr_tx_low_balance_warnings", "Warnings that the transmitter pays for fewer "
                                      "than the configured number of transactions.", ["node"], registry=r)
        self.transmitter_balance = Gauge("ocr_transmitter_balance_wei", "Transmitter balance at the last send.",
                                         ["node"], registry=r)
        self.tx_confirmed = Counter("ocr_tx_confirmed", "Transactions K blocks deep (status 1).", ["node"], registry=r)
        self.tx_reverted = Counter("ocr_tx_reverted", "Transactions K blocks deep that reverted.", ["node"], registry=r)
        self.tx_abandoned = Counter("ocr_tx_abandoned", "Transactions given up because their report landed, was "
                                    "superseded, or could not be sent.", ["node"], registry=r)
        self.tx_reorged = Counter("ocr_tx_reorged", "Mined transactions whose block left the canonical chain.",
                                  ["node"], registry=r)
        self.tx_resent = Counter("ocr_tx_resent", "Rebroadcasts of an unchanged attempt.", ["node"], registry=r)
        self.tx_fee_paid = Counter("ocr_tx_fee_paid_wei", "Fees paid by confirmed transactions (gas used x effective "
                                   "gas price).", ["node"], registry=r)
        self.tx_blocks_to_land = Histogram("ocr_tx_blocks_to_land", "Blocks from submission to the mining block.",
                                           ["node"], buckets=BLOCK_BUCKETS, registry=r)
        self.rpc_errors = Counter("ocr_rpc_errors", "RPC transport failures (timeouts, resets, 429, 5xx) that made "
                                  "the pool back off and fail over.", ["node", "kind"], registry=r)
        if node is not None:  # export zeros from the start so rate() and absence alerts work
            label = str(node)
            self.reports_landed.labels(label)
            self.malformed.labels(label)
            for counter in (self.tx_fee_capped, self.tx_bumps, self.tx_insufficient_funds, self.tx_confirmed,
                            self.tx_abandoned, self.tx_reorged):
                counter.labels(label)

    # --- sink ------------------------------------------------------------------------------

    def __call__(self, event: Event) -> None:
        """Update the metrics from one event."""
        label = str(self.node if self.node is not None else event.node)
        with self._lock:
            self.events.labels(label, event.phase, event.kind).inc()
            if event.phase in ROUND_PHASES:
                self._round_event(label, event)
            if event.phase == "pacemaker":
                self._pacemaker_event(label, event)
            elif event.phase == "report" and event.kind in ("no-report", "refused-request", "refused-equivocation"):
                self.no_report.labels(label, no_report_reason(event.kind, event.detail.get("reason"))).inc()
            elif event.phase == "finalize" and event.kind == "accepted":
                self._report_accepted(label, event)
            elif event.phase == "transmit" and event.kind == "accepted":
                self.reports_landed.labels(label).inc()
            elif event.phase == "transmit" and event.kind == "reverted":
                self.transmit_reverted.labels(label, self._error_label(event.detail.get("error"))).inc()
            elif event.phase == "network" and event.kind == "malformed":
                self.malformed.labels(label).inc()

    emit = __call__

    # --- transaction manager ---------------------------------------------------------------

    def tx_event(self, event: TxEvent) -> None:
        """Update the transaction metrics from one :class:`~ocr_client.chain.txmanager.TxEvent`."""
        label = str(self.node if self.node is not None else 0)
        counters = {"fee-capped": self.tx_fee_capped, "bumped": self.tx_bumps,
                    "insufficient-funds": self.tx_insufficient_funds, "low-balance": self.tx_low_balance,
                    "confirmed": self.tx_confirmed, "reverted": self.tx_reverted, "abandoned": self.tx_abandoned,
                    "reorged": self.tx_reorged, "resent": self.tx_resent}
        with self._lock:
            counter = counters.get(event.kind)
            if counter is not None:
                counter.labels(label).inc()
            balance = event.detail.get("balance_wei")
            if isinstance(balance, int):
                self.transmitter_balance.labels(label).set(balance)
            if event.kind == "confirmed":
                paid = event.detail.get("fee_paid_wei")
                blocks = event.detail.get("blocks_to_land")
                if isinstance(paid, int):
                    self.tx_fee_paid.labels(label).inc(paid)
                if isinstance(blocks, int) and blocks >= 0:
                    self.tx_blocks_to_land.labels(label).observe(blocks)

    def rpc_error(self, url: str, problem: str) -> None:
        """One RPC transport failure (the pool's ``on_error``); labelled by kind, not URL (URLs hold API keys)."""
        kind = "timeout" if "timed out" in problem else problem.split()[-1] if problem.startswith("HTTP") else "connection"
        label = str(self.node if self.node is not None else 0)
        self.rpc_errors.labels(label, kind).inc()

    def _pacemaker_event(self, label: str, event: Event) -> None:
        if event.kind not in ("new-epoch", "restored"):
            return
        self.epoch.labels(label).set(event.epoch)
        leader = event.detail.get("leader")
        if event.kind == "new-epoch" and isinstance(leader, int):
            self.leader.labels(label).set(leader)
        self._forget_before(label, event.epoch - self.keep_epochs + 1)

    def _report_accepted(self, label: str, event: Event) -> None:
        position = event.epoch * 256 + event.round
        answer = event.detail.get("answer")
        if position < self._last_report.get(label, -1) or not isinstance(answer, int | float):
            return  # an older report finalized late must not move the gauges backwards
        self._last_report[label] = position
        self.last_report_answer.labels(label).set(answer)
        self.last_report_round.labels(label).set(position)

    def _error_label(self, error: object) -> str:
        name = str(error) if error is not None else ""
        if not _ERROR_NAME.match(name):
            return "other"
        if name not in self._error_labels:
            if len(self._error_labels) >= self.max_error_labels:
                return "other"
            self._error_labels.add(name)
        return name

    # --- latencies -------------------------------------------------------------------------

    def _round_event(self, label: str, event: Event) -> None:
        key = (label, event.epoch, event.round)
        times = self._rounds.get(key)
        if times is None:
            if event.phase == "transmit":
                return  # transmission of a round we never saw (e.g. restored after restart): nothing to time
            times = self._rounds[key] = _RoundTimes(first=event.time)
            while len(self._rounds) > self.max_rounds:
                self._rounds.popitem(last=False)
        t = event.time
        if event.phase == "observe" and event.kind == "observed" and times.observed is None:
            times.observed = t
            self._observe(label, "observe", t - times.first)
        elif event.phase == "report" and event.kind == "signed" and times.signed is None:
            times.signed = t
            if times.observed is not None:
                self._observe(label, "report", t - times.observed)
        elif event.phase == "finalize" and event.kind == "accepted" and times.accepted is None:
            times.accepted = t
            start = times.signed if times.signed is not None else times.observed
            if start is not None:
                self._observe(label, "finalize", t - start)
        elif event.phase == "transmit" and (event.kind in _TRANSMIT_OUTCOMES or event.kind == "stood-down"):
            if event.kind != "stood-down" and times.accepted is not None:
                self._observe(label, "transmit", t - times.accepted)
            del self._rounds[key]  # nothing left to time for this node and round

    def _observe(self, label: str, phase: str, seconds: float) -> None:
        if seconds >= 0:  # a clock step backwards would give a meaningless sample
            self.phase_latency.labels(label, phase).observe(seconds)

    def _forget_before(self, label: str, epoch: int) -> None:
        stale = [k for k in self._rounds if k[0] == label and k[1] < epoch]
        for k in stale:
            del self._rounds[k]

    @property
    def tracked_rounds(self) -> int:
        """How many (node, epoch, round) start-time entries are held (for bounded-memory checks)."""
        return len(self._rounds)

    # --- exposition ------------------------------------------------------------------------

    def exposition(self) -> bytes:
        """The registry in the Prometheus text exposition format."""
        return generate_latest(self.registry)

    def serve(self, port: int = 0, addr: str = "127.0.0.1") -> tuple[WSGIServer, int]:
        """Serve ``/metrics`` over HTTP in a daemon thread; return the server and its bound port.

        Port 0 picks a free port (tests, several nodes on one host). Loopback by default: metrics
        reveal operational detail, so exposing them wider is an explicit choice. Stop with
        :meth:`close` (or ``server.shutdown(); server.server_close()``).
        """
        server, _thread = start_http_server(port, addr, registry=self.registry)
        self._servers.append(server)
        return server, int(server.server_port)

    def close(self) -> None:
        """Stop every HTTP server started by :meth:`serve` and release its socket."""
        servers, self._servers = self._servers, []
        for server in servers:
            server.shutdown()
            server.server_close()
