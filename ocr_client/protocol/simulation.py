"""n oracles running the real protocol in one process: simulated network and clock, real chain.

The network and clock are seeded (:class:`~ocr_client.net.simnet.SimNetwork`), the feed contract
is a real one on anvil, and every node is a full :class:`~ocr_client.protocol.node.OracleNode`
with its own keys, store and Byzantine strategy. Because chain calls are synchronous and the
clock only moves between events, a run is repeatable for a seed and takes only as long as its
computation: this is what ``ocr demo`` runs and what the BFT test matrix checks.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from nacl.signing import SigningKey
from web3 import Web3

from ocr_client.accountable.keys import AccountableCommittee
from ocr_client.committee.local import LocalCommittee
from ocr_client.crypto import get_backend
from ocr_client.errors import ConfigError, SourceError
from ocr_client.local.base import LocalCommitteeFeed
from ocr_client.net.clock import SimClock
from ocr_client.net.simnet import LinkRules, SimNetwork
from ocr_client.protocol.byzantine import UnknownStrategyError, behaviour
from ocr_client.protocol.chain_port import ContractChainPort
from ocr_client.protocol.config import ProtocolConfig, Timing
from ocr_client.protocol.context import NodeContext
from ocr_client.protocol.node import OracleNode
from ocr_client.protocol.persistence import SqliteNodeStore
from ocr_client.protocol.ports import ReportId, ReportSigner, TransmitOutcome
from ocr_client.protocol.recorder import TraceRecorder
from ocr_client.protocol.signing import AccountableSigner, ThresholdSigner
from ocr_client.protocol.strategy_names import CRASH, CRASH_RECOVER, STRATEGIES
from ocr_client.protocol.telemetry import Event, Fanout, log_sink
from ocr_client.sources.random_walk import PriceProcess, RandomWalkSource

#: Protocol timing for simulations: short, so a test covers many rounds in little simulated time.
SIM_TIMING: Final[Timing] = Timing(
    delta_progress=4.0, delta_resend=1.0, delta_round=1.0, delta_grace=0.1, delta_stage=0.5, r_max=10,
    alpha=0.0, delta_c=30.0, max_duration_observation=0.5, max_duration_transmit=2.0)


def ed25519_key(seed: int, index: int) -> SigningKey:
    """Oracle ``index``'s observation-signing key, derived from a seed (simulations and tests)."""
    return SigningKey(hashlib.sha256(f"ocr-client ed25519|{seed}|{index}".encode()).digest())


def shared_secret(seed: int) -> bytes:
    return hashlib.sha256(f"ocr-client shared secret|{seed}".encode()).digest()[:16]


@dataclass
class SimulationSettings:
    """How the simulated network behaves and who is faulty."""

    seed: int = 0
    timing: Timing = SIM_TIMING
    faulty: dict[int, str] = field(default_factory=dict)  # oracle -> strategy name
    latency: float = 0.01
    jitter: float = 0.01
    drop: float = 0.0
    sanity_band: float | None = None
    noise: float = 0.001  # honest readings within 0.1% of the true price
    volatility: float = 0.002
    start_price: float = 3000.0
    #: crash-recover nodes go down at this simulated time and come back ``down_for`` later.
    crash_at: float = 6.0
    down_for: float = 10.0
    #: Keep each node's store in a SQLite file here, reopened on restart (None: in memory).
    store_dir: Path | None = None
    #: Stamp blocks with simulated time (anvil only), so updatedAt gaps are simulated seconds.
    chain_time: bool = False


class ChainTime:
    """Keeps the chain's block timestamps in step with simulated time (anvil's
    ``evm_setNextBlockTimestamp``), so on-chain ``updatedAt`` gaps mean simulated seconds.

    Block timestamps must increase, so two transactions in the same simulated second get
    consecutive seconds; with rounds at least a second apart the drift stays at zero."""

    def __init__(self, w3: Web3, clock: SimClock, origin: int) -> None:
        self.w3, self.clock, self.origin = w3, clock, origin
        self.last = int(w3.eth.get_block("latest")["timestamp"])

    def before_transaction(self) -> None:
        stamp = max(self.last + 1, self.origin + int(self.clock.now()))
        self.w3.provider.make_request("evm_setNextBlockTimestamp", [stamp])  # type: ignore[arg-type]
        self.last = stamp


class _TimedChainPort(ContractChainPort):
    """A chain port whose transactions are stamped with simulated time."""

    def __init__(self, contract: Any, account: Any, chain_time: ChainTime) -> None:
        super().__init__(contract, account)
        self.chain_time = chain_time

    def transmit(self, calldata: bytes, report: ReportId | None = None) -> TransmitOutcome:
        self.chain_time.before_transaction()
        return super().transmit(calldata, report)


class _SourceObservation:
    """A node's observation from its sources, read in-line (simulated sources never block)."""

    def __init__(self, source: RandomWalkSource, decimals: int) -> None:
        self.source = source
        self.scale = Decimal(10) ** decimals

    def observe(self) -> int | None:
        try:
            return int((self.source.read(0.0) * self.scale).to_integral_value())
        except SourceError:
            return None


