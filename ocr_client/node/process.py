"""One oracle as its own process: the protocol engine over ZeroMQ, a wall clock and a real chain.

This is :mod:`ocr_client.protocol.simulation` for a single node with the simulated parts swapped
for real ones: :class:`ZmqTransport` instead of the simulated network, :class:`RealClock` instead
of the simulated clock, the node's configured data sources instead of a shared random walk, and a
SQLite file as its store so a restarted process resumes where it stopped (and never signs a
second report for a round it already signed). Everything runs on one thread
(:func:`run_loop`), exactly as under the simulator.

Before joining, the node checks that the chain agrees with its configuration (config digest,
committee size, its transmitter), because a node running against the wrong configuration would
only waste gas on reports the contract refuses.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

import requests
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.exceptions import Web3Exception

from ocr_client.chain.fees import FeeConfig
from ocr_client.chain.nonces import SqliteTxStore
from ocr_client.chain.report_guard import report_guard
from ocr_client.chain.rpc_pool import RpcPool, pool_web3
from ocr_client.chain.txmanager import TxEvent, TxManager, TxmConfig
from ocr_client.committee.files import load_key_json, load_password, read_oracle_keys
from ocr_client.crypto import get_backend
from ocr_client.errors import ChainError, ConfigError, KeyFileError
from ocr_client.feed import Feed
from ocr_client.net.clock import RealClock
from ocr_client.net.event_loop import run_loop
from ocr_client.net.zmq_transport import ZmqTransport
from ocr_client.node.config import NodeConfig, NodeConfigError
from ocr_client.protocol.chain_port import TxmChainPort
from ocr_client.protocol.context import NodeContext
from ocr_client.protocol.metrics import ProtocolMetrics
from ocr_client.protocol.node import OracleNode
from ocr_client.protocol.persistence import SqliteNodeStore
from ocr_client.protocol.ports import ReportId, TransmitOutcome
from ocr_client.protocol.signing import ThresholdSigner
from ocr_client.protocol.telemetry import Event, Fanout, log_sink
from ocr_client.sources import MedianObserver, source_from_config

LOG: Final = logging.getLogger("ocr_client.node")
#: Longest the loop blocks waiting for messages before it looks at the stop flag again.
MAX_BLOCK_S: Final[float] = 0.1


class ConfigDigestMismatchError(ConfigError):
    """The feed runs another configuration than the one this node was configured for."""

    def __init__(self, feed: str, onchain: bytes, expected: bytes) -> None:
        self.onchain = onchain
        self.expected = expected
        super().__init__(f"feed {feed} has config digest 0x{onchain.hex()} but the node config expects 0x{expected.hex()}: "
                         "the on-chain configuration changed; update expected_config_digest (and the off-chain config)")


class ObserverSource:
    """The protocol's ObservationSource over a :class:`MedianObserver`; logs sources that failed."""

    def __init__(self, observer: MedianObserver, node: int) -> None:
        self.observer = observer
        self.node = node

    def observe(self) -> int | None:
        readings = self.observer.observe()
        for name, reason in readings.failed.items():
            LOG.warning("node=%d phase=\"observe\" event=\"source-failed\" source=%s reason=%s", self.node, name, reason)
        return readings.value


_TRANSIENT: Final = (requests.RequestException, Web3Exception, OSError)


class ResilientChainPort(TxmChainPort):
    """A ChainPort whose RPC hiccups (connection refused, timeouts) become ChainErrors or failed
    transmissions: a node process must outlive a flaky RPC, not crash out of its event loop."""

    def latest_epoch_round(self) -> tuple[bytes, int, int]:
        try:
            return super().latest_epoch_round()
        except _TRANSIENT as exc:
            raise ChainError(f"RPC read failed: {type(exc).__name__}: {exc}") from None

    def latest_report(self) -> tuple[int, int] | None:
        try:
            return super().latest_report()
        except _TRANSIENT as exc:
            raise ChainError(f"RPC read failed: {type(exc).__name__}: {exc}") from None

    def transmit(self, calldata: bytes, report: ReportId | None = None) -> TransmitOutcome:
        try:
            return super().transmit(calldata, report)
        except _TRANSIENT as exc:
            return TransmitOutcome("failed", error=f"RPC failed: {type(exc).__name__}: {exc}")


