"""Reputation engine speed: raw log fetch (the floor), index (fetch + decode + store), score, and
decoding against web3's contract-event decoding of the same logs, at n = 31 on anvil (prague).

    .venv/bin/python benchmarks/bench_reputation.py [--reports 1000,10000] [--nodes 31] [--json]

Writes real transmissions: the committee's t-of-n shares are combined into the group secret once
(the same signature the partials would combine to; the contract verifies each report with its
pairing), the transmitter is impersonated so anvil needs no local ECDSA signing, and automine is
off so one block carries --per-block transmissions (a batch of eth_sendTransaction, then evm_mine).
Each size gets its own feed; every figure is the median of --repeat rounds (scores: three per round),
the floor, the index and the scores timed in turns. docs/reputation.md quotes the results.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from web3 import Web3

from ocr_client.chain.anvil import Anvil
from ocr_client.chain.rpc import connect
from ocr_client.crypto.threshold import lagrange_coefficients_at_zero
from ocr_client.feed.handle import Feed
from ocr_client.local.feed import LocalFeed
from ocr_client.report.events import decode_transmission as web3_side_decode
from ocr_client.report.layout import Observation, encode_report, encode_transmit_calldata, signing_digest
from ocr_client.report.median import build_report
from ocr_client.reputation.configs import ConfigBook
from ocr_client.reputation.decode_ours import read_transmission
from ocr_client.reputation.derive_columns import derive_pending
from ocr_client.reputation.formats import build_formats, by_name
from ocr_client.reputation.indexer import IndexOptions, indexing, resolve_feeds
from ocr_client.reputation.ranking import ScoreOptions, ScoreResult, score
from ocr_client.reputation.records import Batch, LogPlace
from ocr_client.reputation.rpc import ChunkedLogs, JsonRpcReader
from ocr_client.reputation.store import Store

BASE_PRICE = 3000_00000000
GROUP_ORDER = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
TRANSMIT_GAS = 400_000
FAULTY = 3


def rpc(url: str, method: str, params: list[Any]) -> Any:
    answer = requests.post(url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params}, timeout=60).json()
    if "error" in answer:
        raise RuntimeError(f"{method}: {answer['error']}")
    return answer["result"]


def group_secret(local: LocalFeed) -> int:
    """The group secret from the first t shares (Lagrange at zero): signs exactly what t partials combine to."""
    shares = [local.committee.share(i) for i in range(local.committee.threshold)]
    lambdas = lagrange_coefficients_at_zero([s.index for s in shares])
    return sum(lam * s.secret for lam, s in zip(lambdas, shares, strict=True)) % GROUP_ORDER


def write_transmissions(url: str, w3: Web3, local: LocalFeed, count: int, per_block: int, seed: int) -> float:
    """``count`` accepted transmissions, ``per_block`` per block; returns seconds spent."""
    start = time.perf_counter()
    n = local.committee.n
    sender = local.committee.transmitters[0].address
    rpc(url, "anvil_impersonateAccount", [sender])
    rpc(url, "anvil_setBalance", [sender, hex(10**24)])
    secret = group_secret(local)
    backend = local.committee.backend
    digest_of_config = local.feed.config_digest()
    rng = random.Random(seed)
    t0 = int(w3.eth.get_block("latest")["timestamp"])
    rpc(url, "evm_setAutomine", [False])
    try:
        sent = 0
        while sent < count:
            calls = []
            for _ in range(min(per_block, count - sent)):
                epoch, round_ = local.next_epoch_round()
                price = BASE_PRICE + sent * 1000
                values = [price + rng.randint(-30_000, 30_000) for _ in range(n)]
                for i in range(FAULTY):
                    values[n - 1 - i] = price * 101 // 100
                stamp = t0 + sent // per_block
                observations = [Observation(i, stamp - rng.randint(0, 5), v) for i, v in enumerate(values)]
                raw = encode_report(build_report(digest_of_config, epoch, round_, observations))
                signature = backend.sign(secret, signing_digest(local.chain_id, local.address, raw))
                calls.append({"from": sender, "to": local.address, "gas": hex(TRANSMIT_GAS),
                              "data": "0x" + encode_transmit_calldata(raw, signature, 0).hex()})
                local.epoch, local.round = epoch, round_
                sent += 1
            body = [{"jsonrpc": "2.0", "id": i, "method": "eth_sendTransaction", "params": [c]} for i, c in enumerate(calls)]
            answers = requests.post(url, json=body, timeout=120).json()
            errors = [a["error"] for a in answers if "error" in a]
            if errors:
                raise RuntimeError(f"eth_sendTransaction: {errors[0]}")
            rpc(url, "evm_mine", [])
            last = answers[-1]["result"]
            if int(rpc(url, "eth_getTransactionReceipt", [last])["status"], 16) != 1:
                raise RuntimeError("a benchmark transmission reverted")
    finally:
        rpc(url, "evm_setAutomine", [True])
    landed = local.feed.latest_round()
    assert landed is not None and landed.round_id == count, f"{landed} != {count}"
    return time.perf_counter() - start


#: Timed scores in each round, after one untimed score (a fresh connection creates its views first).
SCORES_PER_ROUND = 3


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def median_time(fn: Callable[[], object], repeat: int) -> float:
    return statistics.median(timed(fn) for _ in range(repeat))


def measure(url: str, w3: Web3, local: LocalFeed, reports: int, repeat: int, workdir: Path) -> dict[str, Any]:
    reader = JsonRpcReader(url)
    fmt = by_name("ocr-feed", build_formats())
    head = reader.block_number()
    first = local.feed.config_details()[1]

    def raw_fetch() -> list[Any]:
        logs = ChunkedLogs(reader)
        got: list[Any] = []
        start = first
        while start <= head:
            stop, chunk = logs.next_chunk([local.address.lower()], fmt.topics, start, head)
            got.extend(chunk)
            start = stop + 1
        return got

    db = workdir / f"bench-{reports}.duckdb"

    def index_once() -> None:
        db.unlink(missing_ok=True)
        targets = resolve_feeds(reader, [local.address], build_formats())
        with indexing(reader, db, targets, IndexOptions()) as indexer:  # as `ocr reputation index` does
            indexer.run(targets)

    def scores_of_index() -> tuple[ScoreResult, list[float]]:
        """The untimed first score's result, and the times of the timed ones."""
        store = Store.open(db)
        try:
            counted = store.query("SELECT count(*) FROM reports")[0][0]
            assert counted == reports, (counted, reports)
            first = score(store, ScoreOptions())
            return first, [timed(lambda: score(store, ScoreOptions())) for _ in range(SCORES_PER_ROUND)]
        finally:
            store.close()

    # Each round times the floor, an index, and scores of that index, so a machine that slows down
    # for a while slows all three alike (a score is a fifth of an index: three per round, so that a
    # short slow spell moves its median less).
    fetch_times: list[float] = []
    index_times: list[float] = []
    score_times: list[float] = []
    for _ in range(repeat):
        fetch_times.append(timed(raw_fetch))
        index_times.append(timed(index_once))
        top, times = scores_of_index()
        score_times.extend(times)
    fetch_s, index_s, score_s = (statistics.median(t) for t in (fetch_times, index_times, score_times))

    logs = raw_fetch()
    transmissions = [log for log in logs if log["topics"][0] == fmt.marker]
    decoder = fmt.decoders[fmt.marker]

    def hand_fields() -> None:
        """The same output as web3's decoding: every field, observations unpacked."""
        for log in transmissions:
            read_transmission(log)

    def hand_decode() -> Batch:
        """Every row the indexer stores, with the per-report figures: the run decoder the indexer
        uses (decode_columns.py) and derive_columns.py."""
        batch, book = Batch(), ConfigBook()
        run_decoder = fmt.run_decoders.get(fmt.marker)
        if run_decoder is not None:
            run_decoder(transmissions, book, batch)
        else:
            for log in transmissions:
                decoder(log, LogPlace.of(log), book, batch)
        derive_pending(batch)
        return batch

    def hand_decode_and_explode() -> None:
        """Every row and figure, then their bulk load into a scratch store (one transaction)."""
        scratch = workdir / "scratch.duckdb"
        scratch.unlink(missing_ok=True)
        store = Store.open(scratch, write=True, chain_id=0)
        try:
            batch = hand_decode()
            with store.transaction():
                store.write_batch(batch)
        finally:
            store.close()

    event = Feed(w3, local.address).contract.events.NewTransmission()
    web3_logs = w3.eth.get_logs({"address": Web3.to_checksum_address(local.address), "fromBlock": first,
                                 "toBlock": head, "topics": [fmt.marker]})

    def web3_decode() -> None:
        for log in web3_logs:
            web3_side_decode(event.process_log(log))

    fields_s = median_time(hand_fields, repeat)
    hand_s = median_time(hand_decode, repeat)
    explode_s = median_time(hand_decode_and_explode, repeat)
    web3_s = median_time(web3_decode, max(1, repeat // 2))
    faulty_ranks = sorted(o.rank for o in top.oracles
                          if (o.metrics["deviation_median_bps"] or 0) > 50)  # type: ignore[operator]
    return {"reports": reports, "observations": reports * local.committee.n, "log_fetch_s": round(fetch_s, 3),
            "index_s": round(index_s, 3), "score_s": round(score_s, 3), "index_over_fetch": round(index_s / fetch_s, 2),
            "score_over_index": round(score_s / index_s, 3), "decode_fields_s": round(fields_s, 4),
            "decode_rows_s": round(hand_s, 4),
            "decode_and_store_observations_s": round(explode_s, 3),
            "decode_web3_s": round(web3_s, 3), "decode_speedup": round(web3_s / fields_s, 1),
            "faulty_ranks": faulty_ranks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", default="1000,10000", help="comma-separated report counts (one feed each)")
    parser.add_argument("--nodes", type=int, default=31)
    parser.add_argument("--per-block", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=11, help="rounds per figure (their median)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.reports.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="ocr-bench-rep-"))
    results = []
    try:
        with Anvil(extra_args=("--gas-limit", "60000000")) as node:
            w3 = connect(node.rpc_url)
            for i, reports in enumerate(sizes):
                local = LocalFeed.deploy(w3, n=args.nodes, seed=100 + i)
                written = write_transmissions(node.rpc_url, w3, local, reports, args.per_block, seed=i)
                # The setup's objects (web3, the committee, the written calls) are kept out of the
                # collector's scans, so the phases measured pay for their own objects only, as in
                # an `ocr reputation` process: with them, every phase that parses JSON slows down.
                gc.collect()
                gc.freeze()
                row = measure(node.rpc_url, w3, local, reports, args.repeat, workdir)
                gc.unfreeze()
                row["write_s"] = round(written, 1)
                results.append(row)
                if not args.json:
                    print(json.dumps(row))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    meta = {"n": args.nodes, "per_block": args.per_block, "repeat": args.repeat, "machine": platform.machine(),
            "cpus": os.cpu_count(), "python": platform.python_version(), "results": results}
    print(json.dumps(meta) if args.json else json.dumps(meta, indent=1))


if __name__ == "__main__":
    main()
