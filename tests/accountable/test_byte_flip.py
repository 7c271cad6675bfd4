"""Every byte of a valid accountable transmit's calldata matters: flipping any one (xor 0xff), in the
report, the aggregate signature, the signer bitmap or the transmitter index, is refused.

The expected error for each position comes from ``accountable.checks.first_violation``, the Python
statement of AccountableFeed's rules in the contract's order; the chain must agree at every byte.
As in the threshold test (tests/feed/test_byte_flip.py) each variant is one eth_call at n = 4, so
all ~340 positions take a few seconds.
"""

from __future__ import annotations

from collections import Counter

from ocr_client.accountable.checks import AccountableFeedState, first_violation
from ocr_client.accountable.layout import BITMAP_LENGTH, TAIL_LENGTH
from ocr_client.accountable.local import AccountableSignedCall, LocalAccountableFeed
from ocr_client.chain.transactions import call
from ocr_client.crypto import get_backend
from ocr_client.errors import TransactionRevertedError
from ocr_client.report.layout import SIGNATURE_LENGTH


def _chain_error(local: LocalAccountableFeed, sender: str, calldata: bytes) -> str | None:
    """The custom error the contract reverts with (a revert without data is an unknown selector)."""
    try:
        call(local.w3, sender, local.address, calldata)
    except TransactionRevertedError as exc:
        return exc.error_name or "UnknownSelector"
    return None


def _signed(local: LocalAccountableFeed) -> AccountableSignedCall:
    local.push(5000)
    return local.signed_transmit([4990, 5010, 5000, 5005], timestamps=[11, 12, 13, 14])


def test_flipping_any_accountable_calldata_byte_is_rejected_with_the_predicted_error(
        local: LocalAccountableFeed) -> None:
    signed = _signed(local)
    state = AccountableFeedState.read(local.feed)
    backend = get_backend()
    sender = signed.sender.address
    assert first_violation(signed.calldata, sender, state, backend) is None
    assert _chain_error(local, sender, signed.calldata) is None  # the unflipped call is accepted

    seen: Counter[str] = Counter()
    for position in range(len(signed.calldata)):
        flipped = bytearray(signed.calldata)
        flipped[position] ^= 0xFF
        expected = first_violation(bytes(flipped), sender, state, backend)
        assert expected is not None, f"byte {position}: the Python rules accept the flipped calldata"
        got = _chain_error(local, sender, bytes(flipped))
        assert got is not None, f"byte {position}: the contract accepted the flipped calldata"
        assert got == expected.error, f"byte {position}: contract says {got}, rules say {expected.error}"
        seen[got] += 1
    # the flips exercise the whole rule list, not one catch-all error
    assert {"UnknownSelector", "ConfigDigestMismatch", "ReportLengthMismatch", "UnauthorizedTransmitter",
            "ObserverOutOfRange", "SignerBitmapOutOfRange", "ObservationsNotSorted", "WrongMedian",
            "MalformedPoint", "PrecompileFailed", "InvalidSignature"} <= set(seen)


def test_flipping_one_bit_of_the_signer_bitmap_is_rejected_with_the_predicted_error(
        local: LocalAccountableFeed) -> None:
    """A whole-byte flip of the bitmap always names an oracle past n; single bits below n reach the
    signer-count and signature rules (oracles 0 and 1 signed, t = 2, n = 4)."""
    signed = _signed(local)
    assert signed.signer_bitmap == 0b0011
    state = AccountableFeedState.read(local.feed)
    backend = get_backend()
    sender = signed.sender.address
    last_bitmap_byte = len(signed.calldata) - TAIL_LENGTH + SIGNATURE_LENGTH + BITMAP_LENGTH - 1
    errors = []
    for bit in range(8):
        flipped = bytearray(signed.calldata)
        flipped[last_bitmap_byte] ^= 1 << bit
        expected = first_violation(bytes(flipped), sender, state, backend)
        assert expected is not None
        assert _chain_error(local, sender, bytes(flipped)) == expected.error, f"bit {bit}"
        errors.append(expected.error)
    assert errors == ["TooFewSigners"] * 2 + ["InvalidSignature"] * 2 + ["SignerBitmapOutOfRange"] * 4
