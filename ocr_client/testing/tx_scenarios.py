"""Testnet conditions on this machine: a real anvil, a real feed, signed reports and the
transaction manager, with the chain and the RPC misbehaving on purpose.

Each scenario returns a :class:`ScenarioResult` read back from the chain (the feed's
``NewTransmission`` events, the transmitter's mined transactions and receipts) and from the
manager's store, so the scenario tests (``tests/chain/test_tx_scenarios.py``) assert the four
properties and ``benchmarks/bench_transmission.py`` tabulates the same numbers.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.chain.fees import GWEI, FeeConfig
from ocr_client.chain.nonces import FINAL_STATES, SqliteTxStore, TxRecord
from ocr_client.chain.report_guard import report_guard, report_key
from ocr_client.chain.rpc import connect
from ocr_client.chain.rpc_pool import RpcPool, pool_web3
from ocr_client.chain.transactions import send_transaction
from ocr_client.chain.txmanager import TxEvent, TxManager, TxmConfig, TxRequest
from ocr_client.feed import Feed
from ocr_client.local.feed import LocalFeed
from ocr_client.testing.fault_proxy import FaultProxy, Faults

#: Gas limit of a scenario transmit (n = 4 uses about 200,000).
TRANSMIT_GAS: Final[int] = 400_000
FUNDING_WEI: Final[int] = 10**18
CAP_WEI: Final[int] = 100 * GWEI
SPIKE_WEI: Final[int] = 50 * GWEI


@dataclass
class ScenarioResult:
    """What one scenario did, as the chain and the store tell it."""

    name: str
    expected: list[tuple[int, int]]
    """(epoch, round) of every report that should land."""
    landed: Counter[tuple[int, int]]
    """How often each (epoch, round) landed on the feed."""
    mined_nonces: list[int]
    """Nonces of the transmitter's mined transactions, in block order."""
    chain_nonce: int
    store_next_nonce: int | None
    max_fee_offered: int
    cap: int
    fees_paid_wei: int
    blocks_to_land: list[int]
    bumps: int
    abandoned: int
    events: Counter[str] = field(default_factory=Counter)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def landed_once(self) -> bool:
        """Every expected report landed exactly once, and nothing else landed."""
        return all(self.landed[k] == 1 for k in self.expected) and set(self.landed) <= set(self.expected)

    @property
    def nonces_contiguous(self) -> bool:
        """No nonce used twice and none skipped: the mined nonces are 0..n-1, and the store agrees."""
        ordered = sorted(self.mined_nonces)
        store_ok = self.store_next_nonce is None or self.store_next_nonce >= self.chain_nonce
        return ordered == list(range(len(ordered))) and self.chain_nonce == len(ordered) and store_ok

    @property
    def under_cap(self) -> bool:
        return self.max_fee_offered <= self.cap

    def row(self) -> dict[str, Any]:
        """One table row (benchmark and docs)."""
        return {"scenario": self.name, "reports": len(self.expected), "landed_once": self.landed_once,
                "nonces_ok": self.nonces_contiguous, "under_cap": self.under_cap,
                "blocks_to_land": self.blocks_to_land, "max_blocks_to_land": max(self.blocks_to_land, default=0),
                "bumps": self.bumps, "fees_paid_gwei": round(self.fees_paid_wei / GWEI, 1),
                "max_fee_offered_gwei": round(self.max_fee_offered / GWEI, 3), **self.extra}


