"""Every byte of a valid transmit's calldata matters: flipping any one (xor 0xff) is refused.

The expected error for each position comes from ``report.checks.first_violation``, the Python
statement of the contract's rules in the contract's order; the chain must agree at every byte.
"""

from __future__ import annotations

from collections import Counter

from ocr_client.chain.transactions import call
from ocr_client.crypto import get_backend
from ocr_client.errors import TransactionRevertedError
from ocr_client.report.checks import FeedState, first_violation
from ocr_client.testing import LocalFeed


def _state(local: LocalFeed) -> FeedState:
    digest, epoch, round_ = local.feed.latest_epoch_and_round()
    n, f, _ = local.feed.committee()
    lo, hi = local.feed.contract.functions.answerBounds().call()
    return FeedState(
        chain_id=local.chain_id, address=local.address, config_digest=digest, n=n, f=f,
        min_answer=lo, max_answer=hi, group_public_key=local.committee.group_public_key,
        latest_epoch=epoch, latest_round=round_,
        transmitters=tuple(local.feed.contract.functions.transmitters().call()),
    )


def test_flipping_any_calldata_byte_is_rejected_with_the_predicted_error(ocr_local_feed: LocalFeed) -> None:
    local = ocr_local_feed
    local.push(5000)
    signed = local.signed_transmit([4990, 5010, 5000, 5005], timestamps=[11, 12, 13, 14])
    state = _state(local)
    backend = get_backend()
    sender = signed.sender.address
    assert first_violation(signed.calldata, sender, state, backend) is None
    call(local.w3, sender, local.address, signed.calldata)  # the unflipped call is accepted

    seen: Counter[str] = Counter()
    for position in range(len(signed.calldata)):
        flipped = bytearray(signed.calldata)
        flipped[position] ^= 0xFF
        expected = first_violation(bytes(flipped), sender, state, backend)
        assert expected is not None, f"byte {position}: the Python rules accept the flipped calldata"
        try:
            call(local.w3, sender, local.address, bytes(flipped))
        except TransactionRevertedError as exc:
            got = exc.error_name or "UnknownSelector"
        else:
            raise AssertionError(f"byte {position}: the contract accepted the flipped calldata")
        assert got == expected.error, f"byte {position}: contract says {got}, rules say {expected.error}"
        seen[got] += 1
    # the flips exercise the whole rule list, not one catch-all error
    assert {"UnknownSelector", "ConfigDigestMismatch", "ReportLengthMismatch", "ObserverOutOfRange",
            "InvalidSignature", "MalformedPoint", "UnauthorizedTransmitter"} <= set(seen)
