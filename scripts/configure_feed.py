"""Install a committee on a feed from its public committee.json (``ocr keys dkg`` or ``ocr keys new`` wrote it).

    ape run configure_feed --network ethereum:local:foundry --account ALIAS --feed 0xFEED \\
        --committee keys/committee.json [--min-answer 1] [--max-answer 10**30] [--json]

The account must own the feed. Without ape: ``ocr set-config``.
"""

from __future__ import annotations

from pathlib import Path

import click

from ocr_client.apeworx.accounts import load_account
from ocr_client.apeworx.feed import configure_feed
from ocr_client.apeworx.options import account_option, emit, json_option, network_option, one_line_errors, script_command
from ocr_client.local.feed import DEFAULT_MAX_ANSWER, DEFAULT_MIN_ANSWER


@script_command()
@network_option()
@account_option()
@click.option("--feed", "feed_address", required=True, help="the OCRFeed address deploy_feed printed")
@click.option("--committee", "committee_json", required=True, type=click.Path(path_type=Path), help="committee.json")
@click.option("--min-answer", type=int, default=DEFAULT_MIN_ANSWER, show_default=True)
@click.option("--max-answer", type=int, default=DEFAULT_MAX_ANSWER, show_default=True)
@json_option()
@one_line_errors
def cli(alias: str, feed_address: str, committee_json: Path, min_answer: int, max_answer: int, as_json: bool) -> None:
    result = configure_feed(load_account(alias), feed_address, committee_json, min_answer, max_answer)
    emit(as_json, result, f"config {result['config_count']} set on {result['feed']}: digest {result['config_digest']}")
