"""A hub's committee configuration, validated and digested exactly as ``OCRMultiFeed.setConfig`` does.

The committee fields are a single feed's (see :mod:`ocr_client.report.config`); the bounds are
one pair per feed, and the digest prefix is 0x0b16 (a single feed's is 0x0b15).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from eth_abi import encode
from eth_utils import keccak, to_checksum_address

from ocr_client.committee.local import LocalCommittee
from ocr_client.errors import ConfigError
from ocr_client.multifeed.layout import MAX_FEEDS
from ocr_client.report.config import OnchainConfig, check_committee, validate_config
from ocr_client.report.layout import INT192_MAX, INT192_MIN

MULTI_CONFIG_DIGEST_PREFIX: Final[bytes] = bytes.fromhex("0b16")
#: ABI type of the IOCRMultiFeed.Config struct.
MULTI_CONFIG_TUPLE_TYPE: Final[str] = "(uint8,uint8,bytes,bytes[],address[],int192[],int192[])"


@dataclass(frozen=True)
class MultiFeedConfig:
    """What setConfig takes: a committee plus one (minAnswer, maxAnswer) per feed."""

    f: int
    threshold: int
    group_public_key: bytes
    public_shares: tuple[bytes, ...]
    transmitters: tuple[str, ...]
    min_answers: tuple[int, ...]
    max_answers: tuple[int, ...]

    @property
    def n(self) -> int:
        return len(self.transmitters)

    @property
    def k(self) -> int:
        return len(self.min_answers)

    @classmethod
    def for_committee(cls, committee: LocalCommittee, min_answers: Sequence[int],
                      max_answers: Sequence[int]) -> MultiFeedConfig:
        """The setConfig argument for a local committee."""
        single = committee.onchain_config(INT192_MIN, INT192_MAX)
        return cls(f=single.f, threshold=single.threshold, group_public_key=single.group_public_key,
                   public_shares=single.public_shares, transmitters=single.transmitters,
                   min_answers=tuple(min_answers), max_answers=tuple(max_answers))

    def as_tuple(self) -> tuple[object, ...]:
        """The ``IOCRMultiFeed.Config`` struct as an ABI tuple (setConfig's argument)."""
        return (
            self.f, self.threshold, self.group_public_key, list(self.public_shares),
            [to_checksum_address(t) for t in self.transmitters], list(self.min_answers), list(self.max_answers),
        )


def validate_multi_config(config: MultiFeedConfig, feeds: int) -> None:
    """Everything setConfig checks that can be checked without a curve library."""
    check_committee(config.n, config.f, config.threshold)
    # The committee checks a single feed's config makes (shares, key lengths, transmitters) are the
    # same here; the bounds are checked per feed below, so give it a valid placeholder pair.
    validate_config(OnchainConfig(config.f, config.threshold, config.group_public_key, config.public_shares,
                                  config.transmitters, 0, 1))
    if not 1 <= feeds <= MAX_FEEDS:
        raise ConfigError(f"a hub carries 1 to {MAX_FEEDS} feeds, got {feeds}")
    if len(config.min_answers) != feeds or len(config.max_answers) != feeds:
        raise ConfigError(f"{len(config.min_answers)} minAnswers and {len(config.max_answers)} maxAnswers for {feeds} feeds")
    for i, (lo, hi) in enumerate(zip(config.min_answers, config.max_answers, strict=True)):
        if not INT192_MIN <= lo < hi <= INT192_MAX:
            raise ConfigError(f"feed {i}: answer bounds must satisfy min < max within int192, got [{lo}, {hi}]")


def multi_config_digest(chain_id: int, contract: str, config_count: int, config: MultiFeedConfig) -> bytes:
    """The digest OCRMultiFeed computes: keccak of the ABI-encoded config, top two bytes 0x0b16."""
    encoded = encode(
        ["uint256", "address", "uint64", MULTI_CONFIG_TUPLE_TYPE],
        [chain_id, to_checksum_address(contract), config_count, config.as_tuple()],
    )
    return MULTI_CONFIG_DIGEST_PREFIX + keccak(encoded)[2:]
