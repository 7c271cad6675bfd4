"""Where transmit gas goes, measured on anvil (prague) from the fixed gas scenarios.

    .venv/bin/python benchmarks/bench_transmit_gas.py

Prints, for n = 4, 10, 31 (n observations each): total gas, intrinsic, calldata, the BLS verify
(hash-to-curve + pairing, measured by the harness around the library call) and the rest, plus the
slope per observation. docs/gas.md quotes its output.
"""

from __future__ import annotations

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.chain.deploy import deploy
from ocr_client.chain.rpc import connect
from ocr_client.gas.scenarios import run_scenario
from ocr_client.local.feed import LocalFeed
from ocr_client.local.scenario import SEED

INTRINSIC = 21_000


def calldata_gas(data: bytes) -> int:
    zeros = data.count(0)
    return 4 * zeros + 16 * (len(data) - zeros)


def main() -> None:
    rows = []
    with Anvil() as anvil:
        w3 = connect(anvil.rpc_url)
        harness = deploy(w3, dev_account(0), "BLS12381Harness")
        for n in (4, 10, 31):
            local = LocalFeed.deploy(w3, n=n, seed=SEED)
            signed, gas = run_scenario(local)
            ok, verify = harness.functions.verifyGas(signed.signature, local.committee.group_public_key,
                                                     signed.digest).call()
            assert ok
            cd = calldata_gas(signed.calldata)
            rows.append((n, gas, len(signed.calldata), cd, verify, gas - INTRINSIC - cd - verify))
    print("hardfork prague, solc 0.8.37, optimizer 1,000,000 runs, n observations per report, round 2")
    print(f"{'n':>4} {'gas':>8} {'bytes':>6} {'calldata':>9} {'verify':>8} {'rest':>7}")
    for n, gas, size, cd, verify, rest in rows:
        print(f"{n:>4} {gas:>8} {size:>6} {cd:>9} {verify:>8} {rest:>7}")
    slope = (rows[-1][1] - rows[0][1]) / (rows[-1][0] - rows[0][0])
    print(f"slope: {slope:.0f} gas per observation (n=4 -> n=31)")


if __name__ == "__main__":
    main()