class Harness:
    """anvil + a configured feed + one transmitter's TxManager (over an RPC pool) + its store."""

    def __init__(self, anvil: Anvil, local: LocalFeed, store_path: Path, urls: list[str],
                 config: TxmConfig, transmitter: LocalAccount, timeout_s: float = 2.0) -> None:
        self.anvil = anvil
        self.local = local
        self.store_path = store_path
        self.urls = urls
        self.config = config
        self.transmitter = transmitter
        self.timeout_s = timeout_s
        self.events: list[TxEvent] = []
        self.start_block = anvil.block_number()
        self.pool, self.txm = self.open_manager()
        self.expected: list[tuple[int, int]] = []

    def open_manager(self, account: LocalAccount | None = None) -> tuple[RpcPool, TxManager]:
        """A fresh pool and manager on the same store file (what a restarted process builds)."""
        pool = RpcPool(self.urls, timeout_s=self.timeout_s, head_interval_s=0.0)
        chain_id = pool.check()
        feed = Feed(pool_web3(pool), self.local.address)
        store = SqliteTxStore(self.store_path)
        txm = TxManager(pool, account or self.transmitter, store, chain_id, self.config,
                        guard=report_guard(feed.latest_epoch_and_round), on_event=self.events.append)
        return pool, txm

    @property
    def feed(self) -> Feed:
        return self.local.feed

    def report(self, value: int = 3000_00000000, sender: LocalAccount | None = None) -> TxRequest:
        """The next report, signed, as a transmit request from ``sender`` (default: the transmitter)."""
        signed = self.local.signed_transmit(value)
        if sender is not None:
            signed = self.local.with_sender(signed, sender)
        report = signed.report
        self.local.epoch, self.local.round = report.epoch, report.round
        self.expected.append((report.epoch, report.round))
        return TxRequest(to=self.local.address, data=signed.calldata, gas_limit=TRANSMIT_GAS,
                         key=report_key(report.config_digest, report.epoch, report.round))

    def drive(self, tx_ids: list[int], max_blocks: int = 30, before_mine: Callable[[int], None] | None = None,
              txm: TxManager | None = None) -> None:
        """Manual mining: poll, mine a block, repeat until every transaction is final."""
        txm = txm or self.txm
        for step in range(max_blocks):
            txm.poll()
            if all(txm.store.get(i).final for i in tx_ids):
                return
            if before_mine is not None:
                before_mine(step)
            self.anvil.mine()
        raise AssertionError(f"not final after {max_blocks} blocks: "
                             f"{[(i, txm.store.get(i).state) for i in tx_ids]}")

    def drive_clock(self, tx_ids: list[int], timeout_s: float = 60.0) -> None:
        """Interval mining: poll on the wall clock until every transaction is final."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            self.txm.poll()
            if all(self.txm.store.get(i).final for i in tx_ids):
                return
            time.sleep(self.config.poll_interval_s)
        raise AssertionError(f"not final after {timeout_s}s")

    def result(self, name: str, **extra: Any) -> ScenarioResult:
        w3 = self.local.w3
        head = int(w3.eth.block_number)
        landed = Counter((t.epoch, t.round) for t in self.feed.transmissions(self.start_block))
        nonces: list[int] = []
        paid = 0
        me = self.transmitter.address.lower()
        for number in range(self.start_block + 1, head + 1):
            block = w3.eth.get_block(number, full_transactions=True)
            transactions: list[Any] = list(block["transactions"])  # full transactions: dicts
            for tx in transactions:
                if str(tx["from"]).lower() == me:
                    nonces.append(int(tx["nonce"]))
                    receipt = w3.eth.get_transaction_receipt(tx["hash"])
                    paid += int(receipt["gasUsed"]) * int(receipt["effectiveGasPrice"])
        records = self.txm.store.all(self.txm.chain_id, self.txm.address)
        offered = [a.fees.max_fee for r in records for a in self.txm.store.attempts(r.id)]
        kinds = Counter(e.kind for e in self.events)
        return ScenarioResult(
            name=name, expected=list(self.expected), landed=landed, mined_nonces=nonces,
            chain_nonce=int(w3.eth.get_transaction_count(Web3.to_checksum_address(me))),
            store_next_nonce=self.txm.store.next_nonce(self.txm.chain_id, self.txm.address),
            max_fee_offered=max(offered, default=0), cap=self.config.fees.cap(TRANSMIT_GAS), fees_paid_wei=paid,
            blocks_to_land=[b for r in records if r.state == "confirmed" and (b := r.blocks_to_land) is not None],
            bumps=kinds["bumped"], abandoned=kinds["abandoned"], events=kinds, extra=extra)


@contextmanager
def harness(folder: Path, *, block_time: int | None = None, manual: bool = True, confirmations: int = 1,
            fund: bool = True, faults: list[Faults] | None = None, direct: bool = True,
            fees: FeeConfig | None = None, resend_after_s: float = 60.0, timeout_s: float = 2.0,
            transmitter: LocalAccount | None = None) -> Iterator[Harness]:
    """Start anvil, deploy and configure a 4-oracle feed (on automine), then switch to the mining
    mode under test; the pool gets the direct URL (unless ``direct`` is False) and one fault proxy
    per entry of ``faults``."""
    with ExitStack() as stack:
        anvil = stack.enter_context(Anvil())
        w3 = connect(anvil.rpc_url)
        local = LocalFeed.deploy(w3, n=4, seed=7, owner=dev_account(0))
        account = transmitter or local.committee.transmitters[0]
        if fund:
            send_transaction(w3, dev_account(0), account.address, b"", value=FUNDING_WEI)
        if manual:
            anvil.set_automine(False)
        elif block_time is not None:
            anvil.set_automine(False)
            anvil.set_interval_mining(max(1, round(block_time)))
        urls = [anvil.rpc_url] if direct else []
        for f in faults or []:
            urls.append(stack.enter_context(FaultProxy(anvil.rpc_url, f)).url)
        config = TxmConfig(confirmations=confirmations, fees=fees or FeeConfig(max_fee_per_gas=CAP_WEI),
                           poll_interval_s=0.1, resend_after_s=resend_after_s)
        yield Harness(anvil, local, folder / "txm.sqlite", urls, config, account, timeout_s)


def final_states(records: list[TxRecord]) -> bool:
    return all(r.state in FINAL_STATES for r in records)


# --- the scenarios ------------------------------------------------------------------------------


def interval_mining(folder: Path, reports: int = 3, block_time: int = 1, confirmations: int = 2) -> ScenarioResult:
    """Blocks every ``block_time`` seconds; reports submitted together; K = ``confirmations``."""
    with harness(folder, manual=False, block_time=block_time, confirmations=confirmations) as h:
        ids = [h.txm.submit(h.report(3000_00000000 + i)).id for i in range(reports)]
        h.drive_clock(ids, timeout_s=30 + 5 * block_time * confirmations)
        return h.result("interval mining", block_time_s=block_time, confirmations=confirmations)


def manual_mining(folder: Path, reports: int = 3, confirmations: int = 2) -> ScenarioResult:
    """``--no-mining``: nothing happens until the test mines."""
    with harness(folder, manual=True, confirmations=confirmations) as h:
        ids = [h.txm.submit(h.report(3000_00000000 + i)).id for i in range(reports)]
        h.drive(ids)
        return h.result("no mining, manual evm_mine", confirmations=confirmations)


def base_fee_spike(folder: Path, spike_wei: int = SPIKE_WEI) -> ScenarioResult:
    """The base fee jumps right after the send: the first attempt cannot be included until bumped."""
    with harness(folder) as h:
        tx = h.txm.submit(h.report())
        h.txm.poll()  # sent at ~3 gwei
        h.anvil.set_next_base_fee(spike_wei)
        h.anvil.mine()
        h.drive([tx.id])
        return h.result("base-fee spike", spike_gwei=spike_wei // GWEI)


def dropped(folder: Path) -> ScenarioResult:
    """The node forgets the pending transaction (``anvil_dropTransaction``)."""
    with harness(folder) as h:
        tx = h.txm.submit(h.report())
        h.txm.poll()
        for attempt in h.txm.store.attempts(tx.id):
            h.anvil.drop_transaction(attempt.hash)
        h.drive([tx.id])
        return h.result("dropped from the mempool")


def reorg(folder: Path, depth: int) -> ScenarioResult:
    """The transmit's block and ``depth - 1`` after it are replaced by empty blocks before K."""
    with harness(folder, confirmations=depth + 1) as h:
        tx = h.txm.submit(h.report())
        h.txm.poll()
        h.anvil.mine()
        h.txm.poll()  # mined, not yet K deep
        mined_in = h.txm.store.get(tx.id).mined_block
        h.anvil.mine(depth - 1)
        h.anvil.reorg(depth)
        h.drive([tx.id])
        final = h.txm.store.get(tx.id)
        return h.result(f"reorg depth {depth}", first_block=mined_in, final_block=final.mined_block)


