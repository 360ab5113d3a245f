"""Self-contained HTML reports (inline CSS, no scripts, no external assets) to archive."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from lanthanide.controls.result import Determination, Finding, ProductResult, Screening
from lanthanide.controls.status import TimelineEntry

LIGHT = {
    Determination.NO_LICENCE_REQUIRED: ("#1a7f37", "green"),
    Determination.UNKNOWN: ("#bf8700", "amber"),
    Determination.LICENCE_REQUIRED: ("#cf222e", "red"),
    Determination.PROHIBITED: ("#000000", "black"),
}
STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#1f2328}
h1{font-size:1.4em} h2{font-size:1.15em;margin-top:2em}
table{border-collapse:collapse;width:100%;margin:.5em 0}
td,th{border:1px solid #d0d7de;padding:.3em .5em;text-align:left;vertical-align:top;font-size:.9em}
th{background:#f6f8fa} .light{display:inline-block;width:1em;height:1em;border-radius:50%;
vertical-align:middle;margin-right:.4em} .muted{color:#656d76} code{font-size:.9em}
.binding{background:#fff1f0} .open{background:#fff8e5}
"""


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>\n"
        f"{body}\n</body></html>\n"
    )


def _finding_row(f: Finding) -> str:
    css = "binding" if f.binding else ("open" if f.binding is None else "")
    value = "" if f.value is None else f"{f.value:.4%}"
    threshold = "" if f.threshold is None else f"{f.comparison or ''} {f.threshold:.4%}"
    lines = ", ".join(
        f'{escape(line.line_id)} <span class="muted">(line {line.file_line}, '
        f"{escape(line.origin)})</span>"
        for line in f.deciding_lines
    )
    if f.deciding_lines_total > len(f.deciding_lines):
        lines += (
            f' <span class="muted">and {f.deciding_lines_total - len(f.deciding_lines)} more</span>'
        )
    applies = "unknown" if f.applies is None else ("yes" if f.applies else "no")
    status = escape(f.status.value) + (" <em>(assumed)</em>" if f.assumed else "")
    measure = escape(f.measure) + (f"<br><code>{escape(f.clause)}</code>" if f.clause else "")
    return (
        f'<tr class="{css}"><td>{measure}</td><td>{status}</td><td>{applies}</td>'
        f"<td>{escape(f.policy.value)}</td><td>{value}</td><td>{threshold}</td>"
        f'<td>{escape(f.sentence)}<br><a href="{escape(f.source_url)}">{escape(f.source_url)}</a>'
        f"</td><td>{lines}</td></tr>"
    )


def _product(p: ProductResult) -> str:
    colour, name = LIGHT[p.determination]
    head = (
        f'<h2><span class="light" style="background:{colour}" title="{name}"></span>'
        f"{escape(p.product_id)}: {escape(p.determination.value.replace('_', ' '))}</h2>"
        f"<p>Value US${p.value_usd:,.2f}; China-origin controlled rare-earth share "
        f"{p.cn_controlled_share:.4%}; US-origin controlled share {p.us_controlled_share:.2%}; "
        f"ship from {escape(p.ship_from or '?')} to {escape(p.ship_to or '?')}; end use "
        f"{escape(p.end_use or '-')}; end user {escape(p.end_user or '-')}.</p>"
    )
    rows = "".join(_finding_row(f) for f in p.findings)
    table = (
        "<table><tr><th>measure</th><th>status</th><th>applies</th><th>policy</th><th>value</th>"
        f"<th>threshold</th><th>finding and source</th><th>deciding lines</th></tr>{rows}</table>"
    )
    resourcing = ""
    if p.resourcing is not None:
        r = p.resourcing
        resourcing = (
            f"<p>Re-sourcing: moving {r.lines_total} line(s) ({escape(', '.join(r.lines))}) to a "
            f"non-Chinese source brings the share from {r.share_before:.4%} to "
            f"{r.share_after:.4%}, under {r.threshold:.2%} ({escape(r.measure)}).</p>"
        )
    return head + table + resourcing


def screening_html(result: Screening) -> str:
    """One page: receipt, then per product a traffic light, findings and deciding lines."""
    receipt = result.receipt
    rules = "".join(
        f"<tr><td>{escape(name)}</td><td><code>{digest}</code></td></tr>"
        for name, digest in receipt.rules.items()
    )
    inputs = "".join(
        f"<tr><td>{escape(name)}</td><td><code>{digest}</code></td></tr>"
        for name, digest in receipt.datasets.items()
    )
    assumptions = "".join(f"<li>{escape(a)}</li>" for a in receipt.assumptions) or "<li>none</li>"
    body = (
        f"<h1>Export-control screening on {escape(str(receipt.parameters.get('as_of')))}</h1>"
        f'<p class="muted">lanthanide {escape(receipt.version)}. Green: no licence required; '
        "amber: unknown (a measure's status or a fact is unknown); red: licence required; black: "
        "prohibited.</p>"
        f"<p>User assumptions:</p><ul>{assumptions}</ul>"
        + "".join(_product(p) for p in result.products)
        + f"<h2>Receipt</h2><table><tr><th>input</th><th>sha256</th></tr>{inputs}{rules}</table>"
    )
    return _page("lanthanide screening", body)


def timeline_html(entries: Sequence[TimelineEntry], as_of: str, assumptions: list[str]) -> str:
    rows = "".join(
        f"<tr><td>{escape(e.measure)}</td><td>{escape(e.status.value)}</td>"
        f"<td>{escape(', '.join(f'{k}: {v.value}' for k, v in e.clauses.items()))}</td>"
        f'<td>{escape(e.note)}</td><td><a href="{escape(e.source_url)}">source</a></td></tr>'
        for e in entries
    )
    echoed = "".join(f"<li>{escape(a)}</li>" for a in assumptions) or "<li>none</li>"
    body = (
        f"<h1>Measures on {escape(as_of)}</h1><ul>{echoed}</ul><table><tr><th>measure</th>"
        f"<th>status</th><th>clauses</th><th>why</th><th>source</th></tr>{rows}</table>"
    )
    return _page(f"lanthanide timeline {as_of}", body)
