"""``ocr proxy deploy|propose|confirm|read``: an AggregatorProxy from the command line.

Wire it into the main parser with :func:`add_proxy_parser` and dispatch ``proxy`` to
:func:`run_proxy`. Like every chain command: ``--rpc-url`` (or ``OCR_RPC_URL``),
``--private-key-file`` (or ``OCR_PRIVATE_KEY``; a managed anvil falls back to its dev key),
``--json`` for one JSON document.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from ocr_client.chain.session import Session, load_account, open_session
from ocr_client.cli.types import non_negative
from ocr_client.committee.contract import RoundData
from ocr_client.proxy.contract import ProxyHandle, split_round_id


def _chain_options(p: argparse.ArgumentParser, writes: bool) -> None:
    p.add_argument("--rpc-url", help="JSON-RPC endpoint (default: $OCR_RPC_URL, else the `ocr chain up` anvil)")
    if writes:
        p.add_argument("--private-key-file", help="file with a hex secp256k1 key (default: $OCR_PRIVATE_KEY)")
    p.add_argument("--json", action="store_true", help="print one JSON document")


def add_proxy_parser(subparsers: Any) -> None:
    """Add ``proxy`` and its four actions to the main ``ocr`` subcommands."""
    proxy = subparsers.add_parser("proxy", help="an AggregatorProxy: one address for consumers while feeds change")
    actions = proxy.add_subparsers(dest="proxy_command", required=True, parser_class=type(proxy))
    deploy = actions.add_parser("deploy", help="deploy a proxy whose phase 1 is --aggregator (you become its owner)")
    deploy.add_argument("--aggregator", required=True, help="the feed consumers read first (any AggregatorV2V3)")
    _chain_options(deploy, writes=True)
    for name, text in (("propose", "propose the next aggregator (owner only)"),
                       ("confirm", "make the proposed aggregator current: it opens the next phase (owner only)")):
        p = actions.add_parser(name, help=text)
        p.add_argument("--proxy", required=True)
        p.add_argument("--aggregator", required=True)
        _chain_options(p, writes=True)
    read = actions.add_parser("read", help="the newest round (or --round) through the proxy, with its phase")
    read.add_argument("--proxy", required=True)
    read.add_argument("--round", type=non_negative, default=None, help="a proxy round id (phaseId << 64 | round)")
    read.add_argument("--proposed", action="store_true", help="read the proposed aggregator's newest round instead")
    read.add_argument("--max-age", type=non_negative, default=None,
                      help="refuse an answer older than this many seconds, non-positive or incomplete "
                           "(the rules of contracts/consumer/FeedReader.sol)")
    _chain_options(read, writes=False)


def run_proxy(args: argparse.Namespace) -> None:
    """Dispatch ``ocr proxy ACTION``; failures are OCRErrors (one line, exit 1)."""
    session = open_session(args.rpc_url)
    if args.proxy_command == "read":
        _read(args, session)
        return
    account = load_account(args.private_key_file, allow_dev_key=session.managed)
    if args.proxy_command == "deploy":
        proxy = ProxyHandle.deploy(session.w3, account, args.aggregator)
        _emit(args, {"proxy": proxy.address, "aggregator": proxy.aggregator(), "phase_id": proxy.phase_id(),
                     "owner": account.address, "chain_id": session.info.chain_id},
              f"deployed AggregatorProxy at {proxy.address} on chain {session.info.chain_id}: phase 1 is "
              f"{proxy.aggregator()}")
        return
    proxy = ProxyHandle(session.w3, args.proxy)
    if args.proxy_command == "propose":
        receipt = proxy.propose(account, args.aggregator)
        _emit(args, {"proxy": proxy.address, "proposed": proxy.proposed_aggregator(), "phase_id": proxy.phase_id(),
                     "tx": _tx(receipt)},
              f"{proxy.address}: proposed {proxy.proposed_aggregator()} (still phase {proxy.phase_id()}, "
              f"{proxy.aggregator()})")
    else:
        receipt = proxy.confirm(account, args.aggregator)
        _emit(args, {"proxy": proxy.address, "aggregator": proxy.aggregator(), "phase_id": proxy.phase_id(),
                     "tx": _tx(receipt)},
              f"{proxy.address}: phase {proxy.phase_id()} is {proxy.aggregator()}")


def _read(args: argparse.Namespace, session: Session) -> None:
    proxy = ProxyHandle(session.w3, args.proxy)
    now = int(session.w3.eth.get_block("latest")["timestamp"])
    if args.max_age is not None and args.round is None and not args.proposed:
        data: RoundData | None = proxy.read(args.max_age, now)
    elif args.proposed:
        data = proxy.proposed_latest_round()
    else:
        data = proxy.latest_round() if args.round is None else proxy.round(args.round)
    base = {"proxy": proxy.address, "phase_id": proxy.phase_id(), "aggregator": proxy.aggregator()}
    if data is None:
        what = "no data yet" if args.round is None else f"round {args.round} does not exist"
        _emit(args, {**base, "round_id": None, "answer": None}, f"{proxy.address}: {what}")
        return
    phase, aggregator_round = split_round_id(data.round_id) if not args.proposed else (None, data.round_id)
    decimals = proxy.decimals()
    _emit(args, {**base, "round_id": data.round_id, "round_phase": phase, "aggregator_round_id": aggregator_round,
                 "answer": data.answer, "decimals": decimals, "started_at": data.started_at,
                 "updated_at": data.updated_at, "age_seconds": now - data.updated_at},
          f"{proxy.description()}: {data.answer / 10**decimals:,.{min(decimals, 4)}f} (round {data.round_id} = "
          f"{'proposed' if phase is None else f'phase {phase}'} round {aggregator_round}, "
          f"updated {now - data.updated_at}s ago)")


def _tx(receipt: Any) -> str:
    return "0x" + bytes(receipt["transactionHash"]).hex()


def _emit(args: argparse.Namespace, data: dict[str, Any], human: str) -> None:
    print(json.dumps(data) if args.json else human)
