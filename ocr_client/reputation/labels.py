"""Small user files: weights (metric -> weight), operators (operator -> addresses), tags (feed ->
categories). TOML or JSON, chosen by the file's suffix (.toml, else JSON); each problem is one
:class:`InputFileError` naming the file and the entry.
"""

from __future__ import annotations

import json
import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ocr_client.reputation.errors import InputFileError


def read_mapping(path: str | Path, what: str) -> dict[str, Any]:
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise InputFileError(f"cannot read {what} file {path}: {exc.strerror}") from None
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        kind = "TOML" if path.suffix.lower() == ".toml" else "JSON"
        raise InputFileError(f"{what} file {path} is not valid {kind}: {exc}") from None
    if not isinstance(data, dict):
        raise InputFileError(f"{what} file {path} must hold one table/object, got {type(data).__name__}")
    return data


def read_weights(path: str | Path, known: tuple[str, ...]) -> dict[str, Decimal]:
    """metric -> weight; an unknown metric, a negative or non-numeric weight, or all zero is an error."""
    data = read_mapping(path, "weights")
    weights: dict[str, Decimal] = {}
    for name, raw in data.items():
        if name not in known:
            raise InputFileError(f"weights file {path}: unknown metric {name!r} (known: {', '.join(known)})")
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise InputFileError(f"weights file {path}: weight of {name!r} must be a number, got {raw!r}")
        try:
            weight = Decimal(str(raw))
        except InvalidOperation:
            raise InputFileError(f"weights file {path}: weight of {name!r} must be a number, got {raw!r}") from None
        if not weight.is_finite() or weight < 0:
            raise InputFileError(f"weights file {path}: weight of {name!r} must be a non-negative number, got {raw!r}")
        weights[name] = weight
    if not any(weights.values()):
        raise InputFileError(f"weights file {path}: every weight is zero; give at least one metric a weight")
    return weights


def _address(text: object, path: Path, what: str) -> str:
    value = str(text).strip().lower()
    if not (value.startswith("0x") and len(value) == 42 and all(c in "0123456789abcdef" for c in value[2:])):
        raise InputFileError(f"{what} file {path}: {text!r} is not an address")
    return value


def read_operators(path: str | Path) -> dict[str, str]:
    """address -> operator, from ``{"operator": ["0xaddr", ...]}``; an address under two operators is an error."""
    path = Path(path)
    data = read_mapping(path, "operators")
    owner: dict[str, str] = {}
    for operator, addresses in data.items():
        if isinstance(addresses, str):
            addresses = [addresses]
        if not isinstance(addresses, list) or not addresses:
            raise InputFileError(f"operators file {path}: {operator!r} must list one or more addresses")
        for raw in addresses:
            address = _address(raw, path, "operators")
            if owner.get(address, operator) != operator:
                raise InputFileError(f"operators file {path}: {address} is claimed by {owner[address]!r} and {operator!r}")
            owner[address] = str(operator)
    return owner


def read_tags(path: str | Path) -> dict[str, tuple[str, ...]]:
    """feed -> categories, from ``{"0xfeed": ["crypto", "majors"]}`` (a hub's feed as ``0xhub/2``)."""
    path = Path(path)
    data = read_mapping(path, "tags")
    tags: dict[str, tuple[str, ...]] = {}
    for feed, categories in data.items():
        base, _, sub = str(feed).partition("/")
        key = _address(base, path, "tags") + (f"/{int(sub)}" if sub.isdigit() else "")
        if isinstance(categories, str):
            categories = [categories]
        if not isinstance(categories, list) or not all(isinstance(c, str) and c for c in categories):
            raise InputFileError(f"tags file {path}: {feed!r} must list category names")
        tags[key] = tuple(categories)
    return tags
