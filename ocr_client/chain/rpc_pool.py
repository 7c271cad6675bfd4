"""Several JSON-RPC endpoints behind one: chain id checked on each, the highest head preferred,
failures backed off, and the next endpoint tried when one fails.

A public testnet RPC rate-limits (429), has bad minutes (5xx, timeouts, connection resets), and
may lag behind the chain or, misconfigured, serve another chain. Chainlink's node keeps a pool of
RPCs and picks the one with the highest head; we do the same:

* at start every URL is asked its chain id; one of another chain is excluded for good (and named),
  one that is down is kept and retried later; when none can serve, start-up fails with one line;
* each endpoint has a head (``eth_blockNumber``, refreshed at most every ``head_interval_s``) and
  a failure count; requests go to the healthy endpoint with the highest head (ties: list order);
* a transport failure (timeout, reset, 429, 5xx) puts the endpoint in exponential backoff
  (``Retry-After`` honoured) and the request moves on to the next one; a JSON-RPC error is the
  node's real answer (a revert, "nonce too low") and is returned to the caller, not retried.

:class:`PoolProvider` puts the pool under web3, so contract reads and the transaction manager
share it.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Protocol
from urllib.parse import urlparse

import requests
from web3 import Web3
from web3.providers.base import BaseProvider
from web3.types import RPCEndpoint, RPCResponse

from ocr_client.chain.rpc import LOCAL_HOSTS, RPC_TIMEOUT_S
from ocr_client.chain.tx_errors import RpcPoolError, WrongChainError
from ocr_client.errors import ChainError, RPCUnreachableError

LOG: Final = logging.getLogger("ocr_client.chain.rpc_pool")

BACKOFF_BASE_S: Final[float] = 0.2
BACKOFF_MAX_S: Final[float] = 30.0
#: Chainlink fails a node after 5 failed polls; so do we (until it answers again).
UNHEALTHY_AFTER_FAILURES: Final[int] = 5
HEAD_INTERVAL_S: Final[float] = 1.0
MAX_ATTEMPTS: Final[int] = 8
#: Longest a request waits for some endpoint to leave backoff before giving up.
MAX_WAIT_S: Final[float] = 20.0


class RpcTransportError(ChainError):
    """The request did not get a JSON-RPC answer: timeout, reset, HTTP 429/5xx, garbage."""

    def __init__(self, url: str, problem: str, retry_after_s: float | None = None) -> None:
        self.url = url
        self.problem = problem
        self.retry_after_s = retry_after_s
        super().__init__(f"RPC {url}: {problem}")


class RpcResponseError(ChainError):
    """The node answered with a JSON-RPC error object (its real answer: a revert, a rejected send)."""

    def __init__(self, url: str, error: dict[str, Any]) -> None:
        self.url = url
        self.code = int(error.get("code", 0) or 0)
        self.rpc_message = str(error.get("message", ""))
        self.data = error.get("data")
        self.error = error
        super().__init__(f"RPC {url} error {self.code}: {self.rpc_message}")


class JsonRpc(Protocol):
    """One JSON-RPC endpoint."""

    @property
    def url(self) -> str: ...

    def request(self, method: str, params: Sequence[Any]) -> Any:
        """The ``result``; RpcTransportError when no answer came, RpcResponseError for an error object."""
        ...


class HttpJsonRpc:
    """JSON-RPC over HTTP(S) with one timeout for connecting and reading."""

    def __init__(self, url: str, timeout_s: float = RPC_TIMEOUT_S) -> None:
        if not url.startswith(("http://", "https://")):
            raise RPCUnreachableError(f"RPC URL must start with http:// or https://, got {url!r}")
        self._url = url
        self.timeout_s = timeout_s
        self._session = requests.Session()
        if urlparse(url).hostname in LOCAL_HOSTS:
            self._session.trust_env = False  # no proxy lookup for a local node
        self._ids = itertools.count(1)

    @property
    def url(self) -> str:
        return self._url

    def request(self, method: str, params: Sequence[Any]) -> Any:
        body = {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": list(params)}
        try:
            response = self._session.post(self._url, json=body, timeout=self.timeout_s)
        except requests.Timeout:
            raise RpcTransportError(self._url, f"timed out after {self.timeout_s:g}s") from None
        except (requests.RequestException, OSError) as exc:
            raise RpcTransportError(self._url, f"{type(exc).__name__}") from None
        if response.status_code == 429 or response.status_code >= 500:
            raise RpcTransportError(self._url, f"HTTP {response.status_code}", _retry_after(response))
        try:
            answer = response.json()
        except ValueError:
            raise RpcTransportError(self._url, f"HTTP {response.status_code} without JSON") from None
        if not isinstance(answer, dict):
            raise RpcTransportError(self._url, "answer is not a JSON-RPC object")
        if answer.get("error") is not None:
            error = answer["error"]
            raise RpcResponseError(self._url, error if isinstance(error, dict) else {"message": str(error)})
        if "result" not in answer:
            raise RpcTransportError(self._url, f"HTTP {response.status_code} without a result")
        return answer["result"]


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


@dataclass
class Endpoint:
    """One endpoint's standing in the pool."""

    client: JsonRpc
    chain_id: int | None = None
    excluded: str | None = None
    """Why it is never used (wrong chain); None for a usable endpoint."""
    head: int = -1
    failures: int = 0
    backoff_until: float = 0.0
    last_error: str = ""
    requests: int = 0
    errors: int = 0
    head_checked_at: float = field(default=-1e18)

    @property
    def url(self) -> str:
        return self.client.url

    def healthy(self) -> bool:
        return self.excluded is None and self.chain_id is not None and self.failures < UNHEALTHY_AFTER_FAILURES


