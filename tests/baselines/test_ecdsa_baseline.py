"""The OCR2-style ECDSA baseline costs what Chainlink's OCR2Aggregator costs, and really verifies.

Targets: OCR2Aggregator's steady-state transmit measured on anvil (prague) with n observations and
f+1 signatures (issue "ECDSA baseline"). A baseline cheaper than OCR2 would flatter nobody, a dearer
one would flatter us: both directions are held to 5%.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

import pytest
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.logs import DISCARD

from ocr_client import settings
from ocr_client.baselines.ecdsa import (
    MAX_ANSWER,
    OCR2_MAX_ORACLES,
    EcdsaAggregator,
    EcdsaSignature,
    EcdsaTransmit,
    encode_report,
    onchain_config,
    oracle_key,
    run_scenario,
    sign,
    signing_hash,
)
from ocr_client.chain.calldata import calldata_gas
from ocr_client.chain.transactions import call, send_transaction
from ocr_client.gas.schemes.ecdsa import EcdsaScheme
from ocr_client.local.scenario import TIMESTAMP, fixed_values
from tests.feed.helpers import expect_revert

#: OCR2Aggregator's transmit gas on anvil (prague), n observations, f+1 signatures.
OCR2_GAS: Final[dict[int, int]] = {4: 95_296, 10: 113_671, 19: 141_215, 31: 178_010}
TOLERANCE: Final[float] = 0.05
#: The wide encoding (observers as bytes, recovery ids as bits) may cost at most this much more.
WIDE_OVERHEAD: Final[float] = 0.01

EPOCH: Final[int] = 1


@pytest.mark.parametrize("n", sorted(OCR2_GAS))
def test_transmit_gas_is_within_five_percent_of_ocr2(w3: Web3, n: int) -> None:
    assert settings.ANVIL_HARDFORK == "prague"
    result = EcdsaScheme().measure(w3, n, 1)
    target = OCR2_GAS[n]
    drift = (result.gas_per_report - target) / target
    assert abs(drift) <= TOLERANCE, f"n = {n}: {result.gas_per_report} gas vs OCR2's {target} ({drift:+.2%})"
    f = (n - 1) // 3
    assert (result.scheme, result.f, result.signers, result.observations, result.feeds) == ("ecdsa", f, f + 1, n, 1)
    assert result.verify_gas is None and result.gas_per_feed == result.gas_per_report


@pytest.mark.slow
def test_wide_variant_costs_about_what_ocr2_encoding_costs(w3: Web3) -> None:
    n = OCR2_MAX_ORACLES
    _, exact, exact_receipt = run_scenario(w3, n, wide=False)
    _, wide, wide_receipt = run_scenario(w3, n, wide=True)
    overhead = (wide_receipt["gasUsed"] - exact_receipt["gasUsed"]) / exact_receipt["gasUsed"]
    assert overhead <= WIDE_OVERHEAD, f"wide encoding adds {overhead:.2%} at n = {n}"
    assert len(wide.calldata) > len(exact.calldata)


@pytest.mark.slow
def test_scheme_measures_past_ocr2s_limit_with_the_wide_variant(w3: Web3) -> None:
    n = 40
    result = EcdsaScheme().measure(w3, n, 1)
    assert (result.f, result.signers) == (13, 14)
    assert result.gas_per_report > OCR2_GAS[31]
    # signatures (hence zero bytes) differ per deployment address, the layout does not
    aggregator, measured, _ = run_scenario(w3, n)
    assert aggregator.wide and aggregator.contract.functions.maxOracles().call() == 255
    assert result.calldata_bytes == len(measured.calldata)
    assert abs(result.calldata_gas - calldata_gas(measured.calldata)) < len(measured.calldata)


def test_supports_one_feed_of_4_to_255_oracles() -> None:
    scheme = EcdsaScheme()
    assert [scheme.supports(n, 1) for n in (3, 4, 31, 32, 100, 255, 256)] == [False, True, True, True, True, True, False]
    assert not scheme.supports(10, 2)


# --- a baseline that verifies -----------------------------------------------------------------


@pytest.fixture
def aggregator(w3: Web3) -> EcdsaAggregator:
    """n = 4, f = 1: two signatures per report; round (1, 1) already accepted."""
    agg = EcdsaAggregator.deploy(w3, 4)
    agg.send(agg.signed_transmit(fixed_values(4, 1), TIMESTAMP, EPOCH, 1))
    return agg


def _next(agg: EcdsaAggregator, values: list[int] | None = None, signers: list[int] | None = None,
          sender: LocalAccount | None = None) -> EcdsaTransmit:
    """Round (1, 2), the one after the fixture's, with the given changes."""
    return agg.signed_transmit(values or fixed_values(agg.n, 2), TIMESTAMP + 1, EPOCH, 2, signers, sender)


