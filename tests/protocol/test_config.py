"""Off-chain configuration rules, leader choice and the transmission order."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ocr_client.errors import ConfigError
from ocr_client.protocol.config import ProtocolConfig, ProtocolConfigError, Timing, leader, transmit_order

DIGEST = bytes(range(32))
SECRET = bytes(16)


def config(n: int = 4, f: int = 1, threshold: int = 2, timing: Timing | None = None, **changes: object) -> ProtocolConfig:
    return ProtocolConfig(n=n, f=f, threshold=threshold, config_digest=DIGEST, shared_secret=SECRET,
                          timing=timing or Timing(), min_answer=0, max_answer=10**9, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("changes, rule", [
    ({"n": 3, "f": 1}, "3f < n"),
    ({"threshold": 1}, "f < threshold <= n - f"),
    ({"threshold": 4}, "f < threshold <= n - f"),
    ({"timing": Timing(r_max=0)}, "rMax"),
    ({"timing": Timing(r_max=255)}, "rMax"),
    ({"timing": Timing(delta_grace=1.0, delta_round=1.0)}, "DeltaGrace < DeltaRound"),
    ({"timing": Timing(delta_round=8.0, delta_progress=8.0)}, "DeltaRound < DeltaProgress"),
    ({"timing": Timing(delta_resend=0.0)}, "DeltaResend > 0"),
    ({"timing": Timing(max_duration_observation=3.0, max_duration_transmit=5.0)}, "< DeltaProgress"),
    ({"timing": Timing(delta_c=2.0)}, "DeltaRound + DeltaGrace + DeltaStage < DeltaC"),
    ({"shared_secret": b"short"}, "shared secret"),
    ({"config_digest": b"x"}, "config digest"),
    ({"sanity_band": 0.0}, "sanity band"),
])
def test_a_config_breaking_a_rule_is_refused_naming_the_rule(changes: dict[str, object], rule: str) -> None:
    base = {"n": 4, "f": 1, "threshold": 2, "config_digest": DIGEST, "shared_secret": SECRET, "timing": Timing(),
            "min_answer": 0, "max_answer": 10**9}
    with pytest.raises(ProtocolConfigError, match="invalid protocol config") as info:
        ProtocolConfig(**{**base, **changes})  # type: ignore[arg-type]
    assert rule in str(info.value)
    assert isinstance(info.value, ConfigError) and isinstance(info.value, ValueError)


def test_every_node_computes_the_same_leader_and_each_oracle_leads_once_per_n_epochs() -> None:
    cfg = config(n=7, f=2, threshold=3)
    for start in (0, 5, 700):
        leaders = [leader(cfg, e) for e in range(start, start + 7)]
        assert sorted(leaders) == list(range(7)), leaders
    assert [leader(cfg, e) for e in range(20)] == [leader(config(n=7, f=2, threshold=3), e) for e in range(20)]


def test_the_leader_order_depends_on_the_shared_secret() -> None:
    orders = {tuple(leader(replace(config(n=10, f=3, threshold=4), shared_secret=bytes([i]) * 16), e)
                    for e in range(10)) for i in range(8)}
    assert len(orders) > 1, "outsiders without the secret cannot know the order"


def test_at_most_f_consecutive_epochs_have_faulty_leaders_whoever_is_faulty() -> None:
    cfg = config(n=10, f=3, threshold=4)
    order = [leader(cfg, e) for e in range(10)]
    for faulty_start in range(10):  # any f oracles adjacent in the order: the worst case
        faulty = {order[(faulty_start + k) % 10] for k in range(3)}
        run = longest = 0
        for e in range(40):
            run = run + 1 if leader(cfg, e) in faulty else 0
            longest = max(longest, run)
        assert longest <= 3


def test_the_transmission_order_is_a_permutation_that_changes_with_the_round() -> None:
    cfg = config(n=7, f=2, threshold=3)
    orders = [transmit_order(cfg, 1, r) for r in range(1, 6)]
    assert all(sorted(o) == list(range(7)) for o in orders)
    assert len(set(orders)) > 1
    assert transmit_order(cfg, 1, 1) == transmit_order(config(n=7, f=2, threshold=3), 1, 1)
