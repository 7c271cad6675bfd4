"""Send ether from an ape account to a transmitter (an ape alias or an address), so it can pay for reports.

    ape run fund_account --network ethereum:local:foundry --account TEST::0 --to oracle1 --ether 1 [--json]
"""

from __future__ import annotations

import click

from ocr_client.apeworx.accounts import address_of, load_account
from ocr_client.apeworx.feed import connected_chain
from ocr_client.apeworx.options import account_option, emit, json_option, network_option, one_line_errors, script_command
from ocr_client.errors import ApeScriptError

WEI_PER_ETHER = 10**18


@script_command()
@network_option()
@account_option()
@click.option("--to", "recipient", required=True, help="an ape account alias or an address")
@click.option("--ether", type=float, required=True, help="how much to send")
@json_option()
@one_line_errors
def cli(alias: str, recipient: str, ether: float, as_json: bool) -> None:
    if not ether > 0:
        raise ApeScriptError(f"--ether must be more than 0, got {ether}")
    connected_chain()
    to = address_of(recipient)
    payer = load_account(alias)
    receipt = payer.transfer(to, round(ether * WEI_PER_ETHER))
    result = {"from": str(payer.address), "to": to, "wei": round(ether * WEI_PER_ETHER), "tx": str(receipt.txn_hash)}
    emit(as_json, result, f"sent {ether} ether from {result['from']} to {to}")
