"""The terminal table and the CSV of a score result."""

from __future__ import annotations

import csv
from pathlib import Path

from ocr_client.reputation.metrics import METRIC_NAMES
from ocr_client.reputation.ranking import ScoreResult

COLUMNS = (("inclusion_rate", "incl", "{:.1%}"), ("signing_rate", "sign", "{:.1%}"),
           ("deviation_median_bps", "dev bps", "{:.1f}"), ("within_2dev_share", "2DEV", "{:.1%}"),
           ("stalled_share", "stall", "{:.1%}"), ("latency_median_s", "lat s", "{:g}"),
           ("total_reports", "reports", "{:d}"))


def _cell(value: object, fmt: str) -> str:
    if value is None:
        return "n/a"
    try:
        return fmt.format(value)
    except (ValueError, TypeError):
        return str(value)


def format_table(result: ScoreResult) -> str:
    head = f"{'rank':>4}  {'oracle':<42}  {'operator':<12}  {'score':>7}  " + "  ".join(f"{t:>7}" for _, t, _ in COLUMNS)
    lines = [f"{len(result.oracles)} oracles over {sum(f['reports'] for f in result.feeds)} reports of "
             f"{len(result.feeds)} feed(s); score in ppm, final = min(lifetime, recent)", head]
    for o in result.oracles:
        cells = "  ".join(f"{_cell(o.metrics.get(name), fmt):>7}" for name, _, fmt in COLUMNS)
        flags = ", ".join(str(f["kind"]) for f in o.flags)
        lines.append(f"{o.rank:>4}  {o.oracle:<42}  {(o.operator or '-')[:12]:<12}  {o.score:>7}  {cells}"
                     + (f"  [{flags}]" if flags else ""))
    return "\n".join(lines)


def write_csv(result: ScoreResult, path: str | Path) -> None:
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["rank", "oracle", "operator", "score", "score_lifetime", "score_recent", *METRIC_NAMES, "flags"])
        for o in result.oracles:
            writer.writerow([o.rank, o.oracle, o.operator or "", o.score, o.lifetime, "" if o.recent is None else o.recent,
                             *("" if o.metrics.get(n) is None else o.metrics[n] for n in METRIC_NAMES),
                             ";".join(str(f["kind"]) for f in o.flags)])
