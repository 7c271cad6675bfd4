"""A feed's committee configuration, validated and digested exactly as ``OCRFeed.setConfig`` does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from eth_abi import encode
from eth_utils import keccak, to_checksum_address

from ocr_client.errors import ConfigError
from ocr_client.report.layout import INT192_MAX, INT192_MIN

MAX_ORACLES: Final[int] = 255
G2_LENGTH: Final[int] = 256
CONFIG_DIGEST_PREFIX: Final[bytes] = bytes.fromhex("0b15")
#: ABI type of the IOCRFeed.Config struct.
CONFIG_TUPLE_TYPE: Final[str] = "(uint8,uint8,bytes,bytes[],address[],int192,int192)"


@dataclass(frozen=True)
class OnchainConfig:
    """What setConfig takes. Oracle i has public share i and transmitter i; n = len(transmitters)."""

    f: int
    threshold: int
    group_public_key: bytes
    public_shares: tuple[bytes, ...]
    transmitters: tuple[str, ...]
    min_answer: int
    max_answer: int

    @property
    def n(self) -> int:
        return len(self.transmitters)

    def as_tuple(self) -> tuple[object, ...]:
        """The ``IOCRFeed.Config`` struct as an ABI tuple (setConfig's argument)."""
        return (
            self.f, self.threshold, self.group_public_key, list(self.public_shares),
            [to_checksum_address(t) for t in self.transmitters], self.min_answer, self.max_answer,
        )


def check_committee(n: int, f: int, threshold: int) -> None:
    """3f < n and f+1 <= t <= n-f, as the contract requires; raise ConfigError naming the rule."""
    if not 1 <= n <= MAX_ORACLES:
        raise ConfigError(f"committee size n={n} must be between 1 and {MAX_ORACLES}")
    if f < 0 or 3 * f >= n:
        raise ConfigError(f"f={f} is too high for n={n}: Byzantine tolerance needs 3f < n")
    if not f + 1 <= threshold <= n - f:
        raise ConfigError(
            f"threshold t={threshold} must satisfy f+1 <= t <= n-f ({f + 1} <= t <= {n - f}) for n={n}, f={f}"
        )


def validate_config(config: OnchainConfig) -> None:
    """Everything setConfig checks that can be checked without a curve library."""
    check_committee(config.n, config.f, config.threshold)
    if len(config.public_shares) != config.n:
        raise ConfigError(f"{len(config.public_shares)} public shares for {config.n} oracles")
    if len(config.group_public_key) != G2_LENGTH:
        raise ConfigError(f"group public key must be {G2_LENGTH} bytes, got {len(config.group_public_key)}")
    for i, share in enumerate(config.public_shares):
        if len(share) != G2_LENGTH:
            raise ConfigError(f"public share {i} must be {G2_LENGTH} bytes, got {len(share)}")
    seen: set[str] = set()
    for t in config.transmitters:
        key = t.lower()
        if int(key, 16) == 0 or key in seen:
            raise ConfigError(f"transmitter {t} is zero or listed twice")
        seen.add(key)
    if not INT192_MIN <= config.min_answer < config.max_answer <= INT192_MAX:
        raise ConfigError(f"answer bounds must satisfy min < max within int192, got [{config.min_answer}, {config.max_answer}]")


def config_digest(chain_id: int, contract: str, config_count: int, config: OnchainConfig) -> bytes:
    """The digest OCRFeed computes: keccak of the ABI-encoded config, top two bytes = scheme prefix."""
    encoded = encode(
        ["uint256", "address", "uint64", CONFIG_TUPLE_TYPE],
        [chain_id, to_checksum_address(contract), config_count, config.as_tuple()],
    )
    return CONFIG_DIGEST_PREFIX + keccak(encoded)[2:]
