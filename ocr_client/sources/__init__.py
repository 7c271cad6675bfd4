"""Data sources an oracle node reads, and the observer that turns them into one observation.

Each node reads several independent sources and reports their median, so one broken, slow or
lying source costs only itself; see :mod:`ocr_client.sources.observer`.
"""

from __future__ import annotations

from ocr_client.errors import SourceConfigError, SourceError, SourceTimeoutError, SourceValueError
from ocr_client.sources.base import DataSource, to_decimal
from ocr_client.sources.config import source_from_config
from ocr_client.sources.http import MAX_BODY_BYTES, HttpJsonSource
from ocr_client.sources.observer import MedianObserver, SourceReadings, median
from ocr_client.sources.random_walk import PriceProcess, RandomWalkSource
from ocr_client.sources.replay import CsvReplaySource

__all__ = [
    "MAX_BODY_BYTES",
    "CsvReplaySource",
    "DataSource",
    "HttpJsonSource",
    "MedianObserver",
    "PriceProcess",
    "RandomWalkSource",
    "SourceConfigError",
    "SourceError",
    "SourceReadings",
    "SourceTimeoutError",
    "SourceValueError",
    "median",
    "source_from_config",
    "to_decimal",
]
