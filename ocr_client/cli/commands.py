"""The ``ocr`` command line.

Every failure we anticipate is an :class:`OCRError`; it is printed as one line on stderr with
exit code 1 (2 for usage errors), never as a traceback. Output meant for programs is ``--json``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import requests
from web3.exceptions import TimeExhausted

from ocr_client.cli.keys_dkg import add_dkg_parser, run_keys_dkg
from ocr_client.cli.node import add_devnet_parser, add_node_parser, add_transmission_options, run_devnet, run_node
from ocr_client.cli.proxy import add_proxy_parser, run_proxy
from ocr_client.cli.staking import add_slash_parser, add_stake_parser, run_slash, run_stake
from ocr_client.cli.types import int_list, non_negative, positive, positive_float, probability
from ocr_client.errors import OCRError
from ocr_client.protocol.strategy_names import STRATEGIES
from ocr_client.reputation.cli import add_reputation_parser, run_reputation

EXIT_ERROR = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")
        raise SystemExit(EXIT_USAGE)


def _add_chain_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rpc-url", help="JSON-RPC endpoint (default: $OCR_RPC_URL, else the `ocr chain up` anvil)")
    p.add_argument("--private-key-file", help="file with a hex secp256k1 key (default: $OCR_PRIVATE_KEY)")
    p.add_argument("--json", action="store_true", help="print one JSON document")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ocr", description="Off-Chain Reporting feeds with BLS threshold signatures.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    demo = sub.add_parser("demo", help="run n in-process oracles against a feed on a managed anvil")
    demo.add_argument("--nodes", type=positive, default=4, help="committee size n (<= 255)")
    demo.add_argument("--faulty", type=non_negative, default=None, help="lying nodes (default f)")
    demo.add_argument("--rounds", type=positive, default=3)
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--rpc-url", help="use this chain instead of a managed anvil")
    demo.add_argument("--private-key-file", help="payer key when --rpc-url is given")
    demo.add_argument("--json", action="store_true", help="print one JSON document")
    demo.add_argument("--keys", help="run with this committee (folder from `ocr keys new`); --nodes is taken from it")
    demo.add_argument("--password-file", help="password for --keys (default: $OCR_KEYSTORE_PASSWORD)")
    demo.add_argument("--strategy", choices=STRATEGIES, default="lie-random",
                      help="Byzantine strategy of the --faulty nodes (default lie-random)")
    demo.add_argument("--drop", type=probability, default=0.0, help="probability that a message is lost (0-1)")
    demo.add_argument("--trace", action="store_true",
                      help="after each round, say who led, observed, signed and transmitted (stderr with --json)")
    demo.add_argument("--mode", choices=["threshold", "accountable"], default="threshold",
                      help="threshold: one group key; accountable: per-oracle keys and a signer bitmap")
    demo.add_argument("--reputation", action="store_true",
                      help="end with the feed's reputation ranking, indexed from the chain over RPC and scored "
                           "(with --json: under \"reputation\")")
    demo.add_argument("--reputation-db", help="keep that reputation database here (default: a temporary file)")

    chain = sub.add_parser("chain", help="a managed anvil in the background")
    chain.add_argument("action", choices=["up", "down", "status"])
    chain.add_argument("--json", action="store_true")

    committee = sub.add_parser("committee", help="committee keys (trusted dealer)")
    committee.add_argument("action", choices=["new"])
    committee.add_argument("--nodes", type=positive, required=True)
    committee.add_argument("--f", type=non_negative, default=None, help="faults tolerated (default (n-1)//3)")
    committee.add_argument("--threshold", type=positive, default=None, help="signatures needed (default f+1)")
    committee.add_argument("--seed", type=int, default=None, help="derive keys from a seed (tests only)")
    committee.add_argument("--out", required=True, help="folder for committee.json and oracle-<i>.json")
    committee.add_argument("--json", action="store_true")

    keys = sub.add_parser("keys", help="committee keys in password-protected keystores")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True, parser_class=_Parser)
    keys_new = keys_sub.add_parser("new", help="deal a committee into EIP-2335 / V3 keystores (trusted dealer)")
    keys_new.add_argument("--nodes", type=positive, required=True)
    keys_new.add_argument("--f", type=non_negative, default=None, help="faults tolerated (default (n-1)//3)")
    keys_new.add_argument("--threshold", type=positive, default=None, help="signatures needed (default f+1)")
    keys_new.add_argument("--out", required=True, help="folder for committee.json and the keystores")
    keys_new.add_argument("--kdf", choices=["scrypt", "pbkdf2"], default="scrypt")
    keys_inspect = keys_sub.add_parser("inspect", help="what a key file is, without printing any secret")
    keys_inspect.add_argument("file")
    keys_import = keys_sub.add_parser("import", help="move a plaintext committee folder into keystores")
    keys_import.add_argument("--from", dest="source", required=True, help="folder written by `ocr committee new`")
    keys_import.add_argument("--out", required=True, help="new folder for committee.json and the keystores")
    keys_import.add_argument("--kdf", choices=["scrypt", "pbkdf2"], default="scrypt")
    for p in (keys_new, keys_inspect, keys_import):
        p.add_argument("--password-file", help="file whose first line is the password (default: $OCR_KEYSTORE_PASSWORD)")
        p.add_argument("--json", action="store_true")
    add_dkg_parser(keys_sub)
    add_node_parser(sub)
    add_devnet_parser(sub)
    add_stake_parser(sub)
    add_slash_parser(sub)
    add_reputation_parser(sub)
    add_proxy_parser(sub)

    deploy = sub.add_parser("deploy", help="deploy an OCRFeed")
    deploy.add_argument("--decimals", type=int, default=8)
    deploy.add_argument("--description", default="ETH / USD")
    _add_chain_options(deploy)

    set_config = sub.add_parser("set-config", help="install a committee on a feed")
    set_config.add_argument("--feed", required=True)
    set_config.add_argument("--committee", required=True, help="path to committee.json")
    set_config.add_argument("--min-answer", type=int, default=1)
    set_config.add_argument("--max-answer", type=int, default=10**30)
    _add_chain_options(set_config)

    push = sub.add_parser("push", help="sign a value with a committee's keys and transmit it")
    push.add_argument("--feed", required=True)
    push.add_argument("--keys", required=True, help="folder written by `ocr committee new`")
    push.add_argument("--value", type=float, required=True, help="price in units (scaled by decimals)")
    push.add_argument("--password-file", dest="keystore_password_file",
                      help="password for keystores in --keys (default: $OCR_KEYSTORE_PASSWORD)")
    push.add_argument("--tx-store", default=None,
                      help="SQLite file of the transmitter's nonces and transactions (default: .ocr/txm.sqlite)")
    push.add_argument("--timeout", type=positive_float, default=120.0,
                      help="give up after this many seconds (a fee cap below the base fee waits this long)")
    push.add_argument("--fund-transmitter", action="store_true",
                      help="first send the transmitter 1 ETH from --private-key-file's account if it has under 0.5 "
                           "(always done on the `ocr chain up` anvil)")
    add_transmission_options(push)
    _add_chain_options(push)

    gas = sub.add_parser("gas", help="gas benchmarks and forge-format gas snapshots")
    gas_sub = gas.add_subparsers(dest="gas_command", required=True, parser_class=_Parser)
    bench = gas_sub.add_parser("bench", help="every scheme's gas per report, side by side, on one anvil")
    bench.add_argument("--nodes", type=int_list, default=[4, 10, 19, 31, 64, 100], help="comma-separated n values")
    bench.add_argument("--feeds", type=int_list, default=[1], help="comma-separated feeds per report")
    bench.add_argument("--json", action="store_true", help="print one JSON document")
    bench.add_argument("--plot", help="write a PNG of gas per report against n")
    snap = gas_sub.add_parser("snapshot", help="write .gas-snapshot, or compare with it")
    snap.add_argument("--file", default=".gas-snapshot", help="snapshot file (forge's line format)")
    mode = snap.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if gas drifted beyond --tolerance")
    mode.add_argument("--diff", action="store_true", help="show changes without failing or writing")
    snap.add_argument("--tolerance", type=float, default=0.0, help="allowed drift in percent (with --check)")

    read = sub.add_parser("read", help="latest answer, round and staleness of a feed")
    read.add_argument("--feed", required=True)
    read.add_argument("--round", type=positive, default=None, help="a past round instead of the latest")
    _add_chain_options(read)
    return parser


def _emit(args: argparse.Namespace, data: dict[str, Any], human: str) -> None:
    print(json.dumps(data) if getattr(args, "json", False) else human)


def _cmd_demo(args: argparse.Namespace) -> None:
    from ocr_client.accountable.local import LocalAccountableFeed
    from ocr_client.chain.session import load_account
    from ocr_client.cli.demo import RoundResult, run_demo
    from ocr_client.committee.files import load_password, read_committee
    from ocr_client.committee.local import default_f
    from ocr_client.local.base import LocalCommitteeFeed, on_chain
    from ocr_client.local.feed import LocalFeed

    committee = None
    if args.keys:
        if args.mode != "threshold":
            raise OCRError("--keys holds threshold key shares; it cannot run --mode accountable")
        committee = read_committee(Path(args.keys), load_password(args.password_file))
        args.nodes = committee.n
    f = committee.f if committee else default_f(args.nodes)
    faulty = f if args.faulty is None else args.faulty
    if faulty > args.nodes:
        raise OCRError(f"--faulty {faulty} exceeds --nodes {args.nodes}")
    owner = load_account(args.private_key_file, allow_dev_key=True) if args.rpc_url else None

    def show(r: RoundResult) -> None:
        if args.json:
            return
        ans = "-" if r.answer is None else _fmt(r.answer, 8)
        who = f"L{r.leader}" + (f" T{r.transmitter}" if r.transmitter is not None else "")
        signers = f" signers {r.signers}" if r.signers is not None else ""
        print(f"  {r.epoch:>5} {r.round:>5}  {ans:>14}  [{_fmt(r.honest_min, 8)}, {_fmt(r.honest_max, 8)}]"
              f"  {r.gas_used or '-':>8}  {who:<8} {r.status:<9} {r.error or ''}{signers}")

    local: LocalCommitteeFeed[Any, Any, Any]
    if args.mode == "accountable":
        local = on_chain(args.rpc_url, lambda w3, anvil: LocalAccountableFeed.deploy(
            w3, n=args.nodes, f=f, seed=args.seed, owner=owner, anvil=anvil))
    else:
        local = LocalFeed.start(n=args.nodes, f=f, seed=args.seed, rpc_url=args.rpc_url, owner=owner,
                                description="DEMO / USD", committee=committee)
    with local:
        if not args.json:
            print(f"feed {local.address} on chain {local.chain_id}: n={local.committee.n} f={f} "
                  f"t={local.committee.threshold}, mode {args.mode}, {faulty} faulty node(s) ({args.strategy}), "
                  f"message loss {args.drop:.0%}")
            print(f"  {'epoch':>5} {'round':>5}  {'answer':>14}  honest range{'':>20}  {'gas':>8}  "
                  f"{'who':<8} status")
        def trace(text: str) -> None:
            print(text, file=sys.stderr if args.json else sys.stdout)

        result = run_demo(local, args.rounds, faulty, args.seed, strategy=args.strategy, drop=args.drop,
                          mode=args.mode, on_round=show, on_trace=trace if args.trace else None,
                          chain_time=args.reputation and not args.rpc_url)
        document = result.to_json()
        if not args.json and len(result.rounds) < args.rounds:
            print(f"the feed paused: {len(result.rounds)} of {args.rounds} rounds completed "
                  "(more than f oracles faulty or unreachable)")
        if args.reputation:  # while the chain is still up
            if not args.json:
                print("\nfaulty oracles (the reputation engine is not told): " + (", ".join(
                    f"{i} {result.transmitters[i]}" for i in result.faulty_oracles) or "none"))
            document["reputation"] = _demo_reputation(local, args)
    if args.json:
        print(json.dumps(document))


def _demo_reputation(local: Any, args: argparse.Namespace) -> object:
    """The demo feed's ranking from the chain alone: ``ocr reputation index`` then ``score``."""
    from ocr_client.cli.demo_reputation import print_reputation, reputation_json

    rpc_url = args.rpc_url or local.rpc_url
    if rpc_url is None:
        raise OCRError("--reputation needs an HTTP JSON-RPC URL to index the demo's chain")
    if args.json:
        return reputation_json(_dispatch, rpc_url, local.address, args.reputation_db)
    print_reputation(_dispatch, rpc_url, local.address, args.reputation_db)
    return None


