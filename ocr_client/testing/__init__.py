"""Helpers for dApp developers' tests: a real feed on a local chain, signed by a real committee.

The pytest fixtures are in :mod:`.pytest_plugin` (registered through the ``pytest11`` entry point).
"""

from ocr_client.local.feed import LocalFeed, SignedTransmit

__all__ = ["LocalFeed", "SignedTransmit"]
