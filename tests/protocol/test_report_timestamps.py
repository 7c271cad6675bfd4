"""A report carries observation times as uint16 offsets, so the protocol keeps every report's
spread within 65,535 s: a leader drops an observation far from its own clock, a follower refuses a
request whose observations span more, and a lying observer cannot make a report unencodable."""

from __future__ import annotations

from nacl.signing import SigningKey

from ocr_client.protocol.messages import SignedObservation, sign_observation
from ocr_client.protocol.report_rules import MAX_CLOCK_SKEW, observation_problem, timestamp_off_clock
from ocr_client.report.layout import MAX_TIMESTAMP_SPREAD

KEYS = [SigningKey(bytes([i + 1]) * 32) for i in range(4)]
DIGEST = bytes(32)
NOW = 1_750_000_000


def _observations(times: list[int]) -> list[SignedObservation]:
    return [sign_observation(KEYS[i], DIGEST, 1, 1, i, 100 + i, t) for i, t in enumerate(times)]


def test_a_leader_accepts_times_within_half_the_spread_of_its_clock() -> None:
    assert 2 * MAX_CLOCK_SKEW <= MAX_TIMESTAMP_SPREAD  # any two accepted times fit in one report
    assert not timestamp_off_clock(NOW - MAX_CLOCK_SKEW, NOW) and not timestamp_off_clock(NOW + MAX_CLOCK_SKEW, NOW)
    assert timestamp_off_clock(NOW - MAX_CLOCK_SKEW - 1, NOW) and timestamp_off_clock(0, NOW)


def test_a_follower_refuses_observations_spanning_more_than_a_report_carries() -> None:
    verify = [k.verify_key for k in KEYS]
    within = _observations([NOW, NOW + 1, NOW + MAX_TIMESTAMP_SPREAD])
    assert observation_problem(within, 1, 1, 3, DIGEST, verify) is None
    too_wide = _observations([NOW, NOW + 1, NOW + MAX_TIMESTAMP_SPREAD + 1])
    assert observation_problem(too_wide, 1, 1, 3, DIGEST, verify) == (
        f"observation timestamps span {MAX_TIMESTAMP_SPREAD + 1} s, more than the {MAX_TIMESTAMP_SPREAD} s a report "
        "carries")