class NodeProcess:
    """One oracle built from a :class:`NodeConfig`: :meth:`open`, :meth:`run`, :meth:`close`."""

    def __init__(self, config: NodeConfig) -> None:
        self.config = config
        self.transport: ZmqTransport | None = None
        self.store: SqliteNodeStore | None = None
        self.node: OracleNode | None = None
        self.clock = RealClock()
        self.metrics_port: int | None = None
        self.metrics: ProtocolMetrics | None = None
        self.txm: TxManager | None = None
        self.tx_store: SqliteTxStore | None = None
        self._shutdown_metrics: Callable[[], None] | None = None
        #: The chain connection and transmitter account, once open (for services added by on_open).
        self.w3: Web3 | None = None
        self.account: LocalAccount | None = None

    def open(self) -> OracleNode:
        """Check the chain against the config, then build the node (not started yet)."""
        cfg = self.config
        sinks = self._metrics_sinks()
        pool = RpcPool(cfg.rpc_urls, expected_chain_id=cfg.chain_id,
                       on_error=self.metrics.rpc_error if self.metrics is not None else None)
        chain_id = pool.check()  # one line naming each RPC that is down or of another chain
        w3 = pool_web3(pool)  # contract reads fail over with the transaction manager's requests
        feed = Feed(w3, cfg.feed)
        digest = feed.config_digest()
        if digest == b"\x00" * 32:
            raise ConfigError(f"feed {feed.address} has no configuration yet: run set-config first")
        if cfg.expected_config_digest is not None and digest != cfg.expected_config_digest:
            raise ConfigDigestMismatchError(feed.address, digest, cfg.expected_config_digest)
        onchain = feed.committee()
        if onchain != (cfg.n, cfg.f, cfg.threshold):
            raise NodeConfigError("offchain", f"(n, f, threshold) = {(cfg.n, cfg.f, cfg.threshold)} but the feed "
                                              f"is configured with {onchain}")
        password = load_password(str(cfg.password_file) if cfg.password_file else None)
        share, committee, account = read_oracle_keys(cfg.committee_dir, cfg.index, password)
        if cfg.transmitter_keystore is not None:
            account = _keystore_account(cfg.transmitter_keystore, password)
        transmitters = feed.transmitters()
        if transmitters[cfg.index] != account.address:
            raise NodeConfigError("keys.committee", f"oracle {cfg.index}'s transmitter {account.address} is not the "
                                                    f"feed's transmitter {transmitters[cfg.index]}")
        protocol = cfg.protocol_config(digest)
        clock = self.clock
        observer = MedianObserver([source_from_config(s, clock=time.time) for s in cfg.sources],
                                  timeout=cfg.timing.max_duration_observation, decimals=feed.decimals())
        self.store = SqliteNodeStore(cfg.store)
        self.tx_store = SqliteTxStore(cfg.store)  # the same file: nonces live with the protocol state
        t = cfg.transmission
        txm_config = TxmConfig(confirmations=t.confirmations, bump_after_blocks=t.bump_after_blocks,
                               resend_after_s=float(t.resend_after_s), low_balance_transactions=t.low_balance_transactions,
                               fees=FeeConfig(max_fee_per_gas=t.max_fee_per_gas, spend_limit_wei=t.spend_limit_per_report,
                                              priority_percentile=t.priority_percentile))
        on_event: Callable[[TxEvent], None] | None = self.metrics.tx_event if self.metrics is not None else None
        self.txm = TxManager(pool, account, self.tx_store, chain_id, txm_config,
                             guard=report_guard(feed.latest_epoch_and_round), on_event=on_event)
        port = ResilientChainPort(feed, self.txm, gas_limit=t.gas_limit, on_final=self._transmit_final)
        self.txm.on_final = port.finalised
        self.transport = ZmqTransport(cfg.index, cfg.curve_secret, cfg.peers, bind_endpoint=cfg.bind)
        ctx = NodeContext(
            index=cfg.index, config=protocol, clock=clock, signing_key=cfg.signing_key, verify_keys=cfg.verify_keys,
            signer=ThresholdSigner(share, committee, get_backend()), source=ObserverSource(observer, cfg.index),
            chain=port, store=self.store,
            telemetry=Fanout(log_sink(logging.INFO), *sinks),
            unix_offset=time.time() - clock.now())
        self.node = OracleNode(ctx, self.transport)
        self.w3, self.account = w3, account
        LOG.info("node=%d event=\"configured\" feed=%s digest=0x%s transmitter=%s bind=%s store=%s", cfg.index,
                 feed.address, digest.hex(), account.address, cfg.bind, cfg.store)
        return self.node

    def _transmit_final(self, report: ReportId, outcome: TransmitOutcome) -> None:
        """A transmit the manager finished (on its thread): the same telemetry a direct send gives."""
        node = self.node
        if node is None:
            return
        _digest, epoch, round_ = report
        node.ctx.emit("transmit", outcome.status, round_, epoch=epoch, tx=outcome.tx, gas_used=outcome.gas_used,
                      error=outcome.error)

    def _metrics_sinks(self) -> list[Callable[[Event], None]]:
        if self.config.metrics_port is None:
            return []
        metrics = self.metrics = ProtocolMetrics(node=self.config.index)
        _server, port = metrics.serve(port=self.config.metrics_port, addr=self.config.metrics_addr)
        self.metrics_port = port
        self._shutdown_metrics = metrics.close
        LOG.info("node=%d event=\"metrics\" url=http://%s:%d/metrics", self.config.index, self.config.metrics_addr, port)
        return [metrics]

    def run(self, stop: Callable[[], bool]) -> None:
        """Start the node and run its event loop until ``stop()`` is true."""
        if self.node is None or self.transport is None:
            raise ConfigError("NodeProcess.run() before open()")
        self.node.start()
        if self.txm is not None:
            self.txm.start()
        LOG.info("node=%d event=\"started\" epoch=%d", self.config.index, self.node.ctx.epoch)
        run_loop(self.transport, self.clock, stop, MAX_BLOCK_S)

    def close(self) -> None:
        """Stop the node and release its sockets, store and metrics server (safe to call twice)."""
        node, self.node = self.node, None
        if node is not None:
            node.stop()
        txm, self.txm = self.txm, None
        if txm is not None:
            txm.stop()
        tx_store, self.tx_store = self.tx_store, None
        if tx_store is not None:
            tx_store.close()
        transport, self.transport = self.transport, None
        if transport is not None:
            transport.close()
        store, self.store = self.store, None
        if store is not None:
            store.close()
        shutdown, self._shutdown_metrics = self._shutdown_metrics, None
        if shutdown is not None:
            shutdown()
        LOG.info("node=%d event=\"stopped\"", self.config.index)


def run_node_process(config: NodeConfig, stop: Callable[[], bool],
                     on_open: Callable[[NodeProcess], None] | None = None) -> None:
    """Open, run until ``stop()``, and always close: the whole life of one node process.

    ``on_open`` runs once the node is built and before it starts: the place for services that
    layers above the node add (``ocr node --slash-staking`` submits evidence from the store)."""
    process = NodeProcess(config)
    try:
        process.open()
        if on_open is not None:
            on_open(process)
        process.run(stop)
    finally:
        process.close()


def _keystore_account(path: Path, password: str | None) -> LocalAccount:
    """The transmitter from a V3 keystore; one line when it is locked and no password was given."""
    data = load_key_json(path)
    if not isinstance(data, dict) or "crypto" not in data:
        raise KeyFileError(f"{path} is not a V3 keystore")
    if password is None:
        raise KeyFileError(f"{path} is a locked keystore: set keys.password_file or OCR_KEYSTORE_PASSWORD")
    try:
        key = Account.decrypt(data, password)
    except ValueError as exc:
        raise KeyFileError(f"{path}: cannot decrypt ({exc})") from None
    account: LocalAccount = Account.from_key(key)
    return account
