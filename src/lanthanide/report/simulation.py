"""Render simulation and backtest results: terminal tables, the JSON contract, files, fan charts."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
from rich.table import Table

from lanthanide.receipt import Receipt
from lanthanide.report.cells import safe_frame
from lanthanide.shock.backtest import Backtest
from lanthanide.shock.comparison import Comparison
from lanthanide.shock.network import REGION_NAMES, REGIONS, SECTORS
from lanthanide.shock.sensitivity import TornadoRow
from lanthanide.shock.simulation import SCALARS, SimulationResult
from lanthanide.shock.stockpile import CoverRow
from lanthanide.store.files import atomic_write_bytes, atomic_write_text

#: fan charts written by --out: file stem -> (title, unit, series names)
CHARTS: dict[str, tuple[str, str, list[str]]] = {
    "cn_magnet_exports": ("China rare-earth magnet exports", "t/month", ["cn_magnet_exports_t"]),
    "shortfall_by_region": (
        "Magnet shortfall by region",
        "t/month",
        [f"shortfall_t/{r}" for r in REGIONS if r != "MM"],
    ),
    "shortfall_by_sector": (
        "Magnet shortfall by sector",
        "t/month",
        [f"shortfall_t/{k}" for k in SECTORS],
    ),
    "cn_lost_export_revenue": (
        "China's lost magnet and material export revenue",
        "US$ million/month",
        ["cn_lost_export_revenue_musd"],
    ),
    "prices_ex_china": (
        "Prices outside China",
        "US$/kg",
        [f"price_usd_per_kg/{m}/XC" for m in ("lreo", "hreo", "ndfeb", "ndfeb_hd")],
    ),
}


def contract(result: SimulationResult, receipt: Receipt) -> dict[str, Any]:
    """The JSON contract: receipt, months, series NAME -> p10/p50/p90, summary."""
    return {
        "receipt": receipt.model_dump(mode="json"),
        "months": result.months,
        "series": result.series,
        "summary": result.summary,
    }


def to_json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, indent=2, sort_keys=False) + "\n"


def long_frame(result: SimulationResult) -> pd.DataFrame:
    """One row per series x month with p10/p50/p90 (the Parquet/CSV layout)."""
    rows = [
        (name, month, q["p10"][i], q["p50"][i], q["p90"][i])
        for name, q in result.series.items()
        for i, month in enumerate(result.months)
    ]
    return pd.DataFrame(rows, columns=["series", "month", "p10", "p50", "p90"])


def summary_table(result: SimulationResult) -> Table:
    table = Table(title=f"{result.summary['scenario']} — {result.runs} runs, seed {result.seed}")
    table.add_column("summary")
    table.add_column("P10", justify="right")
    table.add_column("P50", justify="right")
    table.add_column("P90", justify="right")
    table.add_column("mean", justify="right")
    for key in SCALARS:
        v = result.summary[key]
        table.add_row(key, *(f"{v[q]:,.1f}" for q in ("p10", "p50", "p90", "mean")))
    table.caption = (
        f"P(any shortfall) = {result.summary['probability_of_shortfall']:.3f}; "
        f"peak P50 shortfall month: {result.summary['peak_shortfall_month_p50']}"
    )
    return table


def comparison_table(c: Comparison) -> Table:
    """Each scenario's P50 (P10-P90) per summary figure, then its paired difference to the first."""
    table = Table(title=f"Scenarios side by side — {c.runs} runs, seed {c.seed}, paired by seed")
    table.add_column("figure")
    for name in c.names:
        table.add_column(name, justify="right")
    for name in c.names[1:]:
        table.add_column(f"{name} minus {c.names[0]}", justify="right")

    def cell(v: dict[str, float]) -> str:
        return f"{v['p50']:,.0f} ({v['p10']:,.0f} to {v['p90']:,.0f})"

    for key in SCALARS:
        levels = [cell(s[key]) for s in c.summaries]
        diffs = [cell(d[key]) for d in c.differences]
        table.add_row(key, *levels, *diffs)
    table.caption = "P50 (P10 to P90) over runs; differences are taken run by run"
    return table


