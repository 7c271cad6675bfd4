"""The per-oracle-submission baseline (:mod:`ocr_client.baselines.per_oracle`) as the ``ocr gas bench``
scheme "per-oracle"."""

from __future__ import annotations

from web3 import Web3

from ocr_client.baselines.per_oracle import MAX_ORACLES, SCHEME_NAME, run_scenario
from ocr_client.committee.local import default_f
from ocr_client.errors import ConfigError
from ocr_client.gas.types import BenchResult


class PerOracleScheme:
    """n transactions per report: each oracle submits, the last computes the median on-chain."""

    name = SCHEME_NAME

    def supports(self, n: int, feeds: int) -> bool:
        return feeds == 1 and 1 <= n <= MAX_ORACLES

    def measure(self, w3: Web3, n: int, feeds: int) -> BenchResult:
        if not self.supports(n, feeds):
            raise ConfigError(f"{self.name} cannot run n = {n}, feeds = {feeds} (one feed, 1..{MAX_ORACLES} oracles)")
        _, measured = run_scenario(w3, n)
        gas = measured.gas_used
        return BenchResult(
            scheme=self.name, n=n, f=default_f(n), feeds=1, observations=n, signers=None,
            calldata_bytes=measured.calldata_bytes, calldata_gas=measured.calldata_gas, verify_gas=None,
            gas_per_report=gas, gas_per_feed=gas,
        )
