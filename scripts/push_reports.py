"""Push signed reports on an interval, transmitted from an ape account, until a count or a duration.

    ape run push_reports --network ethereum:local:foundry --account ALIAS --feed 0xFEED --keys keys/ \\
        (--value 3012.5 | --source '{"type": "random-walk", "seed": 1}') --interval 10 (--count N | --duration S) [--json]

Each push: every oracle of the committee in ``--keys`` observes the value, t of them sign the
report with their BLS shares, and the account (which must be one of the feed's transmitters, e.g.
``ape accounts import`` of an oracle's transmitter key) sends it. Keystore passwords come from
``--password-file`` or OCR_KEYSTORE_PASSWORD. Without ape: ``ocr push`` (one report).
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import click

from ocr_client.apeworx.accounts import load_account
from ocr_client.apeworx.feed import ape_web3, connected_chain, push_value
from ocr_client.apeworx.options import account_option, emit, json_option, network_option, one_line_errors, script_command
from ocr_client.apeworx.schedule import PushSchedule, run_schedule
from ocr_client.committee.files import load_password, read_committee
from ocr_client.errors import ApeScriptError, SourceConfigError
from ocr_client.feed import Feed
from ocr_client.sources.base import DataSource
from ocr_client.sources.config import source_from_config

SOURCE_READ_TIMEOUT_S = 5.0


def _source(spec: str) -> DataSource:
    """A data source from a JSON object, or from a file holding one (the node's source format)."""
    text = Path(spec).read_text() if not spec.lstrip().startswith("{") and Path(spec).is_file() else spec
    try:
        config = json.loads(text)
    except ValueError:
        raise SourceConfigError(f"--source is neither a JSON object nor a file holding one: {spec!r}") from None
    return source_from_config(config, clock=time.time)


@script_command()
@network_option()
@account_option()
@click.option("--feed", "feed_address", required=True)
@click.option("--keys", "keys_dir", required=True, type=click.Path(path_type=Path), help="the committee's key folder")
@click.option("--password-file", default=None, help="keystore password (first line); else OCR_KEYSTORE_PASSWORD")
@click.option("--value", type=float, default=None, help="a fixed price, in units (scaled by the feed's decimals)")
@click.option("--source", "source_spec", default=None, help="a data source as JSON, or a JSON file (read before each push)")
@click.option("--interval", type=float, default=10.0, show_default=True, help="seconds between pushes")
@click.option("--count", type=int, default=None, help="stop after this many pushes")
@click.option("--duration", type=float, default=None, help="stop after this many seconds")
@json_option()
@one_line_errors
def cli(alias: str, feed_address: str, keys_dir: Path, password_file: str | None, value: float | None,
        source_spec: str | None, interval: float, count: int | None, duration: float | None, as_json: bool) -> None:
    schedule = PushSchedule(interval=interval, count=count, duration=duration)
    if (value is None) == (source_spec is None):
        raise ApeScriptError("give exactly one of --value and --source")
    if value is not None and not math.isfinite(value):
        raise ApeScriptError(f"--value must be a finite number, got {value}")
    source = _source(source_spec) if source_spec is not None else None
    connected_chain()
    committee = read_committee(keys_dir, load_password(password_file))
    account = load_account(alias)
    decimals = Feed(ape_web3(), feed_address).decimals()

    def push(_: int) -> dict[str, Any]:
        price = float(source.read(SOURCE_READ_TIMEOUT_S)) if source is not None else value
        assert price is not None  # exactly one of --value and --source was given
        result = push_value(account, feed_address, committee, round(price * 10**decimals))
        emit(as_json, result, f"transmitted {price} (epoch {result['epoch']}, round {result['round']}), "
                              f"gas {result['gas_used']}, tx {result['tx']}")
        return result

    run_schedule(schedule, push)
