"""The nonce counter belongs to one connection: a new connection starts from the chain's count."""

from __future__ import annotations

import gc

from web3 import Web3

from ocr_client.chain.anvil import Anvil
from ocr_client.chain.rpc import connect
from ocr_client.chain.transactions import next_nonce

SENDER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"  # anvil's account 0
CONNECTIONS = 40


def test_a_connection_that_follows_a_dropped_one_does_not_inherit_its_counter(anvil: Anvil) -> None:
    # CPython hands a freed object's address to the next object of its size, so a counter keyed by
    # id() would carry the dead connection's nonce into its successor: a gap no block ever fills.
    pending = int(connect(anvil.rpc_url).eth.get_transaction_count(SENDER, "pending"))
    for _ in range(CONNECTIONS):
        w3 = connect(anvil.rpc_url)
        assert next_nonce(w3, SENDER) == pending
        del w3
        gc.collect()


def test_one_connection_counts_ahead_of_the_chain_for_transactions_it_has_not_seen_mined(w3: Web3) -> None:
    first = next_nonce(w3, SENDER)
    assert next_nonce(w3, SENDER) == first + 1
