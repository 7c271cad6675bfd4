"""The transaction manager: one account's transactions from queued to K confirmations, across
stuck fees, dropped transactions, reorgs, rate-limited RPCs and restarts.

Modelled on Chainlink's EVM txm (its defaults: bump after 3 blocks by 20%, at least 5 gwei; a
fee cap; 16 in flight per key; resend after a minute; the RPC with the highest head)::

    submit() ─► queued ──guard, fees, balance, nonce──► unconfirmed ──receipt──► mined ──K deep──► confirmed
                  │                                      │   ▲  bump (guard) / resend      │          (reverted)
                  └── guard says no ─► abandoned         │   └──── block left the chain ◄──┘
                                         ▲───────────────┘ guard says no: nonce handed to the next transaction

Every step is one :meth:`TxManager.poll` pass, so tests drive it block by block and a node runs it
on a thread (:meth:`start`). What must survive a crash is in the store (:mod:`.nonces`) before the
network sees it. Before the first send and before each bump the ``guard`` is asked whether the
transaction is still wanted (for a report: is it still newer than what the contract holds?), so a
report that another transmitter landed, or that a newer one superseded, is not paid for.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from eth_account.signers.local import LocalAccount
from web3 import Web3

from ocr_client.chain import fees as feemath
from ocr_client.chain.fees import FeeConfig, FeeHistory, Fees
from ocr_client.chain.nonces import (
    ABANDONED,
    CONFIRMED,
    FAILED,
    MINED,
    QUEUED,
    REVERTED,
    UNCONFIRMED,
    Attempt,
    SqliteTxStore,
    TxRecord,
)
from ocr_client.chain.rpc_pool import RpcResponseError
from ocr_client.chain.tx_errors import (
    FeeCapError,
    InsufficientFundsError,
    SendErrorClass,
    TxAbandonedError,
    TxTimeoutError,
    classify_send_error,
)
from ocr_client.errors import ChainError

LOG: Final = logging.getLogger("ocr_client.chain.txmanager")

TRANSFER_GAS: Final[int] = 21_000
#: Polls in a row that find the nonce used on-chain but no receipt of ours before giving up on it.
LOST_NONCE_POLLS: Final[int] = 3


class RpcClient(Protocol):
    """What the manager needs from the network: an :class:`~ocr_client.chain.rpc_pool.RpcPool`."""

    def request(self, method: str, params: list[Any]) -> Any: ...

    def broadcast(self, method: str, params: list[Any]) -> Any: ...

    def refresh_heads(self, force: bool = False) -> int: ...


#: Whether a transaction is still wanted: None to go on, else why not (it is then abandoned).
Guard = Callable[[TxRecord], str | None]


@dataclass(frozen=True)
class TxmConfig:
    """Transaction-manager policy for one key."""

    confirmations: int = 1
    """K: a transaction counts once its block is K deep (1 = the block itself)."""
    bump_after_blocks: int = 3
    """Replace a transaction with bumped fees after this many blocks without a receipt."""
    max_in_flight: int = 16
    """Most transactions with a nonce and no K confirmations at once."""
    resend_after_s: float = 60.0
    """Rebroadcast the newest attempt after this long without a receipt (a node may have lost it)."""
    poll_interval_s: float = 0.5
    """Pause between passes of :meth:`TxManager.wait` and the background thread."""
    low_balance_transactions: int = 10
    """Warn when the balance pays for fewer than this many worst-case transactions."""
    fees: FeeConfig = field(default_factory=FeeConfig)


@dataclass(frozen=True)
class TxRequest:
    """A transaction to get mined. ``key`` makes submission idempotent (a report's identity)."""

    to: str | None
    data: bytes
    gas_limit: int
    value: int = 0
    key: str | None = None


@dataclass(frozen=True)
class TxEvent:
    """Something the manager did or found; metrics and logs are built from these."""

    kind: str
    address: str
    tx_id: int | None = None
    key: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


WARNING_EVENTS: Final[frozenset[str]] = frozenset({
    "fee-capped", "insufficient-funds", "low-balance", "reorged", "abandoned", "nonce-adopted", "nonce-lost",
    "send-error", "rpc-error", "gap-filled", "underpriced"})


def _hex(value: Any) -> int:
    return int(str(value), 16)


class TxManager:
    """One account's transaction manager over an RPC pool and a durable store."""

    def __init__(self, rpc: RpcClient, account: LocalAccount, store: SqliteTxStore, chain_id: int,
                 config: TxmConfig | None = None, guard: Guard | None = None,
                 on_event: Callable[[TxEvent], None] | None = None,
                 on_final: Callable[[TxRecord], None] | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.rpc = rpc
        self.account = account
        self.address = Web3.to_checksum_address(account.address)
        self.store = store
        self.chain_id = chain_id
        self.config = config or TxmConfig()
        self.guard = guard
        self.on_event = on_event
        self.on_final = on_final
        self.clock = clock
        self.sleep = sleep
        self._lock = threading.RLock()
        self._said: set[tuple[str, int, str]] = set()  # (kind, tx id, detail) already reported once
        self._lost: dict[int, int] = {}
        self._resumed = False
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.head = -1

    # --- public ----------------------------------------------------------------------------

    def submit(self, request: TxRequest) -> TxRecord:
        """Queue ``request`` (durably); the same ``key`` returns the transaction already queued.

        It works while no RPC answers: the transaction waits in the store for the next pass."""
        with self._lock:
            head = self.rpc.refresh_heads()
            key = request.key or f"tx:{time.time_ns()}:{id(request)}"
            record, new = self.store.add(self.chain_id, self.address, key, request.to, request.data, request.value,
                                         request.gas_limit, head, time.time())
            if new:
                self._event("queued", record, gas_limit=request.gas_limit)
            return record

    def poll(self) -> None:
        """One pass: receipts, confirmations and reorgs, bumps and resends, gaps, then the queue."""
        with self._lock:
            self.head = head = self.rpc.refresh_heads()
            chain_nonce = _hex(self.rpc.request("eth_getTransactionCount", [self.address, "latest"]))
            before = self.store.adopt_chain_nonce(self.chain_id, self.address, chain_nonce)
            if before is not None:
                self._event("nonce-adopted", None, store=before, chain=chain_nonce,
                            why="the chain has more transactions from this key than this store sent")
            live = self.store.live(self.chain_id, self.address)
            if not self._resumed:
                self._resumed = True
                balance = _hex(self.rpc.request("eth_getBalance", [self.address, "latest"]))
                self._event("balance", None, balance_wei=balance)  # the gauge is there before the first send
                self._resend_all(live, head)
            for tx in live:
                if tx.nonce is not None:
                    self._track(tx, head, chain_nonce)
            self._settle_released(chain_nonce)
            self._start_queued(head, chain_nonce)

    def wait(self, tx_id: int, timeout_s: float, fail_fast: bool = True) -> TxRecord:
        """Poll until ``tx_id`` is final. With ``fail_fast`` an unfunded account raises at once; a fee
        cap below the base fee waits (and says so) until ``timeout_s``; the queued transaction is then
        abandoned, so no nonce is held for it."""
        deadline = self.clock() + timeout_s
        started = self.clock()
        state = ""
        while True:
            try:
                self.poll()
            except ChainError as exc:
                LOG.warning("event=\"poll-failed\" address=%s error=%s", self.address, exc)
            record = self.store.get(tx_id)
            moved, state = record.state != state, record.state
            if record.final:
                return record
            if fail_fast and ("insufficient-funds", tx_id, "") in self._said and record.state == QUEUED:
                self._abandon(record, "the account cannot pay for it")
                balance = _hex(self.rpc.request("eth_getBalance", [self.address, "latest"]))
                raise InsufficientFundsError(self.address, balance, self._worst_case(record))
            if self.clock() >= deadline:
                if record.state == QUEUED:
                    self._abandon(record, "timed out before it could be sent")
                    capped = [k for k in self._said if k[0] == "fee-capped" and k[1] == tx_id]
                    if capped:
                        history = self._fee_history()
                        raise FeeCapError(self.config.fees.cap(record.gas_limit), history.next_base_fee,
                                          self.clock() - started)
                raise TxTimeoutError(f"transaction {tx_id} ({record.key}) is {record.state} after {timeout_s:g}s; "
                                     "it stays tracked in the store and is resumed next time")
            if not moved:  # it just changed state (sent, mined): look again at once
                self.sleep(self.config.poll_interval_s)

    def send_and_wait(self, request: TxRequest, timeout_s: float = 120.0) -> TxRecord:
        """Submit and wait for K confirmations; raise for an abandoned or failed transaction."""
        record = self.wait(self.submit(request).id, timeout_s)
        if record.state == ABANDONED:
            raise TxAbandonedError(record.error or "no longer wanted")
        if record.state == FAILED:
            raise ChainError(f"transaction {record.key} failed: {record.error}")
        if record.state == REVERTED:
            raise ChainError(f"transaction {record.mined_hash} reverted on-chain in block {record.mined_block} "
                             f"(it passed eth_estimateGas: the chain changed in between)")
        return record

    def start(self) -> None:
        """Poll on a daemon thread until :meth:`stop` (a node's mode)."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"txm-{self.address[:10]}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll()
            except ChainError as exc:
                LOG.warning("event=\"poll-failed\" address=%s error=%s", self.address, exc)
            self._stop.wait(self.config.poll_interval_s)

    # --- tracking --------------------------------------------------------------------------

    def _track(self, tx: TxRecord, head: int, chain_nonce: int) -> None:
        if tx.state == MINED:
            if not self._still_canonical(tx):
                self.store.unmine(tx.id)
                self._event("reorged", tx, block=tx.mined_block, tx=tx.mined_hash)
                tx = self.store.get(tx.id)
                attempts = self.store.attempts(tx.id)
                if attempts:  # its nonce is free again: put the newest attempt back, as if sent now
                    self.store.touch_attempt(attempts[-1].hash, head, self.clock())
                    self._broadcast(tx, attempts[-1], head)
            else:
                self._maybe_confirm(tx, head)
                return
        if self._find_receipt(tx, head):
            return
        attempts = self.store.attempts(tx.id)
        if chain_nonce > (tx.nonce or 0):
            if self._taken_by_abandoned(tx):
                return
            misses = self._lost.get(tx.id, 0) + 1
            self._lost[tx.id] = misses
            if misses >= LOST_NONCE_POLLS:
                self.store.set_state(tx.id, FAILED, error=f"nonce {tx.nonce} was used by a transaction not sent by "
                                                          "this manager (another process uses this key?)")
                self._event("nonce-lost", tx, nonce=tx.nonce)
                self._finished(tx.id)
            return
        if not attempts:  # crashed between taking the nonce and signing: nothing was sent at it
            self._first_attempt(tx, head, None)
            return
        last = attempts[-1]
        if head - last.sent_block >= self.config.bump_after_blocks:
            self._bump(tx, last, head)
        elif self.clock() - last.sent_at >= self.config.resend_after_s or last.sent_at > self.clock():
            self._broadcast(tx, last, head, resend=True)

    def _taken_by_abandoned(self, tx: TxRecord) -> bool:
        """The abandoned transaction that handed ``tx`` its nonce was mined first: record that, and
        queue ``tx`` again for a new nonce (its report is still wanted)."""
        assert tx.nonce is not None  # only called for a transaction holding a nonce
        for other in self.store.holders(self.chain_id, self.address, tx.nonce):
            if other.id == tx.id:
                continue
            for attempt in self.store.attempts(other.id):
                receipt = self._receipt(attempt.hash)
                if receipt is None:
                    continue
                self.store.set_mined(other.id, ABANDONED, attempt.hash, _hex(receipt["blockNumber"]),
                                     str(receipt["blockHash"]), _hex(receipt["gasUsed"]),
                                     _hex(receipt.get("effectiveGasPrice", "0x0")))
                self._event("abandoned-mined", other, tx=attempt.hash, why="mined before its successor replaced it")
                self.store.requeue(tx.id)
                self._event("requeued", tx, old_nonce=tx.nonce)
                return True
        return False

    def _receipt(self, tx_hash: str) -> dict[str, Any] | None:
        receipt = self.rpc.request("eth_getTransactionReceipt", [tx_hash])
        return receipt if isinstance(receipt, dict) and receipt.get("blockHash") else None

    def _find_receipt(self, tx: TxRecord, head: int) -> bool:
        for attempt in reversed(self.store.attempts(tx.id)):
            receipt = self._receipt(attempt.hash)
            if receipt is None:
                continue
            self._lost.pop(tx.id, None)
            self.store.set_mined(tx.id, MINED, attempt.hash, _hex(receipt["blockNumber"]), str(receipt["blockHash"]),
                                 _hex(receipt["gasUsed"]), _hex(receipt.get("effectiveGasPrice", "0x0")))
            mined = self.store.get(tx.id)
            self._event("mined", mined, block=mined.mined_block, tx=attempt.hash,
                        blocks_to_land=mined.blocks_to_land, status=_hex(receipt.get("status", "0x1")))
            self._maybe_confirm(mined, head, receipt)
            return True
        return False

    def _still_canonical(self, tx: TxRecord) -> bool:
        assert tx.mined_hash is not None and tx.mined_block is not None  # state MINED sets both
        receipt = self._receipt(tx.mined_hash)
        if receipt is None or str(receipt["blockHash"]) != tx.mined_block_hash:
            return False
        block = self.rpc.request("eth_getBlockByNumber", [hex(tx.mined_block), False])
        return isinstance(block, dict) and str(block.get("hash")) == tx.mined_block_hash

    def _maybe_confirm(self, tx: TxRecord, head: int, receipt: dict[str, Any] | None = None) -> None:
        assert tx.mined_block is not None and tx.mined_hash is not None  # only called for a mined transaction
        if head - tx.mined_block + 1 < self.config.confirmations:
            return
        receipt = receipt or self._receipt(tx.mined_hash)
        if receipt is None:
            return  # gone since the last look: the next pass sees the reorg
        state = CONFIRMED if _hex(receipt.get("status", "0x1")) == 1 else REVERTED
        self.store.set_state(tx.id, state)
        done = self.store.get(tx.id)
        self._event(state, done, block=done.mined_block, tx=done.mined_hash, fee_paid_wei=done.fee_paid_wei,
                    blocks_to_land=done.blocks_to_land, gas_used=done.gas_used)
        self._finished(tx.id)

    def _finished(self, tx_id: int) -> None:
        if self.on_final is not None:
            self.on_final(self.store.get(tx_id))

    # --- sending ---------------------------------------------------------------------------

    def _start_queued(self, head: int, chain_nonce: int) -> None:
        live = self.store.live(self.chain_id, self.address)
        in_flight = sum(1 for t in live if t.nonce is not None)
        for tx in live:
            if tx.nonce is not None:
                continue
            if in_flight >= self.config.max_in_flight:
                return
            reason = self.guard(tx) if self.guard is not None else None
            if reason is not None:
                self._abandon(tx, reason)
                continue
            if not self._affordable(tx):
                return  # head of line: later transactions would need the same money and cap
            _nonce, floor = self.store.assign_nonce(tx.id, self.chain_id, self.address, chain_nonce, head)
            in_flight += 1
            self._first_attempt(self.store.get(tx.id), head, floor)

    def _fee_history(self) -> FeeHistory:
        fees = self.config.fees
        result = self.rpc.request("eth_feeHistory", [hex(fees.history_blocks), "latest", [fees.priority_percentile]])
        return FeeHistory.from_rpc(result)

    def _worst_case(self, tx: TxRecord) -> int:
        return tx.gas_limit * self.config.fees.cap(tx.gas_limit) + tx.value

    def _affordable(self, tx: TxRecord) -> bool:
        """Whether the cap lets it into the next block and the balance pays for it; says why not, once."""
        history = self._fee_history()
        fees = feemath.estimate(history, self.config.fees, tx.gas_limit)
        if feemath.below_base_fee(fees, history):
            self._once("fee-capped", tx, cap_wei=fees.max_fee, base_fee_wei=history.next_base_fee,
                       why="the fee cap is below the base fee: waiting for it to fall")
            return False
        balance = _hex(self.rpc.request("eth_getBalance", [self.address, "latest"]))
        needed = tx.gas_limit * fees.max_fee + tx.value
        self._event("balance", None, balance_wei=balance)
        if balance < needed:
            self._once("insufficient-funds", tx, balance_wei=balance, needed_wei=needed)
            return False
        if balance < needed * self.config.low_balance_transactions:
            self._once("low-balance", tx, balance_wei=balance, needed_wei=needed,
                       why=f"pays for fewer than {self.config.low_balance_transactions} transactions")
        return True

    def _first_attempt(self, tx: TxRecord, head: int, floor: Fees | None) -> None:
        history = self._fee_history()
        fees = feemath.estimate(history, self.config.fees, tx.gas_limit)
        if floor is not None:  # the nonce still holds an abandoned attempt: outbid it
            fees = feemath.bump(floor, fees, self.config.fees, tx.gas_limit) or fees
        self._new_attempt(tx, fees, head)

    def _new_attempt(self, tx: TxRecord, fees: Fees, head: int) -> Attempt:
        assert tx.nonce is not None  # attempts are signed only once a nonce is taken
        fields: dict[str, Any] = {
            "chainId": self.chain_id, "nonce": tx.nonce, "gas": tx.gas_limit, "value": tx.value, "data": tx.data,
            "type": 2, "maxFeePerGas": fees.max_fee, "maxPriorityFeePerGas": fees.priority_fee}
        if tx.to is not None:
            fields["to"] = Web3.to_checksum_address(tx.to)
        signed = self.account.sign_transaction(fields)
        attempt = Attempt(hash="0x" + bytes(signed.hash).hex(), tx_id=tx.id, fees=fees,
                          raw=bytes(signed.raw_transaction), sent_block=head, sent_at=self.clock())
        self.store.add_attempt(attempt)  # durable before anything leaves this process
        self._broadcast(tx, attempt, head)
        return attempt

    def _bump(self, tx: TxRecord, last: Attempt, head: int) -> None:
        reason = self.guard(tx) if self.guard is not None else None
        if reason is not None:
            if not self._find_receipt(tx, head):  # it may have just landed itself
                self._abandon(tx, reason)
            return
        fresh = feemath.estimate(self._fee_history(), self.config.fees, tx.gas_limit)
        bumped = feemath.bump(last.fees, fresh, self.config.fees, tx.gas_limit)
        if bumped is None:
            self._once("fee-capped", tx, detail=last.hash, cap_wei=self.config.fees.cap(tx.gas_limit),
                       offered_wei=last.fees.max_fee, why="the fee cap leaves no room for a bump")
            if self.clock() - last.sent_at >= self.config.resend_after_s:
                self._broadcast(tx, last, head, resend=True)
            return
        self._event("bumped", tx, nonce=tx.nonce, old=str(last.fees), new=str(bumped), blocks=head - last.sent_block)
        self._new_attempt(tx, bumped, head)

    def _broadcast(self, tx: TxRecord, attempt: Attempt, head: int, resend: bool = False) -> None:
        try:
            self.rpc.broadcast("eth_sendRawTransaction", ["0x" + attempt.raw.hex()])
        except RpcResponseError as exc:
            self._rejected(tx, attempt, head, exc)
            return
        except ChainError as exc:
            self._event("rpc-error", tx, error=str(exc))
            return
        if resend:
            self.store.touch_attempt(attempt.hash, attempt.sent_block, self.clock())
        self._event("resent" if resend else "sent", tx, nonce=tx.nonce, tx=attempt.hash, fees=str(attempt.fees))

    def _rejected(self, tx: TxRecord, attempt: Attempt, head: int, exc: RpcResponseError) -> None:
        kind = classify_send_error(exc.rpc_message)
        if kind is SendErrorClass.ALREADY_KNOWN:
            return  # the node has exactly this transaction
        if kind is SendErrorClass.NONCE_TOO_LOW:
            self._event("nonce-too-low", tx, nonce=tx.nonce, why="an earlier attempt was mined: looking for its receipt")
            self._find_receipt(tx, head)
            return
        if kind in (SendErrorClass.UNDERPRICED, SendErrorClass.FEE_TOO_LOW):
            # Make the next pass bump at once (the node holds a dearer attempt, or the base fee rose).
            self.store.touch_attempt(attempt.hash, head - self.config.bump_after_blocks, attempt.sent_at)
            self._event("underpriced", tx, nonce=tx.nonce, error=exc.rpc_message)
            return
        if kind is SendErrorClass.INSUFFICIENT_FUNDS:
            balance = _hex(self.rpc.request("eth_getBalance", [self.address, "latest"]))
            self._once("insufficient-funds", tx, balance_wei=balance, needed_wei=self._worst_case(tx))
            return
        self._event("send-error", tx, nonce=tx.nonce, error=exc.rpc_message, error_class=kind.value)

    def _resend_all(self, live: list[TxRecord], head: int) -> None:
        """After a (re)start: put every stored newest attempt back on the network."""
        for tx in live:
            if tx.state != UNCONFIRMED:
                continue
            attempts = self.store.attempts(tx.id)
            if attempts:
                self._broadcast(tx, attempts[-1], head, resend=True)

    # --- abandoning and gaps ---------------------------------------------------------------

    def _abandon(self, tx: TxRecord, reason: str) -> None:
        self.store.set_state(tx.id, ABANDONED, error=reason, release_nonce=tx.nonce is not None)
        self._event("abandoned", tx, why=reason, nonce=tx.nonce, sent=bool(self.store.attempts(tx.id)))
        self._finished(tx.id)

    def _settle_released(self, chain_nonce: int) -> None:
        """Nonces of abandoned transactions: consumed on-chain (by which attempt?), or a gap to fill."""
        live = self.store.live(self.chain_id, self.address)
        highest_live = max((t.nonce for t in live if t.nonce is not None), default=-1)
        waiting = any(t.nonce is None for t in live)
        for tx in self.store.released(self.chain_id, self.address):
            assert tx.nonce is not None  # only transactions with a nonce release one
            if tx.nonce < chain_nonce:
                for attempt in self.store.attempts(tx.id):
                    receipt = self._receipt(attempt.hash)
                    if receipt is not None:
                        self.store.set_mined(tx.id, ABANDONED, attempt.hash, _hex(receipt["blockNumber"]),
                                             str(receipt["blockHash"]), _hex(receipt["gasUsed"]),
                                             _hex(receipt.get("effectiveGasPrice", "0x0")))
                        self._event("abandoned-mined", tx, tx=attempt.hash, why="mined before it could be replaced")
                        break
                else:
                    self.store.unrelease(tx.id)
            elif tx.nonce < highest_live and not waiting:
                # Later nonces cannot be mined past this one: fill it with a transfer to ourselves.
                self._event("gap-filled", tx, nonce=tx.nonce)
                self.store.add(self.chain_id, self.address, f"fill:{tx.nonce}:{tx.id}", self.address, b"", 0,
                               TRANSFER_GAS, self.head, time.time())

    # --- events ----------------------------------------------------------------------------

    def _once(self, kind: str, record: TxRecord, detail: str = "", **fields: Any) -> None:
        marker = (kind, record.id, detail)
        if marker in self._said:
            return
        self._said.add(marker)
        self._event(kind, record, **fields)

    def _event(self, kind: str, record: TxRecord | None, **detail: Any) -> None:
        event = TxEvent(kind, self.address, record.id if record else None, record.key if record else None, detail)
        level = logging.WARNING if kind in WARNING_EVENTS else logging.INFO
        if kind != "balance" and LOG.isEnabledFor(level):
            parts = " ".join(f"{k}={v}" for k, v in detail.items())
            LOG.log(level, "txm %s: address=%s tx=%s key=%s %s", kind, self.address, event.tx_id, event.key, parts)
        if self.on_event is not None:
            self.on_event(event)
