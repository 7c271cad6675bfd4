"""Helpers for dApp developers' tests: a real feed on a local chain, signed by a real committee."""

from ocr_client.testing.local_feed import LocalFeed, SignedTransmit

__all__ = ["LocalFeed", "SignedTransmit"]
