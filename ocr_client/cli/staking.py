"""``ocr stake deposit|unstake|withdraw|status`` and ``ocr slash submit``.

Operators sign with their transmitter account: a V3 keystore (``--keystore``, e.g. the
``oracle-<i>.transmitter.json`` that ``ocr keys new`` writes, with ``--password-file`` or
``OCR_KEYSTORE_PASSWORD``), or ``--private-key-file`` / ``OCR_PRIVATE_KEY`` like every chain
command (a managed anvil falls back to its dev key). Amounts are in the token's base units.
Wire into the main parser with :func:`add_stake_parser` / :func:`add_slash_parser`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount

from ocr_client.chain.session import load_account, open_session
from ocr_client.cli.types import positive
from ocr_client.committee.files import load_key_json, load_password
from ocr_client.errors import KeyFileError, OCRError
from ocr_client.protocol.persistence import SqliteNodeStore
from ocr_client.staking.contract import StakingContract
from ocr_client.staking.evidence import EquivocationEvidence
from ocr_client.staking.submitter import submit


def _account_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--staking", required=True, metavar="ADDR", help="the OracleStaking contract")
    p.add_argument("--rpc-url", default=None, help="JSON-RPC URL (default: $OCR_RPC_URL or the managed anvil)")
    p.add_argument("--keystore", default=None, help="V3 keystore of the account (e.g. oracle-0.transmitter.json)")
    p.add_argument("--password-file", default=None, help="keystore password file (default: $OCR_KEYSTORE_PASSWORD)")
    p.add_argument("--private-key-file", default=None, help="file with the account's hex private key")
    p.add_argument("--json", action="store_true", help="print one JSON document")


def add_stake_parser(subparsers: Any) -> None:
    """Add ``stake`` and its subcommands."""
    stake = subparsers.add_parser("stake", help="stake on a feed's OracleStaking contract as a committee member")
    sub = stake.add_subparsers(dest="stake_command", required=True)
    for name, text in (("deposit", "approve and stake AMOUNT tokens"),
                       ("unstake", "start unbonding AMOUNT (still slashable until withdrawn)")):
        p = sub.add_parser(name, help=text)
        _account_options(p)
        p.add_argument("--amount", type=positive, required=True, help="tokens, in base units")
    _account_options(sub.add_parser("withdraw", help="take back unbonded stake after the unbonding period"))
    status = sub.add_parser("status", help="an account's active and unbonding stake")
    _account_options(status)
    status.add_argument("--account", default=None, help="address to show (default: the signing account)")


def add_slash_parser(subparsers: Any) -> None:
    """Add ``slash submit`` and ``slash export``."""
    slash = subparsers.add_parser("slash", help="prove an equivocation to an OracleStaking contract")
    sub = slash.add_subparsers(dest="slash_command", required=True)
    p = sub.add_parser("submit", help="send one evidence file; exits 0 if slashed or already slashed")
    _account_options(p)
    p.add_argument("--evidence", required=True, help="evidence JSON (ocr slash export, or a node's store)")
    export = sub.add_parser("export", help="write a node store's evidence as JSON files")
    export.add_argument("--store", required=True, help="the node's SQLite store")
    export.add_argument("--feed", required=True, help="the feed the node reports to")
    export.add_argument("--out", required=True, help="folder for evidence-<epoch>-<round>-<oracle>.json")


def signing_account(args: argparse.Namespace, allow_dev_key: bool) -> LocalAccount:
    """The account from --keystore (V3), else --private-key-file / OCR_PRIVATE_KEY / dev key."""
    if args.keystore is None:
        return load_account(args.private_key_file, allow_dev_key)
    password = load_password(args.password_file)
    if password is None:
        raise KeyFileError(f"{args.keystore} is a keystore: give --password-file or set OCR_KEYSTORE_PASSWORD")
    data = load_key_json(Path(args.keystore))
    try:
        key = Account.decrypt(data, password)
    except (ValueError, TypeError, KeyError) as exc:
        raise KeyFileError(f"{args.keystore}: cannot decrypt ({exc})") from None
    account: LocalAccount = Account.from_key(key)
    return account


def _open(args: argparse.Namespace) -> tuple[StakingContract, LocalAccount]:
    session = open_session(args.rpc_url)
    return StakingContract(session.w3, args.staking), signing_account(args, session.managed)


def _print(args: argparse.Namespace, data: dict[str, Any], line: str) -> None:
    print(json.dumps(data) if args.json else line)


def run_stake(args: argparse.Namespace) -> None:
    staking, account = _open(args)
    command = args.stake_command
    if command == "status":
        status = staking.status(args.account or account.address)
        _print(args, status.as_json(), f"{status.account}: active {status.active}, unbonding {status.unbonding}"
                                       f" (unlocks at {status.unlocks_at}), oracle {status.oracle}")
        return
    if command == "deposit":
        receipt = staking.stake(account, args.amount)
    elif command == "unstake":
        receipt = staking.request_unstake(account, args.amount)
    else:
        receipt = staking.withdraw(account)
    tx = "0x" + bytes(receipt["transactionHash"]).hex()
    status = staking.status(account.address)
    _print(args, {"tx": tx, **status.as_json()},
           f"{command}: tx {tx}; active {status.active}, unbonding {status.unbonding}")


def run_slash(args: argparse.Namespace) -> None:
    if args.slash_command == "export":
        _export(args)
        return
    evidence = EquivocationEvidence.read(Path(args.evidence))
    staking, account = _open(args)
    result = submit(staking, account, evidence)
    if result.outcome == "refused":
        raise OCRError(f"proof refused: {result.error}")
    data = {"outcome": result.outcome, "tx": result.tx, "oracle": evidence.oracle,
            "evidence_hash": "0x" + evidence.evidence_hash.hex()}
    _print(args, data, f"{result.outcome}: oracle {evidence.oracle} at ({evidence.epoch}, {evidence.round})"
                       + (f", tx {result.tx}" if result.tx else ""))


def _export(args: argparse.Namespace) -> None:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    store = SqliteNodeStore(Path(args.store))
    try:
        records = store.evidence()
    finally:
        store.close()
    for record in records:
        evidence = EquivocationEvidence.from_conflict(args.feed, record.conflict)
        evidence.write(out / f"evidence-{evidence.epoch}-{evidence.round}-{evidence.oracle}.json")
    print(f"wrote {len(records)} evidence file(s) to {out}")