class RpcPool:
    """Route each request to the best endpoint; fail over and back off on transport failures."""

    def __init__(self, endpoints: Sequence[str | JsonRpc], expected_chain_id: int | None = None,
                 timeout_s: float = RPC_TIMEOUT_S, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep, head_interval_s: float = HEAD_INTERVAL_S,
                 on_error: Callable[[str, str], None] | None = None) -> None:
        if not endpoints:
            raise RpcPoolError("no RPC URL given")
        self.endpoints = [Endpoint(HttpJsonRpc(e, timeout_s) if isinstance(e, str) else e) for e in endpoints]
        self.expected_chain_id = expected_chain_id
        self.clock = clock
        self.sleep = sleep
        self.head_interval_s = head_interval_s
        self.on_error = on_error
        self._checked = False

    @property
    def urls(self) -> list[str]:
        return [e.url for e in self.endpoints]

    # --- start-up --------------------------------------------------------------------------

    def check(self) -> int:
        """Ask every endpoint its chain id; return the pool's chain id, or raise naming each problem."""
        problems: list[str] = []
        for endpoint in self.endpoints:
            self._check_chain(endpoint, problems)
        usable = [e for e in self.endpoints if e.chain_id is not None and e.excluded is None]
        self._checked = True
        if not usable:
            raise RpcPoolError("no usable RPC: " + "; ".join(problems))
        for problem in problems:
            LOG.warning("event=\"rpc-unusable\" %s", problem)
        assert self.expected_chain_id is not None  # set by the first endpoint that answered
        return self.expected_chain_id

    def _check_chain(self, endpoint: Endpoint, problems: list[str]) -> None:
        try:
            chain_id = int(str(endpoint.client.request("eth_chainId", [])), 16)
        except ChainError as exc:
            endpoint.last_error = str(exc)
            self._failed(endpoint, exc)
            problems.append(f"{endpoint.url} is down ({exc})")
            return
        if self.expected_chain_id is None:
            self.expected_chain_id = chain_id
        if chain_id != self.expected_chain_id:
            endpoint.excluded = str(WrongChainError(endpoint.url, chain_id, self.expected_chain_id))
            problems.append(endpoint.excluded)
            return
        endpoint.chain_id = chain_id
        endpoint.failures = 0

    # --- selection -------------------------------------------------------------------------

    def refresh_heads(self, force: bool = False) -> int:
        """Poll ``eth_blockNumber`` where due (every head_interval_s); the highest head known."""
        now = self.clock()
        for endpoint in self.endpoints:
            if endpoint.excluded is not None:
                continue
            if not force and now - endpoint.head_checked_at < self.head_interval_s:
                continue
            if endpoint.backoff_until > now:
                continue
            endpoint.head_checked_at = now
            if endpoint.chain_id is None:  # down at start: is it back (and on our chain)?
                self._check_chain(endpoint, [])
                if endpoint.chain_id is None:
                    continue
            try:
                endpoint.head = int(str(self._call(endpoint, "eth_blockNumber", [])), 16)
            except RpcTransportError:
                continue
        return max((e.head for e in self.endpoints if e.excluded is None), default=-1)

    def _candidates(self, now: float) -> list[Endpoint]:
        ready = [e for e in self.endpoints if e.excluded is None and e.chain_id is not None and e.backoff_until <= now]
        healthy = [e for e in ready if e.healthy()] or ready
        # Highest head first; list order breaks ties (sorted is stable).
        return sorted(healthy, key=lambda e: -e.head)

    def best(self) -> Endpoint:
        """The endpoint a request would go to now."""
        candidates = self._candidates(self.clock())
        if not candidates:
            raise RpcPoolError(self._status())
        return candidates[0]

    def _status(self) -> str:
        parts = [f"{e.url}: {e.excluded or e.last_error or 'not checked'}" for e in self.endpoints]
        return "no RPC can serve now (" + "; ".join(parts) + ")"

    # --- requests --------------------------------------------------------------------------

    def request(self, method: str, params: Sequence[Any]) -> Any:
        """The result from the best endpoint that answers; RpcResponseError passes through."""
        if not self._checked:
            self.check()
        started = self.clock()
        tried: list[str] = []
        for _ in range(MAX_ATTEMPTS):
            now = self.clock()
            candidates = self._candidates(now)
            if not candidates:
                wait = self._next_ready(now)
                if wait is None or now - started + wait > MAX_WAIT_S:
                    break
                self.sleep(wait)
                continue
            endpoint = candidates[0]
            try:
                return self._call(endpoint, method, params)
            except RpcTransportError as exc:
                tried.append(exc.problem)
        raise RpcPoolError(f"{method} failed on every RPC ({'; '.join(tried[-3:]) or self._status()})")

    def broadcast(self, method: str, params: Sequence[Any]) -> Any:
        """Send to the best endpoint (its answer is returned) and, best effort, to the other healthy ones,
        so a transaction reaches the network even when the chosen node's mempool loses it."""
        result = self.request(method, params)
        first = self.best().url if self._candidates(self.clock()) else None
        for endpoint in self._candidates(self.clock())[1:]:
            if endpoint.url == first:
                continue
            try:
                self._call(endpoint, method, params)
            except ChainError:
                pass  # the best endpoint has it; another's opinion does not change the outcome
        return result

    def _call(self, endpoint: Endpoint, method: str, params: Sequence[Any]) -> Any:
        endpoint.requests += 1
        try:
            result = endpoint.client.request(method, params)
        except RpcTransportError as exc:
            self._failed(endpoint, exc)
            raise
        except RpcResponseError:
            endpoint.failures = 0
            raise
        endpoint.failures = 0
        endpoint.last_error = ""
        return result

    def _failed(self, endpoint: Endpoint, exc: ChainError) -> None:
        endpoint.failures += 1
        endpoint.errors += 1
        endpoint.last_error = str(exc)
        delay = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** (endpoint.failures - 1))
        if isinstance(exc, RpcTransportError) and exc.retry_after_s is not None:
            delay = max(delay, min(BACKOFF_MAX_S, exc.retry_after_s))
        endpoint.backoff_until = self.clock() + delay
        if self.on_error is not None:
            self.on_error(endpoint.url, exc.problem if isinstance(exc, RpcTransportError) else str(exc))

    def _next_ready(self, now: float) -> float | None:
        waits = [e.backoff_until - now for e in self.endpoints if e.excluded is None and e.chain_id is not None]
        return max(0.0, min(waits)) if waits else None


class PoolProvider(BaseProvider):
    """web3 on top of an :class:`RpcPool`: contract reads fail over like everything else."""

    def __init__(self, pool: RpcPool) -> None:
        super().__init__(cache_allowed_requests=True)
        self.pool = pool
        self._ids = itertools.count(1)

    def make_request(self, method: RPCEndpoint, params: Any) -> RPCResponse:
        request_id = next(self._ids)
        try:
            result = self.pool.request(str(method), list(params or []))
        except RpcResponseError as exc:
            return {"jsonrpc": "2.0", "id": request_id, "error": exc.error}  # type: ignore[typeddict-item]
        return {"jsonrpc": "2.0", "id": request_id, "result": result}

    def is_connected(self, show_traceback: bool = False) -> bool:
        try:
            self.pool.best()
        except RpcPoolError:
            return False
        return True


def pool_web3(pool: RpcPool) -> Web3:
    """A Web3 whose every request goes through ``pool``."""
    return Web3(PoolProvider(pool))
