"""OCR2's ECDSA baseline (:mod:`ocr_client.baselines.ecdsa`) as the ``ocr gas bench`` scheme "ecdsa"."""

from __future__ import annotations

from web3 import Web3

from ocr_client.baselines.ecdsa import MIN_ORACLES, SCHEME_NAME, WIDE_MAX_ORACLES, run_scenario
from ocr_client.chain.calldata import calldata_gas
from ocr_client.errors import ConfigError
from ocr_client.gas.types import BenchResult


class EcdsaScheme:
    """OCR2: one transmission with f+1 ECDSA signatures, n observations.

    n <= 31 runs OCR2's exact encoding; 32..255 the wide variant (an extrapolation: OCR2 itself
    stops at 31).
    """

    name = SCHEME_NAME

    def supports(self, n: int, feeds: int) -> bool:
        return feeds == 1 and MIN_ORACLES <= n <= WIDE_MAX_ORACLES

    def measure(self, w3: Web3, n: int, feeds: int) -> BenchResult:
        if not self.supports(n, feeds):
            raise ConfigError(
                f"{self.name} cannot run n = {n}, feeds = {feeds} (one feed, {MIN_ORACLES}..{WIDE_MAX_ORACLES} oracles)"
            )
        aggregator, measured, receipt = run_scenario(w3, n)
        calldata = measured.calldata
        gas = int(receipt["gasUsed"])
        return BenchResult(
            scheme=self.name, n=n, f=aggregator.f, feeds=1, observations=n, signers=aggregator.f + 1,
            calldata_bytes=len(calldata), calldata_gas=calldata_gas(calldata), verify_gas=None,
            gas_per_report=gas, gas_per_feed=gas,
        )
