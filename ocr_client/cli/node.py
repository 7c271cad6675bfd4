"""``ocr node`` (one oracle process) and ``ocr devnet`` (anvil + feed + N node processes).

Wire them into the main parser with :func:`add_node_parser` / :func:`add_devnet_parser` and
dispatch to :func:`run_node` / :func:`run_devnet`. Both return an exit code and raise
:class:`OCRError` for anticipated failures, which the caller prints as one line.
``python -m ocr_client.cli.node`` runs the same two commands without the main ``ocr`` parser; the
devnet starts its nodes that way so it does not depend on how the main CLI is assembled.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from ocr_client.cli.types import positive, positive_float
from ocr_client.errors import OCRError
from ocr_client.node.config import LOG_LEVELS
from ocr_client.signals import stop_on_signals

if TYPE_CHECKING:
    from ocr_client.committee.contract import RoundData
    from ocr_client.node.process import NodeProcess

#: Log levels ``--log-level`` accepts (the heavy node modules load only when a command runs).

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def add_node_parser(subparsers: Any) -> None:
    """Add ``node`` (``subparsers`` is argparse's subparsers action)."""
    p = subparsers.add_parser("node", help="run one oracle as its own process (ZeroMQ transport, real chain)")
    p.add_argument("--config", required=True, help="node config JSON (see ocr_client.node.config)")
    p.add_argument("--log-level", choices=LOG_LEVELS, type=str.upper, default=None,
                   help="overrides the config's log_level")
    p.add_argument("--slash-staking", metavar="ADDR", default=None,
                   help="submit equivocation evidence this node collects to the OracleStaking contract ADDR "
                        "(with the node's transmitter account); only one proof per offence lands")


def add_devnet_parser(subparsers: Any) -> None:
    """Add ``devnet`` (``subparsers`` is argparse's subparsers action)."""
    p = subparsers.add_parser("devnet", help="anvil + a feed + N oracle processes updating it, until Ctrl-C")
    p.add_argument("--nodes", type=positive, default=4, help="committee size n (f = (n-1)//3, t = f+1)")
    p.add_argument("--seed", type=int, default=None, help="derive every key from a seed (reproducible devnets)")
    p.add_argument("--dir", default=None, help="new or empty folder for keys, configs, stores and logs (default: a temp dir)")
    p.add_argument("--timeout-first-report", type=positive_float, default=60.0,
                   help="fail if no report lands within this many seconds")
    p.add_argument("--json", action="store_true",
                   help="print one JSON line once the first report has landed (progress goes to stderr)")
    p.add_argument("--block-time", type=positive, default=None,
                   help="interval mining: a block every N seconds, as on a testnet (default: a block per transaction)")
    p.add_argument("--rpc-url", action="append", default=None, metavar="URL",
                   help="run on this chain instead of a new anvil; repeat for several RPCs (needs --private-key-file)")
    p.add_argument("--private-key-file", help="deployer and funder key with --rpc-url (default: $OCR_PRIVATE_KEY)")
    p.add_argument("--fund-wei", type=positive, default=None, help="gas money sent to each transmitter")
    p.add_argument("--password-file", help="write the committee as keystores under this password "
                                           "(first line; default: $OCR_KEYSTORE_PASSWORD, else plaintext keys)")
    p.add_argument("--keys", default=None, help="run this committee (a folder from `ocr keys dkg` or `ocr keys new`; "
                                               "--nodes is taken from it) instead of dealing a new one")
    p.add_argument("--gas-limit", type=positive, default=None,
                   help="gas limit of each transmit (default 1,000,000; about 185,000 are used at n = 4)")
    p.add_argument("--heartbeat", type=positive_float, default=None, metavar="S",
                   help="report at least every S seconds (default 20; a testnet feed wants 3600)")
    p.add_argument("--deviation", type=positive_float, default=None, metavar="PCT",
                   help="report when the median moves by PCT percent (default 0.05)")
    add_transmission_options(p)


def add_transmission_options(p: Any) -> None:
    """The transaction-manager options ``ocr devnet`` and ``ocr push`` share."""
    p.add_argument("--confirmations", type=positive, default=None, help="K: a transmit counts once K blocks deep")
    p.add_argument("--max-fee-per-gas", type=positive_float, default=None, metavar="GWEI",
                   help="fee cap: never offer more than this per gas (default 100 gwei)")
    p.add_argument("--spend-limit-per-report", type=positive_float, default=None, metavar="ETH",
                   help="most one report may cost (gas limit x max fee stays within it)")


def transmission_section(args: argparse.Namespace) -> dict[str, Any]:
    """The node config ``transmission`` section from the shared options (only what was given)."""
    section: dict[str, Any] = {}
    if args.confirmations is not None:
        section["confirmations"] = args.confirmations
    if args.max_fee_per_gas is not None:
        section["max_fee_per_gas"] = round(args.max_fee_per_gas * 10**9)
    if args.spend_limit_per_report is not None:
        section["spend_limit_per_report"] = round(args.spend_limit_per_report * 10**18)
    if getattr(args, "gas_limit", None) is not None:
        section["gas_limit"] = args.gas_limit
    return section


def run_node(args: argparse.Namespace) -> int:
    from ocr_client.node.config import load_node_config, log_level_number
    from ocr_client.node.process import run_node_process

    """``ocr node --config FILE``: run until SIGINT/SIGTERM, then stop cleanly; 0 on a clean stop."""
    config = load_node_config(args.config)
    level = args.log_level or config.log_level
    logging.basicConfig(stream=sys.stderr, level=log_level_number(level), format=LOG_FORMAT, force=True)
    with stop_on_signals() as stop:
        run_node_process(config, stop, _evidence_submission(args.slash_staking))
    return 0


def _evidence_submission(staking_address: str | None) -> Callable[[NodeProcess], None] | None:
    """``--slash-staking ADDR``: once the node is open, submit its stored evidence on its clock."""
    if staking_address is None:
        return None

    def start(process: NodeProcess) -> None:
        from ocr_client.staking.contract import StakingContract
        from ocr_client.staking.watcher import EvidenceWatcher

        if process.w3 is None or process.account is None or process.store is None:
            raise OCRError("the node must be open before evidence submission starts")
        staking = StakingContract(process.w3, staking_address)
        EvidenceWatcher(process.store, staking, process.account, process.clock).start()

    return start


def run_devnet(args: argparse.Namespace) -> int:
    from ocr_client.node.devnet import Devnet, format_answer, solidity_snippet
    from ocr_client.node.provision import config_path

    """``ocr devnet``: start everything, report progress until SIGINT/SIGTERM, stop everything."""
    directory = Path(args.dir) if args.dir else None
    progress = sys.stderr if args.json else sys.stdout

    def say(text: str, out: Any = None) -> None:
        print(text, file=out or progress, flush=True)

    from dataclasses import replace

    from ocr_client.chain.session import load_account
    from ocr_client.committee.files import load_password, read_committee
    from ocr_client.node.devnet import DEVNET_FUNDING_WEI, DEVNET_TIMING

    owner = load_account(args.private_key_file, allow_dev_key=False) if args.rpc_url else None
    password = load_password(args.password_file)
    committee = read_committee(Path(args.keys), password) if args.keys else None
    timing = DEVNET_TIMING
    if args.heartbeat is not None:
        timing = replace(timing, delta_c=args.heartbeat)
    if args.deviation is not None:
        timing = replace(timing, alpha=args.deviation / 100)
    with stop_on_signals() as stop:
        devnet = Devnet(nodes=committee.n if committee else args.nodes, directory=directory, seed=args.seed,
                        timing=timing, block_time=args.block_time, rpc_urls=tuple(args.rpc_url or ()), owner=owner,
                        transmission=transmission_section(args) or None, password=password,
                        funding_wei=args.fund_wei or DEVNET_FUNDING_WEI, committee=committee)
        try:
            devnet.start()
            say(f"devnet: {devnet.n} oracles, files in {devnet.folder}")
            say(f"RPC URL: {devnet.rpc_url} (chain id {devnet.info()['chain_id']})")
            say(f"Feed:    {devnet.address} ({devnet.decimals} decimals)")
            say("Read it from Solidity (OCRFeed is an AggregatorV3Interface):")
            for line in solidity_snippet(devnet.address).splitlines():
                say(f"  {line}")
            ports = [json.loads(config_path(devnet.folder, i).read_text())["metrics_port"] for i in range(devnet.n)]
            say("Metrics: " + " ".join(f"http://127.0.0.1:{p}/metrics" for p in ports if p))
            say(f"waiting for the first report (up to {args.timeout_first_report:g}s)...")
            first = devnet.wait_for_round(0, args.timeout_first_report, stop)
            if first is None:
                return 0
            if args.json:
                say(json.dumps(devnet.info()), sys.stdout)

            def on_round(r: RoundData) -> None:
                say(f"round {r.round_id} answer {format_answer(r.answer, devnet.decimals)} age {r.age()}s")

            on_round(first)
            devnet.follow(on_round, stop, after=first.round_id)
            say("devnet: stopping")
        finally:
            devnet.stop()
    return 0


# --- python -m ocr_client.cli.node: how the devnet launches its node processes -------------------


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")
        raise SystemExit(2)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ocr_client.cli.node {node,devnet} ...``: the two commands with the CLI's error handling."""
    parser = _Parser(prog="ocr", description="oracle node processes")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    add_node_parser(sub)
    add_devnet_parser(sub)
    args = parser.parse_args(argv)
    run = run_node if args.command == "node" else run_devnet
    try:
        return run(args)
    except OCRError as exc:
        sys.stderr.write(f"ocr {args.command}: error: {exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write(f"ocr {args.command}: interrupted\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
