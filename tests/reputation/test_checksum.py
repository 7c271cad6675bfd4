"""Scores name oracles in EIP-55 mixed case: the same strings eth_utils gives, faster."""

from __future__ import annotations

import random

import pytest
from eth_utils import to_checksum_address

from ocr_client.reputation.checksum import checksum_address

#: EIP-55's own examples.
EIP55 = ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
         "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb")


@pytest.mark.parametrize("address", EIP55)
def test_the_standards_examples(address: str) -> None:
    assert checksum_address(address.lower()) == address
    assert checksum_address(address.upper().replace("0X", "0x")) == address


def test_agrees_with_eth_utils_on_random_addresses() -> None:
    rng = random.Random(9)
    for _ in range(2_000):
        address = "0x" + "".join(rng.choice("0123456789abcdef") for _ in range(40))
        assert checksum_address(address) == to_checksum_address(address)


@pytest.mark.parametrize("bad", ["", "0x", "0x1234", "0x" + "g" * 40, "1x" + "0" * 40, "0x" + "0" * 41, "0x" + "0" * 39])
def test_anything_but_an_address_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="not an address"):
        checksum_address(bad)
