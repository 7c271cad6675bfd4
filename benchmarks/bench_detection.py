"""How well the reputation engine, reading only the chain, finds each Byzantine strategy.

    .venv/bin/python -m benchmarks.bench_detection [--nodes 7] [--rounds 30] [--strategies a,b] [--modes m] [--json]

(run from the repository root: it shares its cells with ``tests/reputation_detection``). For every
strategy and mode it runs ``ocr demo``'s protocol with f faulty oracles against a feed on a fresh
managed anvil (prague), indexes the feed over RPC (``ocr reputation index``), scores it (``ocr
reputation score --json``) and prints, as the Markdown table ``docs/reputation.md`` quotes: whether
the strategy leaves an on-chain trace in that mode, the reports landed (R), the ranks of the
faulty oracles, the worst rank an honest oracle fell to, and who was flagged.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from ocr_client.protocol.strategy_names import STRATEGIES
from tests.reputation_detection.detection import MODES, Verdict, detect
from tests.reputation_detection.test_detection import seed_of
from tests.reputation_detection.visibility import detectable


def row(verdict: Verdict, mode: str) -> dict[str, object]:
    faulty, honest = verdict.faulty, verdict.honest
    caught = (all(o.flags for o in faulty) if verdict.strategy == "copycat"
              else verdict.faulty_rank_below_every_honest())
    return {
        "strategy": verdict.strategy, "mode": mode, "n": verdict.demo.n, "on_chain": detectable(verdict.strategy, mode),
        "reports": verdict.landed, "faulty_ranks": sorted(o.rank for o in faulty),
        "worst_honest_rank": max(o.rank for o in honest), "faulty_flagged": sum(1 for o in faulty if o.flags),
        "honest_flagged": sum(1 for o in honest if o.flags), "caught": caught,
        "flags": sorted({f for o in faulty for f in o.flags}),
    }


def markdown(rows: list[dict[str, object]]) -> str:
    lines = ["| strategy | mode | on-chain trace | R | faulty ranks (of n) | worst honest rank | faulty flagged "
             "| honest flagged | caught |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ranks = ", ".join(map(str, r["faulty_ranks"]))  # type: ignore[call-overload]
        lines.append(f"| `{r['strategy']}` | {r['mode']} | {'yes' if r['on_chain'] else 'no'} | {r['reports']} | "
                     f"{ranks} (of {r['n']}) | {r['worst_honest_rank']} | {r['faulty_flagged']} | {r['honest_flagged']} | "
                     f"{'yes' if r['caught'] else 'no'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--strategies", default=",".join(STRATEGIES))
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for mode in args.modes.split(","):
            for strategy in args.strategies.split(","):
                db = Path(tmp) / f"{strategy}-{mode}.duckdb"
                verdict = detect(args.nodes, strategy, mode, seed_of(strategy, mode, args.nodes),
                                 args.rounds, db)
                rows.append(row(verdict, mode))
                print(verdict.table() if not args.json else "", flush=True)
    print(json.dumps(rows) if args.json else markdown(rows))


if __name__ == "__main__":
    main()
