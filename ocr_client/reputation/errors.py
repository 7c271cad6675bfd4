"""What the reputation engine refuses, each as one readable line (the CLI prints it and exits 1).

Every error leaves the store as it was: the indexer writes a chunk and its cursor in one
transaction, and input is checked before the database is opened for writing.
"""

from __future__ import annotations

from ocr_client.errors import OCRError


class ReputationError(OCRError):
    """Root of the reputation engine's errors."""


class NotAFeedError(ReputationError, ValueError):
    """The address holds no contract, or a contract whose events no registered format reads."""


class RpcUnavailableError(ReputationError):
    """The RPC stopped answering (refused, timed out, cut the connection) while indexing."""


class RpcRequestError(ReputationError):
    """The RPC answered a request with a JSON-RPC error; ``code`` and ``rpc_message`` hold it."""

    def __init__(self, method: str, code: int | None, message: str) -> None:
        self.method = method
        self.code = code
        self.rpc_message = message
        super().__init__(f"{method} failed: {message} (code {code})")


class RangeTooLargeError(RpcRequestError):
    """The RPC refused an eth_getLogs block range as too large (the fetcher halves the chunk)."""


class StoreError(ReputationError):
    """The database file is missing, corrupt, foreign, or holds another chain."""


class InputFileError(ReputationError, ValueError):
    """A weights, operators or tags file that cannot be used as it is."""


class NoDataError(ReputationError):
    """The chosen feeds and window hold no report to score."""