def stockpile_table(rows: list[CoverRow]) -> Table:
    """Days of cover that keep each region's / sector's shortfall at zero in 90% of runs."""
    table = Table(title="Stockpile sizing: days of cover for no shortfall in 90% of runs")
    for col in (
        "group",
        "name",
        "calibrated days",
        "share of runs without shortfall",
        "days needed",
    ):
        table.add_column(col, justify="left" if col in ("group", "name") else "right")
    for r in rows:
        needed = "over 4 years" if r.days_needed is None else f"{r.days_needed:,.0f}"
        words = REGION_NAMES.get(r.name, SECTOR_WORDS.get(r.name, r.name))
        share = f"{r.share_without_shortfall_at_calibrated:.0%}"
        table.add_row(r.group, words, f"{r.calibrated_days:,.0f}", share, needed)
    table.caption = "each group sized with all others at their calibrated cover"
    return table


def tornado_table(rows: list[TornadoRow]) -> Table:
    """Uncertain parameters by their swing in mean total shortfall (P10 vs P90 pinned)."""
    table = Table(title="Sensitivity: mean total shortfall with one parameter pinned")
    for col in ("parameter", "P10 value", "P90 value", "shortfall at P10 t", "at P90 t", "swing t"):
        table.add_column(col, justify="left" if col == "parameter" else "right")
    for r in rows:
        table.add_row(
            r.parameter,
            f"{r.low_value:,.3g}",
            f"{r.high_value:,.3g}",
            f"{r.shortfall_at_low_t:,.0f}",
            f"{r.shortfall_at_high_t:,.0f}",
            f"{r.swing_t:,.0f}",
        )
    return table


def monthly_table(result: SimulationResult) -> Table:
    table = Table(title="Monthly P50 (P10-P90)")
    table.add_column("month")
    picks = [
        ("cn_magnet_exports_t", "CN exports t"),
        ("shortfall_t", "shortfall t"),
        ("price_usd_per_kg/ndfeb_hd/XC", "Dy-NdFeB ex-CN $/kg"),
        ("price_usd_per_kg/hreo/XC", "Dy oxide ex-CN $/kg"),
    ]
    for _, label in picks:
        table.add_column(label, justify="right")
    for i, month in enumerate(result.months):
        cells = []
        for name, _ in picks:
            q = result.series[name]
            cells.append(f"{q['p50'][i]:,.0f} ({q['p10'][i]:,.0f}-{q['p90'][i]:,.0f})")
        table.add_row(month, *cells)
    return table


SERIES_TITLES = {
    "cn_magnet_exports_t": "China's magnet exports",
    "shortfall_t": "shortfall, all regions",
    "loss_musd": "output at risk",
    "cn_lost_export_revenue_musd": "China's lost export revenue",
}
SECTOR_WORDS = {
    "ev": "electric vehicles",
    "wind": "wind turbines",
    "industrial": "industrial motors",
    "electronics": "electronics",
    "datacentre": "data centres",
    "defence": "defence",
    "other": "other uses",
}
MATERIAL_WORDS = {
    "lreo": "NdPr (oxide basis)",
    "hreo": "Dy/Tb (oxide basis)",
    "ndfeb": "NdFeB magnets",
    "ndfeb_hd": "NdFeB magnets with Dy/Tb",
    "smco": "SmCo magnets",
}
#: backtest series (China's magnet exports) in words
SERIES_WORDS = {
    "total": "all destinations",
    **{r: f"to {REGION_NAMES[r]}" for r in REGION_NAMES},
}


def backtest_table(bt: Backtest) -> Table:
    table = Table(title=f"Backtest {bt.spec.name}: China magnet exports, observed vs simulated")
    for col in ("series", "month", "observed t", "P10", "P50", "P90", "APE"):
        table.add_column(col, justify="left" if col in ("series", "month") else "right")
    lines = []
    for s in bt.series:
        for r in s.rows:
            obs = f"{r.observed:,.0f}" if r.observed is not None else "gap"
            ape = f"{r.ape:.1%}" if r.ape is not None else "-"
            month = r.month + ("*" if r.month in bt.spec.in_sample else "")
            cells = (f"{r.p10:,.0f}", f"{r.p50:,.0f}", f"{r.p90:,.0f}", ape)
            table.add_row(SERIES_WORDS.get(s.name, s.name), month, obs, *cells)
        table.add_section()
        words = SERIES_WORDS.get(s.name, s.name)
        lines.append(
            f"exports {words}: MAPE {s.mape:.1%} over {len(s.used)} months "
            f"({s.mape_out_of_sample:.1%} over {len(s.out_of_sample)} out of sample), "
            f"inside P10-P90 in {s.coverage:.0%}"
        )
    lines.append(f"all series: observed inside P10-P90 in {bt.coverage:.0%} of months")
    lines.append(f"* in sample: {bt.spec.in_sample_note}")
    table.caption = "\n".join(lines)
    return table


