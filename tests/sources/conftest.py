"""Real local HTTP servers for the source tests: good, slow, trickling, failing and lying ones."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import pytest

from ocr_client.testing.http_server import QuietHTTPServer

SLOW_SECONDS = 2.0


@dataclass
class PriceServer:
    """A running server; ``url(path)`` builds a URL on it."""

    port: int
    stop: threading.Event

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def _handler(stop: threading.Event) -> type[BaseHTTPRequestHandler]:
    def nap(seconds: float) -> None:
        stop.wait(seconds)  # ends early when the fixture shuts down

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def send_body(self, body: bytes, status: int = 200, content_length: bool = True) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            if content_length:
                self.send_header("Content-Length", str(len(body)))
            else:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            try:
                self.route()
            except OSError:
                pass  # the client gave up (timeout test): nothing to do

        def route(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            route = parts.path
            if route == "/good":
                self.send_body(b'{"data": {"price": 3000.5}, "prices": [{"usd": "3001.25"}]}')
            elif route == "/value":  # /value?v=123.4 answers {"price": 123.4}
                self.send_body(json.dumps({"price": Decimal(query["v"][0])}, default=str).encode())
            elif route == "/number":
                self.send_body(b"42")
            elif route == "/slow":
                nap(SLOW_SECONDS)
                self.send_body(b'{"price": 1}')
            elif route == "/trickle-body":
                self.send_response(200)
                self.send_header("Content-Length", "200")
                self.end_headers()
                for _ in range(200):
                    if stop.is_set():
                        return
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    nap(0.02)
            elif route == "/trickle-headers":
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                for _ in range(200):
                    if stop.is_set():
                        return
                    self.wfile.write(b"X-Slow: 1\r\n")
                    self.wfile.flush()
                    nap(0.02)
            elif route == "/fail":
                self.send_body(b'{"price": 3000}', status=500)
            elif route == "/garbage":
                self.send_body(b"<html>definitely not json</html>")
            elif route == "/nan":
                self.send_body(b'{"price": NaN}')
            elif route == "/nan-string":
                self.send_body(b'{"price": "NaN"}')
            elif route == "/inf-string":
                self.send_body(b'{"price": "Infinity"}')
            elif route == "/bool":
                self.send_body(b'{"price": true}')
            elif route == "/null":
                self.send_body(b'{"price": null}')
            elif route == "/word":
                self.send_body(b'{"price": "three thousand"}')
            elif route == "/huge":
                self.send_body(b'{"price": 1, "pad": "' + b"x" * (2 << 20) + b'"}')
            elif route == "/huge-undeclared":
                self.send_body(b'{"price": 1, "pad": "' + b"x" * (2 << 20) + b'"}', content_length=False)
                self.close_connection = True
            elif route == "/redirect":
                self.send_response(302)
                self.send_header("Location", "/good")
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self.send_body(b'{"error": "not found"}', status=404)

    return Handler


@pytest.fixture(scope="module")
def price_server() -> Iterator[PriceServer]:
    stop = threading.Event()
    server = QuietHTTPServer(("127.0.0.1", 0), _handler(stop))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield PriceServer(port=server.server_address[1], stop=stop)
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def closed_port() -> int:
    """A port nothing listens on: bound, read, and released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
