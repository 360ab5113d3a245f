"""Screen every product of a BOM against every measure on a date: the public entry point."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from lanthanide.bom.model import COUNTRY_CODE, I64, NONE, Bom
from lanthanide.bom.resourcing import Resourcing, smallest_resourcing
from lanthanide.controls.exact import exact, near, share_meets
from lanthanide.controls.facts import CN_CONTENT, US_CONTENT, Facts, compute_facts
from lanthanide.controls.measures import EVALUATORS, Context, us_affiliates
from lanthanide.controls.result import (
    Finding,
    ProductResult,
    ResourcingResult,
    Screening,
    determine,
)
from lanthanide.controls.rule import RuleSet, Status, Test, Threshold
from lanthanide.controls.us_embargo import dfars_resourcing
from lanthanide.receipt import make_receipt

EXTRATERRITORIAL = "CN-MOFCOM-2025-61"
#: re-sourcing lists at most this many line ids (the total count is always given)
MAX_RESOURCING_LINES = 100


@dataclass(frozen=True)
class Defaults:
    """CLI defaults for product-level columns a BOM leaves empty."""

    ship_from: str | None = None
    ship_to: str | None = None
    end_user: str | None = None
    end_use: str | None = None


def _country(value: str | None) -> int:
    return COUNTRY_CODE[value.upper()] if value else NONE


def facts_for(bom: Bom, rules: RuleSet) -> Facts:
    """The roll-ups of a BOM under the shipped Annex 1 scope (per line and per product)."""
    return compute_facts(bom, rules.rules[EXTRATERRITORIAL])


def _exactly_under(
    facts: Facts,
    product: int,
    nodes: I64,
    found: Resourcing,
    threshold: Threshold,
) -> Resourcing:
    """Extend a float re-sourcing set until the share left fails the legal test exactly.

    The float search can stop one line early when the share left lands on the threshold
    (0.9 of 900 left is exactly 0.1%, still caught): check the rest in rationals and take the
    next-largest lines until it is under.
    """
    limit, comparison = threshold.value, threshold.comparison
    left = facts.share(CN_CONTENT)[product] - found.moved_value / float(facts.value[product])
    if not near(float(left), limit):
        return found
    root = int(facts.bom.root[product])
    exact_of = facts.exact_contributions(root, CN_CONTENT)
    whole = exact(float(facts.value[product]))
    order = nodes[np.argsort(-facts.contribution[nodes, CN_CONTENT], kind="stable")]
    k = found.nodes.size
    rest = sum((exact_of.get(int(i), Fraction(0)) for i in order[k:]), Fraction(0))
    while k < order.size and share_meets(rest, whole, limit, comparison):
        rest -= exact_of.get(int(order[k]), Fraction(0))
        k += 1
    total = facts.exact_total(root, CN_CONTENT)
    return Resourcing(
        nodes=order[:k].astype(np.int64),
        moved_value=float(total - rest),
        share_before=found.share_before,
        share_after=float(rest / whole),
        limit=limit,
    )


def _can_clear(findings: list[Finding]) -> bool:
    """Re-sourcing is offered only where it can clear the test: the product's own Ann. 61
    de minimis finding applies or is unknown (not for a China-made product, a product that is
    not a Part II item, or one shipped into China)."""
    return any(
        f.measure == EXTRATERRITORIAL
        and f.clause == "de_minimis"
        and not f.upstream
        and f.applies is not False
        for f in findings
    )


def _resourcing(facts: Facts, rules: RuleSet, product: int) -> ResourcingResult | None:
    rule = rules.rules[EXTRATERRITORIAL]
    threshold = rule.thresholds["cn_controlled_share"]
    if not facts.meets(product, CN_CONTENT, threshold.value, threshold.comparison):
        return None
    nodes = facts.nodes(product)
    nodes = nodes[facts.contribution[nodes, CN_CONTENT] > 0]
    found = smallest_resourcing(
        nodes,
        facts.contribution[nodes, CN_CONTENT],
        float(facts.value[product]),
        threshold.value,
        strict=threshold.comparison == ">=",
    )
    if found is None:
        return None
    found = _exactly_under(facts, product, nodes, found, threshold)
    labels = [facts.bom.line_label(int(i)) for i in found.nodes[:MAX_RESOURCING_LINES]]
    return ResourcingResult(
        measure=rule.id,
        threshold=threshold.value,
        share_before=found.share_before,
        share_after=found.share_after,
        moved_value_usd=found.moved_value,
        lines=labels,
        lines_total=int(found.nodes.size),
    )


def screen(
    bom: Bom,
    rules: RuleSet,
    on: dt.date,
    *,
    defaults: Defaults | None = None,
    assumptions: Mapping[str, Status] | None = None,
    inputs: Mapping[str, str] | None = None,
    facts: Facts | None = None,
) -> Screening:
    """Determination, findings and re-sourcing for every product of `bom` on date `on`.

    `inputs` (file name -> sha256) is recorded in the receipt with the rule hashes. Pass
    `facts` (from `facts_for`) to reuse roll-ups the caller also wants per line.
    """
    defaults = defaults or Defaults()
    assumed = dict(assumptions or {})
    facts = facts or facts_for(bom, rules)
    cn_share = facts.share(CN_CONTENT)
    us_share = facts.share(US_CONTENT)
    ship_from = np.where(bom.ship_from >= 0, bom.ship_from, _country(defaults.ship_from))
    ship_from = np.where(ship_from >= 0, ship_from, facts.made[bom.root])
    ship_to = np.where(bom.ship_to >= 0, bom.ship_to, _country(defaults.ship_to))
    ordered = sorted(rules.rules.values(), key=lambda r: (r.regime, r.id))
    products = []
    shared: dict[tuple[str, str | None], tuple[Status, list[str]]] = {}
    for p in range(bom.n_products):
        end_user = bom.label_names[bom.end_user[p]] if bom.end_user[p] >= 0 else defaults.end_user
        end_use = bom.label_names[bom.end_use[p]] if bom.end_use[p] >= 0 else defaults.end_use
        ctx = Context(
            facts=facts,
            product=p,
            on=on,
            ship_from=int(ship_from[p]),
            ship_to=int(ship_to[p]),
            end_user=end_user.lower() if end_user else None,
            end_use=end_use.lower() if end_use else None,
            assumptions=assumed,
            rules=rules,
            shared=shared,
        )
        findings: list[Finding] = []
        subject_to_ear: bool | None = int(facts.made[ctx.root]) == COUNTRY_CODE["US"]
        for rule in ordered:
            evaluate = EVALUATORS.get(rule.test)
            if evaluate is not None:
                found = evaluate(rule, ctx)
                if rule.test is Test.US_DE_MINIMIS and not subject_to_ear:
                    subject_to_ear = found[0].applies
                findings += found
        for rule in ordered:
            if rule.test is Test.US_AFFILIATES:
                findings += us_affiliates(rule, ctx, subject_to_ear)
        products.append(
            ProductResult(
                product_id=str(bom.product_names[p]),
                determination=determine(findings),
                value_usd=float(facts.value[p]),
                cn_controlled_share=float(cn_share[p]),
                us_controlled_share=float(us_share[p]),
                ship_from=ctx.country(ctx.ship_from),
                ship_to=ctx.country(ctx.ship_to),
                end_user=ctx.end_user,
                end_use=ctx.end_use,
                findings=findings,
                resourcing=(_resourcing(facts, rules, p) if _can_clear(findings) else None)
                or dfars_resourcing(ctx, findings),
            )
        )
    receipt = make_receipt(
        "screen",
        rules=dict(rules.hashes),
        datasets=dict(inputs or {}),
        parameters={
            "as_of": on.isoformat(),
            "ship_from": defaults.ship_from,
            "ship_to": defaults.ship_to,
            "end_user": defaults.end_user,
            "end_use": defaults.end_use,
            "lines": int(bom.edge_row.size + bom.root.size),
            "items": bom.n_nodes,
            "products": bom.n_products,
            **({"normalised": list(bom.normalised)} if bom.normalised else {}),
        },
        assumptions=[f"{k}={v.value} (user assumption)" for k, v in sorted(assumed.items())],
    )
    return Screening(receipt=receipt, products=products)
