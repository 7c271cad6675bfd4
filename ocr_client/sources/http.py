"""A JSON-over-HTTP(S) price endpoint, read with a hard deadline and nothing beyond the stdlib.

The whole read (connect, request, status line, headers, body) must finish within the timeout:
a server that accepts the connection and then trickles one byte at a time would defeat a plain
socket timeout, which only bounds each individual ``recv``. So besides per-operation socket
timeouts, a timer shuts the socket down at the deadline, which wakes up any blocked read.
(Name resolution is the one step that cannot be interrupted; use IP literals or a local
resolver if that matters.)

Redirects are not followed: a feed should be configured with its final URL, and following a
redirect would let an endpoint send the node to a host nobody reviewed.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from decimal import Decimal
from typing import Final
from urllib.parse import urlsplit

from ocr_client.errors import SourceConfigError, SourceError, SourceTimeoutError, SourceValueError
from ocr_client.sources.base import to_decimal

MAX_BODY_BYTES: Final[int] = 1 << 20
"""Price endpoints answer in bytes, not megabytes; a larger body is a fault or an attack."""

_CHUNK: Final[int] = 64 * 1024


class HttpJsonSource:
    """GET ``url``, parse JSON, follow ``path`` (``"data.price"``, ``"prices.0.usd"``) to one number.

    ``path`` segments are dict keys, or non-negative list indices when the current value is a
    list; an empty path means the whole document is the number. JSON numbers and numeric strings
    are accepted; anything else raises :class:`SourceValueError`.
    """

    def __init__(self, url: str, path: str, name: str | None = None, *, max_bytes: int = MAX_BODY_BYTES) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise SourceConfigError(f"source url must be http or https, got {url!r}")
        if not parts.hostname:
            raise SourceConfigError(f"source url has no host: {url!r}")
        try:
            port = parts.port
        except ValueError as exc:
            raise SourceConfigError(f"source url has a bad port: {url!r}") from exc
        if max_bytes <= 0:
            raise SourceConfigError(f"max_bytes must be positive, got {max_bytes}")
        self._url = url
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = port
        self._target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._path = parse_path(path)
        self._max_bytes = max_bytes
        self._name = name if name is not None else f"{url}#{path}"

    @property
    def name(self) -> str:
        return self._name

    @property
    def url(self) -> str:
        return self._url

    def read(self, timeout: float) -> Decimal:
        """Fetch and extract the value; every failure becomes a :class:`SourceError`."""
        if timeout <= 0:
            raise SourceTimeoutError(f"{self._name}: no time left to read (timeout {timeout})")
        body = self._fetch(timeout)
        try:
            document = json.loads(body, parse_float=Decimal, parse_constant=_reject_constant)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad UTF-8, NaN literals, huge ints
            raise SourceValueError(f"{self._name}: body is not valid JSON: {_first_line(exc)}") from exc
        return to_decimal(follow_path(document, self._path, self._name), self._name)

    def _fetch(self, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        conn: http.client.HTTPConnection
        if self._https:
            conn = http.client.HTTPSConnection(self._host, self._port, timeout=timeout)
        else:
            conn = http.client.HTTPConnection(self._host, self._port, timeout=timeout)
        expired = threading.Event()
        timer: threading.Timer | None = None
        try:
            conn.connect()
            sock = conn.sock
            assert isinstance(sock, socket.socket)
            timer = threading.Timer(max(0.0, deadline - time.monotonic()), _expire, (sock, expired))
            timer.daemon = True
            timer.start()
            conn.request("GET", self._target, headers={"Accept": "application/json", "User-Agent": "ocr-client"})
            response = conn.getresponse()
            if not 200 <= response.status < 300:
                raise SourceError(f"{self._name}: HTTP {response.status} {response.reason}".rstrip())
            declared = response.getheader("Content-Length")
            if declared is not None and declared.strip().isdigit() and int(declared) > self._max_bytes:
                raise SourceValueError(f"{self._name}: body of {int(declared)} bytes exceeds the {self._max_bytes}-byte cap")
            body = self._read_body(response, sock, deadline)
            if expired.is_set():  # a close-delimited body cut short by the timer could still parse
                raise SourceTimeoutError(f"{self._name}: read did not finish within {timeout:g}s")
            return body
        except SourceError:
            raise
        except (OSError, http.client.HTTPException) as exc:
            if expired.is_set() or time.monotonic() >= deadline or isinstance(exc, TimeoutError):
                raise SourceTimeoutError(f"{self._name}: read did not finish within {timeout:g}s") from exc
            raise SourceError(f"{self._name}: {type(exc).__name__}: {_first_line(exc)}") from exc
        finally:
            if timer is not None:
                timer.cancel()
            conn.close()

    def _read_body(self, response: http.client.HTTPResponse, sock: socket.socket, deadline: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("deadline passed while reading the body")
            sock.settimeout(remaining)
            chunk = response.read1(_CHUNK)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self._max_bytes:
                raise SourceValueError(f"{self._name}: body exceeds the {self._max_bytes}-byte cap")
            chunks.append(chunk)


def parse_path(path: str) -> tuple[str, ...]:
    """Split a dotted path; empty segments (``"a..b"``, a trailing dot) are configuration errors."""
    if path == "":
        return ()
    segments = tuple(path.split("."))
    if any(segment == "" for segment in segments):
        raise SourceConfigError(f"JSON path {path!r} has an empty segment")
    return segments


def follow_path(document: object, path: tuple[str, ...], what: str) -> object:
    """The value at ``path`` inside ``document``, or :class:`SourceValueError` saying where it broke off."""
    current = document
    for depth, segment in enumerate(path):
        here = ".".join(path[: depth + 1])
        if isinstance(current, dict):
            if segment not in current:
                raise SourceValueError(f"{what}: JSON has no key {here!r}")
            current = current[segment]
        elif isinstance(current, list):
            if not (segment.isascii() and segment.isdigit()) or int(segment) >= len(current):
                raise SourceValueError(f"{what}: JSON list has no index {here!r} (length {len(current)})")
            current = current[int(segment)]
        else:
            raise SourceValueError(f"{what}: JSON path {here!r} goes into a {type(current).__name__}")
    return current


def _expire(sock: socket.socket, expired: threading.Event) -> None:
    """Timer callback: mark the read as late and wake any blocked recv by shutting the socket down."""
    expired.set()
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: the read finished or failed on its own


def _reject_constant(token: str) -> object:
    raise ValueError(f"non-finite JSON constant {token}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
