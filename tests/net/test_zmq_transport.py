"""The ZeroMQ transport on real sockets (127.0.0.1): authentication, attribution, limits, recovery.

Every wait is a poll loop against a deadline for an expected condition; nothing asserts on time.
"Never delivered" is shown by ordering: the receiver first observes the refusal (or a later
legitimate message arrives), and only then do we check the bad message is absent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence

import pytest
import zmq

from ocr_client.chain.anvil import free_port, free_ports
from ocr_client.net.clock import RealClock
from ocr_client.net.event_loop import run_loop
from ocr_client.net.transport import MAX_MESSAGE_BYTES
from ocr_client.net.zmq_transport import (
    PeerInfo,
    TransportError,
    ZmqTransport,
    generate_identity,
    peers_from_json,
    peers_to_json,
    public_key_of,
)

DEADLINE = 5.0


class Cluster:
    """n identities with endpoints on 127.0.0.1 and the transports started so far."""

    def __init__(self, n: int, send_hwm: int = 1000) -> None:
        self.keys = [generate_identity() for _ in range(n)]
        ports = free_ports(n)
        self.peers = [PeerInfo(i, self.keys[i][0], f"tcp://127.0.0.1:{ports[i]}") for i in range(n)]
        self.send_hwm = send_hwm
        self.nodes: dict[int, ZmqTransport] = {}
        self.inbox: dict[int, list[tuple[int, bytes]]] = {}

    def start(self, index: int) -> ZmqTransport:
        node = ZmqTransport(index, self.keys[index][1], self.peers, send_hwm=self.send_hwm)
        box: list[tuple[int, bytes]] = []
        self.inbox[index] = box
        node.set_handler(lambda sender, payload: box.append((sender, payload)))
        self.nodes[index] = node
        return node

    def stop(self, index: int) -> None:
        self.nodes.pop(index).close()

    def close(self) -> None:
        for node in self.nodes.values():
            node.close()
        self.nodes.clear()

    def pump_until(
        self, condition: Callable[[], bool], extra: Sequence[ZmqTransport] = (), every: Callable[[], None] | None = None
    ) -> None:
        """Poll every live node (and ``extra`` ones) until ``condition()`` holds; fail after DEADLINE."""
        deadline = time.monotonic() + DEADLINE
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("condition not reached before the deadline")
            if every is not None:
                every()
            for node in (*self.nodes.values(), *extra):
                node.poll(0.005)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    c = Cluster(4)
    for i in range(4):
        c.start(i)
    yield c
    c.close()


def test_broadcast_reaches_everyone_including_self_with_authenticated_senders(cluster: Cluster) -> None:
    for i, node in cluster.nodes.items():
        node.broadcast(f"hello from {i}".encode())
    expected = {(i, f"hello from {i}".encode()) for i in range(4)}
    cluster.pump_until(lambda: all(len(box) >= 4 for box in cluster.inbox.values()))
    for box in cluster.inbox.values():
        assert set(box) == expected
    assert all(node.stats.sent == 4 and node.stats.delivered == 4 for node in cluster.nodes.values())


def test_sender_index_comes_from_the_key_not_the_payload(cluster: Cluster) -> None:
    cluster.nodes[2].send(0, b"I am oracle 1, honest")
    cluster.nodes[3].send(0, b"")  # empty payloads are legal
    cluster.pump_until(lambda: len(cluster.inbox[0]) == 2)
    assert sorted(cluster.inbox[0]) == [(2, b"I am oracle 1, honest"), (3, b"")]


def test_unknown_peer_is_refused_and_never_delivers() -> None:
    c = Cluster(2)
    victim = c.start(0)
    c.start(1)
    # The attacker has its own key, which the victim's peer list does not contain.
    public, secret = generate_identity()
    attacker_peers = [c.peers[0], PeerInfo(1, public, f"tcp://127.0.0.1:{free_port()}")]
    attacker = ZmqTransport(1, secret, attacker_peers)
    try:
        attacker.send(0, b"forged")
        c.pump_until(lambda: victim.stats.refused >= 1, extra=[attacker])
        c.nodes[1].send(0, b"genuine")
        c.pump_until(lambda: (1, b"genuine") in c.inbox[0], extra=[attacker])
        assert all(payload != b"forged" for _, payload in c.inbox[0])
        assert victim.stats.handshake_failed >= 1
    finally:
        attacker.close()
        c.close()


def test_peer_presenting_someone_elses_public_key_fails_the_handshake() -> None:
    c = Cluster(3)
    victim = c.start(0)
    c.start(1)
    _, attacker_secret = generate_identity()
    ctx: zmq.Context[zmq.Socket[bytes]] = zmq.Context()
    raw = ctx.socket(zmq.DEALER)
    try:
        raw.linger = 0
        raw.curve_publickey = c.peers[2].public_key.encode()  # claims to be oracle 2...
        raw.curve_secretkey = attacker_secret.encode()  # ...without oracle 2's secret
        raw.curve_serverkey = c.peers[0].public_key.encode()
        raw.connect(c.peers[0].endpoint)
        raw.send(b"forged as 2", zmq.NOBLOCK)
        c.pump_until(lambda: victim.stats.handshake_failed >= 1)
        c.nodes[1].send(0, b"genuine")
        c.pump_until(lambda: (1, b"genuine") in c.inbox[0])
        assert all(payload != b"forged as 2" for _, payload in c.inbox[0])
    finally:
        raw.close(linger=0)
        ctx.term()
        c.close()


def test_oversized_messages_are_refused_by_sender_and_receiver() -> None:
    c = Cluster(2)
    receiver = c.start(0)
    sender = c.start(1)
    try:
        sender.send(0, b"x" * (MAX_MESSAGE_BYTES + 1))
        sender.send(1, b"x" * (MAX_MESSAGE_BYTES + 1))
        assert sender.stats.oversized == 2 and sender.stats.sent == 0
        sender.send(0, b"y" * MAX_MESSAGE_BYTES)  # exactly the limit is fine
        c.pump_until(lambda: len(c.inbox[0]) == 1)
        assert c.inbox[0] == [(1, b"y" * MAX_MESSAGE_BYTES)]

        # A peer bypassing our send() check: just over the limit is dropped and counted by the
        # receiver; far over it, libzmq (MAXMSGSIZE) cuts the connection before buffering it.
        ctx: zmq.Context[zmq.Socket[bytes]] = zmq.Context()
        raw = ctx.socket(zmq.DEALER)
        try:
            raw.linger = 0
            raw.curve_publickey = c.peers[1].public_key.encode()
            raw.curve_secretkey = c.keys[1][1].encode()
            raw.curve_serverkey = c.peers[0].public_key.encode()
            raw.connect(c.peers[0].endpoint)
            raw.send(b"z" * (MAX_MESSAGE_BYTES + 10))
            c.pump_until(lambda: receiver.stats.oversized == 1)
            raw.send(b"w" * (4 * MAX_MESSAGE_BYTES))
            # The connection recovers: keep nudging until a small message gets through.
            c.pump_until(lambda: (1, b"after") in c.inbox[0], every=lambda: raw.send(b"after", zmq.NOBLOCK))
        finally:
            raw.close(linger=0)
            ctx.term()
        assert all(len(payload) <= MAX_MESSAGE_BYTES for _, payload in c.inbox[0])
    finally:
        c.close()


def test_absent_peer_fills_its_buffer_and_drops_without_blocking() -> None:
    c = Cluster(3, send_hwm=50)
    node = c.start(0)
    c.start(1)  # oracle 2 never starts
    try:
        for k in range(1000):
            node.send(2, k.to_bytes(4, "big"))
        assert node.stats.dropped > 0
        assert node.stats.sent + node.stats.dropped == 1000
        node.send(1, b"still alive")
        c.pump_until(lambda: (0, b"still alive") in c.inbox[1])
    finally:
        c.close()


def test_restarted_node_receives_again_after_reconnect() -> None:
    c = Cluster(2)
    c.start(0)
    c.start(1)
    try:
        c.nodes[0].send(1, b"before")
        c.pump_until(lambda: (0, b"before") in c.inbox[1])
        c.stop(1)
        c.nodes[0].send(1, b"while down")  # must not raise or block
        c.start(1)  # same key, same port
        c.pump_until(lambda: (0, b"after") in c.inbox[1], every=lambda: c.nodes[0].send(1, b"after"))
        c.nodes[1].send(0, b"back")
        c.pump_until(lambda: (1, b"back") in c.inbox[0])
    finally:
        c.close()


def test_run_loop_drives_timers_and_messages() -> None:
    c = Cluster(2)
    a, b = c.start(0), c.start(1)
    clock = RealClock()
    got: list[tuple[int, bytes]] = []
    a.set_handler(lambda sender, payload: got.append((sender, payload)))
    b.set_handler(lambda sender, payload: b.send(sender, b"pong:" + payload))

    def ping() -> None:
        if not got:
            a.send(1, b"ping")
            clock.call_later(0.05, ping)
            b.poll(0)  # b has no loop of its own in this test

    clock.call_later(0, ping)
    deadline = time.monotonic() + DEADLINE
    try:
        run_loop(a, clock, stop=lambda: bool(got) or time.monotonic() > deadline, max_block=0.01)
        assert got and got[0] == (1, b"pong:ping")
    finally:
        c.close()


def test_poll_and_send_after_close() -> None:
    c = Cluster(2)
    node = c.start(0)
    c.stop(0)
    node.close()  # idempotent
    node.send(1, b"late")
    assert node.stats.dropped == 1
    with pytest.raises(TransportError):
        node.poll(0)
    with pytest.raises(TransportError):
        node.send(5, b"no such oracle")


def test_peer_list_round_trips_and_is_validated() -> None:
    c = Cluster(3)
    assert list(peers_from_json(peers_to_json(reversed(c.peers)))) == c.peers
    public, secret = c.keys[0]
    assert public_key_of(secret) == public
    with pytest.raises(TransportError):
        PeerInfo(0, "not a key", "tcp://127.0.0.1:1")
    with pytest.raises(TransportError):
        peers_from_json(peers_to_json(c.peers).replace('"index": 2', '"index": 5'))
    with pytest.raises(TransportError):
        peers_from_json("{}")
    with pytest.raises(TransportError):
        ZmqTransport(0, c.keys[1][1], c.peers)  # secret key of someone else
    with pytest.raises(TransportError):
        ZmqTransport(0, secret, [c.peers[0], PeerInfo(1, public, "tcp://127.0.0.1:2")])  # duplicate key


def test_bind_failure_is_a_transport_error() -> None:
    c = Cluster(2)
    first = c.start(0)
    try:
        with pytest.raises(TransportError):
            ZmqTransport(0, c.keys[0][1], c.peers)  # same port again
    finally:
        first.close()
