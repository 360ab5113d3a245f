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
from lanthanide.shock.network import REGIONS, SECTORS
from lanthanide.shock.simulation import SimulationResult
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
    for key in ("total_shortfall_t", "total_loss_musd", "shortfall_months"):
        v = result.summary[key]
        table.add_row(key, *(f"{v[q]:,.1f}" for q in ("p10", "p50", "p90", "mean")))
    table.caption = (
        f"P(any shortfall) = {result.summary['probability_of_shortfall']:.3f}; "
        f"peak P50 shortfall month: {result.summary['peak_shortfall_month_p50']}"
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


def backtest_table(bt: Backtest) -> Table:
    table = Table(title=f"Backtest {bt.spec.name}: China magnet exports, observed vs simulated")
    for col in ("month", "observed t", "P10", "P50", "P90", "APE"):
        table.add_column(col, justify="right" if col != "month" else "left")
    for r in bt.rows:
        obs = f"{r.observed:,.0f}" if r.observed is not None else "gap"
        ape = f"{r.ape:.1%}" if r.ape is not None else "-"
        table.add_row(r.month, obs, f"{r.p10:,.0f}", f"{r.p50:,.0f}", f"{r.p90:,.0f}", ape)
    table.caption = (
        f"MAPE (P50 vs observed, {len(bt.used)} months) = {bt.mape:.1%}; "
        f"observed inside P10-P90 in {bt.coverage:.0%} of months"
    )
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


def fan_chart(result: SimulationResult, title: str, unit: str, names: list[str]) -> bytes:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 4.5))
    x = list(range(len(result.months)))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, name in enumerate(names):
        q = result.series[name]
        if max(q["p90"]) <= 0:
            continue
        color = colors[i % len(colors)]
        ax.fill_between(x, q["p10"], q["p90"], color=color, alpha=0.2, linewidth=0)
        ax.plot(x, q["p50"], color=color, label=name.split("/", 1)[-1] if "/" in name else name)
    step = max(1, len(x) // 12)
    ax.set_xticks(x[::step], result.months[::step], rotation=45, ha="right")
    ax.set_ylabel(unit)
    ax.set_title(f"{title} — P50 with P10-P90 band ({result.runs} runs)")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, ncol=2)
    ax.grid(alpha=0.3)
    return _png(fig)


def backtest_chart(bt: Backtest) -> bytes:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    x = list(range(len(bt.rows)))
    ax.fill_between(
        x, [r.p10 for r in bt.rows], [r.p90 for r in bt.rows], alpha=0.25, label="simulated P10-P90"
    )
    ax.plot(x, [r.p50 for r in bt.rows], label="simulated P50")
    obs = [(i, r.observed) for i, r in enumerate(bt.rows) if r.observed is not None]
    ax.plot([i for i, _ in obs], [v for _, v in obs], "ko-", label="observed (China customs)")
    ax.set_xticks(x, [r.month for r in bt.rows], rotation=45, ha="right")
    ax.set_ylabel("t/month")
    ax.set_title(f"Backtest {bt.spec.name}: China magnet exports (MAPE {bt.mape:.1%})")
    ax.legend()
    ax.grid(alpha=0.3)
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
