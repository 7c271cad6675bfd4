"""One exception tree for everything ocr-client raises on purpose.

Callers catch :class:`OCRError` to handle every failure we anticipate; the CLI turns any of them
into one readable line and a non-zero exit. Subclasses carry the offending values as attributes
so programs need not parse messages, and several also derive from ``ValueError`` because they are
bad input in the ordinary Python sense.
"""

from __future__ import annotations


class OCRError(Exception):
    """Root of every error ocr-client raises deliberately."""


# --- cryptography ---------------------------------------------------------------------------


class CryptoError(OCRError):
    """A BLS operation could not be carried out on the given input."""


class MalformedPointError(CryptoError, ValueError):
    """Bytes that do not encode a curve point (wrong length, padding, field element >= p, off-curve)."""


class InfinityPointError(CryptoError, ValueError):
    """The point at infinity, which would make any pairing check pass, was given as a key or signature."""


class SubgroupError(CryptoError, ValueError):
    """A point on the curve but outside the prime-order subgroup."""


class InvalidSecretKeyError(CryptoError, ValueError):
    """A secret key of zero or not below the group order r."""


class ThresholdError(CryptoError):
    """Threshold set-up or combination failed."""


class NotEnoughPartialsError(ThresholdError):
    """Fewer valid partial signatures than the threshold: carries the counts and the bad indices."""

    def __init__(self, valid: int, threshold: int, rejected: tuple[int, ...] = ()) -> None:
        self.valid = valid
        self.threshold = threshold
        self.rejected = rejected
        bad = f"; rejected invalid partials from share indices {list(rejected)}" if rejected else ""
        super().__init__(f"need {threshold} valid partial signatures, have {valid}{bad}")


# --- reports and configuration --------------------------------------------------------------


class ReportError(OCRError, ValueError):
    """A report that cannot be encoded or decoded with the on-chain layout."""


class ConfigError(OCRError, ValueError):
    """A committee or feed configuration that the contract would reject."""


# --- toolchain and chain --------------------------------------------------------------------


class ToolchainError(OCRError):
    """A compiler or node binary is missing or failed."""


class CompilationError(ToolchainError):
    """solc reported errors for our contracts."""


class ChainError(OCRError):
    """The chain could not be reached or lacks something we need."""


class RPCUnreachableError(ChainError):
    """Nothing answered JSON-RPC at the given URL."""


class MissingPrecompileError(ChainError):
    """The chain does not implement the EIP-2537 BLS12-381 precompiles."""


class AnvilError(ChainError):
    """A managed anvil failed to start or stop."""


class TransactionRevertedError(ChainError):
    """A call or transaction reverted; ``error_name`` and ``args`` hold the decoded custom error."""

    def __init__(self, error_name: str | None, args: tuple[object, ...], data: bytes, tx_hash: str | None = None) -> None:
        self.error_name = error_name
        self.error_args = args
        self.data = data
        self.tx_hash = tx_hash
        where = f" (tx {tx_hash})" if tx_hash else ""
        if error_name is None:
            what = f"reverted without a known error (data 0x{data.hex()})" if data else "reverted without data"
        else:
            what = f"reverted with {error_name}{args!r}" if args else f"reverted with {error_name}()"
        super().__init__(what + where)


class KeyFileError(OCRError, ValueError):
    """A key or committee file that is missing, of the wrong kind, or corrupted."""


# --- reading a feed as a consumer ----------------------------------------------------------


class FeedReadError(OCRError):
    """A feed's answer that a consumer must not use; the subclasses mirror FeedReader.sol's errors."""

    def __init__(self, message: str, round_id: int) -> None:
        self.round_id = round_id
        super().__init__(message)


class NoAnswerError(FeedReadError):
    """The feed has no report yet (the contract says NoDataPresent)."""


class IncompleteRoundError(FeedReadError):
    """The round has no answer (updatedAt 0) or its answer comes from an older round."""

    def __init__(self, round_id: int, answered_in_round: int, updated_at: int) -> None:
        self.answered_in_round = answered_in_round
        self.updated_at = updated_at
        super().__init__(f"round {round_id} is incomplete (answered in round {answered_in_round}, "
                         f"updated at {updated_at})", round_id)


class NonPositiveAnswerError(FeedReadError, ValueError):
    """The answer is zero or negative: no price to use."""

    def __init__(self, round_id: int, answer: int) -> None:
        self.answer = answer
        super().__init__(f"round {round_id} answered {answer}, not a positive price", round_id)


class StaleAnswerError(FeedReadError):
    """The answer is older than the caller's limit."""

    def __init__(self, round_id: int, updated_at: int, max_age: int, now: int) -> None:
        self.updated_at, self.max_age, self.now = updated_at, max_age, now
        super().__init__(f"round {round_id} is {now - updated_at} s old (updated at {updated_at}); "
                         f"at most {max_age} s allowed", round_id)


# --- data sources ---------------------------------------------------------------------------


class SourceError(OCRError):
    """A data source could not produce a usable value: it failed, timed out or answered garbage.

    The observer catches it per source, so a broken source costs only its own reading.
    """


class SourceTimeoutError(SourceError):
    """The source did not deliver a complete answer within its per-read time budget."""


class SourceValueError(SourceError, ValueError):
    """The source answered, but not with one finite number (non-JSON, wrong path, NaN, bool, too large...)."""


class SourceConfigError(SourceError, ConfigError):
    """A source description (URL, JSON path, file, config entry) is unusable; raised at construction."""


# --- networking -----------------------------------------------------------------------------


class TransportError(OCRError):
    """The transport was misconfigured (keys, peers, endpoints) or used after close()."""


# --- ape (ApeWorX) scripts ------------------------------------------------------------------


class ApeScriptError(OCRError, ValueError):
    """An ape script cannot run as asked: an unknown account alias, a locked account without its
    passphrase variable, an account that is not a transmitter, or an unbounded push schedule."""
