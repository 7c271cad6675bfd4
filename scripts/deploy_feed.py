"""Deploy an unconfigured OCRFeed, owned by an ape account.

    ape run deploy_feed --network ethereum:local:foundry --account ALIAS [--decimals 8] [--description "ETH / USD"] [--json]

Next: ``ape run configure_feed`` with the printed address. Without ape: ``ocr deploy``.
"""

from __future__ import annotations

import click

from ocr_client.apeworx.accounts import load_account
from ocr_client.apeworx.feed import deploy_feed
from ocr_client.apeworx.options import account_option, emit, json_option, network_option, one_line_errors, script_command


@script_command()
@network_option()
@account_option()
@click.option("--decimals", type=click.IntRange(0, 36), default=8, show_default=True)
@click.option("--description", default="ETH / USD", show_default=True)
@json_option()
@one_line_errors
def cli(alias: str, decimals: int, description: str, as_json: bool) -> None:
    result = deploy_feed(load_account(alias), decimals, description)
    emit(as_json, result, f"deployed OCRFeed at {result['feed']} on chain {result['chain_id']} (owner {result['owner']})")
