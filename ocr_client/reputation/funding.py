"""Who first funded each transmitter: the sender of the first transfer that gave it a balance.

Found without an indexer of all transactions: a binary search on ``eth_getBalance`` at past blocks
(about log2(head) calls per address; it needs a node that keeps historical state, as anvil and
archive nodes do) gives the block where the balance first became nonzero, and that block's
transactions name the sender. A first funding by an internal transfer (a contract) has no
transaction to the address and is stored with a NULL funder.
"""

from __future__ import annotations

from collections.abc import Sequence

from ocr_client.reputation.records import Row
from ocr_client.reputation.rpc import JsonRpcReader


def first_funding(reader: JsonRpcReader, address: str, head: int) -> Row | None:
    """(address, funder, block, tx hash) or None if the address has never held a balance."""
    def balance(block: int) -> int:
        return int(reader.request("eth_getBalance", [address, hex(block)]), 16)

    if balance(head) == 0:
        return None
    low, high = 0, head  # balance(high) > 0; find the first such block
    while low < high:
        mid = (low + high) // 2
        if balance(mid) > 0:
            high = mid
        else:
            low = mid + 1
    for block in reader.blocks_with_transactions([low]):
        for tx in block.get("transactions", []):
            if isinstance(tx, dict) and (tx.get("to") or "").lower() == address and int(tx.get("value", "0x0"), 16) > 0:
                return (address, str(tx["from"]).lower(), low, tx["hash"])
    return (address, None, low, None)


def funders(reader: JsonRpcReader, addresses: Sequence[str], head: int) -> list[Row]:
    rows = [first_funding(reader, a, head) for a in sorted(set(addresses))]
    return [r for r in rows if r is not None]
