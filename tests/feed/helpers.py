"""Small helpers for feed tests: expect a custom error from an eth_call."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ocr_client.errors import TransactionRevertedError


def expect_revert(action: Callable[[], object], error: str, *args: object) -> TransactionRevertedError:
    """Run ``action`` and assert it reverts with custom error ``error`` (and ``args`` when given)."""
    with pytest.raises(TransactionRevertedError) as info:
        action()
    assert info.value.error_name == error, f"expected {error}, got {info.value}"
    if args:
        assert info.value.error_args == args
    return info.value