class OracleSimulation:
    """The committee of ``local`` running the protocol against its feed."""

    def __init__(self, local: LocalCommitteeFeed[Any, Any, Any], settings: SimulationSettings | None = None,
                 min_answer: int = 1, max_answer: int = 10**30,
                 extra_sinks: tuple[Callable[[Event], None], ...] = ()) -> None:
        self.local = local
        self.settings = settings = settings or SimulationSettings()
        committee = local.committee
        self.n, self.f = committee.n, committee.f
        for index, name in settings.faulty.items():
            if not 0 <= index < self.n:
                raise ConfigError(f"faulty oracle {index} is not in a committee of {self.n}")
            if name not in STRATEGIES:
                raise UnknownStrategyError(name)
        self.clock = SimClock()
        self.network = SimNetwork(self.n, self.clock, settings.seed,
                                  LinkRules(latency=settings.latency, jitter=settings.jitter, drop=settings.drop))
        self.recorder = TraceRecorder()
        self.telemetry = Fanout(self.recorder, log_sink(), *extra_sinks)
        self.config = self.protocol_config(local, settings, min_answer, max_answer)
        self.backend = get_backend()
        self.signing_keys = [ed25519_key(settings.seed, i) for i in range(self.n)]
        self.verify_keys = tuple(k.verify_key for k in self.signing_keys)
        self.process = PriceProcess(settings.seed, start=settings.start_price, volatility=settings.volatility,
                                    step_seconds=settings.timing.delta_round)
        self.stores = [self._open_store(i) for i in range(self.n)]
        self._closed_stores: set[int] = set()
        self.unix_offset = float(local.w3.eth.get_block("latest")["timestamp"]) + 1
        self.chain_time = ChainTime(local.w3, self.clock, int(self.unix_offset)) if settings.chain_time else None
        self.decimals = int(local.handle.decimals())
        self.nodes: list[OracleNode | None] = [None] * self.n
        for account in committee.transmitters:
            local.fund(account.address)

    @staticmethod
    def protocol_config(local: LocalCommitteeFeed[Any, Any, Any], settings: SimulationSettings,
                        min_answer: int = 1, max_answer: int = 10**30) -> ProtocolConfig:
        """The off-chain config a simulation of ``local`` runs with (tests use it to know the leaders)."""
        committee = local.committee
        return ProtocolConfig(
            n=committee.n, f=committee.f, threshold=committee.threshold, config_digest=local.handle.config_digest(),
            shared_secret=shared_secret(settings.seed), timing=settings.timing,
            min_answer=min_answer, max_answer=max_answer, sanity_band=settings.sanity_band)

    def _open_store(self, i: int) -> SqliteNodeStore:
        if self.settings.store_dir is None:
            return SqliteNodeStore(":memory:")
        return SqliteNodeStore(Path(self.settings.store_dir) / f"oracle-{i}.sqlite")

    # --- building nodes --------------------------------------------------------------------

    def _signer(self, i: int) -> ReportSigner:
        committee: LocalCommittee | AccountableCommittee = self.local.committee
        if isinstance(committee, AccountableCommittee):
            return AccountableSigner(i, committee.secret_keys[i], committee.public_keys, committee.threshold,
                                     self.backend)
        return ThresholdSigner(committee.share(i), committee.dealing.committee, self.backend)

    def _chain_port(self, i: int) -> ContractChainPort:
        account = self.local.committee.transmitters[i]
        if self.chain_time is None:
            return ContractChainPort(self.local.handle, account)
        return _TimedChainPort(self.local.handle, account, self.chain_time)

    def _node(self, i: int) -> OracleNode:
        rng = random.Random(f"{self.settings.seed}|node|{i}")
        source = RandomWalkSource(self.process, self.clock.now, noise=self.settings.noise, rng=rng,
                                  name=f"random-walk-{i}")
        ctx = NodeContext(
            index=i, config=self.config, clock=self.clock, signing_key=self.signing_keys[i],
            verify_keys=self.verify_keys, signer=self._signer(i), source=_SourceObservation(source, self.decimals),
            chain=self._chain_port(i),
            store=self.stores[i], telemetry=self.telemetry, unix_offset=self.unix_offset)
        strategy = self.settings.faulty.get(i)
        node_behaviour = behaviour(strategy, rng) if strategy else None
        return OracleNode(ctx, self.network.endpoint(i), node_behaviour)

    def start(self) -> None:
        for i in range(self.n):
            strategy = self.settings.faulty.get(i)
            if strategy == CRASH:
                self.network.take_down(i)
                continue
            self.restart(i)
            if strategy == CRASH_RECOVER:
                self.clock.call_later(self.settings.crash_at, lambda i=i: self.crash(i))  # type: ignore[misc]
                self.clock.call_later(self.settings.crash_at + self.settings.down_for,
                                      lambda i=i: self.restart(i))  # type: ignore[misc]

    def crash(self, i: int) -> None:
        """Oracle i stops mid-whatever: timers die, messages to it are lost; its store survives."""
        node = self.nodes[i]
        if node is not None:
            node.stop()
        self.nodes[i] = None
        self.network.take_down(i)
        if self.settings.store_dir is not None:  # a crashed process loses its connection too
            self.stores[i].close()
            self._closed_stores.add(i)

    def restart(self, i: int) -> None:
        """Oracle i starts (again) from its store, as a restarted process would."""
        self.network.bring_up(i)
        if i in self._closed_stores:
            self._closed_stores.discard(i)
            self.stores[i] = self._open_store(i)
        node = self._node(i)
        self.nodes[i] = node
        node.start()

    # --- running ---------------------------------------------------------------------------

    def run(self, until_landed: int | None = None, max_time: float = 120.0) -> None:
        """Advance simulated time until ``until_landed`` reports landed in total or ``max_time``."""
        def done() -> bool:
            return until_landed is not None and self.recorder.landed_count >= until_landed

        self.clock.run_until(max_time, stop=done)

    def honest(self, i: int) -> bool:
        return i not in self.settings.faulty
