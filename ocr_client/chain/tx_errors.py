"""What a node's answer to ``eth_sendRawTransaction`` means for the transaction manager.

Nodes answer a rejected transaction with a JSON-RPC error whose message is the only reliable
signal (codes differ between geth, erigon, nethermind, reth and anvil). Chainlink's txm keeps a
table of message fragments per client; we keep the handful of classes whose handling differs,
matched case-insensitively, and everything else is ``UNKNOWN`` (kept, retried, logged).
"""

from __future__ import annotations

from enum import Enum
from typing import Final

from ocr_client.errors import ChainError


class SendErrorClass(Enum):
    """How to react to a rejected send."""

    NONCE_TOO_LOW = "nonce-too-low"
    """The nonce is used: an earlier attempt (or another sender of this key) was mined: find the receipt."""
    ALREADY_KNOWN = "already-known"
    """The node already holds exactly this transaction: the send succeeded for our purposes."""
    UNDERPRICED = "replacement-underpriced"
    """The node holds another transaction at this nonce that pays more: bump again."""
    INSUFFICIENT_FUNDS = "insufficient-funds"
    """The account cannot pay gas limit x max fee (+ value): nothing is sent until it is funded."""
    FEE_TOO_LOW = "fee-too-low"
    """The max fee is below the base fee or the node's minimum: wait for lower fees or a higher cap."""
    NONCE_TOO_HIGH = "nonce-too-high"
    """A gap below this nonce: the lower nonces must be sent (or filled) first."""
    UNKNOWN = "unknown"


#: Message fragments (lower case) per class, first match wins; order matters ("already known"
#: must be tested before the generic "known transaction" wording some clients use).
_FRAGMENTS: Final[tuple[tuple[SendErrorClass, tuple[str, ...]], ...]] = (
    (SendErrorClass.ALREADY_KNOWN, ("already known", "known transaction", "already imported",
                                    "transaction already exists", "alreadyknown")),
    (SendErrorClass.NONCE_TOO_LOW, ("nonce too low", "nonce is too low", "oldnonce", "nonce has already been used",
                                    "invalid transaction nonce")),
    (SendErrorClass.NONCE_TOO_HIGH, ("nonce too high", "nonce gap")),
    (SendErrorClass.UNDERPRICED, ("replacement transaction underpriced", "replacement fee too low",
                                  "transaction underpriced", "underpriced")),
    (SendErrorClass.INSUFFICIENT_FUNDS, ("insufficient funds", "insufficient balance", "lack of funds",
                                         "sender doesn't have enough funds")),
    (SendErrorClass.FEE_TOO_LOW, ("max fee per gas less than block base fee", "fee cap less than block base fee",
                                  "less than block base fee", "feecap too low", "gas price too low",
                                  "max fee per gas is less than", "fee too low")),
)


def classify_send_error(message: str) -> SendErrorClass:
    """The class of a node's rejection message."""
    text = message.lower()
    for cls, fragments in _FRAGMENTS:
        if any(fragment in text for fragment in fragments):
            return cls
    return SendErrorClass.UNKNOWN


class TxManagerError(ChainError):
    """The transaction manager could not (or must not) get a transaction mined."""


class InsufficientFundsError(TxManagerError):
    """The transmitter cannot pay for the transaction; carries what it has and what it needs."""

    def __init__(self, address: str, balance_wei: int, needed_wei: int) -> None:
        self.address = address
        self.balance_wei = balance_wei
        self.needed_wei = needed_wei
        super().__init__(
            f"transmitter {address} has {balance_wei} wei but one transaction may cost up to {needed_wei} wei "
            f"(gas limit x max fee): fund the account")


class FeeCapError(TxManagerError):
    """The operator's fee cap (or per-report spending limit) is below what the chain charges now."""

    def __init__(self, cap_wei: int, base_fee_wei: int, waited_s: float) -> None:
        self.cap_wei = cap_wei
        self.base_fee_wei = base_fee_wei
        super().__init__(
            f"max_fee_per_gas cap {cap_wei / 1e9:g} gwei is below the base fee {base_fee_wei / 1e9:g} gwei: "
            f"waited {waited_s:.0f}s for the base fee to fall; raise the cap or retry later")


class TxAbandonedError(TxManagerError):
    """The transaction is no longer wanted (its report landed or was superseded): it was not paid for."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"transaction abandoned: {reason}")


class TxTimeoutError(TxManagerError):
    """The transaction did not reach its confirmations in time; it stays tracked in the store."""


class RpcPoolError(ChainError):
    """No RPC endpoint of the pool can serve: all down, all of another chain, or all rate-limited."""


class WrongChainError(RpcPoolError):
    """An RPC endpoint serves another chain than the one configured."""

    def __init__(self, url: str, chain_id: int, expected: int) -> None:
        self.url = url
        self.chain_id = chain_id
        self.expected = expected
        super().__init__(f"RPC {url} serves chain id {chain_id}, expected {expected}: remove it or fix the URL")
