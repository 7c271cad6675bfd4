"""Distributed key generation (joint-Feldman / Pedersen with complaints and justifications).

n nodes jointly create a t-of-n BLS12-381 key, group and public keys in G2, without anyone ever
holding the group secret; the result loads as an ordinary committee. See ``docs/dkg.md``.
"""

from __future__ import annotations

from ocr_client.dkg.errors import DkgError, DkgFailedError, DkgParameterError, MalformedMessageError
from ocr_client.dkg.node import DkgNode, Phase
from ocr_client.dkg.participants import DEFAULT_PHASE_TIMEOUT, DkgConfig, NodeKeys, Participant, session_id
from ocr_client.dkg.randomness import DkgRandom
from ocr_client.dkg.result import DkgResult, Exclusion
from ocr_client.dkg.simulate import SimulatedDkg, run_simulated_dkg, simulate_dkg
from ocr_client.dkg.strategies import DEALER_FAULTS, Strategy

__all__ = [
    "DEALER_FAULTS",
    "DEFAULT_PHASE_TIMEOUT",
    "DkgConfig",
    "DkgError",
    "DkgFailedError",
    "DkgNode",
    "DkgParameterError",
    "DkgRandom",
    "DkgResult",
    "Exclusion",
    "MalformedMessageError",
    "NodeKeys",
    "Participant",
    "Phase",
    "SimulatedDkg",
    "Strategy",
    "run_simulated_dkg",
    "session_id",
    "simulate_dkg",
]
