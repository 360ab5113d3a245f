"""Render volatility-study results as a text table, CSV, JSON and a PNG of the basket's path."""

from __future__ import annotations

import io
import math

from lanthanide.markets.vol_result import GarchEvent, Realized, VolatilityResult, VolEvent
from lanthanide.report.cells import SafeDictWriter
from lanthanide.report.events import footer, model_json

CSV_FIELDS = (
    "event_id",
    "date",
    "series",
    "event_day",
    "rv_before",
    "rv_after",
    "rv_ratio",
    "garch_delta",
    "garch_se",
    "garch_z",
    "garch_p",
    "garch_jump_ratio",
    "variance_ratio",
    "variance_ratio_p",
    "n",
)


def _num(x: float | None, fmt: str = "{:+.2f}") -> str:
    return "n/a" if x is None or not math.isfinite(x) else fmt.format(x)


def _pct(x: float | None) -> str:
    return _num(None if x is None else 100 * x, "{:.1f}%")


def _series_line(rv: Realized | None, g: GarchEvent | None, name: str) -> str:
    day = str(rv.event_day) if rv else "-"
    delta = f"{_num(g.delta, '{:+.2f}')} ({_num(g.se, '{:.2f}')})" if g else "n/a"
    return (
        f"  {name:<9}  {day:<10}  {_pct(rv.before if rv else None):>8}  "
        f"{_pct(rv.after if rv else None):>8}  {_num(rv.ratio if rv else None, '{:.2f}'):>5}  "
        f"{delta:>18}  {_num(g.z.stat if g else None):>6}  "
        f"{_num(g.z.p if g else None, '{:.3f}'):>6}  {_num(g.jump_ratio if g else None):>7}"
    )


def _event_block(e: VolEvent, result: VolatilityResult) -> list[str]:
    vr = e.variance_ratio
    w = result.window
    lines = [
        f"{e.id}  {e.date}  actor {';'.join(e.actor) or '-'}  expected {e.expected_direction:+d}",
        f"  variance ratio [{w[0]},{w[1]}] vs estimation {_num(vr.ratio, '{:.2f}')} "
        f"(F {vr.df_window}, {vr.df_estimation}; p {_num(vr.f.p, '{:.3f}')})  N={e.n}",
        f"  series     day 0       RV -{result.rv_days}   RV +{result.rv_days}  ratio  "
        "GARCH delta (se)       z       p  /uncond",
    ]
    realized = {r.series: r for r in e.realized}
    garch = {g.series: g for g in e.garch}
    names = list(dict.fromkeys([*realized, *garch]))
    lines += [_series_line(realized.get(n), garch.get(n), n) for n in names]
    return lines


def volatility_table(result: VolatilityResult) -> str:
    lines = [
        f"volatility study: model {result.model}, window {list(result.window)}, estimation "
        f"{list(result.estimation)} (trading days); realised volatility annualised over "
        f"{result.rv_days} days before / from day 0; GARCH delta in %^2 per window day; "
        "p-values two-sided",
        "",
    ]
    for e in result.events:
        lines += [*_event_block(e, result), ""]
    lines.append("GARCH(1,1)-X fits (one per series, a dummy per event):")
    lines.append("  series     role      n    alpha   beta  persist  half-life (se)   uncond vol")
    for g in result.garch:
        life = f"{_num(g.half_life, '{:.1f}')} ({_num(g.half_life_se, '{:.1f}')})"
        lines.append(
            f"  {g.series:<9}  {g.role:<6}  {g.n:>4}  {g.alpha:.3f}  {g.beta:.3f}  "
            f"{g.persistence:.3f}  {life:>15}  {_pct(g.unconditional_vol):>10}"
            + ("" if g.converged else "  (not converged)")
        )
    lines += footer(result.skipped, result.notes)
    return "\n".join(lines).rstrip() + "\n"


def volatility_json(result: VolatilityResult) -> str:
    return model_json(result)


def volatility_csv(result: VolatilityResult) -> str:
    """One row per event and series (firms, basket, benchmarks)."""
    out = io.StringIO()
    writer = SafeDictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for e in result.events:
        realized = {r.series: r for r in e.realized}
        garch = {g.series: g for g in e.garch}
        for name in dict.fromkeys([*realized, *garch]):
            rv, g = realized.get(name), garch.get(name)
            writer.writerow(
                {
                    "event_id": e.id,
                    "date": e.date.isoformat(),
                    "series": name,
                    "event_day": rv.event_day.isoformat() if rv else None,
                    "rv_before": rv.before if rv else None,
                    "rv_after": rv.after if rv else None,
                    "rv_ratio": rv.ratio if rv else None,
                    "garch_delta": g.delta if g else None,
                    "garch_se": g.se if g else None,
                    "garch_z": g.z.stat if g else None,
                    "garch_p": g.z.p if g else None,
                    "garch_jump_ratio": g.jump_ratio if g else None,
                    "variance_ratio": e.variance_ratio.ratio,
                    "variance_ratio_p": e.variance_ratio.f.p,
                    "n": e.n,
                }
            )
    return out.getvalue()


def volatility_png(result: VolatilityResult) -> bytes:
    """The basket's GARCH-X conditional volatility with the events marked, and per event the
    basket's realised volatility before and after day 0."""
    # matplotlib loads only when a plot is asked for: it would add ~0.5 s to every CLI start.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6.5))
    basket = next((g for g in result.garch if g.role == "basket"), None)
    if basket is not None and basket.conditional_vol:
        top.plot(
            [p.date for p in basket.conditional_vol],
            [100 * p.vol for p in basket.conditional_vol],
            linewidth=0.9,
            label="basket, GARCH(1,1)-X conditional volatility",
        )
    for e in result.events:
        top.axvline(e.date, color="grey", linewidth=0.6, linestyle=":")
    top.set_ylabel("annualised volatility, %")
    top.legend(fontsize=7)
    names, before, after = [], [], []
    for e in result.events:
        rv = next((r for r in e.realized if r.series == "basket"), None)
        if rv is not None:
            names.append(e.id if len(e.id) <= 24 else e.id[:21] + "...")
            before.append(100 * (rv.before or 0.0))
            after.append(100 * (rv.after or 0.0))
    xs = range(len(names))
    bottom.bar([x - 0.2 for x in xs], before, width=0.4, label=f"{result.rv_days} days before")
    bottom.bar([x + 0.2 for x in xs], after, width=0.4, label=f"{result.rv_days} days from day 0")
    bottom.set_xticks(list(xs), names, rotation=60, ha="right", fontsize=6)
    bottom.set_ylabel("basket realised vol, %")
    bottom.legend(fontsize=7)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return buffer.getvalue()