def _dispatch(argv: list[str]) -> None:
    """Run one ``ocr`` command line in this process (its errors propagate to the caller's handler)."""
    args = build_parser().parse_args(argv)
    COMMANDS[args.command](args)


def _fmt(value: int, decimals: int) -> str:
    return f"{value / 10**decimals:,.{min(decimals, 4)}f}"


def _cmd_chain(args: argparse.Namespace) -> None:
    from ocr_client.chain.session import chain_down, chain_up, state_file

    if args.action == "up":
        state = chain_up()
        _emit(args, state, f"anvil {state['rpc_url']} (chain {state['chain_id']}, pid {state['pid']})")
    elif args.action == "down":
        stopped = chain_down()
        _emit(args, {"stopped": stopped}, "anvil stopped" if stopped else "no managed anvil was running")
    else:
        path = state_file()
        try:
            state = json.loads(path.read_text()) if path.exists() else {}
        except ValueError:
            raise OCRError(f"{path} is corrupted; run `ocr chain down` to clear it") from None
        _emit(args, state, f"anvil {state['rpc_url']} pid {state['pid']}" if state else "no managed anvil")


def _cmd_committee(args: argparse.Namespace) -> None:
    from ocr_client.committee.files import write_committee
    from ocr_client.committee.local import LocalCommittee

    committee = LocalCommittee.create(args.nodes, args.f, args.threshold, seed=args.seed)
    path = write_committee(committee, Path(args.out))
    _emit(args, {"committee": str(path), "n": committee.n, "f": committee.f, "threshold": committee.threshold},
          f"wrote {path} and {committee.n} oracle secrets files: n={committee.n} f={committee.f} "
          f"t={committee.threshold}")


