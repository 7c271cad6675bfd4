"""``accountable-bls`` for the gas bench: per-oracle keys, t = f+1 signers, one pairing."""

from __future__ import annotations

from typing import Any, Final

from web3 import Web3

from ocr_client.accountable.local import AccountableSignedCall, LocalAccountableFeed
from ocr_client.chain.accounts import dev_account
from ocr_client.chain.anvil import Anvil
from ocr_client.chain.calldata import calldata_gas
from ocr_client.chain.deploy import deploy
from ocr_client.chain.rpc import connect
from ocr_client.chain.transactions import send_transaction
from ocr_client.errors import OCRError
from ocr_client.gas.scenarios import SNAPSHOT_NODES
from ocr_client.gas.types import BenchResult
from ocr_client.local.scenario import SEED, TIMESTAMP, fixed_values

SCHEME_NAME: Final[str] = "accountable-bls"
#: Largest committee measured. The contract takes n <= 255, but setConfig checks every proof of
#: possession on-chain (~230,000 gas per oracle: 23.0M at n = 100), so with anvil's default 30M
#: block gas limit and send_transaction's 1.2x margin one setConfig fits only up to n ~ 108.
MAX_NODES: Final[int] = 100


def run_accountable_scenario(local: LocalAccountableFeed) -> tuple[AccountableSignedCall, int]:
    """Round 1 warms the feed up; round 2 (first t oracles sign) is sent: (signed call, gasUsed)."""
    n = local.committee.n
    local.push(fixed_values(n, 1), timestamps=[TIMESTAMP] * n)
    signed = local.signed_transmit(fixed_values(n, 2), timestamps=[TIMESTAMP + 1] * n)
    return signed, int(local.send(signed)["gasUsed"])


def snapshot_name(n: int, observations: int, signers: int) -> str:
    """``AccountableFeed:transmit_n{n}_obs{k}_t{t}``: like OCRFeed's entries, plus the signer count,
    since each signer adds a key load and a G2ADD to the accountable figure."""
    return f"AccountableFeed:transmit_n{n}_obs{observations}_t{signers}"


def measure_snapshot_cases(nodes: tuple[int, ...] = SNAPSHOT_NODES) -> dict[str, int]:
    """The .gas-snapshot entries of accountable mode (t = f+1, n observations, round 2), measured on
    one fresh anvil with the feeds deployed in a fixed order: the feed's address is in the signing
    digest, so only then are the signature bytes, and their calldata gas, the same every run."""
    entries = {}
    with Anvil() as anvil:
        w3 = connect(anvil.rpc_url)
        for n in nodes:
            local = LocalAccountableFeed.deploy(w3, n=n, seed=SEED)
            signed, gas = run_accountable_scenario(local)
            entries[snapshot_name(n, signed.report.count, len(signed.signers))] = gas
    return entries


class AccountableVerifyGasMeter:
    """verify_gas of accountable mode: from loading the signers' keys out of cold key stores,
    through the G2ADD chain, to the pairing result (AccountableVerifyHarness, one per chain)."""

    def __init__(self) -> None:
        self._harness: dict[int, Any] = {}

    def measure(self, w3: Web3, keys: tuple[bytes, ...], bitmap: int, signature: bytes, digest: bytes) -> int:
        owner = dev_account(0)
        harness = self._harness.get(id(w3))
        if harness is None:
            harness = self._harness[id(w3)] = deploy(w3, owner, "AccountableVerifyHarness")
        store_call = harness.functions.storeKeys(list(keys))
        stores = store_call.call({"from": owner.address})
        send_transaction(w3, owner, harness.address, bytes.fromhex(store_call._encode_transaction_data()[2:]))
        ok, gas = harness.functions.verifyFromStoresGas(stores, bitmap, signature, digest).call()
        if not ok:
            raise OCRError("the measured report's aggregate signature does not verify in the harness")
        return int(gas)


class AccountableScheme:
    """Accountable mode: each oracle its own key (PoP at registration), signer bitmap, G2ADD chain."""

    name = SCHEME_NAME

    def __init__(self) -> None:
        self._verify = AccountableVerifyGasMeter()

    def supports(self, n: int, feeds: int) -> bool:
        return feeds == 1 and 1 <= n <= MAX_NODES

    def measure(self, w3: Web3, n: int, feeds: int) -> BenchResult:
        local = LocalAccountableFeed.deploy(w3, n=n, seed=SEED)
        signed, gas = run_accountable_scenario(local)
        committee = local.committee
        return BenchResult(
            scheme=self.name, n=n, f=committee.f, feeds=1, observations=n, signers=committee.threshold,
            calldata_bytes=len(signed.calldata), calldata_gas=calldata_gas(signed.calldata),
            verify_gas=self._verify.measure(w3, committee.public_keys, signed.signer_bitmap, signed.signature,
                                            signed.digest),
            gas_per_report=gas, gas_per_feed=gas,
        )


__all__ = ["SCHEME_NAME", "AccountableScheme", "AccountableVerifyGasMeter", "measure_snapshot_cases",
           "run_accountable_scenario", "snapshot_name"]
