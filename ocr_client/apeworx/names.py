"""The names ape reads from the environment, written once (no ape import needed to use them)."""

from __future__ import annotations

from typing import Final

#: The prefix ape's local test accounts take in an account option (``TEST::0`` is the first).
TEST_ACCOUNT_PREFIX: Final[str] = "TEST::"


def passphrase_variable(alias: str) -> str:
    """The variable ape 0.8's keyfile accounts read their passphrase from, so nothing prompts.

    ape itself reads ``APE_ACCOUNTS_<alias>_PASSPHRASE`` when it unlocks an account (the alias as
    written, not upper-cased); the scripts read the same variable and fail early when it is unset.
    """
    return f"APE_ACCOUNTS_{alias}_PASSPHRASE"
