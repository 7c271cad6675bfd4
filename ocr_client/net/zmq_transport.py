"""The real :class:`~ocr_client.net.transport.Transport`: ZeroMQ over TCP, authenticated with CURVE.

Design, and why:

* **Identity is a CURVE public key.** Each oracle has a CURVE keypair; the peer list
  (:class:`PeerInfo`) maps index -> (public key, endpoint). A message's sender index is looked up
  from the public key the CURVE handshake proved, never from anything inside the payload, so a
  peer cannot speak for another one.
* **One ROUTER (CURVE server) to receive, one DEALER (CURVE client) per peer to send.** A DEALER
  per peer gives each link its own bounded queue (``SNDHWM``): a slow or dead peer fills only its
  own queue and further messages to it are dropped (``NOBLOCK``) instead of stalling the node,
  which is the best-effort contract of the protocol. The receiving side needs no per-peer state,
  so one ROUTER serves everyone.
* **Our own ZAP handler, served from :meth:`ZmqTransport.poll` in the caller's thread** rather
  than :class:`zmq.auth.thread.ThreadAuthenticator`. It admits exactly the known peers' keys and
  tags each connection with the key as ``User-Id``, which libzmq then attaches to every message
  from that connection. Keeping it in the polling thread means no extra thread to stop, the
  refusal counter is plain single-threaded state, and the node stays single-threaded end to end.
  The cost is that handshakes only complete while the node polls, which a running node does
  continuously (:func:`ocr_client.net.event_loop.run_loop`). ``ZAP_ENFORCE_DOMAIN`` makes the
  server fail closed: without a ZAP handler libzmq would otherwise accept *any* CURVE client.
* **Each transport owns its ZeroMQ context**, because the ZAP endpoint
  (``inproc://zeromq.zap.01``) is per context: two transports sharing a context would share (and
  fight over) one authenticator.
* **Size limits twice:** :meth:`send` refuses payloads above :data:`MAX_MESSAGE_BYTES`, and the
  ROUTER's ``MAXMSGSIZE`` makes libzmq disconnect a peer that sends a much larger frame before it
  is buffered (a little slack covers CURVE's per-message overhead; payloads inside that slack
  are dropped and counted by :meth:`poll`).
* **A socket monitor on the ROUTER** counts failed handshakes (e.g. a client presenting a public
  key whose secret it does not hold), which ZAP never sees because the cryptography fails first.
"""

from __future__ import annotations

import json
import math
import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from types import TracebackType
from typing import Any, Final

import zmq
from zmq.utils import z85
from zmq.utils.monitor import recv_monitor_message

from ocr_client.errors import TransportError
from ocr_client.net.transport import MAX_MESSAGE_BYTES, Handler

#: Messages queued per peer before further sends to it are dropped.
DEFAULT_SEND_HWM: Final[int] = 1000
#: Extra bytes allowed on the wire above MAX_MESSAGE_BYTES: CURVE adds ~33 bytes per message.
FRAMING_SLACK: Final[int] = 1024
#: At most this many messages are dispatched per :meth:`ZmqTransport.poll` so timers still run.
DEFAULT_POLL_BUDGET: Final[int] = 1000
#: ZAP domain our ROUTER asks its handler about (any non-empty string; checked by the handler).
ZAP_DOMAIN: Final[str] = "ocr"
_ZAP_ENDPOINT: Final[str] = "inproc://zeromq.zap.01"
_ZAP_VERSION: Final[bytes] = b"1.0"
_HANDSHAKE_FAILURES: Final[int] = (
    zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL | zmq.EVENT_HANDSHAKE_FAILED_AUTH
)


# --- identities and peers -------------------------------------------------------------------


def generate_identity() -> tuple[str, str]:
    """A fresh CURVE keypair as ``(public_z85, secret_z85)``; the public half is the node's identity."""
    public, secret = zmq.curve_keypair()
    return public.decode("ascii"), secret.decode("ascii")


def public_key_of(secret_z85: str) -> str:
    """The public key belonging to a z85 secret key (to check a key file against the peer list)."""
    _check_z85_key(secret_z85, "secret key")
    return zmq.curve_public(secret_z85.encode("ascii")).decode("ascii")


def _check_z85_key(key: str, what: str) -> bytes:
    """Decode a 40-character z85 CURVE key to its 32 raw bytes, or raise TransportError."""
    if not isinstance(key, str) or len(key) != 40:
        raise TransportError(f"{what} must be a 40-character z85 string, got {key!r}")
    try:
        raw = z85.decode(key.encode("ascii"))
    except (ValueError, KeyError, UnicodeEncodeError) as exc:
        raise TransportError(f"{what} is not valid z85: {key!r}") from exc
    if len(raw) != 32:
        raise TransportError(f"{what} must decode to 32 bytes, got {len(raw)}")
    return raw


