"""Send a transaction the way a transmitter must: priced, estimated, awaited, and explained.

EIP-1559 fees from the latest base fee; the nonce from the chain's pending count, or from our
own per-account counter while other sends from that account are in flight; a gas estimate with
a margin (a BLS verify that runs short of gas must not look like a bad signature); a receipt we
wait for; and a revert, whether at estimate time or after mining, raised as
:class:`TransactionRevertedError` with the decoded custom error.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import Any, Final

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.exceptions import ContractCustomError, ContractLogicError, Web3RPCError
from web3.types import TxReceipt

from ocr_client.chain.revert import revert_data_from_exception, revert_error
from ocr_client.errors import ChainError

GAS_MARGIN_NUM: Final[int] = 12  # estimate x 1.2
GAS_MARGIN_DEN: Final[int] = 10
RECEIPT_TIMEOUT_S: Final[float] = 120.0
PRIORITY_FEE_WEI: Final[int] = 1_000_000_000

_nonce_lock = threading.Lock()


@dataclass
class _Counter:
    """One account's nonces on one connection: the next one to hand out, and how many of our
    sends from it are still waiting for their receipts."""

    next: int = 0
    in_flight: int = 0


# Keyed by the Web3 object itself, held weakly: an ``id()`` key would outlive its Web3, and a new
# connection (say, to a fresh anvil) that happened to get the same id would inherit a nonce from
# another chain, leaving its transaction stuck behind a gap forever.
_counters: weakref.WeakKeyDictionary[Web3, dict[str, _Counter]] = weakref.WeakKeyDictionary()


def next_nonce(w3: Web3, address: str) -> int:
    """The next nonce for ``address``, counted as in flight until :func:`release_nonce`.

    Our own count runs ahead of the chain's pending count only for sends still in flight (several
    threads sending from one account). With none in flight the chain is the truth: a reorg, a
    dropped transaction or a chain reverted to a snapshot may have taken nonces back, and a count
    kept from before would leave the next transaction behind a gap no block ever fills. (So ``ape
    test``, which reverts the chain after each test, needs nothing of us either.)"""
    with _nonce_lock:
        pending = int(w3.eth.get_transaction_count(address, "pending"))  # type: ignore[arg-type]
        counter = _counters.setdefault(w3, {}).setdefault(address, _Counter())
        nonce = pending if counter.in_flight == 0 else max(pending, counter.next)
        counter.next = nonce + 1
        counter.in_flight += 1
        return nonce


def release_nonce(w3: Web3, address: str, nonce: int, used: bool) -> None:
    """The send of ``nonce`` from ``address`` is over: broadcast (``used``), or refused by the node,
    which frees the nonce again if no later one was handed out meanwhile."""
    with _nonce_lock:
        counter = _counters.get(w3, {}).get(address)
        if counter is None:
            return
        counter.in_flight = max(0, counter.in_flight - 1)
        if not used and counter.next == nonce + 1:
            counter.next = nonce


def fee_fields(w3: Web3) -> dict[str, int]:
    """EIP-1559 fields: tip plus twice the latest base fee, so one full block cannot price us out."""
    base = int(w3.eth.get_block("latest").get("baseFeePerGas", 0) or 0)
    return {"maxPriorityFeePerGas": PRIORITY_FEE_WEI, "maxFeePerGas": 2 * base + PRIORITY_FEE_WEI}


def _raise_decoded(exc: BaseException) -> None:
    data = revert_data_from_exception(exc)
    if data is not None:
        raise revert_error(data) from None


def call(w3: Web3, sender: str, to: str, data: bytes, block: Any = "latest") -> bytes:
    """eth_call; a revert raises TransactionRevertedError with the decoded error."""
    try:
        return bytes(w3.eth.call({"from": sender, "to": to, "data": data}, block))
    except (ContractCustomError, ContractLogicError, Web3RPCError) as exc:
        _raise_decoded(exc)
        raise ChainError(f"eth_call failed: {exc}") from None


def estimate_gas(w3: Web3, sender: str, to: str | None, data: bytes, value: int = 0) -> int:
    """eth_estimateGas; a revert raises TransactionRevertedError with the decoded error."""
    tx: dict[str, Any] = {"from": sender, "data": data, "value": value}
    if to is not None:
        tx["to"] = to
    try:
        return int(w3.eth.estimate_gas(tx))  # type: ignore[arg-type]
    except (ContractCustomError, ContractLogicError, Web3RPCError) as exc:
        _raise_decoded(exc)
        raise ChainError(f"gas estimate failed: {exc}") from None


def send_transaction(
    w3: Web3,
    account: LocalAccount,
    to: str | None,
    data: bytes,
    gas: int | None = None,
    value: int = 0,
) -> TxReceipt:
    """Sign and send; wait for the receipt; raise the decoded error if it reverted."""
    if gas is None:
        gas = estimate_gas(w3, account.address, to, data, value) * GAS_MARGIN_NUM // GAS_MARGIN_DEN
    tx: dict[str, Any] = {
        "from": account.address,
        "data": data,
        "gas": gas,
        "value": value,
        "nonce": next_nonce(w3, account.address),
        "chainId": int(w3.eth.chain_id),
        "type": 2,
        **fee_fields(w3),
    }
    if to is not None:
        tx["to"] = to
    signed = account.sign_transaction(tx)
    try:
        tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
    except Web3RPCError as exc:
        release_nonce(w3, account.address, tx["nonce"], used=False)
        raise ChainError(f"transaction rejected by the node: {exc}") from None
    try:
        receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=RECEIPT_TIMEOUT_S)
    finally:
        release_nonce(w3, account.address, tx["nonce"], used=True)
    if receipt["status"] != 1:
        raise _mined_revert(w3, tx, receipt)
    return receipt


def _mined_revert(w3: Web3, tx: dict[str, Any], receipt: TxReceipt) -> Exception:
    """Replay a reverted transaction at its block to recover the revert data."""
    replay: dict[str, Any] = {k: tx[k] for k in ("from", "data", "gas") if k in tx}
    if "to" in tx:
        replay["to"] = tx["to"]
    tx_hash = "0x" + bytes(receipt["transactionHash"]).hex()
    try:
        w3.eth.call(replay, receipt["blockNumber"] - 1)  # type: ignore[arg-type]
    except (ContractCustomError, ContractLogicError, Web3RPCError) as exc:
        data = revert_data_from_exception(exc)
        if data is not None:
            return revert_error(data, tx_hash)
    return revert_error(b"", tx_hash)
