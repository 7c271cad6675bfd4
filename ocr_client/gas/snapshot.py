"""Gas snapshots in forge's line format: ``Contract:case (gas: N)``, one per line, sorted.

Gas is deterministic for fixed bytecode, hardfork, calldata and state, so CI can compare a run
with the committed ``.gas-snapshot`` and fail on drift either way. New and removed entries are
reported but never fail a check (users of forge asked for exactly that, foundry#3246).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from ocr_client.errors import OCRError

LINE: Final[re.Pattern[str]] = re.compile(r"^(?P<name>[^\s()]+:[^\s()]+(?:\([^)]*\))?) \(gas: (?P<gas>\d+)\)$")


class GasSnapshotError(OCRError, ValueError):
    """A snapshot file with a line that is not ``Contract:case (gas: N)``."""


def parse(text: str, source: str = "snapshot") -> dict[str, int]:
    """Entries of a snapshot file; blank lines are ignored, anything else malformed is an error."""
    entries: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = LINE.match(line.strip())
        if match is None:
            raise GasSnapshotError(f"{source}:{number}: not 'Contract:case (gas: N)': {line.strip()!r}")
        entries[match["name"]] = int(match["gas"])
    return entries


def render(entries: dict[str, int]) -> str:
    return "".join(f"{name} (gas: {gas})\n" for name, gas in sorted(entries.items()))


def read(path: Path) -> dict[str, int]:
    return parse(path.read_text(), str(path)) if path.exists() else {}


def write(path: Path, entries: dict[str, int]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(render(entries))
    os.replace(tmp, path)


@dataclass
class Comparison:
    """How measured gas differs from a snapshot."""

    changed: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (old, new), beyond tolerance
    within: dict[str, tuple[int, int]] = field(default_factory=dict)  # moved, but within tolerance
    added: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.changed)

    def report(self) -> str:
        lines = []
        for name, (old, new) in sorted(self.changed.items()):
            lines.append(f"{name}: {old} -> {new} ({new - old:+d}, {100 * (new - old) / old:+.3f}%)")
        for name, (old, new) in sorted(self.within.items()):
            lines.append(f"{name}: {old} -> {new} ({new - old:+d}, within tolerance)")
        lines += [f"{name}: new entry (gas: {gas})" for name, gas in sorted(self.added.items())]
        lines += [f"{name}: removed (was {gas})" for name, gas in sorted(self.removed.items())]
        return "\n".join(lines)


def compare(snapshot: dict[str, int], measured: dict[str, int], tolerance_pct: float = 0.0) -> Comparison:
    """Compare measured gas with a snapshot; drift beyond ``tolerance_pct`` either way is a change."""
    result = Comparison()
    for name, new in measured.items():
        old = snapshot.get(name)
        if old is None:
            result.added[name] = new
        elif old != new:
            bucket = result.changed if abs(new - old) * 100 > tolerance_pct * old else result.within
            bucket[name] = (old, new)
    result.removed = {name: gas for name, gas in snapshot.items() if name not in measured}
    return result
