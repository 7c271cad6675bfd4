"""Local accounts: anvil's well-known development keys, and keys read from files or the environment."""

from __future__ import annotations

from functools import lru_cache

from eth_account import Account
from eth_account.signers.local import LocalAccount

from ocr_client.chain.anvil import DEFAULT_MNEMONIC

Account.enable_unaudited_hdwallet_features()


@lru_cache(maxsize=64)
def dev_account(index: int) -> LocalAccount:
    """Account ``index`` of anvil's default mnemonic: funded on a managed anvil, worthless anywhere else."""
    account: LocalAccount = Account.from_mnemonic(DEFAULT_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
    return account