def _cmd_keys(args: argparse.Namespace) -> None:
    from ocr_client.committee.files import load_password, read_committee, write_committee
    from ocr_client.committee.local import LocalCommittee

    if args.keys_command == "dkg":
        run_keys_dkg(args)
        return
    password = load_password(args.password_file)
    if args.keys_command == "inspect":
        info = _inspect_key_file(Path(args.file), password)
        _emit(args, info, ", ".join(f"{k}: {v}" for k, v in info.items()))
        return
    if password is None:
        raise OCRError("keystores need a password: give --password-file or set OCR_KEYSTORE_PASSWORD")
    if args.keys_command == "new":
        committee = LocalCommittee.create(args.nodes, args.f, args.threshold, seed=None)
    else:
        committee = read_committee(Path(args.source))
    path = write_committee(committee, Path(args.out), password, args.kdf)
    _emit(args, {"committee": str(path), "n": committee.n, "f": committee.f, "threshold": committee.threshold},
          f"wrote {path} and {2 * committee.n} keystores: n={committee.n} f={committee.f} t={committee.threshold}")


def _inspect_key_file(path: Path, password: str | None) -> dict[str, object]:
    """Kind and public parts of a key file; with a password, whether it decrypts. Never a secret."""
    from eth_account import Account

    from ocr_client.committee.files import load_key_json
    from ocr_client.errors import KeyFileError
    from ocr_client.keys import KeystoreError, decrypt_secret_key, keystore_pubkey

    data = load_key_json(path)
    if not isinstance(data, dict):
        raise KeyFileError(f"{path} is not a key file")
    info: dict[str, object]
    if data.get("version") == 4 and "crypto" in data:
        pubkey = keystore_pubkey(data)
        info = {"kind": "eip-2335 bls keystore", "pubkey": pubkey.hex() if pubkey else None,
                "path": data.get("path"), "uuid": data.get("uuid")}
        if password is not None:
            try:
                decrypt_secret_key(data, password)
            except KeystoreError as exc:
                raise KeyFileError(f"{path}: {exc}") from None
            info["password"] = "ok"
    elif data.get("version") == 3 and "crypto" in data:
        info = {"kind": "web3 v3 keystore", "address": "0x" + str(data.get("address", "")).removeprefix("0x")}
        if password is not None:
            try:
                Account.decrypt(data, password)
            except ValueError:
                raise KeyFileError(f"{path}: wrong password or corrupted keystore") from None
            info["password"] = "ok"
    elif "kind" in data:
        info = {"kind": str(data["kind"])}
        for field in ("n", "f", "threshold", "index"):
            if field in data:
                info[field] = data[field]
        if "bls_secret_share" in data:
            info["warning"] = "plaintext secrets: move them into keystores with `ocr keys import`"
    else:
        raise KeyFileError(f"{path} is not a key file this ocr knows")
    return info


