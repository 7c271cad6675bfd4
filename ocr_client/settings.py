"""Compiler and chain settings, pinned in this one place.

The Solidity sources say only `pragma solidity ^0.8.28`; the exact compiler, EVM version,
optimizer and viaIR choice are decided here, used by :mod:`ocr_client.chain.compiler`, and
mirrored by ``ape-config.yaml`` (a test checks that the two agree).
"""

from __future__ import annotations

from typing import Final

#: solc release used for every artifact and every gas figure.
SOLC_VERSION: Final[str] = "0.8.37"

#: EVM version we compile for and the hardfork a managed anvil runs. Prague is the first hardfork
#: with the EIP-2537 precompiles; later hardforks reprice MODEXP (EIP-7883), so gas is measured here.
EVM_VERSION: Final[str] = "prague"

#: The anvil hardfork name matching EVM_VERSION.
ANVIL_HARDFORK: Final[str] = "prague"

#: Optimizer on, tuned for many calls (transmit runs every round).
OPTIMIZER_ENABLED: Final[bool] = True
OPTIMIZER_RUNS: Final[int] = 1_000_000

#: The legacy pipeline: the hot paths are hand-written assembly, and it compiles several times
#: faster under solc-js than viaIR.
VIA_IR: Final[bool] = False

#: EIP-170: the largest runtime code a contract may have. Nothing here runs anvil with the limit off.
MAX_RUNTIME_CODE_SIZE: Final[int] = 24_576

#: Node packages the contracts import, by import prefix (each resolved inside node_modules).
NODE_IMPORT_PREFIXES: Final[tuple[str, ...]] = ("@chainlink/contracts/", "@openzeppelin/contracts/")

#: No metadata hash in the bytecode, so artifacts are identical wherever the checkout lives.
BYTECODE_HASH: Final[str] = "none"
