"""``ocr demo``: n in-process oracles report a synthetic price to a real feed, round by round.

This is the spine's simple round driver: every node observes, the median report is built,
every node rebuilds and reviews it before signing, t partial signatures are combined and one
node transmits. The OCR protocol engine (pacemaker, leader, followers) replaces the driver later
behind the same :class:`RoundDriver` interface, so the CLI and its JSON stay as they are.

Faulty nodes lie wildly and sign nothing. An honest node signs only a report it rebuilt itself
whose median lies within ``tolerance`` of its own reading; with more than f liars the median can
be a lie, every honest node then refuses, fewer than t partials exist, and the feed pauses
(``no-report``) instead of landing a wrong value.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Final, Protocol

from eth_account.signers.local import LocalAccount

from ocr_client.errors import NotEnoughPartialsError, TransactionRevertedError
from ocr_client.report.layout import Observation, Report
from ocr_client.report.median import build_report
from ocr_client.testing.local_feed import LocalFeed

START_PRICE: Final[float] = 3000.0
STEP_FRACTION: Final[float] = 0.005  # random-walk step of the true price per round
HONEST_NOISE: Final[float] = 0.001  # each honest reading is within 0.1% of the true price
TOLERANCE: Final[float] = 0.01  # an honest node signs a median within 1% of its own reading
LIE_LOW: Final[tuple[float, float]] = (0.05, 0.6)  # liars report 5%-60% ...
LIE_HIGH: Final[tuple[float, float]] = (1.6, 20.0)  # ... or 160%-2000% of the truth


@dataclass(frozen=True)
class RoundResult:
    """One row of the demo's output; field names are part of the CLI's stable JSON."""

    epoch: int
    round: int
    answer: int | None
    honest_min: int
    honest_max: int
    tx: str | None
    gas_used: int | None
    status: str  # "accepted" | "no-report" | "reverted"
    error: str | None


@dataclass
class DemoResult:
    """The whole run; ``to_json`` gives the documented document."""

    chain_id: int
    feed: str
    n: int
    f: int
    threshold: int
    faulty: int
    mode: str
    seed: int
    decimals: int
    rounds: list[RoundResult] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class DemoNode:
    """An in-process oracle with its own noise source."""

    index: int
    faulty: bool
    rng: random.Random

    def observe(self, true_price: float, decimals: int) -> int:
        if self.faulty:
            low, high = LIE_LOW if self.rng.random() < 0.5 else LIE_HIGH
            reading = true_price * self.rng.uniform(low, high)
        else:
            reading = true_price * (1 + self.rng.uniform(-HONEST_NOISE, HONEST_NOISE))
        scaled: int = round(reading * 10**decimals)
        return scaled

    def approves(self, report: Report, observations: list[Observation], own: int) -> bool:
        """Rebuild the report from the signed observations; sign only an identical, plausible one."""
        if self.faulty:
            return False
        rebuilt = build_report(report.config_digest, report.epoch, report.round, observations)
        if rebuilt != report:  # same fields, so the same bytes to sign
            return False
        return abs(report.answer - own) <= TOLERANCE * abs(own)


class RoundDriver(Protocol):
    """What the CLI needs from whatever runs rounds: run one and say what happened."""

    def run_round(self, epoch: int, round_: int) -> RoundResult: ...


class SimpleRoundDriver:
    """All nodes in one process, one round at a time, no network."""

    def __init__(self, local: LocalFeed, faulty: int, seed: int) -> None:
        self.local = local
        rng = random.Random(seed)
        n = local.committee.n
        liars = set(rng.sample(range(n), faulty))
        self.nodes = [DemoNode(i, i in liars, random.Random(rng.getrandbits(64))) for i in range(n)]
        self.price_rng = random.Random(rng.getrandbits(64))
        self.true_price = START_PRICE
        self.decimals = local.feed.decimals()

    def _transmitter(self, round_: int, signers: tuple[int, ...]) -> LocalAccount:
        """Rotate transmission among the nodes that signed (an honest node sends what it signed)."""
        return self.local.committee.transmitters[signers[round_ % len(signers)]]

    def run_round(self, epoch: int, round_: int) -> RoundResult:
        self.true_price *= 1 + self.price_rng.uniform(-STEP_FRACTION, STEP_FRACTION)
        now = int(self.local.w3.eth.get_block("latest")["timestamp"])
        readings = {node.index: node.observe(self.true_price, self.decimals) for node in self.nodes}
        observations = [Observation(observer=i, timestamp=now, value=v) for i, v in readings.items()]
        honest = [readings[node.index] for node in self.nodes if not node.faulty]
        report = build_report(self.local.feed.config_digest(), epoch, round_, observations)
        digest = self.local.digest(report)
        partials = [
            self.local.committee.partial(node.index, digest)
            for node in self.nodes
            if node.approves(report, observations, readings[node.index])
        ]
        base = {"epoch": epoch, "round": round_, "honest_min": min(honest), "honest_max": max(honest)}
        try:
            combined = self.local.committee.combine(partials, digest)
        except NotEnoughPartialsError:
            return RoundResult(**base, answer=None, tx=None, gas_used=None, status="no-report", error=None)
        signed = self.local.assemble(report, combined)
        signed = self.local.with_sender(signed, self._transmitter(round_, signed.signers))
        try:
            receipt = self.local.send(signed)
        except TransactionRevertedError as exc:
            return RoundResult(**base, answer=report.answer, tx=exc.tx_hash, gas_used=None,
                               status="reverted", error=exc.error_name)
        return RoundResult(
            **base, answer=report.answer, tx="0x" + bytes(receipt["transactionHash"]).hex(),
            gas_used=int(receipt["gasUsed"]), status="accepted", error=None,
        )


def run_demo(
    local: LocalFeed,
    rounds: int,
    faulty: int,
    seed: int,
    on_round: Callable[[RoundResult], None] | None = None,
) -> DemoResult:
    """Run ``rounds`` rounds on a configured feed and collect the results."""
    committee = local.committee
    result = DemoResult(
        chain_id=local.chain_id, feed=local.address, n=committee.n, f=committee.f,
        threshold=committee.threshold, faulty=faulty, mode="threshold", seed=seed,
        decimals=local.feed.decimals(),
    )
    driver: RoundDriver = SimpleRoundDriver(local, faulty, seed)
    for _ in range(rounds):
        epoch, round_ = local.next_epoch_round()
        outcome = driver.run_round(epoch, round_)
        local.epoch, local.round = epoch, round_  # a round is used up even when nothing was sent
        result.rounds.append(outcome)
        if on_round is not None:
            on_round(outcome)
    return result
