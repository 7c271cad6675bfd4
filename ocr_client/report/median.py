"""The report rule: sort the observations, take the middle one."""

from __future__ import annotations

from collections.abc import Iterable

from ocr_client.errors import ReportError
from ocr_client.report.layout import Observation, Report


def median_index(count: int) -> int:
    """Index of the median in a sorted list; with at most f bad values among >= 2f+1, it is bracketed by honest ones."""
    return count // 2


def build_report(config_digest: bytes, epoch: int, round_: int, observations: Iterable[Observation]) -> Report:
    """A report from observations in any order: sorted ascending (ties by observer) and its median."""
    ordered = tuple(sorted(observations, key=lambda o: (o.value, o.observer)))
    if not ordered:
        raise ReportError("a report needs at least one observation")
    answer = ordered[median_index(len(ordered))].value
    return Report(config_digest=config_digest, epoch=epoch, round=round_, answer=answer, observations=ordered)
