"""The kernel's grouped arguments and named constants (shared by `kernel` and its phase modules).

Every array the compiled kernel reads comes in one of four named tuples (numba passes them as
typed tuples, so grouping costs nothing at run time): `Net` (the calibrated network), `Restr`
(restrictions of the scenario), `Index` (sparse index lists built once in `prepare`) and `Draws`
(the sampled parameters of one chunk). `Scratch` is the per-task working state, every array with
a trailing lane axis of `LANES` runs.

Helpers bind the fields they use to locals first (`orders = fl.orders`): reading a field inside a
loop costs a reference-count pair per access, which blocked vectorisation and made the split
kernel 2.4x slower than the monolith in an A/B run (1.0-1.3x after binding, within host noise).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar, cast

import numba
import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

#: columns of the per-run global parameter matrix
GLOBAL_PARAMS: tuple[str, ...] = (
    "elasticity_demand",
    "elasticity_supply_short",
    "elasticity_supply_long",
    "elasticity_ramp_months",
    "substitution_max",
    "substitution_lag_months",
    "substitution_ramp_months",
    "resourcing_max",
    "resourcing_lag_months",
    "resourcing_ramp_months",
    "inventory_scale",
    "restock_months",
    "demand_growth_scale",
    "price_cap_multiple",
)
(
    P_EPS_D,
    P_EPS_S0,
    P_EPS_S1,
    P_EPS_RAMP,
    P_SUB_MAX,
    P_SUB_LAG,
    P_SUB_RAMP,
    P_RES_MAX,
    P_RES_LAG,
    P_RES_RAMP,
    P_INV_SCALE,
    P_RESTOCK,
    P_GROWTH,
    P_PRICE_CAP,
) = range(len(GLOBAL_PARAMS))

#: diagnostic columns (tests check material balance and non-negative stocks with them)
DIAG: tuple[str, ...] = (
    "magnet_production",
    "consumption",
    "sector_inventory_begin",
    "sector_inventory_end",
    "withheld_magnets_begin",
    "withheld_magnets_end",
    "min_stock",
    "upstream_residual",
)
#: days per month (average Gregorian month), to turn days of cover into months
DAYS_PER_MONTH = 365.25 / 12.0
#: shortest restocking horizon, months: a sampled `restock_months` below it is taken as this
MIN_RESTOCK_MONTHS = 0.1
#: shortest ramp, months: every ramp (facility, substitution, re-sourcing, elasticity, licence
#: pipeline) takes at least one month, so a zero or negative sampled ramp means "one month"
MIN_RAMP_MONTHS = 1.0
#: highest share of magnet demand recycled feed may meet, share of demand
MAX_RECYCLED_SHARE = 0.9
#: a month counts as a shortfall month when the shortfall exceeds this share of the month's need
SHORT_MONTH_SHARE = 0.005
#: floor of eps_s + |eps_d| (dimensionless) so the price response stays finite
MIN_ELASTICITY = 1e-3
#: delivered / ordered is clipped to [MIN_TIGHTNESS, MAX_TIGHTNESS] (dimensionless) before the
#: price response: below 5% delivered the isoelastic formula is meaningless, and the price cap
#: binds anyway
MIN_TIGHTNESS = 0.05
MAX_TIGHTNESS = 2.0
#: a market counts as tight once delivered / ordered falls below 1 - TIGHT_SHARE (dimensionless):
#: the supply elasticity ramps from short- to long-run from that month, not from month 0
TIGHT_SHARE = 0.005
#: tonnes x US$/kg -> US$ million
MUSD_PER_T_USD_PER_KG = 1e-3
#: start month of "no restriction" (later than any horizon), months
NEVER = 1e9
#: restrictions tracked in the active-set bit mask; with more the edge map is rebuilt every month
MASK_BITS = 62
#: index of China in REGIONS (market 0 of every price is China's, market 1 all other regions)
CN = 0
#: runs simulated side by side in one lane group: every state array has a trailing lane axis, so
#: the network's control flow (layers, suppliers, restrictions) is walked once for LANES runs and
#: the arithmetic inside runs over contiguous lanes. Padding lanes of the last group repeat the
#: chunk's last run and are not written out. 32 measured faster than 8 or 16: with 8 the compiler
#: unrolls the lane loops and cannot vectorise them (it cannot prove the arrays do not overlap),
#: with 32 it vectorises many of them behind a run-time overlap check.
LANES = 32
#: lane groups per parallel task (scratch arrays are allocated once per task and reused)
GROUPS_PER_TASK = 2
#: fast-math without reassoc/contract (and without nnan/ninf): with reassociation and FMA
#: contraction together, the vectorised lane loops and their scalar remainders rounded differently,
#: so a run's last bits depended on its lane and on array alignment (a freshly compiled kernel and
#: the cached one disagreed at ~1e-11); these flags cost no measurable speed
FASTMATH = {"arcp", "nsz", "afn"}


Fn = TypeVar("Fn", bound=Callable[..., Any])


def njit(fn: Fn) -> Fn:
    """Compile a kernel helper with the kernel's flags, inlined into its caller at numba's level
    (so the kernel compiles to one function, as fast as the hand-written monolith it replaced:
    called helpers measured 1.2-1.3x slower)."""
    compiled = numba.njit(cache=True, fastmath=FASTMATH, error_model="numpy", inline="always")
    return cast(Fn, compiled(fn))


def njit_inline(fn: Fn) -> Fn:
    """Like `njit`, inlined into its caller: for helpers called once per lane."""
    compiled = numba.njit(cache=True, fastmath=FASTMATH, error_model="numpy", inline="always")
    return cast(Fn, compiled(fn))


class Cols(NamedTuple):
    """Kernel series columns where each block starts (see `simulation.series_layout`)."""

    short: int  # total shortfall; exports by destination are columns 1 .. regions
    short_r: int
    short_k: int
    inv: int
    price: int
    loss_k: int
    loss: int
    lost_revenue: int


class Net(NamedTuple):
    """The calibrated network (see `network.Network` for units)."""

    cap_base: F64  # [layer, region, month] t/month
    fac_layer: I64
    fac_region: I64
    fac_cap: F64  # t/month at full ramp
    fac_start: F64  # month index
    fac_ramp: F64  # months
    in_ptr: I64  # CSR of input slots per layer
    in_layer: I64
    in_coef: F64  # t input / t output
    sourcing: F64  # [layer, buyer, supplier] shares
    demand: F64  # [sector, region, magnet] t/month at month 0
    growth: F64  # [sector] per year
    cover_days: F64  # [region, sector] days
    base_price: F64  # [priced material] US$/kg
    price_layer: I64  # [priced material] layer whose tightness sets the price
    var_usd: F64  # [sector] US$ of output at risk per kg short
    recycling: F64  # [magnet] share
    recycling_growth: F64  # [magnet] share per year
    years0: float  # years from the demand base to month 0
    mag_layer: I64  # [magnet] layer index (the last layers, in MAGNETS order)
    act_ptr: I64  # CSR of regions that ever have capacity, per layer
    act_idx: I64
    priority: I64  # [sector] allocation rank (0 = pro rata after the ranked ones)


class Restr(NamedTuple):
    """The scenario's restrictions (months from the scenario start; layers/dest as 0/1 flags)."""

    exporter: I64
    start: F64
    end: F64
    layers: I64  # [restriction, layer]
    dest: I64  # [restriction, region]


