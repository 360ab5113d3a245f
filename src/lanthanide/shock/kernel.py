"""The monthly simulation kernel: one compiled loop over runs (numba, parallel over lane groups).

Runs are simulated `LANES` at a time: every state array (capacities, stocks, licence pipelines) has
a trailing lane axis, the walk over the network (layers, suppliers, restricted edges) is done once
per month for the whole group, and the arithmetic inside runs over the contiguous lanes, which the
compiler can turn into SIMD instructions. Lanes never read each other, so each run's result is the
same whichever group, thread or worker computed it: results do not depend on the number of threads,
workers or on chunking. With `NUMBA_DISABLE_JIT=1` the same functions run as plain Python, which
the benchmark uses as its per-run baseline.

Per month and run, one helper per phase (`orders.py`, `deliveries.py`, `prices` below):
1. Sector demand after recycling and substitution; sectors order demand plus restocking toward their
   days-of-cover target (`orders.sector_orders`).
2. Backward pass (orders), magnets to mining: buyers split orders over suppliers by sourcing shares;
   orders on restricted edges are partly redirected to unrestricted suppliers with spare capacity as
   qualification proceeds; producers plan min(capacity, orders) and order their inputs
   (`orders.backward`).
3. Forward pass (deliveries), mining to magnets: production is limited by inputs on hand (Leontief);
   output goes to buyers pro rata to orders. On a restricted edge the shipment enters a licence
   pipeline: decided after the licence lag, approved at the approval rate and within any monthly
   quota, held in the exporter's stock meanwhile (denied material stays there)
   (`deliveries.forward`).
4. Sectors receive magnets (pro rata, or priority sectors first), draw inventory, record shortfall
   (`deliveries.sectors`).
5. Prices by material and market from a partial-equilibrium response to the month's shortage:
   dlnP = -ln(1 - phi) / (eps_s(t) + |eps_d|) (methods 1(e)), capped at a sampled multiple of the
   base price (with short-run elasticities near 0.1 an uncapped isoelastic response to a
   near-total cut is meaningless); loss = shortfall x value at risk (`prices`).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from lanthanide.shock.deliveries import forward, sectors
from lanthanide.shock.orders import (
    backward,
    capacities,
    edge_map,
    ramp,
    recycled_share,
    sector_orders,
)
from lanthanide.shock.state import (
    CN,
    DAYS_PER_MONTH,
    DIAG,
    FASTMATH,
    GLOBAL_PARAMS,
    GROUPS_PER_TASK,
    LANES,
    MAX_TIGHTNESS,
    MIN_ELASTICITY,
    MIN_RAMP_MONTHS,
    MIN_RESTOCK_MONTHS,
    MIN_TIGHTNESS,
    MUSD_PER_T_USD_PER_KG,
    P_EPS_D,
    P_EPS_RAMP,
    P_EPS_S0,
    P_EPS_S1,
    P_GROWTH,
    P_INV_SCALE,
    P_PRICE_CAP,
    P_RESTOCK,
    SHORT_MONTH_SHARE,
    TIGHT_SHARE,
    Cols,
    Draws,
    Edges,
    Flows,
    Group,
    Index,
    Net,
    Out,
    Restr,
    Stocks,
    Tally,
    Work,
    njit,
)

__all__ = [
    "DIAG",
    "GLOBAL_PARAMS",
    "LANES",
    "Cols",
    "Draws",
    "Index",
    "Net",
    "Out",
    "Restr",
    "columns",
    "simulate_runs",
]


def columns(n_r: int, n_k: int, n_p: int) -> Cols:
    """Where each block of series columns starts (exports by destination are 1 .. n_r); built
    outside the compiled kernel, which cannot carry a named tuple it made itself into its
    parallel loop."""
    short = 1 + n_r
    short_r = short + 1
    short_k = short_r + n_r
    inv = short_k + n_k
    price = inv + n_r
    loss_k = price + 2 * n_p
    return Cols(short, short_r, short_k, inv, price, loss_k, loss_k + n_k, loss_k + n_k + 1)


@njit
def scratch(
    net: Net, rs: Restr, dr: Draws, n_s: int
) -> tuple[Group, Stocks, Flows, Edges, Work, Tally]:
    """One task's working arrays, [..., lane]: allocated once per task, because allocating per
    group inside the parallel loop makes glibc trim and re-fault the thread heaps, which
    serialises the threads."""
    n_l, n_r, n_t = net.cap_base.shape
    n_k, n_g = net.demand.shape[0], net.demand.shape[2]
    n_f = max(net.fac_cap.shape[0], 1)
    n_res = max(rs.exporter.shape[0], 1)
    n_slot = net.in_layer.shape[0]
    lanes = LANES
    grp = Group(
        np.empty((dr.gp.shape[1], lanes)),
        np.empty((n_f, lanes)),
        np.empty((n_res, lanes)),
        np.empty((n_res, lanes)),
        np.empty((n_res, lanes)),
        np.empty((n_res, lanes)),
        np.empty((n_k, lanes)),
        np.empty(lanes),
        np.empty(lanes),
    )
    st = Stocks(
        np.empty((n_k, n_r, n_g, lanes)),
        np.empty((n_slot, n_r, lanes)),
        np.empty((n_l, n_r, lanes)),
        np.empty((n_l, n_r, lanes)),
        np.empty((n_t, n_res, n_l, n_r, lanes)),
        np.empty((net.base_price.shape[0], 2, lanes)),
    )
    fl = Flows(
        np.empty((n_l, n_r, lanes)),
        np.empty((n_k, lanes)),
        np.empty((n_l, n_r, lanes)),
        np.empty((n_l, n_r, n_r, lanes)),
        np.empty((n_slot, n_r, lanes)),
        np.empty((n_l, n_r, lanes)),
        np.empty((n_l, n_r, lanes)),
        np.empty((n_k, n_r, n_g, lanes)),
        np.empty((n_k, n_r, n_g, lanes)),
        np.empty((n_g, n_r, lanes)),
        np.empty((n_g, n_r, lanes)),
        np.empty((n_s, lanes)),
        np.empty((n_res, lanes)),
        np.empty(lanes),
        np.empty((n_l, n_r, lanes)),
    )
    ed = Edges(
        np.empty((n_l, n_r, n_r), dtype=np.int64),
        np.zeros(n_l * n_r + 1, dtype=np.int64),
        np.empty(n_l * n_r * n_r, dtype=np.int64),
    )
    wk = Work(
        np.empty(n_k),
        np.empty((n_r, lanes)),
        np.empty((n_r, lanes)),
        np.empty((n_r, lanes)),
        np.empty((n_r, n_r, lanes)),
        np.empty(n_r),
        np.empty((n_k, lanes)),
        np.empty(lanes),
        np.empty(lanes),
        np.empty(lanes),
        np.empty(lanes),
        np.empty(lanes),
        np.empty(lanes),
    )
    ta = Tally(
        np.empty(lanes),
        np.empty(lanes),
        np.empty(lanes),
        np.empty(lanes),
        np.empty(lanes),
        np.empty(lanes),
        np.empty(lanes),
        np.empty(lanes),
        np.empty(lanes),
        np.empty(lanes),
        np.empty(lanes),
        np.empty(lanes),
        np.empty(lanes),
        np.empty(lanes),
    )
    return grp, st, fl, ed, wk, ta


@njit
def load_group(net: Net, rs: Restr, dr: Draws, grp: Group, st: Stocks, ta: Tally, s0: int) -> None:  # noqa: PLR0917
    """This group's parameters, lane-major (padding lanes repeat the chunk's last run), and the
    state at month 0: sector inventories at their days of cover, everything else empty."""
    approval = grp.approval
    cover_days = net.cover_days
    cover_scale = grp.cover_scale
    delay = grp.delay
    demand = net.demand
    exporter = rs.exporter
    fac_cap = net.fac_cap
    grace = grp.grace
    growth = net.growth
    hist = st.hist
    instock = st.instock
    inv = st.inv
    lag = grp.lag
    par = grp.par
    pending = st.pending
    per_restock = grp.per_restock
    quota = grp.quota
    rate = grp.rate
    short_months = ta.short_months
    total_loss = ta.total_loss
    total_short = ta.total_short
    withheld = st.withheld
    n_runs = dr.gp.shape[0]
    n_k, n_r, n_g = demand.shape
    lanes = LANES
    for w in range(lanes):
        s = min(s0 + w, n_runs - 1)
        for i in range(dr.gp.shape[1]):
            par[i, w] = dr.gp[s, i]
        for f in range(fac_cap.shape[0]):
            delay[f, w] = dr.fac_delay[s, f]
        for n in range(exporter.shape[0]):
            approval[n, w] = dr.approval[s, n]
            lag[n, w] = dr.lag[s, n]
            grace[n, w] = dr.grace[s, n]
            quota[n, w] = dr.quota[s, n]
        per_restock[w] = 1.0 / max(par[P_RESTOCK, w], MIN_RESTOCK_MONTHS)
        cover_scale[w] = par[P_INV_SCALE, w] / DAYS_PER_MONTH
    for k in range(n_k):
        for w in range(lanes):
            rate[k, w] = 1.0 + growth[k] * par[P_GROWTH, w]
    # inventories start at their target: days of cover of month 0's need (grown from the base
    # year, net of recycled feed), so a run does not depend on how many months precede an event
    for g in range(n_g):
        keep0 = 1.0 - recycled_share(net.recycling[g], net.recycling_growth[g], net.years0)
        for k in range(n_k):
            for d in range(n_r):
                for w in range(lanes):
                    grow0 = rate[k, w] ** net.years0
                    inv[k, d, g, w] = (
                        demand[k, d, g] * grow0 * keep0 * cover_days[d, k] * par[P_INV_SCALE, w]
                    ) / DAYS_PER_MONTH
    instock[...] = 0.0
    withheld[...] = 0.0
    pending[...] = 0.0
    hist[...] = 0.0
    st.tight_since[...] = -1.0
    total_short[:] = 0.0
    total_loss[:] = 0.0
    ta.total_lost_revenue[:] = 0.0
    short_months[:] = 0.0


@njit
def balance_begin(net: Net, st: Stocks, ta: Tally, want_diag: bool) -> None:
    """Reset the month's balance terms; the stocks at the start are only needed for diagnostics."""
    demand = net.demand
    in_layer = net.in_layer
    instock = st.instock
    mag_layer = net.mag_layer
    mag_prod = ta.mag_prod
    stock_before = ta.stock_before
    up_in = ta.up_in
    up_use = ta.up_use
    wh_begin = ta.wh_begin
    withheld = st.withheld
    mag_prod[:] = 0.0
    up_in[:] = 0.0
    up_use[:] = 0.0
    wh_begin[:] = 0.0
    stock_before[:] = 0.0
    if not want_diag:
        return
    for w in range(LANES):
        for g in range(mag_layer.shape[0]):
            for r in range(demand.shape[1]):
                wh_begin[w] += withheld[mag_layer[g], r, w]
        for j in range(in_layer.shape[0]):
            for r in range(demand.shape[1]):
                stock_before[w] += instock[j, r, w]


