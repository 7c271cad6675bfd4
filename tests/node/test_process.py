"""A node process checks the chain against its config before it joins (session anvil, no nodes run)."""

from __future__ import annotations

import dataclasses
import urllib.request
from pathlib import Path

import pytest
from web3 import Web3

from ocr_client.chain.anvil import Anvil, free_port
from ocr_client.chain.nonces import SqliteTxStore
from ocr_client.chain.rpc import connect
from ocr_client.chain.rpc_pool import RpcPool
from ocr_client.chain.txmanager import TxManager
from ocr_client.errors import ChainError
from ocr_client.feed import Feed
from ocr_client.local.feed import LocalFeed
from ocr_client.node.config import load_node_config
from ocr_client.node.process import ConfigDigestMismatchError, NodeProcess, ResilientChainPort
from ocr_client.report.layout import TRANSMIT_SELECTOR
from tests.node.support import provision


def test_node_refuses_a_feed_with_another_config_digest(tmp_path: Path, ocr_local_feed: LocalFeed,
                                                        ocr_anvil_url: str) -> None:
    feed = ocr_local_feed
    provision(tmp_path, feed.committee, rpc_url=ocr_anvil_url, feed=feed.address, digest=b"\x22" * 32)
    process = NodeProcess(load_node_config(tmp_path / "node-0.json"))
    try:
        with pytest.raises(ConfigDigestMismatchError, match="expects 0x2222") as info:
            process.open()
        assert info.value.onchain == feed.feed.config_digest()
    finally:
        process.close()


def test_node_opens_against_the_matching_feed(tmp_path: Path, ocr_local_feed: LocalFeed, ocr_anvil_url: str) -> None:
    feed = ocr_local_feed
    provision(tmp_path, feed.committee, rpc_url=ocr_anvil_url, feed=feed.address, digest=feed.feed.config_digest())
    process = NodeProcess(load_node_config(tmp_path / "node-1.json"))
    try:
        node = process.open()
        assert node.ctx.index == 1
        assert node.ctx.config.config_digest == feed.feed.config_digest()
        assert node.ctx.chain.address == feed.address
    finally:
        process.close()
    assert (tmp_path / "stores" / "node-1.sqlite").exists()


@pytest.fixture
def ocr_anvil_url(anvil: Anvil) -> str:
    return anvil.rpc_url


def test_node_serves_metrics_when_asked(tmp_path: Path, ocr_local_feed: LocalFeed, ocr_anvil_url: str) -> None:
    feed = ocr_local_feed
    provision(tmp_path, feed.committee, rpc_url=ocr_anvil_url, feed=feed.address, digest=feed.feed.config_digest())
    config = dataclasses.replace(load_node_config(tmp_path / "node-0.json"), metrics_port=0)
    process = NodeProcess(config)
    try:
        process.open()
        assert process.metrics_port
        with urllib.request.urlopen(f"http://127.0.0.1:{process.metrics_port}/metrics", timeout=5) as response:
            body = response.read().decode()
        assert 'ocr_reports_landed_total{node="0"} 0.0' in body
    finally:
        process.close()


def test_rpc_outages_become_errors_the_protocol_handles(tmp_path: Path, ocr_local_feed: LocalFeed,
                                                        ocr_anvil_url: str) -> None:
    feed = Feed(connect(ocr_anvil_url), ocr_local_feed.address)
    pool = RpcPool([ocr_anvil_url])
    txm = TxManager(pool, ocr_local_feed.committee.transmitters[0], SqliteTxStore(tmp_path / "txm.sqlite"),
                    pool.check())
    port = ResilientChainPort(feed, txm)
    digest = feed.config_digest()
    assert port.latest_epoch_round()[0] == digest
    dead = f"http://127.0.0.1:{free_port()}"
    feed.w3.provider = Web3.HTTPProvider(dead, request_kwargs={"timeout": 2})
    txm.rpc = RpcPool([dead], timeout_s=2, sleep=lambda s: None)
    with pytest.raises(ChainError, match="RPC read failed"):
        port.latest_epoch_round()
    with pytest.raises(ChainError, match="RPC read failed"):
        port.latest_report()
    outcome = port.transmit(TRANSMIT_SELECTOR + b"\x00" * 64, (digest, 9, 1))
    assert outcome.status == "submitted"  # queued durably: sent once an RPC answers again
    with pytest.raises(ChainError, match=dead):
        txm.poll()
    (queued,) = txm.store.live(txm.chain_id, txm.address)
    assert queued.nonce is None and queued.state == "queued"
