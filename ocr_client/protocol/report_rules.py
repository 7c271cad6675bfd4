"""Checks a follower applies to a leader's report request, as pure functions.

A follower never signs a report the leader hands it: it rebuilds the report from the signed
observations itself, and only after each of these checks passes.
"""

from __future__ import annotations

from collections.abc import Sequence

from nacl.signing import VerifyKey

from ocr_client.protocol.messages import SignedObservation
from ocr_client.report.layout import Observation, Report
from ocr_client.report.median import build_report


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
    return None


def rebuild_report(config_digest: bytes, epoch: int, round_: int, observations: Sequence[SignedObservation]) -> Report:
    """The report every honest node builds from the same observations: sorted values and their median."""
    return build_report(config_digest, epoch, round_,
                        [Observation(o.observer, o.timestamp, o.value) for o in observations])
