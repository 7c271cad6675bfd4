"""ape accounts for scripts that never prompt: an alias (or ``TEST::n``) and its passphrase variable.

``accounts.load(alias)`` finds an account imported with ``ape accounts import ALIAS``. A keyfile
account is locked; ape would prompt for its passphrase and again before every signature, which a
script run by cron or CI cannot answer. So the passphrase comes from ape's own variable
(:func:`~ocr_client.apeworx.names.passphrase_variable`), checked before anything is sent, and the
account is set to sign without asking for the rest of the run.
"""

from __future__ import annotations

import os
from typing import Any

from ape import accounts
from ape.exceptions import AccountsError
from web3 import Web3

from ocr_client.apeworx.names import TEST_ACCOUNT_PREFIX, passphrase_variable
from ocr_client.errors import ApeScriptError


def _find(alias: str) -> Any:
    if alias.startswith(TEST_ACCOUNT_PREFIX):
        return _test_account(alias)
    try:
        return accounts.load(alias)
    except (KeyError, ValueError):
        known = ", ".join(sorted(accounts.aliases)) or "none"
        raise ApeScriptError(
            f"no ape account with alias {alias!r} (known aliases: {known}); "
            f"import one with `ape accounts import {alias}`"
        ) from None


def address_of(alias_or_address: str) -> str:
    """A checksummed address, or the address of an ape account (no passphrase needed to know it)."""
    if Web3.is_address(alias_or_address):
        return str(Web3.to_checksum_address(alias_or_address))
    return str(_find(alias_or_address).address)


def load_account(alias: str) -> Any:
    """The ape account named ``alias``, unlocked for this run; one ApeScriptError line otherwise."""
    account = _find(alias)
    if getattr(account, "locked", False):
        variable = passphrase_variable(alias)
        passphrase = os.environ.get(variable)
        if not passphrase:
            raise ApeScriptError(f"ape account {alias!r} is locked: set {variable} to its passphrase (scripts never prompt)")
        try:
            account.set_autosign(True, passphrase=passphrase)
        except AccountsError:  # ape's InvalidPasswordError is one
            raise ApeScriptError(f"{variable} does not unlock ape account {alias!r} (wrong passphrase)") from None
    return account


def _test_account(alias: str) -> Any:
    """One of ape's local test accounts, for local networks (they are worthless anywhere else)."""
    index_text = alias.removeprefix(TEST_ACCOUNT_PREFIX)
    test_accounts = accounts.test_accounts
    if not index_text.isdigit() or int(index_text) >= len(test_accounts):
        raise ApeScriptError(f"no ape test account {alias!r}: use {TEST_ACCOUNT_PREFIX}0 to "
                             f"{TEST_ACCOUNT_PREFIX}{len(test_accounts) - 1}")
    return test_accounts[int(index_text)]
