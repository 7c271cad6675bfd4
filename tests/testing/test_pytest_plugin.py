"""The pytest11 plugin, used the way a dApp developer would: in a separate pytest run of their own tests."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

DAPP_TEST = '''
def test_push_and_record_gas(ocr_local_feed, ocr_gas):
    receipt = ocr_local_feed.push([3000_00000000, 3001_00000000, 2999_00000000, 3002_00000000],
                                  timestamps=[1_700_000_000] * 4)
    latest = ocr_local_feed.feed.latest_round()
    assert latest.answer == 3001_00000000
    ocr_gas.record("MyDapp:first_push", receipt)

def test_signed_call_can_be_tampered_with_before_sending(ocr_local_feed):
    from ocr_client.errors import TransactionRevertedError
    signed = ocr_local_feed.signed_transmit(42)
    bad = bytearray(signed.calldata); bad[40] ^= 1   # the round byte
    try:
        ocr_local_feed.feed.check_transmit(signed.sender.address, bytes(bad))
    except TransactionRevertedError as exc:
        assert exc.error_name == "InvalidSignature"
    else:
        raise AssertionError("tampered call accepted")
'''


@pytest.mark.slow
def test_dapp_tests_use_the_fixtures_and_pin_gas_in_their_own_snapshot(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_dapp=DAPP_TEST)
    first = pytester.runpytest_subprocess("--update-gas-snapshot", "-p", "no:cacheprovider")
    first.assert_outcomes(passed=2)
    snapshot = (pytester.path / ".gas-snapshot").read_text()
    assert snapshot.startswith("MyDapp:first_push (gas: ")

    again = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    again.assert_outcomes(passed=2)  # same code, same gas

    gas = int(snapshot.split("(gas: ")[1].rstrip(")\n"))
    (pytester.path / ".gas-snapshot").write_text(f"MyDapp:first_push (gas: {gas - 1})\n")
    drifted = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    drifted.assert_outcomes(passed=1, failed=1)
    drifted.stdout.fnmatch_lines([f"*gas changed: MyDapp:first_push: {gas - 1} -> {gas}*"])
