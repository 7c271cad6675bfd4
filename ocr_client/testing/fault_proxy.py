"""A fault-injecting JSON-RPC proxy on 127.0.0.1, in front of a real anvil.

Public RPCs rate-limit, fail, hang, reset connections, lag behind the chain or (misconfigured)
serve another chain. This proxy does each of those on purpose, seeded so a run repeats:

* ``error_rate``: that fraction of calls answers HTTP 429 (with ``Retry-After``) or 500, alternately;
* ``timeout_rate``: that fraction hangs for ``hang_s`` (longer than the client's timeout), then closes;
* ``reset_rate``: that fraction resets the TCP connection without answering;
* ``lag_blocks``: ``eth_blockNumber`` reports that many blocks less, and receipts of newer blocks
  are withheld, as a node that is behind;
* ``chain_id``: ``eth_chainId`` answers this instead (a node of another chain).

It only ever connects to its upstream on this machine and stops by :meth:`FaultProxy.close`.
"""

from __future__ import annotations

import json
import random
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from types import TracebackType
from typing import Any, Final
from urllib.parse import urlparse

import requests

from ocr_client.errors import OCRError
from ocr_client.testing.http_server import QuietHTTPServer

LOCAL_UPSTREAMS: Final[frozenset[str]] = frozenset({"127.0.0.1", "localhost", "::1"})
UPSTREAM_TIMEOUT_S: Final[float] = 30.0


@dataclass
class Faults:
    """What the proxy does wrong, and how often (fractions of calls, decided per call)."""

    error_rate: float = 0.0
    timeout_rate: float = 0.0
    reset_rate: float = 0.0
    hang_s: float = 1.5
    lag_blocks: int = 0
    chain_id: int | None = None
    seed: int = 0
    #: Methods never faulted (lets a test inject faults only into the traffic it studies).
    spared: frozenset[str] = field(default_factory=frozenset)


@dataclass
class FaultCounts:
    calls: int = 0
    errors: int = 0
    timeouts: int = 0
    resets: int = 0


class FaultProxy:
    """Forward JSON-RPC to ``upstream`` (a local anvil) with :class:`Faults` injected."""

    def __init__(self, upstream: str, faults: Faults | None = None) -> None:
        if urlparse(upstream).hostname not in LOCAL_UPSTREAMS:
            raise OCRError(f"the fault proxy only fronts a node on this machine, not {upstream}")
        self.upstream = upstream
        self.faults = faults or Faults()
        self.counts = FaultCounts()
        self._rng = random.Random(self.faults.seed)
        self._lock = threading.Lock()
        self._session = requests.Session()
        self._session.trust_env = False
        self._server = QuietHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-proxy", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    # --- decisions -------------------------------------------------------------------------

    def _fault(self, method: str) -> str | None:
        f = self.faults
        with self._lock:
            self.counts.calls += 1
            if method in f.spared:
                return None
            roll = self._rng.random()
            if roll < f.error_rate:
                self.counts.errors += 1
                return "429" if self.counts.errors % 2 else "500"
            roll -= f.error_rate
            if roll < f.timeout_rate:
                self.counts.timeouts += 1
                return "timeout"
            roll -= f.timeout_rate
            if roll < f.reset_rate:
                self.counts.resets += 1
                return "reset"
        return None

    def _forward(self, body: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = self._session.post(self.upstream, json=body, timeout=UPSTREAM_TIMEOUT_S).json()
        method = body.get("method")
        f = self.faults
        if method == "eth_chainId" and f.chain_id is not None:
            answer["result"] = hex(f.chain_id)
        elif f.lag_blocks and method == "eth_blockNumber" and "result" in answer:
            answer["result"] = hex(max(0, int(answer["result"], 16) - f.lag_blocks))
        elif f.lag_blocks and method == "eth_getTransactionReceipt" and answer.get("result"):
            head = int(self._session.post(self.upstream, json={"jsonrpc": "2.0", "id": 0, "method": "eth_blockNumber",
                                                               "params": []}, timeout=UPSTREAM_TIMEOUT_S).json()["result"], 16)
            if int(answer["result"]["blockNumber"], 16) > head - f.lag_blocks:
                answer["result"] = None  # not synced that far yet
        return answer

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                try:
                    body = json.loads(self.rfile.read(length))
                except ValueError:
                    self._reply(400, b"{}")
                    return
                fault = proxy._fault(str(body.get("method", "")) if isinstance(body, dict) else "")
                if fault == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault == "timeout":
                    time.sleep(proxy.faults.hang_s)
                    self.close_connection = True
                    return
                if fault in ("429", "500"):
                    self._reply(int(fault), b'{"error": "injected"}', retry_after=fault == "429")
                    return
                try:
                    answer = proxy._forward(body)
                except (requests.RequestException, ValueError):
                    self._reply(502, b"{}")
                    return
                self._reply(200, json.dumps(answer).encode())

            def _reply(self, status: int, payload: bytes, retry_after: bool = False) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                if retry_after:
                    self.send_header("Retry-After", "0")
                self.end_headers()
                self.wfile.write(payload)

        return Handler
