"""The setConfig argument of AccountableFeed (IAccountableFeed.Config), and its config digest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from eth_abi import encode
from eth_utils import keccak, to_checksum_address

from ocr_client.errors import ConfigError
from ocr_client.report.config import check_committee

#: Digest scheme prefix of accountable configurations (OCRFeed 0x0b15, multi-feed 0x0b16): a report
#: signed for one kind of feed can never carry a digest the other kind would accept.
ACCOUNTABLE_CONFIG_DIGEST_PREFIX: Final[bytes] = bytes.fromhex("0b17")
#: ABI type of the IAccountableFeed.Config struct.
ACCOUNTABLE_CONFIG_TUPLE_TYPE: Final[str] = "(uint8,uint8,bytes[],bytes[],address[],int192,int192)"


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


def accountable_config_digest(chain_id: int, contract: str, config_count: int, config: AccountableConfig) -> bytes:
    """The digest AccountableFeed.setConfig installs (``configDigestFromConfigData``).

    keccak256(abi.encode(chainId, contract, configCount, config)) with its top two bytes replaced by
    0x0b17. Oracles compute it off-chain to know which configuration a report must name before the
    setConfig transaction is even mined; every key, proof, transmitter and bound is bound into it."""
    encoded = encode(
        ["uint256", "address", "uint64", ACCOUNTABLE_CONFIG_TUPLE_TYPE],
        [chain_id, to_checksum_address(contract), config_count,
         (config.f, config.threshold, list(config.public_keys), list(config.proofs),
          [to_checksum_address(t) for t in config.transmitters], config.min_answer, config.max_answer)],
    )
    return ACCOUNTABLE_CONFIG_DIGEST_PREFIX + keccak(encoded)[2:]