def _session_and_account(args: argparse.Namespace) -> tuple[Any, Any]:
    from ocr_client.chain.session import load_account, open_session

    session = open_session(args.rpc_url)
    return session, load_account(args.private_key_file, allow_dev_key=session.managed)


def _cmd_deploy(args: argparse.Namespace) -> None:
    from ocr_client.feed import Feed

    session, account = _session_and_account(args)
    feed = Feed.deploy(session.w3, account, args.decimals, args.description)
    _emit(args, {"feed": feed.address, "chain_id": session.info.chain_id, "owner": account.address},
          f"deployed OCRFeed at {feed.address} on chain {session.info.chain_id}")


def _cmd_set_config(args: argparse.Namespace) -> None:
    from ocr_client.committee.files import read_onchain_config
    from ocr_client.feed import Feed

    config = read_onchain_config(Path(args.committee), args.min_answer, args.max_answer)
    session, account = _session_and_account(args)
    feed = Feed(session.w3, args.feed)
    receipt = feed.set_config(account, config)
    count, _, digest = feed.config_details()
    _emit(args, {"feed": feed.address, "config_count": count, "config_digest": "0x" + digest.hex(),
                 "tx": "0x" + bytes(receipt["transactionHash"]).hex()},
          f"config {count} set on {feed.address}: digest 0x{digest.hex()}")


