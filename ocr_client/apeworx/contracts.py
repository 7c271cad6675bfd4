"""Our compiled contracts as ape contract types, so ape deploys exactly the bytecode ``ocr`` does.

ape-solidity would compile ``contracts/`` itself and fetch solc to do it; instead the artifacts of
:mod:`ocr_client.chain.compiler` (one pinned compiler, offline, cached by source hash: the same
bytes the gas snapshot measures) become ``ethpm_types.ContractType`` objects, which is all ape
needs to deploy a contract, encode its calls and decode its custom errors.
"""

from __future__ import annotations

from ape.contracts import ContractContainer
from ethpm_types import ContractType

from ocr_client.chain.compiler import artifact


def contract_type(name: str) -> ContractType:
    """The ape contract type of contract ``name`` under ``contracts/`` (compiled if needed)."""
    art = artifact(name)
    return ContractType.model_validate({
        "contractName": art.name,
        "sourceId": art.source,
        "abi": art.abi,
        "deploymentBytecode": {"bytecode": "0x" + art.bytecode.hex()},
        "runtimeBytecode": {"bytecode": "0x" + art.runtime_bytecode.hex()},
    })


def container(name: str) -> ContractContainer:
    """A deployable ape container for contract ``name``."""
    return ContractContainer(contract_type(name))
