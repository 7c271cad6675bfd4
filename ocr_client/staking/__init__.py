"""Staking and slashing for one committee feed: the OracleStaking contract's handle, equivocation
evidence as it travels from a node's store to the chain, and the reputation registry's Merkle tree.

::

    node store (evidence table) ──► EquivocationEvidence ──► evidence JSON file ──► ocr slash submit
                       │                                                              │
                       └──────── node option --slash-staking: submit automatically ───┤
                                                                                      ▼
    ConfigSet event ──► committee proof (threshold mode) ──────────────► OracleStaking.slashEquivocation
"""

from ocr_client.staking.contract import StakeStatus, StakeToken, StakingContract, StakingParameters
from ocr_client.staking.evidence import EquivocationEvidence, EvidenceFileError

__all__ = [
    "EquivocationEvidence",
    "EvidenceFileError",
    "StakeStatus",
    "StakeToken",
    "StakingContract",
    "StakingParameters",
]
