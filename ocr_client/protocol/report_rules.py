"""Checks a follower applies to a leader's report request, as pure functions.

A follower never signs a report the leader hands it: it rebuilds the report from the signed
observations itself, and only after each of these checks passes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eth_utils import keccak
from nacl.signing import VerifyKey

from ocr_client.protocol.context import NodeContext
from ocr_client.protocol.messages import SignedObservation
from ocr_client.report.layout import MAX_TIMESTAMP_SPREAD, Observation, Report, encode_report
from ocr_client.report.median import build_report

#: How far from its own clock a leader accepts an observation's time: any two it accepts are then
#: at most MAX_TIMESTAMP_SPREAD apart, so a lying observer's timestamp cannot make the report unencodable.
MAX_CLOCK_SKEW: int = MAX_TIMESTAMP_SPREAD // 2


def timestamp_off_clock(timestamp: int, now: int) -> bool:
    """Whether an observation's time is too far from the leader's clock to go into a report."""
    return abs(timestamp - now) > MAX_CLOCK_SKEW


def observation_problem(observations: Sequence[SignedObservation], epoch: int, round_: int, quorum: int,
                        config_digest: bytes, keys: Sequence[VerifyKey]) -> str | None:
    """Why a report request's observations must be refused, or None when they are sound."""
    if len(observations) < quorum:
        return f"{len(observations)} observations, {quorum} needed"
    seen: set[int] = set()
    for o in observations:
        if (o.epoch, o.round) != (epoch, round_):
            return f"observation by {o.observer} is for ({o.epoch}, {o.round})"
        if o.observer >= len(keys):
            return f"observer {o.observer} out of range"
        if o.observer in seen:
            return f"duplicate observer {o.observer}"
        seen.add(o.observer)
        if not o.verify(config_digest, keys[o.observer]):
            return f"bad signature on the observation of {o.observer}"
    spread = max(o.timestamp for o in observations) - min(o.timestamp for o in observations)
    if spread > MAX_TIMESTAMP_SPREAD:
        return f"observation timestamps span {spread} s, more than the {MAX_TIMESTAMP_SPREAD} s a report carries"
    return None


@dataclass(frozen=True)
class SignableReport:
    """A report as the leader and every follower build it, with what identifies and signs it."""

    report: Report
    raw: bytes  # the packed bytes that go on-chain
    hash: bytes  # keccak of ``raw``: what followers record and leaders match shares by
    digest: bytes  # what the committee signs


def signable_report(ctx: NodeContext, epoch: int, round_: int,
                    observations: Sequence[SignedObservation]) -> SignableReport:
    """The report every honest node builds from the same observations: sorted values and their median."""
    report = build_report(ctx.config.config_digest, epoch, round_,
                          [Observation(o.observer, o.timestamp, o.value) for o in observations])
    raw = encode_report(report)
    return SignableReport(report, raw, keccak(raw), ctx.signing_digest(raw))
