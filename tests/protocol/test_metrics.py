"""ProtocolMetrics: events in, Prometheus samples out (counters, gauges, latencies, HTTP)."""

from __future__ import annotations

import urllib.request
from typing import Any

import pytest

from ocr_client.protocol.metrics import NO_REPORT_REASONS, ProtocolMetrics, no_report_reason
from ocr_client.protocol.telemetry import Event, Fanout


def ev(time: float, phase: str, kind: str, round_: int = 0, *, node: int = 1, epoch: int = 1, **detail: Any) -> Event:
    return Event(time, node, epoch, round_, phase, kind, detail)


def sample(m: ProtocolMetrics, name: str, **labels: str) -> float | None:
    return m.registry.get_sample_value(name, labels)


def test_counts_every_event_by_phase_and_kind() -> None:
    m = ProtocolMetrics()
    m(ev(0, "observe", "observed", 1, value=5))
    m.emit(ev(1, "observe", "observed", 2, value=6))
    Fanout(m).emit(ev(2, "pacemaker", "change-leader", reason="slow"))
    assert sample(m, "ocr_events_total", node="1", phase="observe", event="observed") == 2
    assert sample(m, "ocr_events_total", node="1", phase="pacemaker", event="change-leader") == 1


def test_phase_latencies_of_a_full_leader_round() -> None:
    m = ProtocolMetrics()
    m(ev(10.0, "observe", "round-start", 3, role="leader"))
    m(ev(10.5, "observe", "observed", 3, value=100))
    m(ev(10.6, "report", "report-request", 3, observations={}))
    m(ev(11.0, "report", "signed", 3, reason="deviation", answer=100))
    m(ev(11.25, "finalize", "final-sent", 3, signers=[0, 1, 2]))
    m(ev(12.0, "finalize", "accepted", 3, answer=100, signers=[0, 1, 2], via="leader"))
    m(ev(12.0, "transmit", "scheduled", 3, stage=0))
    m(ev(15.0, "transmit", "accepted", 3, tx="0x1", gas_used=1, error=None))
    for phase, seconds in (("observe", 0.5), ("report", 0.5), ("finalize", 1.0), ("transmit", 3.0)):
        assert sample(m, "ocr_phase_latency_seconds_count", node="1", phase=phase) == 1, phase
        assert sample(m, "ocr_phase_latency_seconds_sum", node="1", phase=phase) == pytest.approx(seconds), phase
    assert sample(m, "ocr_reports_landed_total", node="1") == 1
    assert sample(m, "ocr_last_report_answer", node="1") == 100
    assert sample(m, "ocr_last_report_round", node="1") == 1 * 256 + 3
    assert m.tracked_rounds == 0  # the terminal transmit event releases the round


def test_follower_latencies_and_unsigned_finalize_start_at_observation() -> None:
    m = ProtocolMetrics()
    m(ev(1.0, "observe", "observed", 1, node=2, value=7))  # follower: first sight is the observation
    m(ev(3.0, "finalize", "accepted", 1, node=2, answer=7, signers=[0, 1], via="echo"))  # did not sign
    assert sample(m, "ocr_phase_latency_seconds_sum", node="2", phase="observe") == 0
    assert sample(m, "ocr_phase_latency_seconds_sum", node="2", phase="finalize") == pytest.approx(2.0)
    assert sample(m, "ocr_phase_latency_seconds_count", node="2", phase="report") is None


def test_each_latency_is_observed_once_per_round_and_rounds_are_kept_apart() -> None:
    m = ProtocolMetrics()
    m(ev(0, "observe", "observed", 1))
    m(ev(1, "report", "signed", 1, answer=1))
    m(ev(2, "report", "signed", 1, answer=1))  # a duplicate must not add a sample
    m(ev(5, "observe", "observed", 1, epoch=2))  # same round number, next epoch: a new round
    m(ev(9, "report", "signed", 1, epoch=2, answer=1))
    assert sample(m, "ocr_phase_latency_seconds_count", node="1", phase="report") == 2
    assert sample(m, "ocr_phase_latency_seconds_sum", node="1", phase="report") == pytest.approx(5.0)


def test_transmit_without_acceptance_and_stand_down_give_no_sample() -> None:
    m = ProtocolMetrics()
    m(ev(0, "transmit", "accepted", 4, tx="0x", gas_used=1, error=None))  # pending restored after restart
    m(ev(0, "finalize", "accepted", 5, answer=1, signers=[], via="leader"))
    m(ev(3, "transmit", "stood-down", 5, onchain=[1, 5]))
    assert sample(m, "ocr_phase_latency_seconds_count", node="1", phase="transmit") is None
    assert sample(m, "ocr_reports_landed_total", node="1") == 1
    assert m.tracked_rounds == 0


def test_epoch_and_leader_gauges_from_the_pacemaker() -> None:
    m = ProtocolMetrics()
    m(ev(0, "pacemaker", "restored", epoch=4, ne=5))
    assert sample(m, "ocr_epoch", node="1") == 4
    m(ev(1, "pacemaker", "new-epoch", epoch=5, leader=2))
    assert sample(m, "ocr_epoch", node="1") == 5
    assert sample(m, "ocr_leader", node="1") == 2