def _cmd_push(args: argparse.Namespace) -> None:
    from ocr_client.committee.files import load_password, read_committee
    from ocr_client.feed import Feed
    from ocr_client.local.feed import LocalFeed

    if not math.isfinite(args.value):
        raise OCRError(f"--value must be a finite number, got {args.value}")
    committee = read_committee(Path(args.keys), load_password(args.keystore_password_file))
    session, account = _session_and_account(args)
    feed = Feed(session.w3, args.feed)
    local = LocalFeed(session.w3, feed, committee, account)
    _, local.epoch, local.round = feed.latest_epoch_and_round()
    value = round(args.value * 10 ** feed.decimals())
    now = int(session.w3.eth.get_block("latest")["timestamp"])
    signed = local.signed_transmit(value, timestamps=[now] * committee.n)
    if session.managed or args.fund_transmitter:
        local.fund(signed.sender.address)
    record = push_transmit(session.rpc_url, session.info.chain_id, feed, signed.sender, signed.calldata,
                           signed.report, args)
    _emit(args, {"feed": feed.address, "answer": value, "epoch": signed.report.epoch,
                 "round": signed.report.round, "tx": record.mined_hash, "gas_used": record.gas_used,
                 "nonce": record.nonce, "fee_paid_wei": record.fee_paid_wei, "blocks_to_land": record.blocks_to_land},
          f"transmitted {args.value} (epoch {signed.report.epoch}, round {signed.report.round}), "
          f"gas {record.gas_used}, nonce {record.nonce}, {record.blocks_to_land} block(s) to land")


def push_transmit(rpc_url: str, chain_id: int, feed: Any, sender: Any, calldata: bytes, report: Any,
                  args: argparse.Namespace) -> Any:
    """Send one signed report through the transaction manager, with its nonces in a standalone store."""
    import logging

    from ocr_client.chain.fees import GWEI, FeeConfig
    from ocr_client.chain.nonces import SqliteTxStore
    from ocr_client.chain.report_guard import report_guard, report_key
    from ocr_client.chain.rpc_pool import RpcPool
    from ocr_client.chain.session import state_file
    from ocr_client.chain.transactions import GAS_MARGIN_DEN, GAS_MARGIN_NUM, estimate_gas
    from ocr_client.chain.txmanager import TxEvent, TxManager, TxmConfig, TxRequest

    # The revert a transmit would hit (no config, stale round...), decoded, before anything is paid.
    gas = estimate_gas(feed.w3, sender.address, feed.address, calldata) * GAS_MARGIN_NUM // GAS_MARGIN_DEN
    fees = FeeConfig(max_fee_per_gas=round((args.max_fee_per_gas or 100) * GWEI),
                     spend_limit_wei=round(args.spend_limit_per_report * 10**18) if args.spend_limit_per_report else None)
    path = Path(args.tx_store) if args.tx_store else state_file().with_name("txm.sqlite")
    path.parent.mkdir(parents=True, exist_ok=True)
    store = SqliteTxStore(path)
    logging.getLogger("ocr_client.chain").addHandler(logging.NullHandler())  # push says it in its own words

    def say(event: TxEvent) -> None:
        d = event.detail
        if event.kind == "fee-capped" and "base_fee_wei" in d:
            sys.stderr.write(f"ocr push: waiting: the fee cap {d['cap_wei'] / GWEI:g} gwei is below the base fee "
                             f"{d['base_fee_wei'] / GWEI:g} gwei (up to {args.timeout:g}s; raise --max-fee-per-gas "
                             "to pay more)\n")
        elif event.kind == "low-balance":
            sys.stderr.write(f"ocr push: warning: transmitter {event.address} has {d['balance_wei']} wei, enough for "
                             f"fewer than 10 transmits: fund it soon\n")

    try:
        txm = TxManager(RpcPool([rpc_url], expected_chain_id=chain_id), sender, store, chain_id,
                        TxmConfig(confirmations=args.confirmations or 1, fees=fees),
                        guard=report_guard(feed.latest_epoch_and_round), on_event=say)
        return txm.send_and_wait(TxRequest(feed.address, calldata, gas,
                                           key=report_key(report.config_digest, report.epoch, report.round)),
                                 timeout_s=args.timeout)
    finally:
        store.close()


