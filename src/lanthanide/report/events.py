"""Render event catalogues and event-study results as text tables, CSV, JSON and a CAAR plot."""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence

from pydantic import BaseModel

from lanthanide.markets.catalogue import Event
from lanthanide.markets.result import EventResult, Skipped, StudyResult
from lanthanide.markets.significance import TESTS
from lanthanide.report.cells import SafeDictWriter

EVENT_COLUMNS = (
    "id",
    "date",
    "actor",
    "type",
    "expected_direction",
    "rule_ids",
    "description",
    "source_url",
    "confidence",
)


def _event_row(e: Event) -> dict[str, str]:
    return {
        "id": e.id,
        "date": e.date.isoformat(),
        "actor": ";".join(e.actor),
        "type": e.type,
        "expected_direction": f"{e.expected_direction:+d}" if e.expected_direction else "0",
        "rule_ids": ";".join(e.rule_ids),
        "description": e.description,
        "source_url": e.source_url,
        "confidence": e.confidence,
    }


def events_csv(events: Sequence[Event]) -> str:
    out = io.StringIO()
    writer = SafeDictWriter(out, fieldnames=EVENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_event_row(e) for e in events)
    return out.getvalue()


def events_json(events: Sequence[Event], receipt: dict[str, object]) -> str:
    body = {"receipt": receipt, "events": [e.model_dump(mode="json") for e in events]}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def events_table(events: Sequence[Event]) -> str:
    rows = [_event_row(e) for e in events]
    cols = ("date", "actor", "id", "expected_direction", "rule_ids")
    heads = {"expected_direction": "dir"}
    widths = {c: max([len(heads.get(c, c))] + [len(r[c]) for r in rows]) for c in cols}
    line = "  ".join(heads.get(c, c).ljust(widths[c]) for c in cols)
    body = ["  ".join(r[c].ljust(widths[c]) for c in cols).rstrip() for r in rows]
    return "\n".join([line.rstrip(), *body, f"{len(rows)} event(s)"]) + "\n"


def _num(x: float | None, fmt: str = "{:+.2f}") -> str:
    return "n/a" if x is None or not math.isfinite(x) else fmt.format(x)


def _pct(x: float | None) -> str:
    return _num(None if x is None else 100 * x, "{:+.2f}%")


def _event_block(r: EventResult, window: tuple[int, int]) -> list[str]:
    head = (
        f"{r.id}  {r.date}  actor {';'.join(r.actor) or '-'}  "
        f"expected {r.expected_direction:+d}  CAR[{window[0]},{window[1]}]"
    )
    lines = [head, "  ticker     day 0       CAR        t       p      n_est"]
    for f in r.firms:
        lines.append(
            f"  {f.ticker:<9}  {f.event_day}  {_pct(f.car):>9}  {_num(f.t):>6}  "
            f"{_num(f.p, '{:.3f}'):>6}  {f.n_estimation:>5}"
        )
    lines.append(
        f"  CAAR {_pct(r.caar)}  N={r.n}  mean residual corr {_num(r.mean_residual_correlation)}"
    )
    tests = "  ".join(
        f"{k} {_num(r.tests[k].stat)} (p {_num(r.tests[k].p, '{:.3f}')})" for k in TESTS
    )
    lines.append(f"  tests: {tests}")
    if r.overlaps:
        lines.append(f"  overlaps with: {', '.join(r.overlaps)}")
    return lines


def study_table(result: StudyResult) -> str:
    lines: list[str] = [
        f"event study: model {result.model}, window {list(result.window)}, "
        f"estimation {list(result.estimation)} (trading days); p-values two-sided",
        "",
    ]
    for r in result.events:
        lines += [*_event_block(r, result.window), ""]
    if result.pooled:
        p = result.pooled
        lines.append(
            f"pooled (direction-signed CAR averaged per firm): mean {_pct(p.mean_signed_car)}  "
            f"t {_num(p.t.stat)} (p {_num(p.t.p, '{:.3f}')})  firms {p.n_firms}  "
            f"events {p.n_events}"
        )
        lines.append(
            f"pooled over events (signed CAAR per event): mean {_pct(p.mean_signed_caar)}  "
            f"t {_num(p.t_events.stat)} (p {_num(p.t_events.p, '{:.3f}')})"
        )
    lines += footer(result.skipped, result.notes)
    return "\n".join(lines).rstrip() + "\n"


def footer(skipped: Sequence[Skipped], notes: Sequence[str]) -> list[str]:
    """Skipped firms and events, then notes (a skipped event stands for its firms' lines)."""
    whole = {s.event for s in skipped if s.ticker is None}
    lines = [
        f"skipped {s.event} {s.ticker or '(all firms)'}: {s.reason}"
        for s in skipped
        if s.ticker is None or s.event not in whole  # JSON keeps every firm's reason
    ]
    return lines + [f"note: {note}" for note in notes]


def model_json(result: BaseModel) -> str:
    """A result object as indented JSON (the model's own serialisation)."""
    return json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def study_json(result: StudyResult) -> str:
    return model_json(result)


def study_csv(result: StudyResult) -> str:
    out = io.StringIO()
    fields = ["event_id", "date", "ticker", "event_day", "car", "t", "p", "n_estimation", "caar"]
    fields += [f"{k}_{part}" for k in TESTS for part in ("stat", "p")]
    writer = SafeDictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for r in result.events:
        common: dict[str, object] = {"event_id": r.id, "date": r.date.isoformat(), "caar": r.caar}
        for k in TESTS:
            common[f"{k}_stat"] = r.tests[k].stat
            common[f"{k}_p"] = r.tests[k].p
        for f in r.firms:
            writer.writerow(
                common
                | {
                    "ticker": f.ticker,
                    "event_day": f.event_day.isoformat(),
                    "car": f.car,
                    "t": f.t,
                    "p": f.p,
                    "n_estimation": f.n_estimation,
                }
            )
    return out.getvalue()


def caar_png(result: StudyResult, z: float = 1.96) -> bytes:
    """One panel per event: CAAR over the window with a +/- z standard-error band (PNG bytes)."""
    # matplotlib loads only when a plot is asked for: it would add ~0.5 s to every CLI start.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    events = [r for r in result.events if r.caar_path]
    n = max(1, len(events))
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.0 * rows), squeeze=False)
    for ax, r in zip(axes.flat, events, strict=False):
        taus = [p.tau for p in r.caar_path]
        caar = [100 * p.caar for p in r.caar_path]
        se = [100 * (p.se or 0.0) for p in r.caar_path]
        ax.fill_between(
            taus,
            [c - z * s for c, s in zip(caar, se, strict=True)],
            [c + z * s for c, s in zip(caar, se, strict=True)],
            alpha=0.25,
            label=f"{z:g} s.e.",
        )
        ax.plot(taus, caar, marker="o", label="CAAR")
        ax.axhline(0, color="black", linewidth=0.6)
        ax.axvline(0, color="grey", linewidth=0.6, linestyle=":")
        title = r.id if len(r.id) <= 34 else r.id[:31] + "..."
        ax.set_title(f"{title}\n{r.date} (N={r.n})", fontsize=8)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("trading day relative to event")
        ax.set_ylabel("CAAR, %")
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[len(events) :]:
        ax.set_visible(False)
    fig.suptitle(f"CAAR, {result.model} model", fontsize=10)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return buffer.getvalue()