@njit
def totals(fl: Flows, ta: Tally, cols: Cols, n_r: int) -> None:
    """Month totals: exports, shortfall, and the run's sums (a shortfall month is one short by
    more than SHORT_MONTH_SHARE of its need)."""
    month = fl.month
    month_need = ta.month_need
    month_short = ta.month_short
    short_months = ta.short_months
    total_loss = ta.total_loss
    total_short = ta.total_short
    for w in range(LANES):
        month[cols.short, w] = month_short[w]
        exports = 0.0
        for d in range(n_r):
            exports += month[1 + d, w]
        month[0, w] = exports
        total_short[w] += month_short[w]
        total_loss[w] += month[cols.loss, w]
        if month_need[w] > 0.0 and month_short[w] > SHORT_MONTH_SHARE * month_need[w]:
            short_months[w] += 1.0


@njit
def prices(net: Net, grp: Group, st: Stocks, fl: Flows, wk: Work, cols: Cols, t: int) -> None:  # noqa: PLR0917
    """Phase 5: price per material and market from the month's tightness: for magnets the share
    of sector need met, upstream the share of buyers' orders delivered. The supply elasticity
    ramps from short- to long-run from the month the market first tightened (not from month 0),
    so a result does not depend on how many calm months precede a restriction."""
    act_idx = net.act_idx
    act_ptr = net.act_ptr
    base_price = net.base_price
    demand = net.demand
    par = grp.par
    mag_layer = net.mag_layer
    mkt_need = fl.mkt_need
    mkt_use = fl.mkt_use
    month = fl.month
    orders = fl.orders
    price_layer = net.price_layer
    recv = fl.recv
    tight_since = st.tight_since
    v1 = wk.v1
    v2 = wk.v2
    n_r = demand.shape[1]
    mag0 = mag_layer[0]
    for pi in range(base_price.shape[0]):
        li = price_layer[pi]
        is_magnet = li >= mag0
        for mk in range(2):
            ordered, got = v1, v2
            ordered[:] = 0.0
            got[:] = 0.0
            # CN is region 0: market 0 is China's, market 1 all other regions
            for d in range(0 if mk == 0 else 1, 1 if mk == 0 else n_r):
                if is_magnet:
                    for w in range(LANES):
                        ordered[w] += mkt_need[li - mag0, d, w]
                        got[w] += mkt_use[li - mag0, d, w]
                else:
                    for w in range(LANES):
                        got[w] += recv[li, d, w]
                    for a in range(act_ptr[li], act_ptr[li + 1]):
                        r = act_idx[a]
                        for w in range(LANES):
                            ordered[w] += orders[li, d, r, w]
            col = cols.price + 2 * pi + mk
            for w in range(LANES):
                ratio = got[w] / ordered[w] if ordered[w] > 0.0 else 1.0
                ratio = min(max(ratio, MIN_TIGHTNESS), MAX_TIGHTNESS)
                if ratio < 1.0 - TIGHT_SHARE and tight_since[pi, mk, w] < 0.0:
                    tight_since[pi, mk, w] = t
                multiple = 1.0  # exp(-log(1) / elast), without the calls
                if ratio != 1.0:
                    eps_s = par[P_EPS_S0, w]
                    if tight_since[pi, mk, w] >= 0.0:
                        since = t - tight_since[pi, mk, w]
                        done = ramp(since / max(par[P_EPS_RAMP, w], MIN_RAMP_MONTHS))
                        eps_s += (par[P_EPS_S1, w] - par[P_EPS_S0, w]) * done
                    elast = max(eps_s + abs(par[P_EPS_D, w]), MIN_ELASTICITY)
                    multiple = math.exp(-math.log(ratio) / elast)
                multiple = min(multiple, par[P_PRICE_CAP, w])
                month[col, w] = base_price[pi] * multiple


