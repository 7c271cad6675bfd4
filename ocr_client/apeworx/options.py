"""The click options every ape script shares, and one readable line for every error we anticipate.

ape's own ``--network`` answers a typo with a usage banner and a list of every network; scripts
use a network option that answers in one line naming the bad choice and where to look instead.
Our errors (:class:`~ocr_client.errors.OCRError`) become click's one ``Error: ...`` line and exit 1.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, TypeVar

import click
from ape.cli import ConnectedProviderCommand
from ape.cli.choices import NetworkChoice
from ape.cli.options import NetworkOption

from ocr_client.errors import OCRError

F = TypeVar("F", bound=Callable[..., Any])


class OneLineNetworkChoice(NetworkChoice):  # type: ignore[misc]
    """ape's network choice, failing with one line rather than a usage banner and a list."""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as exc:
            reason = str(exc.message).splitlines()[0].removesuffix(" Options:").rstrip(".")
            raise click.ClickException(
                f"unknown ape network {value!r}: {reason}; `ape networks list` shows the choices") from None


def network_option() -> Callable[[F], F]:
    """``--network ECOSYSTEM:NETWORK:PROVIDER`` (default: the project's default network)."""
    option: Callable[[F], F] = click.option(cls=NetworkOption, type=OneLineNetworkChoice(case_sensitive=False))
    return option


def account_option() -> Callable[[F], F]:
    """``--account ALIAS``: an account imported with ``ape accounts import ALIAS``, or ``TEST::n``."""
    option: Callable[[F], F] = click.option(
        "--account", "alias", required=True, metavar="ALIAS",
        help="ape account alias (passphrase from APE_ACCOUNTS_<alias>_PASSPHRASE), or TEST::n on a local network")
    return option


def json_option() -> Callable[[F], F]:
    option: Callable[[F], F] = click.option("--json", "as_json", is_flag=True,
                                            help="print one JSON object per result instead of a sentence")
    return option


def one_line_errors(func: F) -> F:
    """Turn our anticipated errors into click's one ``Error: ...`` line (exit 1), never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except OCRError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def script_command() -> Callable[[F], Any]:
    """The ``cli`` command of a script: ape connects the chosen network before the body runs."""
    command: Callable[[F], Any] = click.command(cls=ConnectedProviderCommand)
    return command


def emit(as_json: bool, data: dict[str, Any], sentence: str) -> None:
    """One line of output: the JSON object, or the sentence."""
    click.echo(json.dumps(data) if as_json else sentence)
