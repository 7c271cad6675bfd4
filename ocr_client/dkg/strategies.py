"""Ways a node can misbehave on purpose, for tests, benchmarks and ``ocr keys dkg --fault``.

Each strategy changes only how a node acts as a *dealer* (``false-complaint`` as a responder); as a
recipient it stays honest, so even a misbehaving node ends with a valid share of the group key.
"""

from __future__ import annotations

from enum import StrEnum

from ocr_client.dkg.errors import DkgParameterError


class Strategy(StrEnum):
    BAD_SHARE = "bad-share"  # wrong share for one recipient, then an honest reveal convicts it
    BAD_COMMITMENT = "bad-commitment"  # commitments of another polynomial: every share mismatches
    SILENT = "silent"  # never deals (nor justifies)
    EQUIVOCATE = "equivocate"  # two different signed deals, one per half of the committee
    BAD_JUSTIFICATION = "bad-justification"  # wrong share for one recipient, then reveals a wrong key
    FALSE_COMPLAINT = "false-complaint"  # deals honestly but complains about every other dealer
    EQUIVOCATE_RESPONSE = "equivocate-response"  # complains about dealer (i+1) mod n to half, OK to the rest
    EQUIVOCATE_JUSTIFICATION = "equivocate-justification"  # two different signed justifications, one per half


#: The dealer strategies (what ``--fault`` offers); each gets its dealer excluded on its own.
#: (``equivocate-justification`` needs a complaint to justify, so it is a test-only strategy.)
DEALER_FAULTS: tuple[str, ...] = tuple(
    s.value for s in Strategy
    if s not in (Strategy.FALSE_COMPLAINT, Strategy.EQUIVOCATE_RESPONSE, Strategy.EQUIVOCATE_JUSTIFICATION)
)


def parse_strategy(name: str) -> Strategy:
    try:
        return Strategy(name)
    except ValueError:
        raise DkgParameterError(
            f"unknown misbehaviour {name!r}; choose one of: {', '.join(s.value for s in Strategy)}"
        ) from None
