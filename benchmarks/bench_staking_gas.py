"""Gas of slashing by proof and of a staleness alert by committee size, on anvil (prague).

    .venv/bin/python benchmarks/bench_staking_gas.py

Prints, for n = 4, 10, 31: an equivocation proof in threshold mode (carries and hashes the whole
configuration to prove the oracle's public share), in accountable mode (reads the registered
key), and a staleness alert that slashes all n staked members. docs/staking.md quotes its output;
the n = 4 figures are pinned in .gas-snapshot.
"""

from __future__ import annotations

from web3.types import RPCEndpoint

from ocr_client.accountable.local import LocalAccountableFeed
from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.chain.rpc import connect
from ocr_client.local.feed import LocalFeed
from ocr_client.staking.gas import REPORTER_INDEX, SEED
from ocr_client.staking.local import LocalStaking

NODES = (4, 10, 31)


def main() -> None:
    reporter = dev_account(REPORTER_INDEX)
    print(f"{'n':>3} {'proof, threshold':>17} {'proof, accountable':>19} {'alert':>9}")
    with Anvil() as anvil:
        w3 = connect(anvil.rpc_url)
        for n in NODES:
            threshold = LocalStaking.deploy(LocalFeed.deploy(w3, n=n, seed=SEED))
            proof_t = int(threshold.staking.slash_equivocation(reporter, threshold.equivocation(1))["gasUsed"])
            feed = LocalAccountableFeed.deploy(w3, n=n, seed=SEED)
            accountable = LocalStaking.deploy(feed)
            proof_a = int(accountable.staking.slash_equivocation(reporter, accountable.equivocation(1))["gasUsed"])
            feed.push(3_000)
            w3.provider.make_request(RPCEndpoint("evm_increaseTime"), [accountable.staking.parameters().staleness_threshold + 1])
            w3.provider.make_request(RPCEndpoint("evm_mine"), [])
            alert = int(accountable.staking.raise_alert(reporter)["gasUsed"])
            print(f"{n:>3} {proof_t:>17,} {proof_a:>19,} {alert:>9,}")


if __name__ == "__main__":
    main()
