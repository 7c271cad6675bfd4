"""The RPC pool in front of real anvils and fault proxies: chain ids checked, the highest head
chosen, failures backed off and failed over, and each unusable RPC named in one line."""

from __future__ import annotations

import pytest

from ocr_client.chain.anvil import Anvil, free_port
from ocr_client.chain.rpc_pool import RpcPool, pool_web3
from ocr_client.chain.tx_errors import RpcPoolError
from ocr_client.testing.fault_proxy import FaultProxy, Faults


def test_an_rpc_down_at_start_is_skipped_and_named_when_it_is_the_only_one(anvil: Anvil) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    pool = RpcPool([dead, anvil.rpc_url], timeout_s=1)
    assert pool.check() == anvil.chain_id
    assert pool.best().url == anvil.rpc_url
    with pytest.raises(RpcPoolError, match=f"no usable RPC: {dead} is down") as info:
        RpcPool([dead], timeout_s=1).check()
    assert "\n" not in str(info.value)


def test_an_rpc_of_another_chain_is_excluded_for_good(anvil: Anvil) -> None:
    with FaultProxy(anvil.rpc_url, Faults(chain_id=11155111)) as sepolia:
        pool = RpcPool([sepolia.url, anvil.rpc_url])
        assert pool.check() == 11155111  # the first answer sets the chain when none is configured...
        with pytest.raises(RpcPoolError, match="serves chain id 31337, expected 11155111"):
            RpcPool([anvil.rpc_url], expected_chain_id=11155111).check()  # ...a configured one is enforced
        pool = RpcPool([sepolia.url, anvil.rpc_url], expected_chain_id=31337)
        pool.check()
        assert [e.excluded is not None for e in pool.endpoints] == [True, False]
        assert int(pool_web3(pool).eth.chain_id) == 31337


def test_requests_fail_over_from_an_rpc_that_always_answers_429(anvil: Anvil) -> None:
    with FaultProxy(anvil.rpc_url, Faults(error_rate=1.0, spared=frozenset({"eth_chainId"}))) as limited:
        pool = RpcPool([limited.url, anvil.rpc_url], expected_chain_id=31337, head_interval_s=0)
        pool.check()  # both answer the chain id; then the first rate-limits everything else
        w3 = pool_web3(pool)
        for _ in range(5):
            assert int(w3.eth.block_number) >= 0
        assert limited.counts.errors >= 1 and pool.endpoints[0].backoff_until > 0
        assert pool.endpoints[1].requests >= 5


def test_the_endpoint_with_the_highest_head_is_chosen_over_a_lagging_one(anvil: Anvil) -> None:
    anvil.mine(5)
    with FaultProxy(anvil.rpc_url, Faults(lag_blocks=4)) as behind:
        pool = RpcPool([behind.url, anvil.rpc_url], head_interval_s=0)
        pool.check()
        head = pool.refresh_heads()
        assert pool.best().url == anvil.rpc_url and pool.endpoints[0].head == head - 4


@pytest.mark.slow
def test_timeouts_and_resets_are_retried_until_an_answer_comes(anvil: Anvil) -> None:
    faults = Faults(timeout_rate=0.2, reset_rate=0.2, hang_s=0.4, seed=3, spared=frozenset({"eth_chainId"}))
    with FaultProxy(anvil.rpc_url, faults) as flaky:
        pool = RpcPool([flaky.url], timeout_s=0.2, expected_chain_id=31337)
        pool.check()
        for _ in range(6):
            assert int(str(pool.request("eth_blockNumber", [])), 16) >= 0
        assert flaky.counts.timeouts + flaky.counts.resets > 0
