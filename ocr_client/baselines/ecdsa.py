"""The OCR2 baseline: one transmission carrying f+1 ECDSA signatures, each checked with ecrecover.

This is what Chainlink's OCR2Aggregator does today. ``OCR2StyleAggregator`` does the same
per-transmit work (contracts/baselines/OCR2StyleAggregator.sol says what exactly), and its gas is
held within 5% of OCR2Aggregator's own (tests/baselines). The scenario mirrors
:mod:`ocr_client.local.scenario`: seeded keys, fixed values and timestamps, n observations,
round 1 warms up, round 2 is measured.

OCR2 stops at 31 oracles: observer indices and recovery ids are one byte each of a single word.
For 32 <= n <= 255 this module deploys ``OCR2StyleWideAggregator``, the same contract with the
observers in a ``bytes`` field and one recovery-id bit per signature. Figures above 31 are an
extrapolation of OCR2's design, not something OCR2 can run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from eth_abi import encode
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_typing import Hash32
from eth_utils import keccak
from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt

from ocr_client.chain.accounts import dev_account
from ocr_client.chain.deploy import deploy
from ocr_client.chain.transactions import call, send_transaction
from ocr_client.committee.local import default_f
from ocr_client.errors import ConfigError
from ocr_client.local.scenario import SEED, TIMESTAMP, fixed_values

SCHEME_NAME: Final[str] = "ecdsa"
#: OCR2's exact encoding (OCR2Aggregator's maxNumOracles).
CONTRACT_NAME: Final[str] = "OCR2StyleAggregator"
OCR2_MAX_ORACLES: Final[int] = 31
#: The same contract past 31 oracles (observers as bytes, recovery ids as bits).
WIDE_CONTRACT_NAME: Final[str] = "OCR2StyleWideAggregator"
WIDE_MAX_ORACLES: Final[int] = 255
#: 3f < n with f > 0, as OCR2 requires.
MIN_ORACLES: Final[int] = 4

TRANSMIT_SIGNATURE: Final[str] = "transmit(bytes32[3],bytes,bytes32[],bytes32[],bytes32)"
TRANSMIT_SELECTOR: Final[bytes] = keccak(text=TRANSMIT_SIGNATURE)[:4]
TRANSMIT_TYPES: Final[tuple[str, ...]] = ("bytes32[3]", "bytes", "bytes32[]", "bytes32[]", "bytes32")
OCR2_REPORT_TYPES: Final[tuple[str, ...]] = ("uint32", "bytes32", "int192[]", "int192")
WIDE_REPORT_TYPES: Final[tuple[str, ...]] = ("uint32", "bytes", "int192[]", "int192")

#: Ethereum signatures carry v = 27 + recovery id; OCR2 sends only the recovery id.
ECDSA_V_BASE: Final[int] = 27
WORD: Final[int] = 32
ROUND_BITS: Final[int] = 8
#: reportContext[2]: libocr puts a hash here; a fixed nonzero one prices its calldata the same way.
EXTRA_HASH: Final[bytes] = keccak(text="ocr-client ecdsa baseline extra hash")

DECIMALS: Final[int] = 8
DESCRIPTION: Final[str] = "TEST / USD"
MIN_ANSWER: Final[int] = 1
MAX_ANSWER: Final[int] = 10**30
ONCHAIN_CONFIG_VERSION: Final[int] = 1
VERSION_BYTES: Final[int] = 1
INT192_BYTES: Final[int] = 24
OFFCHAIN_CONFIG_VERSION: Final[int] = 1
OFFCHAIN_CONFIG: Final[bytes] = b""
#: LINK per ETH, in juels (200 LINK per ETH): nonzero, so the transmitter is reimbursed every round.
JUELS_PER_FEE_COIN: Final[int] = 200 * 10**18

#: Billing as a live feed has it: every parameter nonzero, so transmit does all of its bookkeeping.
MAXIMUM_GAS_PRICE_GWEI: Final[int] = 1_000
REASONABLE_GAS_PRICE_GWEI: Final[int] = 20
OBSERVATION_PAYMENT_GJUELS: Final[int] = 100_000
TRANSMISSION_PAYMENT_GJUELS: Final[int] = 100_000
ACCOUNTING_GAS: Final[int] = 10_500

#: The transmitter pays its own gas: funded once from the deployer.
TRANSMITTER_FUNDING_WEI: Final[int] = 10**18
TRANSFER_GAS: Final[int] = 21_000

#: Round 1 warms the contract up; round 2 is measured. Both in epoch 1.
EPOCH: Final[int] = 1
WARM_UP_ROUND: Final[int] = 1
MEASURED_ROUND: Final[int] = 2


def oracle_key(role: str, index: int, seed: int = SEED) -> LocalAccount:
    """Oracle ``index``'s seeded ``role`` key ("signer" or "transmitter"): the same on every run."""
    material = hashlib.sha256(f"ocr-client ecdsa baseline {role}|{seed}|{index}".encode()).digest()
    account: LocalAccount = Account.from_key(material)
    return account


