"""Nonces for the simple send path: the chain's count is the truth, our counter only orders sends in flight."""

from __future__ import annotations

import gc

from web3 import Web3

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.chain.rpc import connect
from ocr_client.chain.transactions import next_nonce, release_nonce, send_transaction

CONNECTIONS = 40


def test_a_connection_that_follows_a_dropped_one_does_not_inherit_its_counter(anvil: Anvil) -> None:
    # CPython hands a freed object's address to the next object of its size, so a counter keyed by
    # id() would carry the dead connection's nonce into its successor: a gap no block ever fills.
    sender = dev_account(0).address
    pending = int(connect(anvil.rpc_url).eth.get_transaction_count(sender, "pending"))
    for _ in range(CONNECTIONS):
        w3 = connect(anvil.rpc_url)
        nonce = next_nonce(w3, sender)
        assert nonce == pending
        # handed out, never sent: the next connection must not see it either way
        del w3
        gc.collect()


def test_sends_in_flight_get_consecutive_nonces_and_a_refused_one_is_handed_out_again(w3: Web3) -> None:
    sender = dev_account(0).address
    first = next_nonce(w3, sender)
    second = next_nonce(w3, sender)
    assert second == first + 1
    release_nonce(w3, sender, second, used=False)  # refused by the node: free again
    assert next_nonce(w3, sender) == second
    for nonce in (first, second):
        release_nonce(w3, sender, nonce, used=False)


def test_after_the_chain_takes_transactions_back_the_next_send_uses_the_chains_count() -> None:
    # A reorg, a dropped transaction or a snapshot revert takes nonces back; a counter that kept
    # its own count would leave the next transaction queued behind a gap until the receipt wait
    # gives up.
    with Anvil() as anvil:
        w3 = connect(anvil.rpc_url)
        account = dev_account(0)
        snapshot = anvil.rpc("evm_snapshot")
        for _ in range(3):
            send_transaction(w3, account, to=account.address, data=b"", gas=21_000)
        anvil.rpc("evm_revert", snapshot)
        receipt = send_transaction(w3, account, to=account.address, data=b"", gas=21_000)
        assert receipt["status"] == 1
        assert w3.eth.get_transaction(receipt["transactionHash"])["nonce"] == 0
