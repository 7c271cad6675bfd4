"""The names of the Byzantine strategies, in the order the protocol and reputation issues list them.

Kept apart from :mod:`ocr_client.protocol.byzantine` (which builds the behaviours and imports the
whole node) so that the CLI can offer them as ``--strategy`` choices without slowing ``--help``.
"""

from __future__ import annotations

from typing import Final

#: Carried out by the runner: the node is taken off the network (and, for crash-recover, restarted).
CRASH: Final[str] = "crash"
CRASH_RECOVER: Final[str] = "crash-recover"

STRATEGIES: Final[tuple[str, ...]] = (
    CRASH, CRASH_RECOVER, "lie-high", "lie-low", "lie-random", "equivocate", "withhold", "bad-share",
    "silent-leader", "partial-final", "epoch-flood", "garbage",
    # Valid messages, worthless data: what the reputation engine must catch (byzantine_data.py).
    "stale-source", "late", "bias", "copycat",
)