def onchain_config(min_answer: int = MIN_ANSWER, max_answer: int = MAX_ANSWER) -> bytes:
    """setConfig's onchainConfig: abi.encodePacked(uint8 version, int192 minAnswer, int192 maxAnswer)."""
    return (ONCHAIN_CONFIG_VERSION.to_bytes(VERSION_BYTES, "big") + min_answer.to_bytes(INT192_BYTES, "big", signed=True)
            + max_answer.to_bytes(INT192_BYTES, "big", signed=True))


def is_wide(n: int) -> bool:
    """Whether n oracles need the wide variant (OCR2's encoding holds at most 31)."""
    return n > OCR2_MAX_ORACLES


def encode_report(timestamp: int, observers: Sequence[int], observations: Sequence[int],
                  juels_per_fee_coin: int = JUELS_PER_FEE_COIN, wide: bool = False) -> bytes:
    """The report both variants sign: OCR2's packs observer i into byte i of a word; wide uses bytes."""
    packed = bytes(observers)
    if wide:
        return encode(WIDE_REPORT_TYPES, [timestamp, packed, list(observations), juels_per_fee_coin])
    if len(packed) > WORD:
        raise ConfigError(f"OCR2's report names at most {WORD} observers, got {len(packed)}")
    return encode(OCR2_REPORT_TYPES, [timestamp, packed.ljust(WORD, b"\0"), list(observations), juels_per_fee_coin])


def report_context(config_digest: bytes, epoch: int, round_: int, extra_hash: bytes = EXTRA_HASH) -> tuple[bytes, ...]:
    """reportContext: config digest, (epoch << 8 | round) as a word, and the extra hash."""
    epoch_and_round = (epoch << ROUND_BITS) | round_
    return (config_digest, epoch_and_round.to_bytes(WORD, "big"), extra_hash)


def signing_hash(report: bytes, context: Sequence[bytes]) -> bytes:
    """What each oracle signs: keccak256(keccak256(report) || reportContext)."""
    return keccak(keccak(report) + b"".join(context))


@dataclass(frozen=True)
class EcdsaSignature:
    """One oracle's signature, split the way transmit takes it."""

    r: bytes
    s: bytes
    recovery_id: int


def sign(signer: LocalAccount, message_hash: bytes) -> EcdsaSignature:
    """Sign the raw hash (no EIP-191 prefix: the contract recovers from the hash itself)."""
    signed = signer.unsafe_sign_hash(Hash32(message_hash))
    return EcdsaSignature(
        r=signed.r.to_bytes(WORD, "big"), s=signed.s.to_bytes(WORD, "big"), recovery_id=signed.v - ECDSA_V_BASE
    )


def pack_recovery_ids(recovery_ids: Sequence[int], wide: bool = False) -> bytes:
    """rawVs: OCR2 puts the recovery id of signature i in byte i; the wide variant in bit i."""
    if wide:
        return sum(v << i for i, v in enumerate(recovery_ids)).to_bytes(WORD, "big")
    if len(recovery_ids) > WORD:
        raise ConfigError(f"OCR2's rawVs holds at most {WORD} recovery ids, got {len(recovery_ids)}")
    return bytes(recovery_ids).ljust(WORD, b"\0")


def transmit_calldata(context: Sequence[bytes], report: bytes, signatures: Sequence[EcdsaSignature],
                      wide: bool = False) -> bytes:
    """transmit(reportContext, report, rs, ss, rawVs) calldata."""
    args = [
        list(context), report, [sig.r for sig in signatures], [sig.s for sig in signatures],
        pack_recovery_ids([sig.recovery_id for sig in signatures], wide),
    ]
    return TRANSMIT_SELECTOR + encode(TRANSMIT_TYPES, args)


@dataclass(frozen=True)
class EcdsaTransmit:
    """One transmit() call, ready to send from ``sender``."""

    report: bytes
    context: tuple[bytes, ...]
    signatures: tuple[EcdsaSignature, ...]
    sender: LocalAccount
    wide: bool

    @property
    def calldata(self) -> bytes:
        return transmit_calldata(self.context, self.report, self.signatures, self.wide)


