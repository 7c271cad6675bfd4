"""Wall time of a full joint-Feldman DKG on the simulated network (zero latency), all nodes in one process.

    .venv/bin/python benchmarks/bench_dkg.py [--nodes 4,10,31] [--repeat 3] [--json]

For each n (t = f + 1, f = (n-1)//3) it runs every node's dealing, checking, responding and key
derivation on one core, so the time is the whole committee's CPU work, roughly n times what one
node spends. Prints the best of --repeat runs, the messages and bytes exchanged. docs/dkg.md quotes it.
"""

from __future__ import annotations

import argparse
import json
import platform
import time

from ocr_client.crypto import get_backend
from ocr_client.dkg import simulate_dkg
from ocr_client.net.simnet import SimNetwork


def measure(n: int, repeat: int) -> dict[str, float | int]:
    t = (n - 1) // 3 + 1
    best = float("inf")
    messages = size = 0
    for _ in range(repeat):
        counted = {"messages": 0, "bytes": 0}

        def count(network: SimNetwork, counted: dict[str, int] = counted) -> None:
            def keep(sender: int, receiver: int, payload: bytes) -> bool:
                counted["messages"] += 1
                counted["bytes"] += len(payload)
                return True

            network.add_filter(keep)

        start = time.perf_counter()
        run = simulate_dkg(n, t, seed=0, configure=count)
        elapsed = time.perf_counter() - start
        assert all(r is not None for r in run.results), run.errors
        best = min(best, elapsed)
        messages, size = counted["messages"], counted["bytes"]
    return {"n": n, "t": t, "seconds": round(best, 3), "per_node_ms": round(1000 * best / n, 1),
            "messages": messages, "bytes": size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", default="4,10,31", help="comma-separated committee sizes")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the best is reported")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    backend = get_backend()
    simulate_dkg(4, 2, seed=0, backend=backend)  # warm up: load the backend, fill caches
    rows = [measure(int(n), args.repeat) for n in args.nodes.split(",")]
    machine = f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}, backend {backend.name}"
    if args.json:
        print(json.dumps({"machine": machine, "results": rows}))
        return
    print(f"joint-Feldman DKG, simulated network, zero latency, one process ({machine}); best of {args.repeat}")
    print(f"{'n':>4} {'t':>4} {'seconds':>8} {'ms/node':>8} {'messages':>9} {'bytes':>10}")
    for r in rows:
        print(f"{r['n']:>4} {r['t']:>4} {r['seconds']:>8.3f} {r['per_node_ms']:>8.1f} {r['messages']:>9} {r['bytes']:>10}")


if __name__ == "__main__":
    main()
