"""The setConfig argument of AccountableFeed (IAccountableFeed.Config)."""

from __future__ import annotations

from dataclasses import dataclass

from ocr_client.errors import ConfigError
from ocr_client.report.config import check_committee


@dataclass(frozen=True)
class AccountableConfig:
    """Oracle i has ``public_keys[i]``, ``proofs[i]`` and ``transmitters[i]``."""

    f: int
    threshold: int
    public_keys: tuple[bytes, ...]
    proofs: tuple[bytes, ...]
    transmitters: tuple[str, ...]
    min_answer: int
    max_answer: int

    @property
    def n(self) -> int:
        return len(self.transmitters)

    def as_tuple(self) -> tuple[object, ...]:
        """The ABI tuple (f, threshold, publicKeys, proofsOfPossession, transmitters, min, max)."""
        return (self.f, self.threshold, list(self.public_keys), list(self.proofs), list(self.transmitters),
                self.min_answer, self.max_answer)


def validate_accountable_config(config: AccountableConfig) -> None:
    """The shape rules the contract applies, checked before spending gas (PoPs are the contract's job)."""
    check_committee(config.n, config.f, config.threshold)
    if len(config.public_keys) != config.n or len(config.proofs) != config.n:
        raise ConfigError(f"need one key and one proof per oracle: {len(config.public_keys)} keys, "
                          f"{len(config.proofs)} proofs, {config.n} transmitters")
    if config.min_answer >= config.max_answer:
        raise ConfigError(f"min_answer {config.min_answer} must be below max_answer {config.max_answer}")
