"""The monthly multi-region, multi-stage network the simulator runs on.

Structure (regions, stages, materials, sectors) is fixed here because scenarios and series names
refer to it; every number (capacities, facilities, demand, sourcing, inventories, prices, value at
risk) comes from the calibration tables of the `shock-network` dataset, handed in by the store.
The network is a set of dense numpy arrays so the kernel can run without Python objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from lanthanide.errors import SimulationError

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

REGIONS: tuple[str, ...] = ("CN", "US", "JP", "EU", "KR", "SEA", "MM", "ROW")
REGION_NAMES = {
    "CN": "China",
    "US": "United States",
    "JP": "Japan",
    "EU": "European Union",
    "KR": "South Korea",
    "SEA": "Southeast Asia (incl. Lynas Malaysia)",
    "MM": "Myanmar/Laos feed",
    "ROW": "Rest of world (incl. Australia, UK, India)",
}
#: (stage, material) layers, upstream first; a layer's inputs come from earlier layers only
LAYERS: tuple[tuple[str, str], ...] = (
    ("mining", "lreo"),
    ("mining", "hreo"),
    ("separation", "lreo"),
    ("separation", "hreo"),
    ("metal", "lreo"),
    ("metal", "hreo"),
    ("magnet", "ndfeb"),
    ("magnet", "ndfeb_hd"),
    ("magnet", "smco"),
)
STAGES = ("mining", "separation", "metal", "magnet")
MATERIALS = ("lreo", "hreo", "ndfeb", "ndfeb_hd", "smco")
MAGNETS: tuple[str, ...] = ("ndfeb", "ndfeb_hd", "smco")
SECTORS: tuple[str, ...] = (
    "ev",
    "wind",
    "industrial",
    "electronics",
    "datacentre",
    "defence",
    "other",
)
#: materials that carry a price series, and the layer whose market sets it: NdPr and Dy/Tb are
#: quoted on an oxide basis but priced on the tightness of metal/alloy purchases, the stage at
#: which magnet makers outside China actually buy Chinese material
PRICED: tuple[tuple[str, str], ...] = (
    ("lreo", "metal"),
    ("hreo", "metal"),
    ("ndfeb", "magnet"),
    ("ndfeb_hd", "magnet"),
    ("smco", "magnet"),
)
MARKETS: tuple[str, ...] = ("CN", "XC")  # China domestic, ex-China


def layer_index(stage: str, material: str) -> int:
    return LAYERS.index((stage, material))


def layer_name(index: int) -> str:
    stage, material = LAYERS[index]
    return f"{stage}:{material}"


def month_index(start: str, month: str) -> int:
    """Months from `start` (YYYY-MM) to `month` (YYYY-MM)."""
    y0, m0 = int(start[:4]), int(start[5:7])
    y1, m1 = int(month[:4]), int(month[5:7])
    return (y1 - y0) * 12 + (m1 - m0)


def month_labels(start: str, months: int) -> list[str]:
    y0, m0 = int(start[:4]), int(start[5:7]) - 1
    return [f"{y0 + (m0 + i) // 12:04d}-{(m0 + i) % 12 + 1:02d}" for i in range(months)]


@dataclass(frozen=True)
class Network:
    """Dense arrays of one calibration, ready for the kernel (per month, tonnes)."""

    start: str
    months: int
    cap_base: F64  # [layer, region, month] tonnes/month from `capacity`
    fac_layer: I64  # [facility]
    fac_region: I64
    fac_cap: F64  # tonnes/month at full ramp
    fac_start: F64  # month index (may be negative: already running)
    fac_ramp: F64  # months to full capacity
    fac_names: tuple[str, ...]
    fac_delay: tuple[tuple[float, float, float], ...]  # triangular low/mode/high, months
    in_ptr: I64  # [layer+1] CSR of inputs per layer
    in_layer: I64
    in_coef: F64  # tonnes of input per tonne of output
    sourcing: F64  # [layer, buyer region, supplier region] shares, rows sum to 1 or 0
    demand: F64  # [sector, region, magnet] tonnes/month at month 0
    growth: F64  # [sector] per year
    cover_days: F64  # [region, sector] inventory in days of cover at month 0
    base_price: F64  # [priced material] USD/kg
    var_usd_per_kg: F64  # [sector] output at risk per kg of magnet short
    recycling: F64  # [magnet] share of demand met by recycled feed in the demand base year
    recycling_growth: F64  # [magnet] added share per year
    years0: float  # years from the demand base year (mid-year) to the first simulated month
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def n_layers(self) -> int:
        return len(LAYERS)


def _num(frame: pd.DataFrame, table: str, column: str) -> F64:
    try:
        return np.asarray(frame[column].astype(float).to_numpy(), dtype=np.float64)
    except (KeyError, ValueError) as error:
        raise SimulationError(f"calibration table {table}: bad column {column}: {error}") from error


def _region(code: str, table: str) -> int:
    if code not in REGIONS:
        raise SimulationError(f"calibration table {table}: unknown region {code!r}")
    return REGIONS.index(code)


def _layer(stage: str, material: str, table: str) -> int:
    if (stage, material) not in LAYERS:
        raise SimulationError(f"calibration table {table}: unknown layer {stage}:{material}")
    return layer_index(stage, material)


def _sector(code: str, table: str) -> int:
    if code not in SECTORS:
        raise SimulationError(f"calibration table {table}: unknown sector {code!r}")
    return SECTORS.index(code)


def capacity_by_month(rows: pd.DataFrame, start: str, months: int) -> F64:
    """Capacity per layer x region x month: linear between listed years (mid-year), flat outside."""
    cap = np.zeros((len(LAYERS), len(REGIONS), months))
    t = np.arange(months, dtype=float)
    year0 = int(start[:4]) + (int(start[5:7]) - 1) / 12.0
    when = year0 + t / 12.0
    for (stage, material, region), group in rows.groupby(["stage", "material", "region"]):
        g = group.sort_values("year")
        years = g["year"].astype(float).to_numpy() + 0.5
        values = g["tonnes_per_year"].astype(float).to_numpy() / 12.0
        li, ri = _layer(str(stage), str(material), "capacity"), _region(str(region), "capacity")
        cap[li, ri] = np.interp(when, years, values)
    return cap


def build_network(tables: dict[str, pd.DataFrame], start: str, months: int) -> Network:
    """Assemble the arrays from calibration tables (see the dataset's datapackage for columns)."""
    n_l, n_r, n_k, n_g = len(LAYERS), len(REGIONS), len(SECTORS), len(MAGNETS)
    cap = capacity_by_month(tables["capacity"], start, months)

    fac = tables["facilities"]
    fac_layer = np.array(
        [_layer(s, m, "facilities") for s, m in zip(fac["stage"], fac["material"], strict=True)],
        dtype=np.int64,
    )
    fac_region = np.array([_region(r, "facilities") for r in fac["region"]], dtype=np.int64)
    fac_start = np.array([float(month_index(start, str(s))) for s in fac["start"]])

    coef = tables["coefficients"]
    in_ptr = np.zeros(n_l + 1, dtype=np.int64)
    in_layer: list[int] = []
    in_coef: list[float] = []
    for li, (stage, material) in enumerate(LAYERS):
        sel = coef[(coef["stage"] == stage) & (coef["material"] == material)]
        for _, row in sel.iterrows():
            src = _layer(str(row["input_stage"]), str(row["input_material"]), "coefficients")
            if src >= li:
                raise SimulationError(f"coefficients: {stage}:{material} cannot use a later layer")
            in_layer.append(src)
            in_coef.append(float(row["tonnes_per_tonne"]))
        in_ptr[li + 1] = len(in_layer)

    sourcing = np.zeros((n_l, n_r, n_r))
    src_rows = tables["sourcing"]
    for _, row in src_rows.iterrows():
        li = _layer(str(row["stage"]), str(row["material"]), "sourcing")
        b = _region(str(row["buyer_region"]), "sourcing")
        s = _region(str(row["supplier_region"]), "sourcing")
        sourcing[li, b, s] += float(row["share"])
    totals = sourcing.sum(axis=2)
    bad = np.argwhere((totals > 0) & (np.abs(totals - 1.0) > 1e-6))
    if bad.size:
        li, b = bad[0]
        raise SimulationError(
            f"sourcing shares of {layer_name(int(li))} bought in {REGIONS[b]} sum to "
            f"{totals[li, b]:.4f}, not 1"
        )

    sector_rows = tables["sectors"]
    par = {
        (str(r["sector"]), str(r["parameter"])): float(r["value"])
        for _, r in sector_rows.iterrows()
    }

    def sector_value(sector: str, name: str) -> float:
        if (sector, name) not in par:
            raise SimulationError(f"calibration table sectors: no {name} for sector {sector}")
        return par[(sector, name)]

    region_demand = tables["demand"]
    base_years = set(region_demand["base_year"].astype(int))
    if len(base_years) != 1:
        raise SimulationError("calibration table demand: rows must share one base_year")
    years0 = int(start[:4]) + (int(start[5:7]) - 1) / 12.0 - (base_years.pop() + 0.5)
    demand = np.zeros((n_k, n_r, n_g))
    growth = np.zeros(n_k)
    var = np.zeros(n_k)
    for ki, sector in enumerate(SECTORS):
        share = sector_value(sector, "share_of_demand")
        hd = sector_value(sector, "ndfeb_hd_share")
        smco = sector_value(sector, "smco_share")
        growth[ki] = sector_value(sector, "growth_per_year")
        var[ki] = sector_value(sector, "usd_output_per_kg_magnet")
        for _, row in region_demand.iterrows():
            ri = _region(str(row["region"]), "demand")
            monthly = float(row["tonnes_per_year"]) / 12.0 * share
            demand[ki, ri] = monthly * np.array([1.0 - hd - smco, hd, smco])

    cover = np.zeros((n_r, n_k))
    for _, row in tables["inventory"].iterrows():
        regions = REGIONS if row["region"] == "*" else (str(row["region"]),)
        sectors = SECTORS if row["sector"] == "*" else (str(row["sector"]),)
        for region in regions:
            for sector in sectors:
                ri, ki = _region(region, "inventory"), _sector(sector, "inventory")
                cover[ri, ki] = float(row["days_of_cover"])

    prices = tables["prices"]
    base_price = np.zeros(len(PRICED))
    for pi, (material, _stage) in enumerate(PRICED):
        sel = prices[prices["material"] == material]
        if sel.empty:
            raise SimulationError(f"calibration table prices: no base price for {material}")
        base_price[pi] = float(sel["usd_per_kg"].iloc[0])

    rec = tables["recycling"]
    recycling = np.zeros(n_g)
    rec_growth = np.zeros(n_g)
    for gi, magnet in enumerate(MAGNETS):
        sel = rec[rec["material"] == magnet]
        if not sel.empty:
            recycling[gi] = float(sel["share"].iloc[0])
            rec_growth[gi] = float(sel["share_growth_per_year"].iloc[0])

    return Network(
        start=start,
        months=months,
        cap_base=cap,
        fac_layer=fac_layer,
        fac_region=fac_region,
        fac_cap=_num(fac, "facilities", "tonnes_per_year") / 12.0,
        fac_start=fac_start,
        fac_ramp=_num(fac, "facilities", "ramp_months"),
        fac_names=tuple(str(f) for f in fac["facility"]),
        fac_delay=tuple(
            (float(a), float(b), float(c))
            for a, b, c in zip(fac["delay_low"], fac["delay_mode"], fac["delay_high"], strict=True)
        ),
        in_ptr=in_ptr,
        in_layer=np.array(in_layer, dtype=np.int64),
        in_coef=np.array(in_coef, dtype=float),
        sourcing=sourcing,
        demand=demand,
        growth=growth,
        cover_days=cover,
        base_price=base_price,
        var_usd_per_kg=var,
        recycling=recycling,
        recycling_growth=rec_growth,
        years0=years0,
    )