def test_last_report_gauges_never_move_backwards() -> None:
    m = ProtocolMetrics()
    m(ev(0, "finalize", "accepted", 2, epoch=3, answer=50, signers=[], via="leader"))
    m(ev(1, "finalize", "accepted", 9, epoch=2, answer=10, signers=[], via="echo"))
    assert sample(m, "ocr_last_report_answer", node="1") == 50
    assert sample(m, "ocr_last_report_round", node="1") == 3 * 256 + 2


def test_no_report_reasons_map_to_a_fixed_set() -> None:
    m = ProtocolMetrics()
    m(ev(0, "report", "no-report", 1, reason="no deviation and heartbeat not due", answer=1))
    m(ev(0, "report", "no-report", 2, reason="median outside [minAnswer, maxAnswer]", answer=1))
    m(ev(0, "report", "no-report", 3, reason="median too far from own observation", answer=1))
    m(ev(0, "report", "refused-request", 4, reason="observations not sorted"))
    m(ev(0, "report", "refused-equivocation", 5, reason="already signed a different report for this round"))
    m(ev(0, "report", "no-report", 6, reason="something entirely new 0xdeadbeef"))
    for reason in NO_REPORT_REASONS:
        assert sample(m, "ocr_no_report_total", node="1", reason=reason) == 1, reason
    assert no_report_reason("no-report", None) == "other"


def test_reverts_by_error_name_with_bounded_labels_and_malformed_messages() -> None:
    m = ProtocolMetrics(max_error_labels=2)
    for error in ("StaleReport", "StaleReport", "InvalidSignature", "NotTransmitter", "execution reverted: 0x1234", None):
        m(ev(0, "transmit", "reverted", 1, tx="0x", gas_used=0, error=error))
    assert sample(m, "ocr_transmit_reverted_total", node="1", error="StaleReport") == 2
    assert sample(m, "ocr_transmit_reverted_total", node="1", error="InvalidSignature") == 1
    assert sample(m, "ocr_transmit_reverted_total", node="1", error="NotTransmitter") is None
    assert sample(m, "ocr_transmit_reverted_total", node="1", error="other") == 3
    m(ev(0, "network", "malformed", sender=3, reason="bad length"))
    assert sample(m, "ocr_malformed_messages_total", node="1") == 1


def test_fixed_node_label_overrides_event_node_and_exports_zeros() -> None:
    m = ProtocolMetrics(node=7)
    assert sample(m, "ocr_reports_landed_total", node="7") == 0
    assert sample(m, "ocr_malformed_messages_total", node="7") == 0
    m(ev(0, "network", "malformed", node=1, sender=3, reason="x"))
    assert sample(m, "ocr_malformed_messages_total", node="7") == 1
    assert sample(m, "ocr_malformed_messages_total", node="1") is None


def test_shared_sink_keeps_nodes_apart() -> None:
    m = ProtocolMetrics()
    m(ev(0, "observe", "round-start", 1, node=0))
    m(ev(0, "observe", "observed", 1, node=1))
    m(ev(2, "observe", "observed", 1, node=0))
    assert sample(m, "ocr_phase_latency_seconds_sum", node="0", phase="observe") == pytest.approx(2.0)
    assert sample(m, "ocr_phase_latency_seconds_sum", node="1", phase="observe") == 0


def test_round_memory_is_bounded_by_count_and_by_epoch() -> None:
    m = ProtocolMetrics(max_rounds=64, keep_epochs=2)
    for epoch in range(1, 40):
        for round_ in range(1, 100):  # rounds that never reach a transmit outcome
            m(ev(0, "observe", "round-start", round_, epoch=epoch))
        assert m.tracked_rounds <= 64
    assert m.tracked_rounds == 64
    m(ev(0, "pacemaker", "new-epoch", epoch=100, leader=0))
    assert m.tracked_rounds == 0  # everything older than the kept epochs is forgotten


def test_own_registry_per_sink() -> None:
    first, second = ProtocolMetrics(), ProtocolMetrics()  # no duplicate-timeseries error
    first(ev(0, "network", "malformed"))
    assert second.registry.get_sample_value("ocr_malformed_messages_total", {"node": "1"}) is None


def test_text_exposition_names_the_metrics() -> None:
    m = ProtocolMetrics(node=0)
    m(ev(0, "observe", "round-start", 1))
    m(ev(1, "observe", "observed", 1))
    m(ev(1, "pacemaker", "new-epoch", leader=0))
    m(ev(1, "report", "no-report", 1, reason="no deviation and heartbeat not due"))
    m(ev(1, "finalize", "accepted", 1, answer=3, signers=[], via="leader"))
    m(ev(1, "transmit", "reverted", 1, error="StaleReport"))
    text = m.exposition().decode()
    for name in ("ocr_events_total", "ocr_phase_latency_seconds_bucket", "ocr_epoch", "ocr_leader",
                 "ocr_last_report_answer", "ocr_last_report_round", "ocr_reports_landed_total",
                 "ocr_transmit_reverted_total", "ocr_malformed_messages_total", "ocr_no_report_total"):
        assert f"\n{name}{{" in text, name


def test_http_server_serves_metrics_and_stops() -> None:
    m = ProtocolMetrics(node=0)
    m(ev(0, "network", "malformed"))
    server, port = m.serve(0)
    try:
        assert port > 0
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            body = response.read().decode()
        assert 'ocr_malformed_messages_total{node="0"} 1.0' in body
    finally:
        m.close()
    assert server.socket.fileno() == -1  # socket released
    m.close()  # idempotent
