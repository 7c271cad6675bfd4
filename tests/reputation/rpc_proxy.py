"""A JSON-RPC proxy on 127.0.0.1 in front of a real anvil, for the failures a public RPC shows:
eth_getLogs ranges refused as too large, and a node that stops answering mid-run.

Not a mock: every request it lets through is answered by the anvil behind it.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any

import requests

from ocr_client.testing.http_server import QuietHTTPServer

RANGE_ERROR_CODE = -32005


class RpcProxy:
    def __init__(self, upstream: str, max_log_range: int | None = None, die_after_get_logs: int | None = None) -> None:
        self.upstream = upstream
        self.max_log_range = max_log_range
        self.die_after_get_logs = die_after_get_logs
        self.get_logs_calls = 0
        self.refused = 0
        self.dead = False
        self.session = requests.Session()
        self.session.trust_env = False
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if proxy.dead:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                answer = proxy.handle(body)
                if answer is None:  # died on this request
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = QuietHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def handle(self, body: Any) -> Any:
        calls = body if isinstance(body, list) else [body]
        for call in calls:
            if call.get("method") != "eth_getLogs":
                continue
            self.get_logs_calls += 1
            if self.die_after_get_logs is not None and self.get_logs_calls > self.die_after_get_logs:
                self.dead = True
                return None
            params = call["params"][0]
            span = int(params["toBlock"], 16) - int(params["fromBlock"], 16) + 1
            if self.max_log_range is not None and span > self.max_log_range:
                self.refused += 1
                return {"jsonrpc": "2.0", "id": call.get("id"),
                        "error": {"code": RANGE_ERROR_CODE, "message": f"query exceeds max block range {self.max_log_range}"}}
        return self.session.post(self.upstream, json=body, timeout=30).json()

    def __enter__(self) -> RpcProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
