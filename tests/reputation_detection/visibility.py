"""Which Byzantine strategies leave a trace on-chain, per mode, and what that trace is.

Our transmissions carry every included observation with its observer and its own timestamp;
accountable mode adds the signer bitmap. A strategy is visible when it changes one of those (or
which transmitter sends). Everything else a node does (what it tells whom, what it signs that never
lands) stays off-chain.
"""

from __future__ import annotations

from typing import Final

from ocr_client.protocol.strategy_names import STRATEGIES

COPYCAT: Final[str] = "copycat"

#: strategy -> (threshold-mode trace, accountable-mode trace); None: nothing on-chain.
TRACE: Final[dict[str, tuple[str | None, str | None]]] = {
    "crash": ("never observes: inclusion 0", "never observes nor signs"),
    "crash-recover": ("misses the reports of its downtime: lower inclusion", "misses observing and signing while down"),
    "lie-high": ("observations far above the median", "same"),
    "lie-low": ("observations far below the median", "same"),
    "lie-random": ("observations anywhere up to 1000x the median", "same"),
    "equivocate": ("its second observation (2v+1) lands whenever it reaches the leader first", "same"),
    "withhold": (None, "never in the signer bitmap: signing rate 0"),
    "bad-share": (None, "its shares never verify, so never in the signer bitmap"),
    "silent-leader": (None, None),
    "partial-final": (None, None),
    "epoch-flood": (None, None),
    "garbage": ("sends no valid observation: inclusion 0", "no valid observation and no share"),
    "stale-source": ("repeats one value while the median moves", "same"),
    "late": ("timestamps two rounds behind, values off by the price's move", "same"),
    "bias": ("deviation from the median always of one sign (+5 bps)", "same"),
    COPYCAT: ("the same value as one other oracle in every report", "same"),
}

#: Why the invisible ones are: what would be needed to see them.
INVISIBLE_BECAUSE: Final[dict[str, str]] = {
    "withhold": "one group signature: the chain cannot tell whose shares made it",
    "bad-share": "one group signature: the chain cannot tell whose shares made it",
    "silent-leader": "the chain does not say who led an epoch (the leader order is keyed by the "
                     "committee's shared secret); its epochs simply produce no report",
    "partial-final": "the FINAL echo delivers the report anyway; nothing on-chain changes",
    "epoch-flood": "honest nodes ignore the flood (f+1 rule); reports and observations are as usual",
}
"""Why the invisible ones are. (Equivocation itself is invisible too: the conflicting messages go to
peers, and a leader combines shares over its own report only. What shows is the lie our
``equivocate`` tells in its second observation, which the network sometimes delivers first.)"""

RANKED: Final[tuple[str, ...]] = tuple(s for s in STRATEGIES if s != COPYCAT)
"""Strategies the engine must rank below every honest oracle (the copycat is flagged instead: its
values are good ones, only not its own)."""

assert set(TRACE) == set(STRATEGIES), "every strategy has a row"


def detectable(strategy: str, mode: str) -> bool:
    """Whether ``strategy`` leaves an on-chain trace in ``mode`` ("threshold" or "accountable")."""
    threshold, accountable = TRACE[strategy]
    return (accountable if mode == "accountable" else threshold) is not None