def test_accepted_report_stores_the_median_and_logs_every_observation(aggregator: EcdsaAggregator) -> None:
    values = [5, 7, 9, 11]
    receipt = aggregator.send(aggregator.signed_transmit(values, TIMESTAMP + 1, EPOCH, 2))
    assert aggregator.latest_answer() == (2, values[len(values) // 2])
    (event,) = aggregator.contract.events.NewTransmission().process_receipt(receipt, errors=DISCARD)
    assert list(event.args.observations) == values
    assert bytes(event.args.observers) == bytes(range(4))
    assert event.args.epochAndRound == (EPOCH << 8) | 2
    assert event.args.transmitter == aggregator.transmitters[0].address


def test_transmitter_is_reimbursed_on_every_report(aggregator: EcdsaAggregator) -> None:
    owed = aggregator.contract.functions.owedPayment
    before = owed(aggregator.transmitters[0].address).call()
    aggregator.send(aggregator.signed_transmit(fixed_values(4, 2), TIMESTAMP + 1, EPOCH, 2))
    assert owed(aggregator.transmitters[0].address).call() > before > 0


def test_signature_over_another_report_is_rejected(aggregator: EcdsaAggregator) -> None:
    good = aggregator.signed_transmit(fixed_values(4, 2), TIMESTAMP + 1, EPOCH, 2)
    other = aggregator.signed_transmit(fixed_values(4, 3), TIMESTAMP + 1, EPOCH, 2)
    forged = replace(good, signatures=(good.signatures[0], other.signatures[1]))
    err = expect_revert(lambda: aggregator.check(forged), "InvalidSigner")
    assert err.error_args[0] == 1


def test_corrupted_signature_is_rejected(aggregator: EcdsaAggregator) -> None:
    good = aggregator.signed_transmit(fixed_values(4, 2), TIMESTAMP + 1, EPOCH, 2)
    sig = good.signatures[0]
    flipped = EcdsaSignature(sig.r, sig.s, 1 - sig.recovery_id)
    expect_revert(lambda: aggregator.check(replace(good, signatures=(flipped, good.signatures[1]))), "InvalidSigner")
    garbage = EcdsaSignature(bytes(32), sig.s, sig.recovery_id)  # ecrecover gives the zero address
    expect_revert(lambda: aggregator.check(replace(good, signatures=(garbage, good.signatures[1]))),
                  "InvalidSigner", 0, "0x0000000000000000000000000000000000000000")


def test_signer_outside_the_committee_is_rejected(aggregator: EcdsaAggregator) -> None:
    good = aggregator.signed_transmit(fixed_values(4, 2), TIMESTAMP + 1, EPOCH, 2)
    outsider = oracle_key("signer", 0, seed=999)
    foreign = sign(outsider, signing_hash(good.report, good.context))
    expect_revert(lambda: aggregator.check(replace(good, signatures=(good.signatures[0], foreign))),
                  "InvalidSigner", 1, outsider.address)


def test_too_few_or_too_many_signatures_are_rejected(aggregator: EcdsaAggregator) -> None:
    expect_revert(lambda: aggregator.check(_next(aggregator, signers=[0])), "WrongSignatureCount", 1, 2)
    expect_revert(lambda: aggregator.check(_next(aggregator, signers=[0, 1, 2])), "WrongSignatureCount", 3, 2)


def test_repeated_signer_is_rejected(aggregator: EcdsaAggregator) -> None:
    expect_revert(lambda: aggregator.check(_next(aggregator, signers=[2, 2])),
                  "DuplicateSigner", aggregator.signers[2].address)


def test_unauthorized_transmitter_is_rejected(aggregator: EcdsaAggregator) -> None:
    stranger: LocalAccount = oracle_key("transmitter", 0, seed=999)
    expect_revert(lambda: aggregator.check(_next(aggregator, sender=stranger)),
                  "UnauthorizedTransmitter", stranger.address)
    signer_key = aggregator.signers[0]  # a signing key is not a transmitting key
    expect_revert(lambda: aggregator.check(_next(aggregator, sender=signer_key)),
                  "UnauthorizedTransmitter", signer_key.address)


def test_replayed_or_stale_report_is_rejected(aggregator: EcdsaAggregator) -> None:
    again = aggregator.signed_transmit(fixed_values(4, 1), TIMESTAMP, EPOCH, 1)
    expect_revert(lambda: aggregator.check(again), "StaleReport", (EPOCH << 8) | 1, (EPOCH << 8) | 1)


def test_report_for_another_configuration_is_rejected(aggregator: EcdsaAggregator) -> None:
    good = aggregator.signed_transmit(fixed_values(4, 2), TIMESTAMP + 1, EPOCH, 2)
    elsewhere = replace(good, context=(bytes(32), *good.context[1:]))
    expect_revert(lambda: aggregator.check(elsewhere), "ConfigDigestMismatch", aggregator.config_digest(), bytes(32))


def test_padded_calldata_is_rejected(aggregator: EcdsaAggregator) -> None:
    good = aggregator.signed_transmit(fixed_values(4, 2), TIMESTAMP + 1, EPOCH, 2)
    padded = good.calldata + bytes(32)
    expect_revert(lambda: call(aggregator.w3, good.sender.address, aggregator.address, padded),
                  "CalldataLengthMismatch", len(good.calldata), len(padded))


def test_report_rules_are_enforced(aggregator: EcdsaAggregator) -> None:
    high = [MAX_ANSWER + 1] * 4
    expect_revert(lambda: aggregator.check(_next(aggregator, high)), "MedianOutOfBounds")
    expect_revert(lambda: aggregator.check(_next(aggregator, [1000])), "TooFewObservations", 1, 2)
    good = aggregator.signed_transmit(fixed_values(4, 2), TIMESTAMP + 1, EPOCH, 2)
    longer = good.report + bytes(32)
    digest = signing_hash(longer, good.context)
    resigned = replace(good, report=longer, signatures=tuple(sign(aggregator.signers[i], digest) for i in (0, 1)))
    expect_revert(lambda: aggregator.check(resigned), "ReportLengthMismatch", len(good.report), len(longer))


@pytest.mark.slow
def test_wide_variant_verifies_recovery_id_bits_and_observer_count(w3: Web3) -> None:
    agg = EcdsaAggregator.deploy(w3, 40)
    assert agg.wide
    values = fixed_values(40, 1)
    agg.send(agg.signed_transmit(values, TIMESTAMP, EPOCH, 1))
    assert agg.latest_answer() == (1, values[20])
    repeated = [*range(agg.f), 0]
    expect_revert(lambda: agg.check(_next(agg, signers=repeated)), "DuplicateSigner", agg.signers[0].address)
    good = agg.signed_transmit(fixed_values(40, 2), TIMESTAMP + 1, EPOCH, 2)
    short = encode_report(TIMESTAMP + 1, range(39), fixed_values(40, 2), wide=True)
    digest = signing_hash(short, good.context)
    resigned = replace(good, report=short, signatures=tuple(sign(agg.signers[i], digest) for i in range(agg.f + 1)))
    expect_revert(lambda: agg.check(resigned), "ObserverCountMismatch", 39, 40)


def test_committee_rules_are_enforced_at_configuration(aggregator: EcdsaAggregator) -> None:
    agg = aggregator
    signers = [s.address for s in agg.signers]
    transmitters = [t.address for t in agg.transmitters]

    def set_config(*args: object) -> None:
        data = agg.contract.encode_abi("setConfig", args=list(args))
        call(agg.w3, agg.owner.address, agg.address, bytes.fromhex(str(data)[2:]))

    expect_revert(lambda: set_config(signers, transmitters, 2, onchain_config(), 1, b""), "FaultBoundTooHigh", 2, 4)
    expect_revert(lambda: set_config(signers, transmitters, 0, onchain_config(), 1, b""), "FaultBoundZero")
    zero = ["0x" + "00" * 20, *signers[1:]]
    expect_revert(lambda: set_config(zero, transmitters, 1, onchain_config(), 1, b""), "InvalidSignerAddress")
    twice = [signers[0], *signers[:3]]
    expect_revert(lambda: set_config(twice, transmitters, 1, onchain_config(), 1, b""), "InvalidSignerAddress", 1, signers[0])
    many = [oracle_key("signer", i, seed=7).address for i in range(32)]
    expect_revert(lambda: set_config(many, many, 1, onchain_config(), 1, b""), "OracleCountOutOfRange", 32, 31)
    expect_revert(lambda: set_config(signers, transmitters, 1, onchain_config(0, 5), 1, b""), "OnchainConfigMismatch")


def test_validator_is_called_with_its_gas_limit(aggregator: EcdsaAggregator) -> None:
    validator = oracle_key("validator", 0)  # an account without code: the call succeeds and costs little
    data = aggregator.contract.encode_abi("setValidatorConfig", args=[validator.address, 100_000])
    send_transaction(aggregator.w3, aggregator.owner, aggregator.address, bytes.fromhex(str(data)[2:]))
    receipt = aggregator.send(aggregator.signed_transmit(fixed_values(4, 2), TIMESTAMP + 1, EPOCH, 2))
    assert receipt["status"] == 1
    assert aggregator.contract.functions.getValidatorConfig().call() == [validator.address, 100_000]
