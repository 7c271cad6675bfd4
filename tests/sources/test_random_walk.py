"""PriceProcess and RandomWalkSource: deterministic by seed, consistent in any call order."""

from __future__ import annotations

import random
from typing import Any

import pytest

from ocr_client.errors import SourceError
from ocr_client.sources import PriceProcess, RandomWalkSource


def test_same_seed_same_path_different_seed_different_path() -> None:
    times = [0.0, 1.0, 2.5, 10.0, 99.9]
    a = [PriceProcess(seed=7).price_at(t) for t in times]
    assert a == [PriceProcess(seed=7).price_at(t) for t in times]
    assert a != [PriceProcess(seed=8).price_at(t) for t in times]
    assert a[0] == 3000.0


def test_out_of_order_calls_agree_with_in_order_calls() -> None:
    in_order = PriceProcess(seed=3)
    forward = [in_order.price_at(float(t)) for t in range(200)]
    shuffled_times = list(range(200))
    random.Random(0).shuffle(shuffled_times)
    jumpy = PriceProcess(seed=3)
    assert {t: jumpy.price_at(float(t)) for t in shuffled_times} == dict(enumerate(forward))


def test_piecewise_constant_per_step_and_clamped_before_origin() -> None:
    process = PriceProcess(seed=1, step_seconds=2.0, origin=100.0)
    assert process.price_at(104.0) == process.price_at(105.99)
    assert process.price_at(50.0) == process.price_at(100.0) == 3000.0


def test_beyond_max_steps_is_refused_and_the_source_reports_it() -> None:
    process = PriceProcess(seed=1, max_steps=10)
    with pytest.raises(ValueError, match="max_steps"):
        process.price_at(11.0)
    with pytest.raises(SourceError, match="max_steps"):
        RandomWalkSource(process, clock=lambda: 1e6).read(0.1)


@pytest.mark.parametrize("kwargs", [{"start": 0.0}, {"start": float("nan")}, {"volatility": -0.1}, {"step_seconds": 0.0}])
def test_bad_process_parameters(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        PriceProcess(seed=1, **kwargs)


def test_nodes_sharing_a_process_see_nearly_the_same_price() -> None:
    process = PriceProcess(seed=11, volatility=0.01)
    now = [0.0]
    nodes = [RandomWalkSource(process, lambda: now[0], noise=0.001, rng=random.Random(i), name=f"n{i}") for i in range(4)]
    for t in (0.0, 5.0, 50.0):
        now[0] = t
        truth = process.price_at(t)
        readings = [float(node.read(0.1)) for node in nodes]
        assert all(abs(r / truth - 1) <= 0.001 for r in readings)
        assert len(set(readings)) > 1  # independent noise


def test_seeded_noise_is_reproducible_and_zero_noise_is_exact() -> None:
    def run(seed: int) -> list[object]:
        source = RandomWalkSource(PriceProcess(seed=5), clock=lambda: 3.0, rng=random.Random(seed))
        return [source.read(0.1) for _ in range(3)]

    assert run(1) == run(1)
    exact = RandomWalkSource(PriceProcess(seed=5), clock=lambda: 3.0, noise=0.0)
    assert float(exact.read(0.1)) == PriceProcess(seed=5).price_at(3.0)
    with pytest.raises(ValueError):
        RandomWalkSource(PriceProcess(seed=5), clock=lambda: 0.0, noise=1.5)