def no_funds(folder: Path) -> ScenarioResult:
    """An empty transmitter: one clear error, nothing sent, no nonce taken; funded later, it lands."""
    with harness(folder, fund=False) as h:
        tx = h.txm.submit(h.report())
        h.txm.poll()
        h.txm.poll()
        held = h.txm.store.get(tx.id)
        h.anvil.set_balance(h.transmitter.address, FUNDING_WEI)
        h.drive([tx.id])
        return h.result("transmitter without funds", nonce_while_unfunded=held.nonce, state_while_unfunded=held.state)


def flaky_rpc(folder: Path, reports: int = 3) -> ScenarioResult:
    """The only RPC answers 429/500 on 20% of calls, hangs on 5%, resets on 5%."""
    faults = Faults(error_rate=0.2, timeout_rate=0.05, reset_rate=0.05, hang_s=0.6, seed=12)
    with harness(folder, direct=False, faults=[faults], timeout_s=0.3) as h:
        ids = [h.txm.submit(h.report(3000_00000000 + i)).id for i in range(reports)]
        h.drive(ids, max_blocks=40)
        return h.result("RPC 20% 429/500 + timeouts + resets", failovers=sum(e.errors for e in h.pool.endpoints))


def lagging_and_wrong_chain(folder: Path) -> ScenarioResult:
    """Three RPCs: one 3 blocks behind, one of another chain (excluded at start), one good."""
    with harness(folder, direct=True, faults=[Faults(lag_blocks=3), Faults(chain_id=11155111)]) as h:
        h.urls = [h.urls[1], h.urls[0], h.urls[2]]  # the lagging one first in the list
        h.pool, h.txm = h.open_manager()
        excluded = [e.url for e in h.pool.endpoints if e.excluded]
        ids = [h.txm.submit(h.report(3000_00000000 + i)).id for i in range(2)]
        h.drive(ids)
        return h.result("lagging RPC + wrong-chain RPC", excluded=len(excluded), chosen=h.pool.best().url == h.urls[1])