class Index(NamedTuple):
    """Sparse (CSR) lists the kernel loops over instead of whole region axes (built in prepare).

    Orders, shipments and licences on other edges are always zero, so skipping them changes no
    value; it spares the kernel most of its loop iterations on this network.
    """

    src_ptr: I64  # suppliers a buyer (layer, region) sources from
    src_idx: I64
    buy_ptr: I64  # buyers a supplier (layer, region) is sourced by
    buy_idx: I64
    dmd_ptr: I64  # regions with sector demand, per magnet
    dmd_idx: I64
    dst_ptr: I64  # destinations per restriction
    dst_idx: I64
    use_ptr: I64  # input slots fed by each layer
    use_idx: I64
    max_rank: int  # highest allocation rank (0: pro rata only)
    first_start: float  # earliest restriction start, months (NEVER if none)


class Draws(NamedTuple):
    """Sampled parameters of one chunk, one row per run."""

    gp: F64  # [run, GLOBAL_PARAMS]
    fac_delay: F64  # [run, facility] months
    approval: F64  # [run, restriction] share
    lag: F64  # [run, restriction] months
    grace: F64  # [run, restriction] days
    quota: F64  # [run, restriction] t/month


class Out(NamedTuple):
    """Kernel outputs: series [run, month, column], scalars [run, 3], diagnostics [run, month, DIAG]
    (diagnostics have 0 rows when not wanted)."""

    series: F64
    scalars: F64
    diag: F64


