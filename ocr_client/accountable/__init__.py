"""Accountable mode: each oracle holds its own BLS key, registered with a proof of possession;
a report carries one aggregate signature plus a bitmap naming its signers (contracts/accountable/).

- :mod:`.keys`: proofs of possession and :class:`AccountableCommittee` (n independent keys);
- :mod:`.config`: the setConfig argument and its config digest (prefix 0x0b17), as the contract computes it;
- :mod:`.layout`: the transmit() calldata (report, aggregate signature, signer bitmap, index);
- :mod:`.checks`: the contract's transmit rules in its order (``first_violation``);
- :mod:`.contract`: :class:`AccountableFeedHandle`, a handle on a deployed AccountableFeed;
- :mod:`.local`: :class:`LocalAccountableFeed`, deploy + configure + sign + push in one process.

The gas-bench scheme "accountable-bls" is :mod:`ocr_client.gas.schemes.accountable`.
"""

from __future__ import annotations

from ocr_client.accountable.keys import (
    POP_DST,
    AccountableCommittee,
    aggregate_signatures,
    pop_prove,
    pop_verify,
)
from ocr_client.accountable.layout import bitmap_of, encode_accountable_calldata, signers_of

__all__ = [
    "POP_DST",
    "AccountableCommittee",
    "aggregate_signatures",
    "bitmap_of",
    "encode_accountable_calldata",
    "pop_prove",
    "pop_verify",
    "signers_of",
]
