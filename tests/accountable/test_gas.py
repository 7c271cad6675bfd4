"""Runtime sizes under the 24,576-byte limit, and accountable gas at n = 4, 10, 31, 64, 100.

Bounds (documented in the module and the report): accountable mode does everything threshold mode
does plus, per signer, one warm EXTCODECOPY of a 256-byte key and one G2ADD (600), plus 32 calldata
bytes for the bitmap and one event word. So, against threshold-bls's docs/gas.md figures, it must
cost more, and at most 6,000 + 1,200 * t more; its verify_gas (key loads + G2ADD chain + hash +
pairing) at most 121,500 + 1,100 * t.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from web3 import Web3

from ocr_client.accountable.keys import AccountableCommittee
from ocr_client.accountable.local import LocalAccountableFeed
from ocr_client.chain.compiler import compile_contracts
from ocr_client.committee.local import default_f
from ocr_client.gas import snapshot as gas_snapshot
from ocr_client.gas.scenarios import SNAPSHOT_NODES
from ocr_client.gas.schemes.accountable import AccountableScheme, measure_snapshot_cases, snapshot_name
from ocr_client.settings import MAX_RUNTIME_CODE_SIZE
from ocr_client.testing.pytest_plugin import GasRecorder

SNAPSHOT = Path(__file__).resolve().parents[2] / ".gas-snapshot"

#: threshold-bls gas_per_report from docs/gas.md (round 2, prague).
THRESHOLD_BLS = {4: 183_398, 10: 187_220, 31: 199_784, 64: 219_598, 100: 241_898}


def test_runtime_bytecode_sizes() -> None:
    artifacts = compile_contracts()
    for name in ("AccountableFeed", "AccountableVerifyHarness"):
        assert 0 < len(artifacts[name].runtime_bytecode) < MAX_RUNTIME_CODE_SIZE, name


@pytest.mark.slow
def test_gas_against_threshold_mode(ocr_web3: Web3) -> None:
    scheme = AccountableScheme()
    lines = ["", f"{'n':>4}{'t':>4}{'accountable':>13}{'threshold':>11}{'extra':>9}{'verify':>9}"]
    for n, threshold_gas in THRESHOLD_BLS.items():
        r = scheme.measure(ocr_web3, n, 1)
        t = r.signers
        assert t is not None and t == r.f + 1
        extra = r.gas_per_report - threshold_gas
        lines.append(f"{n:>4}{t:>4}{r.gas_per_report:>13,}{threshold_gas:>11,}{extra:>+9,}{r.verify_gas:>9,}")
        assert 0 < extra <= 6_000 + 1_200 * t, (n, extra)
        assert r.verify_gas is not None and 115_000 < r.verify_gas <= 121_500 + 1_100 * t, (n, r.verify_gas)
    print("\n".join(lines))


@pytest.mark.slow
def test_key_stores_of_100_oracles_stay_under_the_code_limit(ocr_web3: Web3) -> None:
    committee = AccountableCommittee.create(100, seed=9)
    local = LocalAccountableFeed.deploy(ocr_web3, committee=committee)
    stores = local.feed.key_stores()
    sizes = [len(ocr_web3.eth.get_code(Web3.to_checksum_address(s))) for s in stores[:2]]
    assert sizes == [1 + 64 + 95 * 256, 1 + 64 + 5 * 256]
    assert max(sizes) < MAX_RUNTIME_CODE_SIZE
    assert stores[2] == "0x0000000000000000000000000000000000000000"
    # signers across both stores: oracles 90..99 and 0..23 (t = 34)
    receipt = local.push(3000, signers=[*range(24), *range(90, 100)])
    (event,) = local.feed.transmissions_in(receipt)
    assert len(event.signers) == 34 and event.signers[-1] == 99
    assert [local.feed.public_key(i) for i in (94, 95, 99)] == [committee.public_keys[i] for i in (94, 95, 99)]


def test_scheme_supports_single_feed_up_to_the_configurable_size() -> None:
    scheme = AccountableScheme()
    assert scheme.name == "accountable-bls"
    assert scheme.supports(4, 1) and scheme.supports(100, 1)
    assert not scheme.supports(101, 1) and not scheme.supports(4, 2) and not scheme.supports(0, 1)


def test_accountable_transmit_gas_matches_the_committed_snapshot(ocr_gas: GasRecorder) -> None:
    """The snapshot's AccountableFeed entries are exactly what the fixed scenarios cost (ocr_gas
    fails on any drift), and each stays within the per-signer bound of the OCRFeed entry at that n."""
    measured = measure_snapshot_cases(SNAPSHOT_NODES)
    for name, gas in measured.items():
        ocr_gas.record(name, gas)
    committed = gas_snapshot.read(SNAPSHOT)
    assert set(measured) <= set(committed), f"missing from .gas-snapshot: {sorted(set(measured) - set(committed))}"
    for n in SNAPSHOT_NODES:
        t = default_f(n) + 1
        extra = measured[snapshot_name(n, n, t)] - committed[f"OCRFeed:transmit_n{n}_obs{n}"]
        assert 0 < extra <= 6_000 + 1_200 * t, (n, extra)