@dataclass(frozen=True)
class PeerInfo:
    """One oracle as the network knows it: its index, CURVE public key (z85) and ZeroMQ endpoint."""

    index: int
    public_key: str
    endpoint: str

    def __post_init__(self) -> None:
        if not isinstance(self.index, int) or isinstance(self.index, bool) or self.index < 0:
            raise TransportError(f"peer index must be a non-negative int, got {self.index!r}")
        _check_z85_key(self.public_key, f"public key of peer {self.index}")
        if not isinstance(self.endpoint, str) or "://" not in self.endpoint:
            raise TransportError(f"endpoint of peer {self.index} must look like tcp://host:port, got {self.endpoint!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PeerInfo:
        try:
            return cls(index=data["index"], public_key=data["public_key"], endpoint=data["endpoint"])
        except (KeyError, TypeError) as exc:
            raise TransportError(f"peer entry needs index, public_key and endpoint: {data!r}") from exc


def validate_peers(peers: Iterable[PeerInfo]) -> tuple[PeerInfo, ...]:
    """The peers sorted by index, checked to be exactly 0..n-1 with distinct keys and endpoints."""
    ordered = tuple(sorted(peers, key=lambda p: p.index))
    if not ordered:
        raise TransportError("the peer list is empty")
    if [p.index for p in ordered] != list(range(len(ordered))):
        raise TransportError(f"peer indices must be exactly 0..{len(ordered) - 1}, got {[p.index for p in ordered]}")
    if len({p.public_key for p in ordered}) != len(ordered):
        raise TransportError("two peers share a public key, so their messages could not be told apart")
    if len({p.endpoint for p in ordered}) != len(ordered):
        raise TransportError("two peers share an endpoint")
    return ordered


def peers_to_json(peers: Iterable[PeerInfo]) -> str:
    """The peer list as a JSON array of ``{"index", "public_key", "endpoint"}`` objects."""
    return json.dumps([p.to_dict() for p in validate_peers(peers)], indent=2)


def peers_from_json(text: str) -> tuple[PeerInfo, ...]:
    """Parse and validate what :func:`peers_to_json` wrote."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TransportError(f"peer list is not valid JSON: {exc}") from exc
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        raise TransportError("peer list must be a JSON array of objects")
    return validate_peers(PeerInfo.from_dict(d) for d in data)


# --- the transport --------------------------------------------------------------------------


@dataclass
class TransportStats:
    """Counters for tests, logs and metrics (all only ever increase)."""

    sent: int = 0  # messages accepted by send()/broadcast() (self included)
    delivered: int = 0  # handler calls
    dropped: int = 0  # a peer's send buffer was full, the transport was closed, or no handler was set
    refused: int = 0  # connections the ZAP handler denied (key not in the peer list, or our own key)
    oversized: int = 0  # payloads above MAX_MESSAGE_BYTES refused by send() or dropped on receipt
    malformed: int = 0  # received messages without exactly one payload frame or without an admitted key
    handshake_failed: int = 0  # failed CURVE handshakes seen by the monitor (includes ZAP denials)


class ZmqTransport:
    """Oracle ``index``'s endpoint on a CURVE-authenticated ZeroMQ network.

    Single-threaded: all sockets belong to the creating thread, and the handler only runs inside
    :meth:`poll`. ``bind_endpoint`` defaults to this node's advertised endpoint; pass e.g.
    ``tcp://0.0.0.0:PORT`` to listen on all interfaces while advertising a host name.
    """

    def __init__(
        self,
        index: int,
        secret_key: str,
        peers: Sequence[PeerInfo],
        *,
        bind_endpoint: str | None = None,
        send_hwm: int = DEFAULT_SEND_HWM,
        reconnect_ivl: float = 0.1,
        reconnect_ivl_max: float = 2.0,
        heartbeat_ivl: float = 1.0,
        poll_budget: int = DEFAULT_POLL_BUDGET,
    ) -> None:
        self._peers = validate_peers(peers)
        if not 0 <= index < len(self._peers):
            raise TransportError(f"index {index} is not in the peer list of {len(self._peers)}")
        if public_key_of(secret_key) != self._peers[index].public_key:
            raise TransportError(f"the secret key does not belong to peer {index}'s public key")
        if send_hwm < 1 or poll_budget < 1:
            raise TransportError("send_hwm and poll_budget must be positive")
        self._index = index
        self._public = self._peers[index].public_key
        self._secret = secret_key
        self._send_hwm = send_hwm
        self._poll_budget = poll_budget
        # Who may connect: every peer but ourselves (our own messages never touch a socket).
        self._admitted: dict[bytes, int] = {
            z85.decode(p.public_key.encode("ascii")): p.index for p in self._peers if p.index != index
        }
        self._index_of_key: dict[str, int] = {p.public_key: p.index for p in self._peers if p.index != index}
        self._handler: Handler | None = None
        self._local: deque[bytes] = deque()
        self._closed = False
        self.stats = TransportStats()

        self._ctx: zmq.Context[zmq.Socket[bytes]] = zmq.Context()
        try:
            # The ZAP handler must exist before the ROUTER accepts anything (fail closed).
            self._zap = self._ctx.socket(zmq.REP)
            self._zap.linger = 0
            self._zap.bind(_ZAP_ENDPOINT)

            self._router = self._ctx.socket(zmq.ROUTER)
            self._router.linger = 0
            self._router.curve_server = True
            self._router.curve_secretkey = secret_key.encode("ascii")
            self._router.curve_publickey = self._public.encode("ascii")
            self._router.zap_domain = ZAP_DOMAIN.encode("ascii")
            self._router.setsockopt(zmq.ZAP_ENFORCE_DOMAIN, 1)
            self._router.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES + FRAMING_SLACK)
            self._router.rcvhwm = send_hwm
            self._monitor = self._router.get_monitor_socket(_HANDSHAKE_FAILURES)
            self._monitor.linger = 0
            endpoint = bind_endpoint or self._peers[index].endpoint
            try:
                self._router.bind(endpoint)
            except zmq.ZMQError as exc:
                raise TransportError(f"cannot bind {endpoint}: {exc}") from exc

            self._dealers: dict[int, zmq.Socket[bytes]] = {}
            for peer in self._peers:
                if peer.index != index:
                    self._dealers[peer.index] = self._connect(peer, reconnect_ivl, reconnect_ivl_max, heartbeat_ivl)

            self._poller = zmq.Poller()
            self._poller.register(self._router, zmq.POLLIN)
            self._poller.register(self._zap, zmq.POLLIN)
            self._poller.register(self._monitor, zmq.POLLIN)
        except BaseException:
            self._ctx.destroy(linger=0)
            raise

    def _connect(self, peer: PeerInfo, reconnect_ivl: float, reconnect_ivl_max: float, heartbeat_ivl: float) -> zmq.Socket[bytes]:
        """A DEALER to ``peer`` that queues up to SNDHWM messages while it (re)connects."""
        sock = self._ctx.socket(zmq.DEALER)
        sock.linger = 0
        sock.sndhwm = self._send_hwm
        sock.curve_secretkey = self._secret.encode("ascii")
        sock.curve_publickey = self._public.encode("ascii")
        sock.curve_serverkey = peer.public_key.encode("ascii")
        sock.setsockopt(zmq.RECONNECT_IVL, max(1, round(reconnect_ivl * 1000)))
        sock.setsockopt(zmq.RECONNECT_IVL_MAX, max(1, round(reconnect_ivl_max * 1000)))
        # Heartbeats notice a peer host that vanished without closing TCP, so we reconnect.
        sock.setsockopt(zmq.HEARTBEAT_IVL, max(1, round(heartbeat_ivl * 1000)))
        sock.setsockopt(zmq.HEARTBEAT_TIMEOUT, max(1, round(heartbeat_ivl * 3000)))
        sock.connect(peer.endpoint)
        return sock

    # --- Transport protocol ----------------------------------------------------------------

    @property
    def index(self) -> int:
        return self._index

    @property
    def n(self) -> int:
        return len(self._peers)

    @property
    def peers(self) -> tuple[PeerInfo, ...]:
        return self._peers

    @property
    def closed(self) -> bool:
        return self._closed

    def set_handler(self, handler: Handler) -> None:
        self._handler = handler

    def send(self, to: int, payload: bytes) -> None:
        if not 0 <= to < len(self._peers):
            raise TransportError(f"no oracle {to} in a network of {len(self._peers)}")
        if len(payload) > MAX_MESSAGE_BYTES:
            self.stats.oversized += 1
            return
        if self._closed:
            self.stats.dropped += 1
            return
        if to == self._index:
            # Bounded like a peer link, so a node flooding itself cannot grow memory without limit.
            if len(self._local) >= self._send_hwm:
                self.stats.dropped += 1
                return
            self._local.append(bytes(payload))
        else:
            try:
                self._dealers[to].send(payload, zmq.NOBLOCK)
            except zmq.Again:
                self.stats.dropped += 1
                return
        self.stats.sent += 1

    def broadcast(self, payload: bytes) -> None:
        for to in range(len(self._peers)):
            self.send(to, payload)

    def poll(self, timeout_seconds: float) -> int:
        """Wait up to ``timeout_seconds`` for messages, hand each to the handler, return how many.

        Returns as soon as at least one message was dispatched (so the caller's timers run
        promptly); serving ZAP requests and monitor events does not count as a message and does
        not end the wait. At most ``poll_budget`` messages are dispatched per call. Exceptions
        from the handler propagate to the caller.
        """
        if self._closed:
            raise TransportError("poll() on a closed transport")
        deadline = time.monotonic() + max(0.0, timeout_seconds)
        dispatched = self._drain_local()
        while True:
            remaining = 0.0 if dispatched else deadline - time.monotonic()
            timeout_ms = max(0, math.ceil(remaining * 1000))
            events = dict(self._poller.poll(timeout_ms))
            if self._zap in events:
                self._serve_zap()
            if self._monitor in events:
                self._drain_monitor()
            if self._router in events:
                dispatched += self._drain_router(self._poll_budget - dispatched)
            if dispatched or not events or time.monotonic() >= deadline:
                return dispatched

    def close(self) -> None:
        """Close every socket (unsent messages are discarded: LINGER 0) and terminate the context."""
        if self._closed:
            return
        self._closed = True
        self._local.clear()
        try:
            self._router.disable_monitor()
        except zmq.ZMQError:
            pass
        for sock in (*self._dealers.values(), self._router, self._monitor, self._zap):
            sock.close(linger=0)
        self._ctx.destroy(linger=0)

    def __enter__(self) -> ZmqTransport:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ZmqTransport(index={self._index}, n={len(self._peers)}, closed={self._closed})"

    # --- receiving -------------------------------------------------------------------------

    def _deliver(self, sender: int, payload: bytes) -> None:
        if self._handler is None:
            self.stats.dropped += 1
            return
        self.stats.delivered += 1
        self._handler(sender, payload)

    def _drain_local(self) -> int:
        """Deliver the messages this node sent itself before this call (not ones the handler adds)."""
        count = 0
        for _ in range(min(len(self._local), self._poll_budget)):
            self._deliver(self._index, self._local.popleft())
            count += 1
        return count

    def _drain_router(self, budget: int) -> int:
        count = 0
        while count < budget and not self._closed:
            try:
                frames = self._router.recv_multipart(zmq.NOBLOCK, copy=False)
            except zmq.Again:
                break
            # [routing id, payload]; a DEALER sending multipart is not speaking our protocol.
            if len(frames) != 2:
                self.stats.malformed += 1
                continue
            frame = frames[1]
            try:
                user_id = frame.get("User-Id")
            except zmq.ZMQError:
                user_id = None
            sender = self._index_of_key.get(user_id) if isinstance(user_id, str) else None
            if sender is None:
                self.stats.malformed += 1
                continue
            if len(frame) > MAX_MESSAGE_BYTES:
                self.stats.oversized += 1
                continue
            self._deliver(sender, frame.bytes)
            count += 1
        return count

    def _serve_zap(self) -> None:
        """Answer pending ZAP requests (RFC 27): admit a known peer's CURVE key, refuse the rest."""
        while True:
            try:
                request = self._zap.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            # version, request id, domain, address, routing id, mechanism, credentials...
            if len(request) < 6 or request[0] != _ZAP_VERSION:
                request_id = request[1] if len(request) > 1 else b""
                self._zap.send_multipart([_ZAP_VERSION, request_id, b"500", b"malformed ZAP request", b"", b""])
                self.stats.refused += 1
                continue
            request_id, domain, mechanism, credentials = request[1], request[2], request[5], request[6:]
            peer = None
            if domain == ZAP_DOMAIN.encode("ascii") and mechanism == b"CURVE" and len(credentials) == 1:
                peer = self._admitted.get(credentials[0])
            if peer is None:
                self.stats.refused += 1
                self._zap.send_multipart([_ZAP_VERSION, request_id, b"400", b"unknown peer", b"", b""])
            else:
                user_id = self._peers[peer].public_key.encode("ascii")
                self._zap.send_multipart([_ZAP_VERSION, request_id, b"200", b"OK", user_id, b""])

    def _drain_monitor(self) -> None:
        while True:
            try:
                event = recv_monitor_message(self._monitor, zmq.NOBLOCK)
            except zmq.Again:
                return
            if event["event"] & _HANDSHAKE_FAILURES:
                self.stats.handshake_failed += 1
