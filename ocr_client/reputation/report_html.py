"""``ocr reputation report``: one self-contained HTML page, readable offline (no script, no CDN).

The ranking table, per-oracle charts as inline SVG (deviation over time, latency distribution,
inclusion per report), the sybil and mirroring evidence, and the method and weights used.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Final

from ocr_client.reputation.derive import ROBUST_BAND
from ocr_client.reputation.metrics import METRICS, Scope, build_scope
from ocr_client.reputation.ranking import ScoreResult
from ocr_client.reputation.store import Store
from ocr_client.reputation.svg import histogram, scatter, strip

#: Charts show at most this many recent reports per oracle (the page stays small).
CHART_REPORTS: Final[int] = 400
LATENCY_BINS: Final[int] = 20
STYLE: Final[str] = """
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
table{border-collapse:collapse;font-size:13px;margin:8px 0 20px}
th,td{border:1px solid #ddd;padding:3px 6px;text-align:right}
th{background:#f0f3f7} td.l,th.l{text-align:left}
.flag{color:#c0392b;font-weight:600} .oracle{border-top:1px solid #ccc;padding-top:8px;margin-top:14px}
.charts{display:flex;gap:10px;flex-wrap:wrap} code{font-size:12px} td.why{min-width:320px}
"""


def _fmt(value: object) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.4g}"
    return escape(str(value))


def _ranking(result: ScoreResult) -> str:
    names = ["inclusion_rate", "signing_rate", "deviation_median_bps", "within_2dev_share", "stalled_share",
             "latency_median_s", "total_reports"]
    head = "".join(f"<th>{escape(n)}</th>" for n in names)
    rows = []
    for o in result.oracles:
        cells = "".join(f"<td>{_fmt(o.metrics.get(n))}</td>" for n in names)
        flags = ", ".join(escape(str(f["kind"])) for f in o.flags)
        rows.append(f'<tr id="rank-{o.rank}"><td>{o.rank}</td><td class="l"><code>{escape(o.oracle)}</code></td>'
                    f'<td class="l">{escape(o.operator or "-")}</td><td>{o.score}</td><td>{o.lifetime}</td>'
                    f'<td>{_fmt(o.recent)}</td>{cells}<td class="l flag">{flags}</td></tr>')
    return (f'<table id="ranking"><tr><th>rank</th><th class="l">oracle</th><th class="l">operator</th><th>score</th>'
            f'<th>lifetime</th><th>recent</th>{head}<th class="l">flags</th></tr>{"".join(rows)}</table>')


def _charts(store: Store, result: ScoreResult) -> str:
    feeds = tuple(f["feed"] for f in result.feeds)
    build_scope(store, Scope(feeds, start=result.method["window"]["start"], half_life=result.method["half_life_s"]))
    blocks = []
    for o in result.oracles:
        address = o.oracle.lower()
        obs = store.query("SELECT signed_dev_bps, latency_s, robust_z FROM s_obs WHERE address = ? "
                          "ORDER BY block_time DESC, feed, round_id DESC LIMIT ?", [address, CHART_REPORTS])[::-1]
        slots = store.query(
            "SELECT o.round_id IS NOT NULL FROM s_reports r JOIN config_oracles co ON co.contract = r.contract "
            "AND co.config_digest = r.config_digest AND co.transmitter = ? LEFT JOIN s_obs o ON o.feed = r.feed "
            "AND o.round_id = r.round_id AND o.address = ? ORDER BY r.block_time DESC, r.feed, r.round_id DESC LIMIT ?",
            [address, address, CHART_REPORTS])[::-1]
        devs = [None if r[0] is None else float(r[0]) for r in obs]
        latencies = [float(r[1]) for r in obs if r[1] is not None]
        band = _band(obs)
        charts = (scatter("deviation from the report median (bps) over reports", devs, "reports, oldest first", band)
                  + histogram("latency distribution (s)", latencies, LATENCY_BINS, "observation -> block (s)")
                  + strip("inclusion per report", [bool(r[0]) for r in slots], "reports under its configs"))
        flags = "".join(f'<li class="flag">{escape(str(f["kind"]))}: {escape(str(f.get("reason", "")))}</li>'
                        for f in o.flags)
        blocks.append(f'<div class="oracle" id="oracle-{escape(o.oracle)}"><h3>#{o.rank} <code>{escape(o.oracle)}</code>'
                      f' score {o.score}</h3><ul>{flags}</ul><div class="charts">{charts}</div></div>')
    return "".join(blocks)


def _band(obs: list[tuple[object, ...]]) -> float | None:
    """The 2-robust-deviation band in bps, read from a point where both deviation and z are known."""
    for dev, _, z in obs:
        if isinstance(dev, float) and isinstance(z, float) and z > 0:
            return abs(dev) / z * ROBUST_BAND
    return None


def _sybil(result: ScoreResult) -> str:
    if not result.pairs:
        return "<p id=\"sybil\">No pair of oracles agrees more than independent sources would.</p>"
    rows = "".join(
        f'<tr><td class="l"><code>{escape(p.feed)}</code></td><td class="l"><code>{escape(p.a)}</code></td>'
        f'<td class="l"><code>{escape(p.b)}</code></td><td>{p.shared_reports}</td><td>{p.equal_values}</td>'
        f'<td>{p.equal_share:.1%}</td><td>{_fmt(p.correlation)}</td><td class="l"><code>{escape(p.copier or "-")}</code></td>'
        f'<td class="l why">{escape(p.reason)}</td></tr>' for p in result.pairs)
    return (f'<table id="sybil"><tr><th class="l">feed</th><th class="l">oracle a</th><th class="l">oracle b</th>'
            f'<th>shared reports</th><th>equal values</th><th>equal share</th><th>correlation</th>'
            f'<th class="l">likely copier (later timestamp)</th><th class="l">why</th></tr>{rows}</table>')


def _method(result: ScoreResult) -> str:
    m = result.method
    weights = "".join(f"<tr><td class=\"l\">{escape(k)}</td><td>{v:g}</td><td>{m['effective_weights'].get(k, 0):.3f}</td></tr>"
                      for k, v in m["weights"].items())
    defs = "".join(f"<tr><td class=\"l\">{escape(x.name)}</td><td class=\"l\">{escape(x.direction)}</td>"
                   f"<td class=\"l\">{escape(x.unit)}</td><td class=\"l\">{escape(x.definition)}</td></tr>" for x in METRICS)
    return (f"<p>{escape(m['normalisation'])}. Score unit: {escape(m['score_unit'])}. Final score: "
            f"{escape(m['final_score'])}; recent window: last {m['recent_reports_per_feed']} reports per feed; "
            f"half-life: {_fmt(m['half_life_s'])} s; window {_fmt(m['window']['start'])} .. {_fmt(m['window']['end'])}.</p>"
            f'<table id="weights"><tr><th class="l">metric</th><th>weight</th><th>effective</th></tr>{weights}</table>'
            f'<table id="definitions"><tr><th class="l">metric</th><th class="l">direction</th><th class="l">unit</th>'
            f'<th class="l">definition</th></tr>{defs}</table>')


def render(store: Store, result: ScoreResult) -> str:
    feeds = "".join(f"<li><code>{escape(f['feed'])}</code> ({escape(str(f['format']))}): {f['reports']} reports, "
                    f"blocks {f['first_block']}..{f['last_block']}</li>" for f in result.feeds)
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Oracle reputation</title>"
            f"<style>{STYLE}</style></head><body><h1>Oracle reputation</h1>"
            f"<p>Computed from on-chain events alone.</p><ul>{feeds}</ul>"
            f"<h2>Ranking</h2>{_ranking(result)}<h2>Sybil and mirroring evidence</h2>{_sybil(result)}"
            f"<h2>Per oracle</h2>{_charts(store, result)}<h2>Method and weights</h2>{_method(result)}</body></html>")


def write_report(store: Store, result: ScoreResult, path: Path) -> None:
    text = render(store, result)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)
