"""The rejection messages of anvil and geth-like nodes map to the handling classes."""

from __future__ import annotations

import pytest

from ocr_client.chain.tx_errors import SendErrorClass, classify_send_error


@pytest.mark.parametrize(("message", "kind"), [
    ("nonce too low", SendErrorClass.NONCE_TOO_LOW),
    ("nonce too low: next nonce 5, tx nonce 4", SendErrorClass.NONCE_TOO_LOW),
    ("replacement transaction underpriced", SendErrorClass.UNDERPRICED),
    ("already known", SendErrorClass.ALREADY_KNOWN),
    ("transaction already imported", SendErrorClass.ALREADY_KNOWN),  # anvil's wording
    ("Insufficient funds for gas * price + value", SendErrorClass.INSUFFICIENT_FUNDS),  # anvil
    ("insufficient funds for gas * price + value: balance 0, tx cost 42", SendErrorClass.INSUFFICIENT_FUNDS),  # geth
    ("max fee per gas less than block base fee", SendErrorClass.FEE_TOO_LOW),
    ("execution reverted", SendErrorClass.UNKNOWN),
])
def test_rejections_are_classified_by_their_message(message: str, kind: SendErrorClass) -> None:
    assert classify_send_error(message) is kind