def restart(folder: Path) -> ScenarioResult:
    """The process dies after broadcasting, before any receipt (and the mempool loses the
    transaction); a new manager on the same store resumes and lands it at the same nonce."""
    with harness(folder) as h:
        tx = h.txm.submit(h.report())
        h.txm.poll()
        sent = h.txm.store.attempts(tx.id)
        for attempt in sent:
            h.anvil.drop_transaction(attempt.hash)
        second = h.txm.submit(h.report(3001_00000000))
        h.txm.poll()  # the second report is sent too, at the next nonce
        del h.txm  # killed: no close, no cleanup; the store file holds what was committed
        h.pool, h.txm = h.open_manager()
        h.drive([tx.id, second.id])
        return h.result("killed between send and confirm, restarted",
                        resumed_same_hash=h.txm.store.get(tx.id).mined_hash == sent[-1].hash)


def superseded(folder: Path) -> ScenarioResult:
    """Another transmitter lands our report while ours is stuck behind a spike: ours is abandoned at
    its next bump, and its nonce goes to our next report (no gap, nothing paid for the stale one)."""
    with harness(folder) as h:
        other = h.local.committee.transmitters[1]
        h.anvil.set_balance(other.address, FUNDING_WEI)
        request = h.report()
        tx = h.txm.submit(request)
        h.txm.poll()
        h.anvil.set_next_base_fee(SPIKE_WEI)
        h.anvil.mine()
        _, other_txm = h.open_manager(other)
        signed = h.local.with_sender(h.local.signed_transmit(3000_00000000, epoch=h.expected[-1][0],
                                                             round=h.expected[-1][1]), other)
        theirs = other_txm.submit(TxRequest(h.local.address, signed.calldata, TRANSMIT_GAS, key=request.key))
        h.drive([theirs.id], txm=other_txm)
        h.drive([tx.id])
        nxt = h.txm.submit(h.report(3002_00000000))
        h.drive([nxt.id])
        ours = h.txm.store.get(tx.id)
        taken = h.txm.store.get(nxt.id)
        return h.result("report landed by another transmitter", abandoned_state=ours.state,
                        nonce_handed_over=ours.nonce == taken.nonce)


def fee_cap_below_base(folder: Path) -> ScenarioResult:
    """The operator's cap sits below the base fee: the report waits (and says so), then lands when the
    base fee falls under the cap."""
    with harness(folder, fees=FeeConfig(max_fee_per_gas=20 * GWEI)) as h:
        h.anvil.set_next_base_fee(SPIKE_WEI)
        h.anvil.mine()
        tx = h.txm.submit(h.report())
        h.drive([tx.id], max_blocks=40)
        return h.result("fee cap below the base fee", cap_gwei=20)


SCENARIOS: Final[dict[str, Callable[[Path], ScenarioResult]]] = {
    "interval": interval_mining,
    "manual": manual_mining,
    "spike": base_fee_spike,
    "dropped": dropped,
    "reorg-1": lambda p: reorg(p, 1),
    "reorg-2": lambda p: reorg(p, 2),
    "reorg-3": lambda p: reorg(p, 3),
    "no-funds": no_funds,
    "flaky-rpc": flaky_rpc,
    "lagging-rpc": lagging_and_wrong_chain,
    "restart": restart,
    "superseded": superseded,
    "fee-cap": fee_cap_below_base,
}


def fresh_account(seed: int) -> LocalAccount:
    """A key nobody funded (for the bad-input paths)."""
    account: LocalAccount = Account.from_key((seed + 1).to_bytes(32, "big"))
    return account
