"""AggregatorProxy: one address for consumers while the feed behind it changes (Chainlink's phases)."""

from ocr_client.proxy.contract import PROXY_CONTRACT, ProxyHandle, proxy_round_id, split_round_id

__all__ = ["PROXY_CONTRACT", "ProxyHandle", "proxy_round_id", "split_round_id"]