def _pyplot() -> Any:
    """matplotlib.pyplot with the Agg backend, imported only when a chart is drawn (it costs
    about 0.3 s of start-up that commands without charts should not pay)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig: Any) -> bytes:
    plt = _pyplot()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def series_words(name: str) -> str:
    """A series name in words, for chart legends (`shortfall_t/US` -> "United States")."""
    head, _, rest = name.partition("/")
    if not rest:
        return SERIES_TITLES.get(head, head)
    if rest in REGION_NAMES:
        return REGION_NAMES[rest]
    if rest in SECTOR_WORDS:
        return SECTOR_WORDS[rest]
    material = rest.split("/")[0]
    return MATERIAL_WORDS.get(material, rest)


def shade_windows(ax: Any, result: SimulationResult) -> None:
    """Grey spans over the months each restriction is in force (open-ended to the horizon)."""
    last = len(result.months) - 1
    for i, win in enumerate(result.extras.get("restriction_windows", [])):
        start = max(float(win["start_month"]), 0.0)
        end = last if win["end_month"] is None else min(float(win["end_month"]), last)
        if end > start:
            label = "restriction in force" if i == 0 else None
            ax.axvspan(start, end, color="grey", alpha=0.12, linewidth=0, label=label)


def fan_chart(result: SimulationResult, title: str, unit: str, names: list[str]) -> bytes:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 4.5))
    x = list(range(len(result.months)))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    shade_windows(ax, result)
    for i, name in enumerate(names):
        q = result.series[name]
        if max(q["p90"]) <= 0:
            continue
        color = colors[i % len(colors)]
        ax.fill_between(x, q["p10"], q["p90"], color=color, alpha=0.2, linewidth=0)
        ax.plot(x, q["p50"], color=color, label=series_words(name))
    step = max(1, len(x) // 12)
    ax.set_xticks(x[::step], result.months[::step], rotation=45, ha="right")
    ax.set_ylabel(unit)
    ax.set_title(f"{title} — P50 with P10-P90 band ({result.runs} runs)")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, ncol=2)
    ax.grid(alpha=0.3)
    return _png(fig)


def backtest_chart(bt: Backtest) -> bytes:
    """One panel per observed series: simulated P50 and P10-P90 band, observed points."""
    plt = _pyplot()
    fig, axes = plt.subplots(len(bt.series), 1, figsize=(8, 3.6 * len(bt.series)), squeeze=False)
    for ax, s in zip(axes[:, 0], bt.series, strict=True):
        x = list(range(len(s.rows)))
        words = SERIES_WORDS.get(s.name, s.name)
        ax.fill_between(
            x,
            [r.p10 for r in s.rows],
            [r.p90 for r in s.rows],
            alpha=0.25,
            label="simulated P10-P90",
        )
        ax.plot(x, [r.p50 for r in s.rows], label="simulated P50")
        obs = [(i, r.observed) for i, r in enumerate(s.rows) if r.observed is not None]
        ax.plot([i for i, _ in obs], [v for _, v in obs], "ko-", label="observed (China customs)")
        ax.set_xticks(x, [r.month for r in s.rows], rotation=45, ha="right")
        ax.set_ylabel("t/month")
        ax.set_title(f"exports {words} (MAPE {s.mape:.1%}, P10-P90 holds {s.coverage:.0%})")
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    fig.suptitle(f"Backtest {bt.spec.name}: China's rare-earth magnet exports")
    fig.tight_layout()
    return _png(fig)


def write_outputs(out: Path, payload: dict[str, Any], result: SimulationResult) -> list[Path]:
    """summary.json, series.parquet, series.csv and one PNG fan chart per CHARTS entry."""
    written = []
    target = out / "summary.json"
    atomic_write_text(target, to_json(payload))
    written.append(target)
    frame = long_frame(result)
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    atomic_write_bytes(out / "series.parquet", buffer.getvalue())
    atomic_write_text(out / "series.csv", safe_frame(frame).to_csv(index=False))
    written += [out / "series.parquet", out / "series.csv"]
    for stem, (title, unit, names) in CHARTS.items():
        target = out / f"{stem}.png"
        atomic_write_bytes(target, fan_chart(result, title, unit, names))
        written.append(target)
    return written