class Group(NamedTuple):
    """One lane group's parameters, lane-major ([..., lane])."""

    par: F64  # [GLOBAL_PARAMS, lane]
    delay: F64  # [facility, lane] months
    approval: F64  # [restriction, lane]
    lag: F64  # [restriction, lane] months
    grace: F64  # [restriction, lane] days
    quota: F64  # [restriction, lane] t/month
    rate: F64  # [sector, lane] demand growth factor per year
    per_restock: F64  # [lane] 1 / restocking months
    cover_scale: F64  # [lane] inventory_scale / days per month


class Stocks(NamedTuple):
    """State carried from month to month (t)."""

    inv: F64  # [sector, region, magnet, lane] sector inventories
    instock: F64  # [input slot, region, lane] producers' input stocks
    withheld: F64  # [layer, exporter region, lane] stock held back pending licences
    pending: F64  # [layer, buyer region, lane] licences requested and not yet decided
    hist: F64  # [month, restriction, layer, buyer region, lane] restricted requests
    tight_since: F64  # [priced material, market, lane] month the market first tightened, or -1


class Flows(NamedTuple):
    """This month's quantities (t/month unless noted)."""

    cap: F64  # [layer, region, lane] capacity
    grow: F64  # [sector, lane] demand growth factor since the base year
    req: F64  # [layer, buyer region, lane] what buyers order in total
    orders: F64  # [layer, buyer, supplier, lane]
    slot_req: F64  # [input slot, region, lane] input orders per slot
    planned: F64  # [layer, region, lane] planned production
    recv: F64  # [layer, buyer region, lane] deliveries
    sec_order: F64  # [sector, region, magnet, lane] sector orders
    need: F64  # [sector, region, magnet, lane] sector consumption need
    mkt_need: F64  # [magnet, region, lane] need of the demand node
    mkt_use: F64  # [magnet, region, lane] need met
    month: F64  # [series column, lane] this month's output series
    quota_left: F64  # [restriction, lane] t still approvable this month
    sub: F64  # [lane] share of demand substituted away
    cn_out: F64  # [layer, buyer region, lane] China's deliveries abroad (shipped or licensed)


class Edges(NamedTuple):
    """Which restriction governs each edge this month (the same in every run)."""

    res: I64  # [layer, supplier, buyer] restriction index or -1
    free_ptr: I64  # CSR of each buyer's unrestricted active suppliers (where moved orders go)
    free_idx: I64


class Work(NamedTuple):
    """Temporaries of one phase, reused (nothing carried between phases)."""

    alloc: F64  # [sector]
    spare: F64  # [region, lane]
    moved: F64  # [region, lane]
    supplied: F64  # [region, lane]
    back: F64  # [buyer, supplier, lane] orders moved away from a supplier
    decided: F64  # [region]
    tgt: F64  # [sector, lane]
    v1: F64  # [lane] x4
    v2: F64
    v3: F64
    v4: F64
    over: F64  # [lane] 0/1 flags
    keep: F64  # [lane]


class Tally(NamedTuple):
    """Per-lane sums of the month (diagnostics) and of the run (scalars)."""

    month_short: F64
    month_need: F64
    total_short: F64
    total_loss: F64
    total_lost_revenue: F64
    short_months: F64
    mag_prod: F64
    consumed: F64
    inv_begin: F64
    inv_end: F64
    wh_begin: F64
    up_in: F64
    up_use: F64
    stock_before: F64
