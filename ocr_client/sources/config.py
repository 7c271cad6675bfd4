"""Build sources from JSON-style config entries, rejecting typos and wrong types up front.

Examples::

    {"type": "http", "url": "https://api.example/price", "path": "data.price"}
    {"type": "csv", "path": "prices.csv", "column": "price", "time_column": "t"}
    {"type": "random-walk", "seed": 1, "start": 3000, "noise": 0.001}

Every entry may carry a ``name``. Unknown keys are errors rather than silently ignored, because
a misspelt ``"colum"`` would otherwise read the wrong data for the life of the node.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Final

from ocr_client.errors import SourceConfigError
from ocr_client.sources.base import DataSource
from ocr_client.sources.http import HttpJsonSource
from ocr_client.sources.random_walk import PriceProcess, RandomWalkSource
from ocr_client.sources.replay import CsvReplaySource

_KEYS: Final[dict[str, frozenset[str]]] = {
    "http": frozenset({"type", "name", "url", "path"}),
    "csv": frozenset({"type", "name", "path", "column", "time_column"}),
    "random-walk": frozenset({"type", "name", "seed", "start", "volatility", "step_seconds", "origin", "noise", "noise_seed"}),
}


def source_from_config(d: Mapping[str, object], *, clock: Callable[[], float] | None = None) -> DataSource:
    """One source from one config entry; ``clock`` is needed by random-walk and timed CSV replay."""
    if not isinstance(d, Mapping):
        raise SourceConfigError(f"a source config must be an object, got {type(d).__name__}")
    kind = _str(d, "type")
    if kind not in _KEYS:
        raise SourceConfigError(f"field 'type': unknown source type {kind!r} (known: {sorted(_KEYS)})")
    unknown = sorted(str(k) for k in d if k not in _KEYS[kind])
    if unknown:
        raise SourceConfigError(f"unknown field(s) {unknown} for a {kind!r} source")
    name = _opt_str(d, "name")
    if kind == "http":
        return HttpJsonSource(_str(d, "url"), _str(d, "path"), name=name)
    if kind == "csv":
        time_column = _opt_str(d, "time_column")
        if time_column is not None and clock is None:
            raise SourceConfigError("field 'time_column': a timed csv source needs a clock")
        column = _opt_str(d, "column")
        return CsvReplaySource(_str(d, "path"), column=column or "price", time_column=time_column, clock=clock, name=name)
    if clock is None:
        raise SourceConfigError("a 'random-walk' source needs a clock: call source_from_config(d, clock=...)")
    seed = d.get("seed")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise SourceConfigError(f"field 'seed': expected an integer, got {seed!r}")
    noise_seed = d.get("noise_seed")
    if noise_seed is not None and (not isinstance(noise_seed, int) or isinstance(noise_seed, bool)):
        raise SourceConfigError(f"field 'noise_seed': expected an integer, got {noise_seed!r}")
    try:
        process = PriceProcess(
            seed,
            start=_num(d, "start", 3000.0),
            volatility=_num(d, "volatility", 0.002),
            step_seconds=_num(d, "step_seconds", 1.0),
            origin=_num(d, "origin", 0.0),
        )
        return RandomWalkSource(
            process, clock, noise=_num(d, "noise", 0.001), rng=random.Random(noise_seed), name=name or f"random-walk:{seed}"
        )
    except ValueError as exc:
        raise SourceConfigError(f"random-walk source: {exc}") from exc


def _str(d: Mapping[str, object], key: str) -> str:
    if key not in d:
        raise SourceConfigError(f"missing field {key!r}")
    value = d[key]
    if not isinstance(value, str):
        raise SourceConfigError(f"field {key!r}: expected a string, got {value!r}")
    return value


def _opt_str(d: Mapping[str, object], key: str) -> str | None:
    return _str(d, key) if d.get(key) is not None else None


def _num(d: Mapping[str, object], key: str, default: float) -> float:
    value = d.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SourceConfigError(f"field {key!r}: expected a number, got {value!r}")
    return float(value)
