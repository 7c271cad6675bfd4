"""Turn revert data into the name and values of the custom error our contracts declared."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from eth_abi import decode
from eth_utils import keccak, to_checksum_address

from ocr_client.chain.compiler import compile_contracts
from ocr_client.errors import TransactionRevertedError


def _abi_type(item: dict[str, Any]) -> str:
    kind = str(item["type"])
    if kind.startswith("tuple"):
        inner = ",".join(_abi_type(c) for c in item.get("components", []))
        return f"({inner}){kind[5:]}"
    return kind


def error_table(abis: Iterable[list[dict[str, Any]]]) -> dict[bytes, tuple[str, list[str]]]:
    """selector -> (error name, argument types) over every error in the given ABIs."""
    table: dict[bytes, tuple[str, list[str]]] = {
        keccak(text="Error(string)")[:4]: ("Error", ["string"]),
        keccak(text="Panic(uint256)")[:4]: ("Panic", ["uint256"]),
    }
    for abi in abis:
        for item in abi:
            if item.get("type") != "error":
                continue
            types = [_abi_type(i) for i in item.get("inputs", [])]
            selector = keccak(text=f"{item['name']}({','.join(types)})")[:4]
            table[selector] = (str(item["name"]), types)
    return table


@lru_cache(maxsize=1)
def project_error_table() -> dict[bytes, tuple[str, list[str]]]:
    """Every custom error declared anywhere under contracts/."""
    return error_table(a.abi for a in compile_contracts().values())


def decode_revert(data: bytes) -> tuple[str | None, tuple[Any, ...]]:
    """(name, args) of a revert; (None, ()) when the data matches no known error."""
    if len(data) < 4:
        return None, ()
    entry = project_error_table().get(data[:4])
    if entry is None:
        return None, ()
    name, types = entry
    try:
        values = decode(types, data[4:])
    except Exception:  # undecodable arguments still tell us which error it was
        return name, ()
    return name, tuple(to_checksum_address(v) if t == "address" else v for t, v in zip(types, values, strict=True))


def revert_error(data: bytes, tx_hash: str | None = None) -> TransactionRevertedError:
    """The exception to raise for revert ``data``."""
    name, args = decode_revert(data)
    return TransactionRevertedError(name, args, data, tx_hash)


def revert_data_from_exception(exc: BaseException) -> bytes | None:
    """The raw revert bytes web3 attached to an exception, if it carries any."""
    raw = getattr(exc, "data", None)
    if isinstance(raw, dict):
        raw = raw.get("data")
    if isinstance(raw, bytes):
        return raw
    if isinstance(raw, str):
        text = raw[2:] if raw.startswith("0x") else raw
        try:
            return bytes.fromhex(text)
        except ValueError:
            return None
    return None
