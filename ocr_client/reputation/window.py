"""Which reports a score looks at, and how much each counts: the window, the recent slice, decay.

Times are anchored on the chain, never on the wall clock: "7d" means the seven days before the
newest indexed block of the chosen feeds, and age for decay is measured from that block too, so
the same chain gives the same window on any machine at any time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from ocr_client.reputation.errors import ReputationError

DEFAULT_RECENT_REPORTS: Final[int] = 50
PPM: Final[int] = 1_000_000
#: Beyond this many half-lives a report weighs nothing (2^-40 is far below one ppm).
MAX_HALVINGS: Final[int] = 40
_UNITS: Final[dict[str, int]] = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw]?)\s*$")


def parse_duration(text: str) -> int:
    """Seconds in ``90``, ``90s``, ``15m``, ``12h``, ``7d`` or ``2w``."""
    match = _DURATION.match(text)
    if not match or int(match.group(1)) <= 0:
        raise ReputationError(f"expected a positive duration such as 3600, 12h or 7d, got {text!r}")
    return int(match.group(1)) * _UNITS[match.group(2) or "s"]


@dataclass(frozen=True)
class Since:
    """A window start: an absolute unix time, or a duration before the newest indexed block."""

    absolute: int | None = None
    before_latest: int | None = None

    @classmethod
    def parse(cls, text: str) -> Since:
        """``1733200000`` (unix seconds), ``2026-12-01`` / ``2026-12-01T08:00`` (UTC), or ``7d``/``12h``."""
        raw = text.strip()
        if raw.isdigit() and len(raw) >= 9:
            return cls(absolute=int(raw))
        try:
            return cls(absolute=int(datetime.fromisoformat(raw).replace(tzinfo=UTC).timestamp()))
        except ValueError:
            pass
        try:
            return cls(before_latest=parse_duration(raw))
        except ReputationError:
            raise ReputationError(f"--since takes unix seconds, an ISO date (UTC) or a duration such as 7d, "
                                  f"got {text!r}") from None

    def start(self, latest_block_time: int) -> int:
        if self.absolute is not None:
            return self.absolute
        assert self.before_latest is not None  # one of the two is set
        return latest_block_time - self.before_latest


def decay_sql(age: str, half_life: int | None) -> str:
    """A SQL integer expression: the weight in ppm of a row ``age`` seconds old.

    Exactly 2^-k ppm at k half-lives and linear in between (integer arithmetic, so every machine
    computes the same weights); without a half-life every row weighs 1,000,000.
    """
    if half_life is None:
        return str(PPM)
    h = int(half_life)
    halvings = f"least(({age}) // {h}, {MAX_HALVINGS})"
    base = f"({PPM} >> {halvings})"
    return f"({base} - {base} * (({age}) % {h}) // {2 * h})"
