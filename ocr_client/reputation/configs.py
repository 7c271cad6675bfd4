"""Which address is oracle i under a given config: the decoders' one piece of chain state.

Observations name their oracle by index; the index means an address only under the config whose
digest the report carries. Oracle identity is the transmitter address (it signs every transmit
transaction and is listed in every format's ConfigSet).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ConfigBook:
    """(contract, config digest) -> transmitter address of each oracle index, lowercase hex."""

    transmitters: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    def add(self, contract: str, digest: str, transmitters: tuple[str, ...]) -> None:
        self.transmitters[(contract, digest)] = transmitters

    def oracles(self, contract: str, digest: str) -> tuple[str, ...] | None:
        return self.transmitters.get((contract, digest))
