"""Deploy an OCRFeed, configure a seeded n-node committee and push one signed value.

    python scripts/deploy_feed.py [--rpc-url URL] [--nodes 4] [--value 3000.5]
    ape run deploy_feed                     # with the ape extra: uses ape's connected provider

Without --rpc-url (and outside ape) it starts a managed anvil for the run and stops it after.
"""

from __future__ import annotations

import argparse
from typing import Any

from ocr_client.chain.session import load_account
from ocr_client.local.feed import LocalFeed


def deploy_and_push(local: LocalFeed, value: float) -> dict[str, Any]:
    scaled = round(value * 10 ** local.feed.decimals())
    receipt = local.push(scaled)
    latest = local.feed.latest_round()
    assert latest is not None  # the push above landed
    return {"feed": local.address, "chain_id": local.chain_id, "answer": latest.answer,
            "round_id": latest.round_id, "gas_used": int(receipt["gasUsed"])}


def main() -> None:
    """`ape run deploy_feed`: ape has connected a provider; deploy there with ape's first test account."""
    from ape import accounts, chain  # type: ignore[import-not-found]
    from eth_account import Account
    from web3 import Web3

    w3 = Web3(Web3.HTTPProvider(chain.provider.uri))
    owner = Account.from_key(accounts.test_accounts[0].private_key)
    print(deploy_and_push(LocalFeed.deploy(w3, n=4, owner=owner), 3000.5))


def run_from_command_line() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rpc-url")
    parser.add_argument("--private-key-file")
    parser.add_argument("--nodes", type=int, default=4)
    parser.add_argument("--value", type=float, default=3000.5)
    args = parser.parse_args()
    owner = load_account(args.private_key_file, allow_dev_key=True) if args.rpc_url else None
    with LocalFeed.start(n=args.nodes, rpc_url=args.rpc_url, owner=owner) as local:
        print(deploy_and_push(local, args.value))


if __name__ == "__main__":
    run_from_command_line()
