"""Glue between the store and the pure core: fetch the frames a computation needs, call it."""

from __future__ import annotations

from lanthanide.chain import (
    ChainReport,
    StageConcentration,
    chain_report,
    concentration,
    current_rows,
)
from lanthanide.chain.metrics import available
from lanthanide.errors import InvalidInput, NotFound
from lanthanide.receipt import Receipt, make_receipt
from lanthanide.store.db import Store


def elements(store: Store) -> list[str]:
    """The 17 rare-earth symbols, by atomic number."""
    frame = store.frame("elements")
    rows = frame[frame["kind"] == "element"].sort_values("atomic_number")
    return [str(s) for s in rows["symbol"]]


def _checked(store: Store, element: str | None, stage: str | None) -> list[str]:
    """Reject an unknown element or stage; return the known elements."""
    known = elements(store)
    if element is not None and element not in known:
        raise InvalidInput(f"unknown element {element!r}; expected one of {', '.join(known)}")
    stages = set(store.frame("stages")["stage"])
    if stage is not None and stage not in stages:
        raise InvalidInput(f"unknown stage {stage!r}; expected one of {', '.join(sorted(stages))}")
    return known


def _receipt(store: Store, year: int, element: str | None, stage: str | None) -> Receipt:
    return make_receipt(
        "chain",
        datasets=store.datasets(),
        parameters={
            "year": year,
            "element": element,
            "stage": stage,
            "imports": list(store.imports()["vintage"]),
        },
    )


def chain_from_store(
    store: Store, year: int, element: str | None = None, stage: str | None = None
) -> tuple[ChainReport, Receipt]:
    """The chain report for `year`, optionally for one element and/or stage, with its receipt."""
    known = _checked(store, element, stage)
    report = chain_report(
        current_rows(store.frame("production"), store.frame("vintages")),
        material_elements=store.frame("material_elements"),
        us_trade=store.frame("us_trade"),
        facilities=store.frame("facilities"),
        year=year,
        elements=[element] if element else known,
        stage=stage,
        stage_order=list(store.frame("stages").sort_values("order")["stage"]),
    )
    return report, _receipt(store, year, element, stage)


def stage_from_store(
    store: Store, stage: str, year: int, material: str | None = None, element: str | None = None
) -> tuple[StageConcentration, Receipt]:
    """Concentration of one stage in exactly `year` (the JSON contract of `chain --stage`).

    Without `--material`, the stage's broadest material with data that year is used (the one with
    the most country rows, e.g. total REO rather than one oxide), narrowed to `element` if given.
    """
    _checked(store, element, stage)
    current = current_rows(store.frame("production"), store.frame("vintages"))
    combos = available(current)
    combos = combos[combos["stage"] == stage]
    if element is not None:
        carriers = set(store.frame("material_elements").query("element == @element")["material"])
        combos = combos[combos["material"].isin(carriers)]
    if material is not None:
        combos = combos[combos["material"] == material]
    that_year = combos[combos["year"] == year]
    if that_year.empty:
        years = sorted({int(y) for y in combos["year"]})
        raise NotFound(
            f"no {stage} data for {year}"
            + (f" and material {material}" if material else "")
            + (f"; years with data: {years}" if years else "")
        )
    rows_per_material = current[(current["stage"] == stage) & (current["year"] == year)][
        "material"
    ].value_counts()
    chosen = max(that_year["material"], key=lambda m: (int(rows_per_material.get(m, 0)), m))
    return concentration(current, stage, str(chosen), year), _receipt(store, year, element, stage)
