"""Fixed transmit scenarios whose gas is deterministic: the basis of .gas-snapshot and benchmarks.

Fixed means: a fresh anvil (so the feed lands at the same address), seeded committee keys,
fixed observation values and timestamps, n observations, and round 2 (the steady state: the
hot slot is already nonzero). Anything that changes the calldata bytes changes calldata gas, so
nothing here may depend on the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from web3 import Web3

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.chain.deploy import deploy
from ocr_client.chain.rpc import connect
from ocr_client.chain.transactions import send_transaction
from ocr_client.errors import OCRError
from ocr_client.local.feed import LocalFeed, SignedTransmit
from ocr_client.local.scenario import SEED, TIMESTAMP, fixed_values

SNAPSHOT_NODES: Final[tuple[int, ...]] = (4, 10, 31)


@dataclass(frozen=True)
class Measurement:
    """Steady-state transmit gas for one committee size."""

    n: int
    f: int
    threshold: int
    observations: int
    calldata_bytes: int
    gas_used: int

    @property
    def snapshot_name(self) -> str:
        return f"OCRFeed:transmit_n{self.n}_obs{self.observations}"


def run_scenario(local: LocalFeed) -> tuple[SignedTransmit, int]:
    """Round 1 warms the feed up; round 2 is sent and its (signed call, gasUsed) returned."""
    n = local.committee.n
    local.push(fixed_values(n, 1), timestamps=[TIMESTAMP] * n)
    signed = local.signed_transmit(fixed_values(n, 2), timestamps=[TIMESTAMP + 1] * n)
    return signed, int(local.send(signed)["gasUsed"])


def measure(local: LocalFeed) -> Measurement:
    """The steady-state measurement of :func:`run_scenario`."""
    signed, gas = run_scenario(local)
    n = local.committee.n
    return Measurement(n=n, f=local.committee.f, threshold=local.committee.threshold, observations=n,
                       calldata_bytes=len(signed.calldata), gas_used=gas)


def measure_all(nodes: tuple[int, ...] = SNAPSHOT_NODES) -> list[Measurement]:
    """One fresh anvil, feeds deployed in a fixed order, one measurement per n."""
    results = []
    with Anvil() as anvil:
        w3 = connect(anvil.rpc_url)
        for n in nodes:
            results.append(measure(LocalFeed.deploy(w3, n=n, seed=SEED)))
    return results


#: Snapshot name of :func:`measure_time_spread`.
SPREAD_SNAPSHOT_NAME: Final[str] = "OCRFeed:transmit_n31_obs31_times_1s_apart"


def measure_time_spread(n: int = 31) -> int:
    """The steady-state transmit when the n observation times are one second apart instead of equal:
    each 2-byte time offset then costs one nonzero calldata byte (the fixed scenario's are all zero),
    which is what real rounds look like. Its own fresh anvil, so the figure is fixed."""
    with Anvil() as anvil:
        local = LocalFeed.deploy(connect(anvil.rpc_url), n=n, seed=SEED)
        local.push(fixed_values(n, 1), timestamps=[TIMESTAMP] * n)
        receipt = local.push(fixed_values(n, 2), timestamps=[TIMESTAMP + 1 + i for i in range(n)])
        return int(receipt["gasUsed"])


class VerifyGasMeter:
    """verify_gas as ``ocr gas bench`` defines it: from loading the group key out of a cold key-store
    data contract to the pairing result, hash-to-curve included (FeedVerifyHarness, one per chain)."""

    def __init__(self) -> None:
        self._harness: dict[int, Any] = {}

    def measure(self, w3: Web3, key: bytes, signature: bytes, digest: bytes) -> int:
        owner = dev_account(0)
        harness = self._harness.get(id(w3))
        if harness is None:
            harness = self._harness[id(w3)] = deploy(w3, owner, "FeedVerifyHarness")
        store_call = harness.functions.storeKey(key)
        store = store_call.call({"from": owner.address})
        send_transaction(w3, owner, harness.address, bytes.fromhex(store_call._encode_transaction_data()[2:]))
        ok, gas = harness.functions.verifyFromStoreGas(store, signature, digest).call()
        if not ok:
            raise OCRError("the measured report's signature does not verify in the harness")
        return int(gas)
