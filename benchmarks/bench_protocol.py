"""Throughput and CPU of the OCR protocol: all n nodes in one process, simulated network with zero
protocol delays, a real OCRFeed on a managed anvil (prague).

    .venv/bin/python benchmarks/bench_protocol.py [--nodes 31] [--reports 40] [--json]
    .venv/bin/python benchmarks/bench_protocol.py --nodes 100 --rounds 100

The first form measures reports landed per wall-clock second once the committee is warm, and the
CPU each node spends per round in each phase (network = decoding messages; observe = reading
sources and signing / checking observations; report = checking the leader's request, rebuilding
the report and signing a share, or combining shares; finalize = verifying the combined signature
and echoing; transmit = re-reading the chain and sending; pacemaker). The second runs n nodes
for a number of protocol rounds and reports the wall time. docs/protocol.md quotes both.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections import defaultdict
from dataclasses import replace

from ocr_client.local.feed import LocalFeed
from ocr_client.protocol.simulation import SIM_TIMING, OracleSimulation, SimulationSettings

#: Zero protocol delays: a round starts as soon as the last one is decided (DeltaRound is the only
#: pause, and it is tiny); no latency, no jitter. rMax is high so epochs rarely change.
FAST = replace(SIM_TIMING, delta_round=0.002, delta_grace=0.001, delta_stage=0.5, r_max=250, alpha=0.0,
               delta_progress=4.0)


def run(n: int, reports: int | None, rounds: int | None) -> dict[str, object]:
    with LocalFeed.start(n=n) as local:
        sim = OracleSimulation(local, SimulationSettings(seed=1, timing=FAST, latency=0.0, jitter=0.0))
        sim.start()
        sim.run(until_landed=2, max_time=60)  # warm up: first epoch, key caches, funded transmitters
        for node in sim.nodes:
            if node is not None:
                node.ctx.cpu.clear()
        landed_before = sim.recorder.landed_count
        rounds_before = len(sim.recorder.rounds)
        start = time.perf_counter()
        if rounds is not None:
            while len(sim.recorder.rounds) - rounds_before < rounds:
                sim.run(max_time=sim.clock.now() + FAST.delta_round)
        else:
            assert reports is not None
            sim.run(until_landed=landed_before + reports, max_time=3600)
        wall = time.perf_counter() - start
        landed = sim.recorder.landed_count - landed_before
        ran = len(sim.recorder.rounds) - rounds_before
        cpu: defaultdict[str, float] = defaultdict(float)
        for node in sim.nodes:
            if node is not None:
                for phase, seconds in node.ctx.cpu.items():
                    cpu[phase] += seconds
        per_node_round_ms = {p: round(1000 * s / n / max(ran, 1), 3) for p, s in sorted(cpu.items())}
        return {
            "n": n, "f": sim.f, "rounds": ran, "reports_landed": landed, "wall_seconds": round(wall, 3),
            "reports_per_second": round(landed / wall, 2), "simulated_seconds": round(sim.clock.now(), 2),
            "cpu_ms_per_node_per_round": per_node_round_ms,
            "cpu_ms_per_node_per_round_total": round(sum(per_node_round_ms.values()), 3),
            "reverted": sim.recorder.reverted_count(),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=31)
    parser.add_argument("--reports", type=int, default=40, help="reports to land after warm-up")
    parser.add_argument("--rounds", type=int, default=None, help="run this many rounds instead (wall time)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.nodes, None if args.rounds else args.reports, args.rounds)
    result["machine"] = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    if args.json:
        print(json.dumps(result))
        return
    print(f"n={result['n']} f={result['f']}: {result['reports_landed']} reports in {result['rounds']} rounds, "
          f"{result['wall_seconds']} s wall -> {result['reports_per_second']} reports/s "
          f"({result['simulated_seconds']} s simulated), {result['reverted']} reverted")
    print("CPU per node per round (ms):")
    for phase, ms in result["cpu_ms_per_node_per_round"].items():  # type: ignore[attr-defined]
        print(f"  {phase:<10} {ms:8.3f}")
    print(f"  {'total':<10} {result['cpu_ms_per_node_per_round_total']:8.3f}")


if __name__ == "__main__":
    main()