@njit
def lost_revenue(net: Net, fl: Flows, ta: Tally, cols: Cols) -> None:
    """China's lost export revenue this month (US$ million): what buyers abroad would have bought
    from China at their baseline sourcing shares, less what China delivered (shipped or
    licensed), for the priced layers (NdPr and Dy/Tb metal, the three magnets), valued at the
    calibration's base price. Orders moved to other suppliers count as lost; price rises that
    would offset part of the loss do not."""
    base_price = net.base_price
    cn_out = fl.cn_out
    month = fl.month
    price_layer = net.price_layer
    req = fl.req
    sourcing = net.sourcing
    n_r = sourcing.shape[1]
    col = cols.lost_revenue
    for pi in range(base_price.shape[0]):
        li = price_layer[pi]
        value = base_price[pi] * MUSD_PER_T_USD_PER_KG
        for d in range(1, n_r):
            sh = sourcing[li, d, CN]
            if sh == 0.0:
                continue
            for w in range(LANES):
                lost = req[li, d, w] * sh - cn_out[li, d, w]
                if lost > 0.0:
                    month[col, w] += lost * value
    for w in range(LANES):
        ta.total_lost_revenue[w] += month[col, w]


@njit
def diagnostics(  # noqa: PLR0917
    net: Net, st: Stocks, ta: Tally, diag: np.ndarray, s0: int, n_live: int, t: int
) -> None:
    """Balance terms and the lowest stock of the month, per run (tests only)."""
    consumed = ta.consumed
    demand = net.demand
    instock = st.instock
    inv = st.inv
    inv_begin = ta.inv_begin
    inv_end = ta.inv_end
    mag_layer = net.mag_layer
    mag_prod = ta.mag_prod
    stock_before = ta.stock_before
    up_in = ta.up_in
    up_use = ta.up_use
    wh_begin = ta.wh_begin
    withheld = st.withheld
    n_r = demand.shape[1]
    for w in range(n_live):
        wh_end = 0.0
        for g in range(mag_layer.shape[0]):
            for r in range(n_r):
                wh_end += withheld[mag_layer[g], r, w]
        stock_after = 0.0
        lowest = 1e300
        for j in range(instock.shape[0]):
            for r in range(n_r):
                stock_after += instock[j, r, w]
                lowest = min(lowest, instock[j, r, w])
        for li in range(withheld.shape[0]):
            for r in range(n_r):
                lowest = min(lowest, withheld[li, r, w])
        for k in range(inv.shape[0]):
            for d in range(n_r):
                for g in range(inv.shape[2]):
                    lowest = min(lowest, inv[k, d, g, w])
        s = s0 + w
        diag[s, t, 0] = mag_prod[w]
        diag[s, t, 1] = consumed[w]
        diag[s, t, 2] = inv_begin[w]
        diag[s, t, 3] = inv_end[w]
        diag[s, t, 4] = wh_begin[w]
        diag[s, t, 5] = wh_end
        diag[s, t, 6] = lowest
        diag[s, t, 7] = stock_before[w] + up_in[w] - up_use[w] - stock_after