class EcdsaAggregator:
    """A deployed, billed and configured OCR2-style aggregator plus its n seeded oracles."""

    def __init__(self, w3: Web3, contract: Contract, f: int, signers: Sequence[LocalAccount],
                 transmitters: Sequence[LocalAccount], owner: LocalAccount, wide: bool) -> None:
        self.w3 = w3
        self.contract = contract
        self.f = f
        self.wide = wide
        self.signers = tuple(signers)
        self.transmitters = tuple(transmitters)
        self.owner = owner

    @classmethod
    def deploy(cls, w3: Web3, n: int, seed: int = SEED, owner: LocalAccount | None = None,
               wide: bool | None = None) -> EcdsaAggregator:
        """Deploy a variant (by default the one n needs), set billing, configure n oracles with
        f = (n-1)//3, and fund transmitter 0 (the one that sends)."""
        wide = is_wide(n) if wide is None else wide
        limit = WIDE_MAX_ORACLES if wide else OCR2_MAX_ORACLES
        if not MIN_ORACLES <= n <= limit:
            raise ConfigError(f"{SCHEME_NAME}: n = {n} is outside {MIN_ORACLES}..{limit}")
        owner = owner or dev_account(0)
        name = WIDE_CONTRACT_NAME if wide else CONTRACT_NAME
        contract = deploy(w3, owner, name, MIN_ANSWER, MAX_ANSWER, DECIMALS, DESCRIPTION)
        f = default_f(n)
        signers = [oracle_key("signer", i, seed) for i in range(n)]
        transmitters = [oracle_key("transmitter", i, seed) for i in range(n)]
        aggregator = cls(w3, contract, f, signers, transmitters, owner, wide)
        aggregator._owner_call("setBilling", MAXIMUM_GAS_PRICE_GWEI, REASONABLE_GAS_PRICE_GWEI,
                               OBSERVATION_PAYMENT_GJUELS, TRANSMISSION_PAYMENT_GJUELS, ACCOUNTING_GAS)
        aggregator._owner_call("setConfig", [s.address for s in signers], [t.address for t in transmitters], f,
                               onchain_config(), OFFCHAIN_CONFIG_VERSION, OFFCHAIN_CONFIG)
        send_transaction(w3, owner, transmitters[0].address, b"", gas=TRANSFER_GAS, value=TRANSMITTER_FUNDING_WEI)
        return aggregator

    @property
    def address(self) -> str:
        return str(self.contract.address)

    @property
    def n(self) -> int:
        return len(self.signers)

    def config_digest(self) -> bytes:
        _, _, digest = self.contract.functions.latestConfigDetails().call()
        return bytes(digest)

    def signed_transmit(self, values: Sequence[int], timestamp: int, epoch: int, round_: int,
                        signers: Sequence[int] | None = None, sender: LocalAccount | None = None) -> EcdsaTransmit:
        """Observations ``values`` (observer i made values[i]) signed by ``signers`` (default: oracles
        0..f), to be sent by ``sender`` (default: transmitter 0). Nothing is checked here, so a test
        can build reports the contract must refuse."""
        report = encode_report(timestamp, range(len(values)), values, wide=self.wide)
        context = report_context(self.config_digest(), epoch, round_)
        digest = signing_hash(report, context)
        chosen = range(self.f + 1) if signers is None else signers
        signatures = tuple(sign(self.signers[i], digest) for i in chosen)
        return EcdsaTransmit(report, context, signatures, sender or self.transmitters[0], self.wide)

    def check(self, transmit: EcdsaTransmit) -> None:
        """eth_call the transmission: a refusal raises TransactionRevertedError naming the error."""
        call(self.w3, transmit.sender.address, self.address, transmit.calldata)

    def send(self, transmit: EcdsaTransmit) -> TxReceipt:
        """Send the transmission; a revert raises TransactionRevertedError with the decoded error."""
        return send_transaction(self.w3, transmit.sender, self.address, transmit.calldata)

    def latest_answer(self) -> tuple[int, int]:
        """(roundId, answer) of the newest accepted report."""
        round_id, answer, _, _, _ = self.contract.functions.latestRoundData().call()
        return int(round_id), int(answer)

    def _owner_call(self, function: str, *args: object) -> TxReceipt:
        data = self.contract.encode_abi(function, args=list(args))
        return send_transaction(self.w3, self.owner, self.address, bytes.fromhex(str(data)[2:]))


def run_scenario(w3: Web3, n: int, seed: int = SEED,
                 wide: bool | None = None) -> tuple[EcdsaAggregator, EcdsaTransmit, TxReceipt]:
    """Fresh aggregator; round 1 as warm-up; round 2 sent and returned with its receipt."""
    aggregator = EcdsaAggregator.deploy(w3, n, seed, wide=wide)
    aggregator.send(aggregator.signed_transmit(fixed_values(n, WARM_UP_ROUND), TIMESTAMP, EPOCH, WARM_UP_ROUND))
    measured = aggregator.signed_transmit(fixed_values(n, MEASURED_ROUND), TIMESTAMP + 1, EPOCH, MEASURED_ROUND)
    return aggregator, measured, aggregator.send(measured)
