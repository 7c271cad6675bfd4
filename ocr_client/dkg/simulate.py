"""Run a whole DKG in one process: n nodes on a :class:`SimNetwork` driven by a :class:`SimClock`.

Used by the tests, the benchmark and ``ocr keys dkg``. With a seed, every key, polynomial and
network decision is derived from it, so the same seed gives the same group key; with ``seed=None``
everything comes from the OS.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ocr_client.crypto import get_backend
from ocr_client.crypto.backend import BLSBackend
from ocr_client.dkg.errors import DkgError, DkgParameterError
from ocr_client.dkg.node import DkgNode
from ocr_client.dkg.participants import DEFAULT_PHASE_TIMEOUT, DkgConfig, NodeKeys
from ocr_client.dkg.randomness import DkgRandom
from ocr_client.dkg.result import DkgResult
from ocr_client.dkg.strategies import parse_strategy
from ocr_client.net.clock import SimClock
from ocr_client.net.simnet import LinkRules, SimNetwork


@dataclass
class SimulatedDkg:
    """A finished simulated run: the nodes (with results or errors) and the network (with stats)."""

    nodes: list[DkgNode]
    network: SimNetwork
    config: DkgConfig

    @property
    def results(self) -> list[DkgResult | None]:
        return [node.result for node in self.nodes]

    @property
    def errors(self) -> list[DkgError | None]:
        return [node.error for node in self.nodes]


def simulate_dkg(n: int, t: int, seed: int | None = 0, faulty: Mapping[int, str] | None = None,
                 backend: BLSBackend | None = None, rules: LinkRules | None = None,
                 phase_timeout: float = DEFAULT_PHASE_TIMEOUT,
                 configure: Callable[[SimNetwork], None] | None = None) -> SimulatedDkg:
    """Build keys, config, network and nodes; start every node; run the clock until all finish.

    ``faulty`` maps node indices to a :class:`~ocr_client.dkg.strategies.Strategy` name;
    ``rules`` are the default link rules; ``configure`` may add further faults (filters,
    partitions) before the run starts.
    """
    strategies = {i: parse_strategy(s) for i, s in (faulty or {}).items()}
    if any(not 0 <= i < n for i in strategies):
        raise DkgParameterError(f"faulty node indices must be in [0, {n})")
    backend = backend or get_backend()
    keys = [NodeKeys.generate(DkgRandom.derive(seed, f"identity-{i}")) for i in range(n)]
    nonce = secrets.token_bytes(16) if seed is None else DkgRandom.derive(seed, "session").bytes32()
    config = DkgConfig.create(t, [k.participant(i) for i, k in enumerate(keys)], nonce, phase_timeout)
    clock = SimClock()
    net_seed = secrets.randbits(64) if seed is None else int.from_bytes(DkgRandom.derive(seed, "network").bytes32()[:8])
    network = SimNetwork(n, clock, seed=net_seed, rules=rules)
    nodes = [
        DkgNode(config, keys[i], network.endpoint(i), clock, backend, DkgRandom.derive(seed, f"node-{i}"),
                strategies.get(i))
        for i in range(n)
    ]
    if configure is not None:
        configure(network)
    for node in nodes:
        node.start()
    clock.run_until(4 * phase_timeout, stop=lambda: all(node.done for node in nodes))
    return SimulatedDkg(nodes, network, config)


def run_simulated_dkg(n: int, t: int, seed: int | None = 0, faulty: Mapping[int, str] | None = None,
                      backend: BLSBackend | None = None, rules: LinkRules | None = None,
                      phase_timeout: float = DEFAULT_PHASE_TIMEOUT,
                      configure: Callable[[SimNetwork], None] | None = None) -> list[DkgResult | None]:
    """Each node's :class:`DkgResult`, or None for a node that failed (see :func:`simulate_dkg` for why)."""
    return simulate_dkg(n, t, seed, faulty, backend, rules, phase_timeout, configure).results
