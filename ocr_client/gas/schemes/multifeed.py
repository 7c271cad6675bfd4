"""The multi-feed hub as an ``ocr gas bench`` scheme: threshold BLS, k feeds in one report.

Fixed inputs so gas is deterministic: seeded committee keys, fixed values and timestamps, n
observations of every feed, round 1 to warm up, round 2 measured (a steady state: the hot slot is
already nonzero, every feed's round record is a fresh slot as in any later round).

``verify_gas`` means what ``ocr gas bench`` means for every scheme: from the cold load of the group
key out of its key-store data contract to the pairing result, hash-to-curve included, measured by
``contracts/test/FeedVerifyHarness.sol`` with the library calls the hub makes. The harness is
deployed after the measured round, so the hub's address (and so the signed bytes) do not depend
on it.
"""

from __future__ import annotations

from typing import Final

from web3 import Web3

from ocr_client.chain.anvil import Anvil
from ocr_client.chain.calldata import calldata_gas
from ocr_client.chain.rpc import connect
from ocr_client.errors import OCRError
from ocr_client.gas.scenarios import VerifyGasMeter
from ocr_client.gas.types import BenchResult
from ocr_client.local.scenario import BASE_VALUE, SEED, TIMESTAMP
from ocr_client.multifeed.layout import MAX_FEEDS
from ocr_client.multifeed.local import LocalMultiFeed, SignedMultiTransmit

SCHEME_NAME: Final[str] = "threshold-bls"
#: Feed i's prices sit around BASE_VALUE + i * FEED_SPACING (8 decimals, like real USD pairs).
FEED_SPACING: Final[int] = 100_00000000
#: One cent between neighbouring oracles and between rounds.
STEP: Final[int] = 1_000_000


def fixed_feed_values(n: int, feeds: int, round_: int) -> list[list[int]]:
    """Per feed, n distinct deterministic prices in oracle order."""
    return [[BASE_VALUE + i * FEED_SPACING + round_ * STEP + r * STEP for r in range(n)] for i in range(feeds)]


def run_multifeed_scenario(local: LocalMultiFeed) -> tuple[SignedMultiTransmit, int]:
    """Round 1 warms the hub up; round 2 is sent and its (signed call, gasUsed) returned."""
    n, k = local.committee.n, local.feeds
    local.push(fixed_feed_values(n, k, 1), timestamps=[TIMESTAMP] * n)
    signed = local.signed_transmit(fixed_feed_values(n, k, 2), timestamps=[TIMESTAMP + 1] * n)
    return signed, int(local.send(signed)["gasUsed"])


class MultiFeedScheme:
    """Threshold BLS with k feeds per report on an OCRMultiFeed hub (n observations per feed).

    ``min_feeds`` lets ``ocr gas bench`` register it next to the single-feed ``threshold-bls``
    scheme (OCRFeed) without measuring k = 1 twice: ``MultiFeedScheme(min_feeds=2)``.
    """

    name = SCHEME_NAME

    def __init__(self, min_feeds: int = 1) -> None:
        self.min_feeds = min_feeds
        self._verify = VerifyGasMeter()

    def supports(self, n: int, feeds: int) -> bool:
        """Any committee the contracts allow (1..255 oracles) and min_feeds..32 feeds."""
        return 1 <= n <= 255 and self.min_feeds <= feeds <= MAX_FEEDS

    def measure(self, w3: Web3, n: int, feeds: int) -> BenchResult:
        """Deploy a hub with ``feeds`` feeds and an n-node committee, warm up, measure round 2."""
        if not self.supports(n, feeds):
            raise OCRError(f"{self.name} multi-feed does not support n={n}, feeds={feeds}")
        local = LocalMultiFeed.deploy(w3, n=n, feeds=feeds, seed=SEED)
        signed, gas = run_multifeed_scenario(local)
        return BenchResult(
            scheme=self.name,
            n=n,
            f=local.committee.f,
            feeds=feeds,
            observations=n,
            signers=None,
            calldata_bytes=len(signed.calldata),
            calldata_gas=calldata_gas(signed.calldata),
            verify_gas=self._verify.measure(w3, local.committee.group_public_key, signed.signature, signed.digest),
            gas_per_report=gas,
            gas_per_feed=gas // feeds,
        )


#: The multi-feed cases pinned in .gas-snapshot: n = 31 with these feed counts, in this order.
SNAPSHOT_N: Final[int] = 31
SNAPSHOT_FEEDS: Final[tuple[int, ...]] = (1, 2, 16, 17)


def snapshot_name(n: int, feeds: int) -> str:
    return f"OCRMultiFeed:transmit_n{n}_k{feeds}"


def measure_snapshot_cases() -> dict[int, BenchResult]:
    """The snapshot cases on one fresh anvil (so addresses, signed bytes and calldata gas are fixed)."""
    scheme = MultiFeedScheme()
    with Anvil() as anvil:
        w3 = connect(anvil.rpc_url)
        return {k: scheme.measure(w3, SNAPSHOT_N, k) for k in SNAPSHOT_FEEDS}