def _cmd_read(args: argparse.Namespace) -> None:
    from ocr_client.chain.session import open_session
    from ocr_client.feed import Feed

    session = open_session(args.rpc_url)
    feed = Feed(session.w3, args.feed)
    data = feed.latest_round() if args.round is None else feed.round(args.round)
    decimals = feed.decimals()
    if data is None:
        _emit(args, {"feed": feed.address, "round_id": None, "answer": None},
              f"{feed.address}: no data yet" if args.round is None else f"round {args.round} does not exist")
        return
    now = int(session.w3.eth.get_block("latest")["timestamp"])
    age = now - data.updated_at
    _emit(args, {"feed": feed.address, "description": feed.description(), "decimals": decimals,
                 "round_id": data.round_id, "answer": data.answer, "started_at": data.started_at,
                 "updated_at": data.updated_at, "age_seconds": age},
          f"{feed.description()}: {_fmt(data.answer, decimals)} (round {data.round_id}, "
          f"updated {age}s ago at {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(data.updated_at))} UTC)")


def _cmd_gas(args: argparse.Namespace) -> None:
    if args.gas_command == "bench":
        _gas_bench(args)
    else:
        _gas_snapshot(args)


def _gas_bench(args: argparse.Namespace) -> None:
    from ocr_client.gas.bench import format_table, plot, progress_line, run_bench
    from ocr_client.gas.types import BenchResult

    tty = sys.stderr.isatty()

    def progress(done: int, total: int, result: BenchResult) -> None:
        # On a terminal one line rewritten in place; otherwise (CI logs) one short line each.
        line = progress_line(done, total, result)
        sys.stderr.write(f"\r\x1b[2K{line}" + ("\n" if done == total else "") if tty else line + "\n")
        sys.stderr.flush()

    report = run_bench(args.nodes, args.feeds, on_result=None if args.json else progress)
    if args.plot:
        plot(report, args.plot)
    print(json.dumps(report.to_json()) if args.json else format_table(report))


def _gas_snapshot(args: argparse.Namespace) -> None:
    from ocr_client.gas import snapshot as gas_snapshot
    from ocr_client.gas.entries import snapshot_entries
    from ocr_client.staking.gas import measure_snapshot_cases as staking_cases

    path = Path(args.file)
    if args.tolerance < 0:
        raise OCRError(f"--tolerance must not be negative, got {args.tolerance}")
    measured = dict(snapshot_entries())
    measured.update(staking_cases())
    if not (args.check or args.diff):
        gas_snapshot.write(path, measured)
        print(f"wrote {path} ({len(measured)} entries)")
        return
    if not path.exists():
        raise OCRError(f"{path} does not exist: run `ocr gas snapshot` to create it")
    result = gas_snapshot.compare(gas_snapshot.read(path), measured, args.tolerance)
    print(result.report() or f"no gas changes against {path}")
    if args.check and result.failed:
        raise SystemExit(EXIT_ERROR)


COMMANDS = {
    "demo": _cmd_demo, "chain": _cmd_chain, "committee": _cmd_committee, "deploy": _cmd_deploy,
    "set-config": _cmd_set_config, "push": _cmd_push, "read": _cmd_read, "gas": _cmd_gas, "keys": _cmd_keys,
    "node": run_node, "devnet": run_devnet, "reputation": run_reputation, "proxy": run_proxy,
    "stake": run_stake, "slash": run_slash,
}



def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        COMMANDS[args.command](args)
    except OCRError as exc:
        sys.stderr.write(f"ocr {args.command}: error: {exc}\n")
        return EXIT_ERROR
    except (requests.RequestException, TimeExhausted) as exc:
        # A node that stops answering mid-command (a timeout under load, a dropped connection) is
        # the user's RPC, not our bug: one line naming what failed, not a traceback.
        detail = str(exc).splitlines()[0] if str(exc) else "no detail"
        sys.stderr.write(f"ocr {args.command}: error: the RPC node stopped answering: {type(exc).__name__}: {detail}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write(f"ocr {args.command}: interrupted\n")
        return EXIT_ERROR
    return 0
