"""JSON-RPC for the indexer: raw requests (no web3 objects on the hot path), batched reads, and
eth_getLogs in block chunks that shrink when the node refuses a range and grow back after.

:class:`ChainReader` is the indexer's one window on the chain; :class:`JsonRpcReader` implements
it over HTTP. A node that stops answering raises :class:`RpcUnavailableError`, so the indexer stops
between chunks with everything before the failing chunk stored.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol
from urllib.parse import urlparse

import requests

from ocr_client.reputation.errors import RangeTooLargeError, RpcRequestError, RpcUnavailableError
from ocr_client.reputation.records import RawLog

TIMEOUT_S: Final[float] = 30.0
BATCH_SIZE: Final[int] = 100
LOCAL_HOSTS: Final[frozenset[str]] = frozenset({"127.0.0.1", "localhost", "::1"})
#: Phrases public RPCs use when an eth_getLogs range or result is too large (Alchemy, Infura,
#: QuickNode, geth, erigon, reth, anvil's --max-logs style answers...).
RANGE_REFUSALS: Final[tuple[str, ...]] = (
    "range", "too many", "too large", "limit", "exceed", "more than", "response size", "10000 results",
)
RANGE_ERROR_CODES: Final[frozenset[int]] = frozenset({-32005, -32602, -32600, -32000, -32001, -32011})
INITIAL_CHUNK: Final[int] = 2_000
MAX_CHUNK: Final[int] = 100_000
MIN_CHUNK: Final[int] = 1


@dataclass(frozen=True)
class BlockHeader:
    number: int
    hash: str
    timestamp: int


class ChainReader(Protocol):
    """What indexing reads from a chain."""

    def chain_id(self) -> int: ...

    def block_number(self) -> int: ...

    def code(self, address: str) -> str: ...

    def call(self, address: str, data: str) -> str: ...

    def logs(self, addresses: Sequence[str], topics: Sequence[str], start: int, end: int) -> list[RawLog]: ...

    def headers(self, numbers: Sequence[int]) -> dict[int, BlockHeader | None]: ...

    def receipts(self, tx_hashes: Sequence[str]) -> list[dict[str, Any]]: ...

    def blocks_with_transactions(self, numbers: Sequence[int]) -> list[dict[str, Any]]: ...


class JsonRpcReader:
    """ChainReader over HTTP JSON-RPC with one kept-alive session per thread (the indexer fetches
    the next chunk of logs on a thread of its own; a requests session is not to be shared)."""

    def __init__(self, url: str, timeout: float = TIMEOUT_S) -> None:
        if not url.startswith(("http://", "https://")):
            raise RpcUnavailableError(f"RPC URL must start with http:// or https://, got {url!r}")
        self.url = url
        self.timeout = timeout
        self._local = threading.local()
        self._id = 0

    @property
    def session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            if urlparse(self.url).hostname in LOCAL_HOSTS:
                session.trust_env = False
            self._local.session = session
        return session

    # --- transport ---------------------------------------------------------------------------

    def _post(self, body: object) -> Any:
        try:
            response = self.session.post(self.url, json=body, timeout=self.timeout)
        except requests.RequestException as exc:
            raise RpcUnavailableError(f"the RPC at {self.url} stopped answering ({type(exc).__name__}); "
                                      "run the same command again to resume") from None
        if response.status_code >= 500 or response.status_code in (401, 403, 404):
            raise RpcUnavailableError(f"the RPC at {self.url} answered HTTP {response.status_code}; "
                                      "run the same command again to resume")
        try:
            return response.json()
        except ValueError:
            raise RpcUnavailableError(f"the RPC at {self.url} answered something that is not JSON "
                                      f"(HTTP {response.status_code})") from None

    def request(self, method: str, params: list[Any]) -> Any:
        self._id += 1
        answer = self._post({"jsonrpc": "2.0", "id": self._id, "method": method, "params": params})
        return _result(method, answer)

    def batch(self, method: str, params_list: Sequence[list[Any]]) -> list[Any]:
        """One method over many parameter lists, BATCH_SIZE per HTTP request, results in order."""
        results: list[Any] = []
        for start in range(0, len(params_list), BATCH_SIZE):
            part = params_list[start: start + BATCH_SIZE]
            body = [{"jsonrpc": "2.0", "id": i, "method": method, "params": p} for i, p in enumerate(part)]
            answers = self._post(body)
            if not isinstance(answers, list):
                raise RpcRequestError(method, None, f"batch answered with {str(answers)[:200]}")
            by_id = {a.get("id"): a for a in answers}
            results.extend(_result(method, by_id.get(i, {})) for i in range(len(part)))
        return results

    # --- ChainReader ---------------------------------------------------------------------------

    def chain_id(self) -> int:
        return int(self.request("eth_chainId", []), 16)

    def block_number(self) -> int:
        return int(self.request("eth_blockNumber", []), 16)

    def code(self, address: str) -> str:
        return str(self.request("eth_getCode", [address, "latest"]))

    def call(self, address: str, data: str) -> str:
        return str(self.request("eth_call", [{"to": address, "data": data}, "latest"]))

    def logs(self, addresses: Sequence[str], topics: Sequence[str], start: int, end: int) -> list[RawLog]:
        logs: list[RawLog] = self.request("eth_getLogs", [{
            "address": list(addresses), "topics": [list(topics)], "fromBlock": hex(start), "toBlock": hex(end)}])
        return logs

    def headers(self, numbers: Sequence[int]) -> dict[int, BlockHeader | None]:
        blocks = self.batch("eth_getBlockByNumber", [[hex(n), False] for n in numbers])
        return {n: (BlockHeader(n, b["hash"], int(b["timestamp"], 16)) if b else None)
                for n, b in zip(numbers, blocks, strict=True)}

    def receipts(self, tx_hashes: Sequence[str]) -> list[dict[str, Any]]:
        return [r for r in self.batch("eth_getTransactionReceipt", [[h] for h in tx_hashes]) if r]

    def blocks_with_transactions(self, numbers: Sequence[int]) -> list[dict[str, Any]]:
        return [b for b in self.batch("eth_getBlockByNumber", [[hex(n), True] for n in numbers]) if b]


def _result(method: str, answer: Any) -> Any:
    if not isinstance(answer, dict):
        raise RpcRequestError(method, None, f"unexpected answer {str(answer)[:200]}")
    error = answer.get("error")
    if error is not None:
        code = error.get("code") if isinstance(error, dict) else None
        message = str(error.get("message", error)) if isinstance(error, dict) else str(error)
        if method == "eth_getLogs" and _is_range_refusal(code, message):
            raise RangeTooLargeError(method, code, message)
        raise RpcRequestError(method, code, message)
    if "result" not in answer:
        raise RpcRequestError(method, None, f"answer without a result: {str(answer)[:200]}")
    return answer["result"]


def _is_range_refusal(code: int | None, message: str) -> bool:
    text = message.lower()
    return (code in RANGE_ERROR_CODES or code is None) and any(p in text for p in RANGE_REFUSALS)


class ChunkedLogs:
    """eth_getLogs over [start, end] in chunks: halve on a range refusal, double after successes.

    With ``target_logs`` every chunk with logs aims the next at the blocks that would bring about
    that many, in both directions: more than that shrinks it, fewer lets it grow (at most double)
    up to that aim and not past it. Dense feeds then come in even pieces the indexer stores while
    the next is fetched: a chunk twice the last one would keep the indexer waiting for it, and one
    that doubled at the target would leave the largest piece for the end, after the fetch is over.
    The chunk size survives between calls, so a follow loop keeps what it learnt.
    """

    def __init__(self, reader: ChainReader, chunk: int = INITIAL_CHUNK, max_chunk: int = MAX_CHUNK,
                 target_logs: int | None = None) -> None:
        self.reader = reader
        self.chunk = chunk
        self.max_chunk = max_chunk
        self.target_logs = target_logs
        self.refusals = 0
        #: the smallest chunk the node refused: growth stays below it
        self.ceiling: int | None = None

    def next_chunk(self, addresses: Sequence[str], topics: Sequence[str], start: int, end: int) -> tuple[int, list[RawLog]]:
        """Logs of [start, stop] for the largest stop <= end the node accepts; returns (stop, logs)."""
        while True:
            stop = min(end, start + self.chunk - 1)
            try:
                logs = self.reader.logs(addresses, topics, start, stop)
            except RangeTooLargeError:
                if self.chunk <= MIN_CHUNK:
                    raise
                self.refusals += 1
                self.ceiling = stop - start + 1
                self.chunk = max(MIN_CHUNK, self.ceiling // 2)
                continue
            self._resize(stop - start + 1, len(logs))
            return stop, logs

    def _resize(self, blocks: int, found: int) -> None:
        """The next chunk's size after one of ``blocks`` blocks brought ``found`` logs."""
        limit = self.max_chunk if self.ceiling is None else self.ceiling - 1
        aim = limit
        if self.target_logs is not None and found:
            aim = max(MIN_CHUNK, blocks * self.target_logs // found)
            if found > self.target_logs:
                self.chunk = aim
                return
        if blocks == self.chunk:  # a full chunk, not the range's end: grow
            self.chunk = max(self.chunk, min(limit, self.chunk * 2, aim))
