"""Read a feed's latest answer (or a past round) through ape's provider.

    ape run read_feed --network ethereum:local:foundry --feed 0xFEED [--round N] [--json]

Without ape: ``ocr read``.
"""

from __future__ import annotations

import time

import click

from ocr_client.apeworx.feed import read_feed
from ocr_client.apeworx.options import emit, json_option, network_option, one_line_errors, script_command


@script_command()
@network_option()
@click.option("--feed", "feed_address", required=True)
@click.option("--round", "round_id", type=click.IntRange(min=1), default=None, help="a past round instead of the latest")
@json_option()
@one_line_errors
def cli(feed_address: str, round_id: int | None, as_json: bool) -> None:
    result = read_feed(feed_address, round_id)
    if result["answer"] is None:
        emit(as_json, result, f"{result['feed']}: no data yet" if round_id is None else f"round {round_id} does not exist")
        return
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(result["updated_at"]))
    answer = result["answer"] / 10 ** result["decimals"]
    emit(as_json, result, f"{result['description']}: {answer} (round {result['round_id']}, "
                          f"updated {result['age_seconds']}s ago at {when} UTC)")
