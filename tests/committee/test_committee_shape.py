"""The committee-shape rules every caller shares (CLI, DKG, rotation, demo): f and t defaults,
and the largest f a given (n, t) allows, always inside what the contract accepts."""

from __future__ import annotations

import pytest

from ocr_client.committee.local import committee_f, committee_shape, default_f
from ocr_client.errors import ConfigError
from ocr_client.report.config import check_committee


@pytest.mark.parametrize(("n", "f"), [(1, 0), (3, 0), (4, 1), (6, 1), (7, 2), (10, 3), (31, 10), (100, 33)])
def test_default_f_is_the_largest_f_with_3f_below_n(n: int, f: int) -> None:
    assert default_f(n) == f
    assert 3 * f < n <= 3 * (f + 1)


def test_committee_shape_defaults_to_f_plus_one_signers() -> None:
    assert committee_shape(31, None, None) == (10, 11)
    assert committee_shape(7, 1, None) == (1, 2)
    assert committee_shape(10, None, 5) == (3, 5)


def test_committee_shape_refuses_what_the_contract_refuses() -> None:
    with pytest.raises(ConfigError, match="3f < n"):
        committee_shape(6, 2, None)
    with pytest.raises(ConfigError, match="f\\+1 <= t <= n-f"):
        committee_shape(4, 1, 4)


@pytest.mark.parametrize("n", range(1, 32))
def test_committee_f_is_the_largest_f_the_contract_accepts_for_every_threshold(n: int) -> None:
    for t in range(1, n + 1):
        f = committee_f(n, t)
        if f < 0:
            continue
        check_committee(n, f, t)
        with pytest.raises(ConfigError):
            check_committee(n, f + 1, t)