# Outputs are written by helpers: written directly in the parallel loop's body, writes through a
# named tuple's field (out.series[...] = ...) were lost (the parallel lowering seems to copy).
@njit
def store_month(fl: Flows, out: Out, s0: int, n_live: int, t: int) -> None:
    """The month's series of the group's live lanes (padding lanes are not written)."""
    month = fl.month
    series = out.series
    for w in range(n_live):
        for c in range(series.shape[2]):
            series[s0 + w, t, c] = month[c, w]


@njit
def store_run(ta: Tally, out: Out, s0: int, n_live: int) -> None:
    """The runs' scalars: total shortfall (t), total loss (US$ million), shortfall months,
    China's lost export revenue (US$ million)."""
    scalars = out.scalars
    short_months = ta.short_months
    total_loss = ta.total_loss
    total_short = ta.total_short
    for w in range(n_live):
        scalars[s0 + w, 0] = total_short[w]
        scalars[s0 + w, 1] = total_loss[w]
        scalars[s0 + w, 2] = short_months[w]
        scalars[s0 + w, 3] = ta.total_lost_revenue[w]


@numba.njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def run_task(net: Net, rs: Restr, ix: Index, dr: Draws, cols: Cols, out: Out, task: int) -> None:  # noqa: PLR0917
    """One parallel task: `GROUPS_PER_TASK` lane groups, month by month, one helper per phase.

    A compiled function of its own (not inlined): the parallel loop's array analysis tripped
    over the inlined helpers' shapes (an internal assertion in numba), and its body only calls
    this."""
    n_runs = dr.gp.shape[0]
    n_r, n_t = net.cap_base.shape[1], net.cap_base.shape[2]
    want_diag = out.diag.shape[0] == n_runs
    n_groups = (n_runs + LANES - 1) // LANES
    grp, st, fl, ed, wk, ta = scratch(net, rs, dr, out.series.shape[2])
    g_end = min((task + 1) * GROUPS_PER_TASK, n_groups)
    for group in range(task * GROUPS_PER_TASK, g_end):
        s0 = group * LANES
        n_live = min(LANES, n_runs - s0)
        load_group(net, rs, dr, grp, st, ta, s0)
        last_mask = -1
        for t in range(n_t):
            capacities(net, grp, fl, t)
            fl.month[...] = 0.0
            fl.quota_left[...] = grp.quota
            any_active, last_mask = edge_map(net, rs, ed, t, last_mask)
            sector_orders(net, rs, ix, grp, st, fl, ed, wk, t, any_active)
            backward(net, rs, ix, grp, st, fl, ed, wk, t)
            fl.recv[...] = 0.0
            fl.cn_out[...] = 0.0
            balance_begin(net, st, ta, want_diag)
            forward(net, rs, ix, grp, st, fl, ed, wk, ta, t)
            sectors(net, ix, st, fl, wk, ta, cols)
            totals(fl, ta, cols, n_r)
            prices(net, grp, st, fl, wk, cols, t)
            lost_revenue(net, fl, ta, cols)
            store_month(fl, out, s0, n_live, t)
            if want_diag:
                diagnostics(net, st, ta, out.diag, s0, n_live, t)
        store_run(ta, out, s0, n_live)


@numba.njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def simulate_runs(net: Net, rs: Restr, ix: Index, dr: Draws, cols: Cols, out: Out) -> None:  # noqa: PLR0917
    """Simulate every run of `dr` over the network's months into `out` (overwriting it)."""
    n_groups = (dr.gp.shape[0] + LANES - 1) // LANES
    n_tasks = (n_groups + GROUPS_PER_TASK - 1) // GROUPS_PER_TASK
    for task in numba.prange(n_tasks):
        run_task(net, rs, ix, dr, cols, out, task)
