"""The HTTP server our test servers (RPC fault proxies, data sources) run on.

A client that gives up (a timeout under test, a node shutting down) resets its connection, and the
standard library then prints a traceback from the server thread, in the middle of pytest's output.
A reset or broken pipe from a client is an ordinary event for these servers, so it is dropped; any
other error is still reported.
"""

from __future__ import annotations

import sys
from http.server import ThreadingHTTPServer
from typing import Any

#: What a client that goes away mid-request leaves behind.
CLIENT_GONE: tuple[type[BaseException], ...] = (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)


class QuietHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that ignores clients going away and reports every other error."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], CLIENT_GONE):
            return
        super().handle_error(request, client_address)
