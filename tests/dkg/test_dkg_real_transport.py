"""The DKG over the real transport: 4 nodes on CURVE-authenticated ZeroMQ (127.0.0.1), one RealClock.

All nodes live in this process and thread; one loop alternates ``clock.run_due()`` with a short
``poll`` of every transport, exactly what each node's own event loop would do in a separate process.
Before the DKG starts, every ordered pair of nodes exchanges one message so the CURVE handshakes
are done and the first phase is not spent connecting. Waits are polls against a generous deadline
for an expected condition; nothing asserts on wall-clock durations.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence

import pytest

from ocr_client.chain.anvil import free_ports
from ocr_client.crypto import get_backend
from ocr_client.dkg.node import DkgNode
from ocr_client.dkg.participants import DkgConfig, NodeKeys
from ocr_client.dkg.randomness import DkgRandom
from ocr_client.dkg.result import DkgResult, Exclusion
from ocr_client.dkg.strategies import parse_strategy
from ocr_client.net.clock import RealClock
from ocr_client.net.zmq_transport import PeerInfo, ZmqTransport, generate_identity
from tests.dkg.dkg_support import all_done, assert_agree, assert_consistent_key, assert_signs

N, T = 4, 2
#: Short enough that a DKG (3 phases) takes a few seconds, long enough for loopback delivery.
PHASE_TIMEOUT = 1.5
#: Give up (and fail) if the handshakes or the DKG have not finished by then.
DEADLINE = 30.0
POLL = 0.002
PING = b"ocr-dkg-test-ping"


@pytest.fixture
def transports() -> Iterator[list[ZmqTransport]]:
    """N connected ZmqTransports on 127.0.0.1; all closed afterwards, whatever happened."""
    identities = [generate_identity() for _ in range(N)]
    ports = free_ports(N)
    peers = [PeerInfo(i, identities[i][0], f"tcp://127.0.0.1:{ports[i]}") for i in range(N)]
    opened: list[ZmqTransport] = []
    try:
        for i in range(N):
            endpoint = peers[i].endpoint
            opened.append(ZmqTransport(i, identities[i][1], peers, bind_endpoint=endpoint))
        yield opened
    finally:
        for transport in opened:
            transport.close()


def _pump(transports: Sequence[ZmqTransport], clock: RealClock | None, until: Callable[[], bool], what: str) -> None:
    """One thread, all nodes: run due timers, then poll each transport briefly, until ``until()``."""
    deadline = time.monotonic() + DEADLINE
    while not until():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not finish before the {DEADLINE:.0f} s deadline")
        if clock is not None:
            clock.run_due()
        for transport in transports:
            transport.poll(POLL)


def _handshake(transports: Sequence[ZmqTransport]) -> None:
    """Every node pings every other one and we wait for all N * (N - 1) pings to arrive."""
    seen: set[tuple[int, int]] = set()
    for transport in transports:
        me = transport.index

        def record(sender: int, payload: bytes, me: int = me) -> None:
            if payload == PING:
                seen.add((sender, me))

        transport.set_handler(record)
    for transport in transports:
        for to in range(N):
            if to != transport.index:
                transport.send(to, PING)
    _pump(transports, None, lambda: len(seen) == N * (N - 1), "the CURVE handshakes")


def _run_dkg(transports: Sequence[ZmqTransport], seed: int, faulty: Mapping[int, str] | None = None) -> list[DkgNode]:
    """A real DKG among the transports' nodes, driven by one RealClock; returns the finished nodes."""
    _handshake(transports)
    keys = [NodeKeys.generate(DkgRandom.derive(seed, f"identity-{i}")) for i in range(N)]
    nonce = DkgRandom.derive(seed, "session").bytes32()
    config = DkgConfig.create(T, [k.participant(i) for i, k in enumerate(keys)], nonce=nonce,
                              phase_timeout=PHASE_TIMEOUT)
    clock = RealClock()
    strategies = {i: parse_strategy(name) for i, name in (faulty or {}).items()}
    # DkgNode replaces the handshake handler with its own.
    nodes = [
        DkgNode(config, keys[i], transports[i], clock, get_backend(), DkgRandom.derive(seed, f"node-{i}"),
                strategies.get(i))
        for i in range(N)
    ]
    for node in nodes:
        node.start()
    _pump(transports, clock, lambda: all(node.done for node in nodes), "the DKG")
    assert [node.error for node in nodes] == [None] * N
    return nodes


def _results(nodes: Sequence[DkgNode]) -> list[DkgResult]:
    return all_done([node.result for node in nodes])


@pytest.mark.slow
def test_honest_dkg_over_zmq_agrees_and_the_key_signs(transports: list[ZmqTransport]) -> None:
    nodes = _run_dkg(transports, seed=21)
    results = _results(nodes)
    assert_agree(results)
    first = results[0]
    assert first.qual == tuple(range(N)) and first.excluded == {}
    assert first.committee.threshold == T and first.committee.size == N
    assert_consistent_key(results)
    # any t shares combine into a signature that verifies under the group key
    assert_signs(results)
    assert_signs(results, signers=[0, 2])
    # it really went over the sockets, and nothing arrived unattributed
    for transport in transports:
        assert transport.stats.delivered > 0 and transport.stats.malformed == 0


@pytest.mark.slow
def test_bad_share_dealer_over_zmq_is_excluded_and_the_rest_agree(transports: list[ZmqTransport]) -> None:
    nodes = _run_dkg(transports, seed=22, faulty={1: "bad-share"})
    results = _results(nodes)
    assert_agree(results)
    first = results[0]
    assert first.qual == (0, 2, 3)
    assert {i: first.exclusion_reason(i) for i in first.excluded} == {1: Exclusion.BAD_SHARE}
    assert_consistent_key(results)
    assert_signs(results, signers=[0, 3])
    assert_signs(results, signers=[1, 2])  # the faulty dealer is still an honest recipient
