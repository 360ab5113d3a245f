"""The monthly simulation kernel: one compiled loop over runs (numba, parallel over lane groups).

Runs are simulated `LANES` at a time: every state array (capacities, stocks, licence pipelines) has
a trailing lane axis, the walk over the network (layers, suppliers, restricted edges) is done once
per month for the whole group, and the arithmetic inside runs over the contiguous lanes, which the
compiler can turn into SIMD instructions. Lanes never read each other, so each run's result is the
same whichever group, thread or worker computed it: results do not depend on the number of threads,
workers or on chunking. The same function runs as plain Python through `simulate_runs.py_func`,
which the benchmark uses as its per-run baseline.

Per month and run:
1. Sector demand after recycling and substitution; sectors order demand plus restocking toward their
   days-of-cover target.
2. Backward pass (orders), magnets to mining: buyers split orders over suppliers by sourcing shares;
   orders on restricted edges are partly redirected to unrestricted suppliers with spare capacity as
   qualification proceeds; producers plan min(capacity, orders) and order their inputs.
3. Forward pass (deliveries), mining to magnets: production is limited by inputs on hand (Leontief);
   output goes to buyers pro rata to orders. On a restricted edge the shipment enters a licence
   pipeline: decided after the licence lag, approved at the approval rate and within any monthly
   quota, held in the exporter's stock meanwhile (denied material stays there).
4. Sectors receive magnets (pro rata, or priority sectors first), draw inventory, record shortfall.
5. Prices by material and market from a partial-equilibrium response to the month's shortage:
   dlnP = -ln(1 - phi) / (eps_s(t) + |eps_d|) (methods 1(e)), capped at a sampled multiple of the
   base price (with short-run elasticities near 0.1 an uncapped isoelastic response to a
   near-total cut is meaningless); loss = shortfall x value at risk.
"""

from __future__ import annotations

import math

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
DAYS_PER_MONTH = 365.25 / 12.0
#: fast-math without reassoc/contract (and without nnan/ninf): with reassociation and FMA
#: contraction together, the vectorised lane loops and their scalar remainders rounded differently,
#: so a run's last bits depended on its lane and on array alignment (a freshly compiled kernel and
#: the cached one disagreed at ~1e-11); these flags cost no measurable speed
FASTMATH = {"arcp", "nsz", "afn"}
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


@numba.njit(cache=True, error_model="numpy")
def _ramp(x: float) -> float:
    return min(max(x, 0.0), 1.0)


@numba.njit(cache=True, error_model="numpy")
def _index_lists(  # noqa: PLR0917 - numba helpers take their arrays positionally
    sourcing: F64,
    demand: F64,
    act_ptr: I64,
    act_idx: I64,
    res_exporter: I64,
    res_dest: I64,
    in_layer: I64,
) -> tuple[I64, I64, I64, I64, I64, I64, I64, I64, I64, I64]:
    """Sparse (CSR) lists the kernel loops over instead of whole region axes.

    Orders, shipments and licences on other edges are always zero, so skipping them changes no
    value; it spares the kernel most of its loop iterations on this network.
    """
    n_l, n_r = sourcing.shape[0], sourcing.shape[1]
    n_k, n_g = demand.shape[0], demand.shape[2]
    n_res = res_exporter.shape[0]
    n_slot = in_layer.shape[0]
    # suppliers a buyer sources from (active, share > 0)
    src_ptr = np.zeros(n_l * n_r + 1, dtype=np.int64)
    src_idx = np.zeros(n_l * n_r * n_r, dtype=np.int64)
    cnt = 0
    for li in range(n_l):
        for d in range(n_r):
            for a in range(act_ptr[li], act_ptr[li + 1]):
                if sourcing[li, d, act_idx[a]] != 0.0:
                    src_idx[cnt] = act_idx[a]
                    cnt += 1
            src_ptr[li * n_r + d + 1] = cnt
    # buyers each supplier is sourced by (the transpose): orders before re-routing live only there
    buy_ptr = np.zeros(n_l * n_r + 1, dtype=np.int64)
    buy_idx = np.zeros(n_l * n_r * n_r, dtype=np.int64)
    cnt = 0
    for li in range(n_l):
        for r in range(n_r):
            for d in range(n_r):
                if sourcing[li, d, r] != 0.0:
                    buy_idx[cnt] = d
                    cnt += 1
            buy_ptr[li * n_r + r + 1] = cnt
    # demand nodes (magnet, region) with any sector demand: the others never order or consume
    dmd_ptr = np.zeros(n_g + 1, dtype=np.int64)
    dmd_idx = np.zeros(n_g * n_r, dtype=np.int64)
    cnt = 0
    for g in range(n_g):
        for d in range(n_r):
            for k in range(n_k):
                if demand[k, d, g] != 0.0:
                    dmd_idx[cnt] = d
                    cnt += 1
                    break
        dmd_ptr[g + 1] = cnt
    dst_ptr = np.zeros(n_res + 1, dtype=np.int64)
    dst_idx = np.zeros(max(n_res * n_r, 1), dtype=np.int64)
    cnt = 0
    for n in range(n_res):
        for d in range(n_r):
            if res_dest[n, d] == 1 and d != res_exporter[n]:
                dst_idx[cnt] = d
                cnt += 1
        dst_ptr[n + 1] = cnt
    # input slots fed by each layer (in slot order)
    use_ptr = np.zeros(n_l + 1, dtype=np.int64)
    use_idx = np.zeros(max(n_slot, 1), dtype=np.int64)
    cnt = 0
    for li in range(n_l):
        for j in range(n_slot):
            if in_layer[j] == li:
                use_idx[cnt] = j
                cnt += 1
        use_ptr[li + 1] = cnt
    return (
        src_ptr,
        src_idx,
        buy_ptr,
        buy_idx,
        dmd_ptr,
        dmd_idx,
        dst_ptr,
        dst_idx,
        use_ptr,
        use_idx,
    )


@numba.njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def simulate_runs(  # noqa: PLR0917 - numba kernels take their arrays positionally
    cap_base: F64,
    fac_layer: I64,
    fac_region: I64,
    fac_cap: F64,
    fac_start: F64,
    fac_ramp: F64,
    fac_delay: F64,
    in_ptr: I64,
    in_layer: I64,
    in_coef: F64,
    sourcing: F64,
    demand: F64,
    growth: F64,
    cover_days: F64,
    base_price: F64,
    price_layer: I64,
    var_usd: F64,
    recycling: F64,
    recycling_growth: F64,
    years0: float,
    mag_layer: I64,
    act_ptr: I64,
    act_idx: I64,
    res_exporter: I64,
    res_start: F64,
    res_end: F64,
    res_layers: I64,
    res_dest: I64,
    res_approval: F64,
    res_lag: F64,
    res_grace: F64,
    res_quota: F64,
    gp: F64,
    priority: I64,
    out: F64,
    scalars: F64,
    diag: F64,
) -> None:
    n_runs = gp.shape[0]
    n_l, n_r, n_t = cap_base.shape
    n_k = demand.shape[0]
    n_g = demand.shape[2]
    n_p = base_price.shape[0]
    n_f = fac_cap.shape[0]
    n_res = res_exporter.shape[0]
    n_slot = in_layer.shape[0]
    n_par = gp.shape[1]
    n_s = out.shape[2]
    want_diag = diag.shape[0] == n_runs
    max_rank = 0
    for k in range(n_k):
        max_rank = max(max_rank, priority[k])
    use_priority = max_rank > 0
    mag0 = mag_layer[0]  # magnet layers are the last ones, in MAGNETS order
    # series offsets (see `series_names`)
    o_short = 1 + n_r
    o_short_r = o_short + 1
    o_short_k = o_short_r + n_r
    o_inv = o_short_k + n_k
    o_price = o_inv + n_r
    o_loss_k = o_price + 2 * n_p
    o_loss = o_loss_k + n_k
    # restriction start month (integer) per restriction
    first_res = 1e9
    for n in range(n_res):
        first_res = min(first_res, res_start[n])
    # suppliers each buyer sources from, buyers of each supplier, demand regions per magnet,
    # destinations per restriction, input slots fed by each layer
    (src_ptr, src_idx, buy_ptr, buy_idx, dmd_ptr, dmd_idx, dst_ptr, dst_idx, use_ptr, use_idx) = (
        _index_lists(sourcing, demand, act_ptr, act_idx, res_exporter, res_dest, in_layer)
    )
    n_groups = (n_runs + LANES - 1) // LANES
    n_tasks = (n_groups + GROUPS_PER_TASK - 1) // GROUPS_PER_TASK
    for task in numba.prange(n_tasks):
        # scratch, [..., lane]; allocated once per task: allocating per group inside the parallel
        # loop makes glibc trim and re-fault the thread heaps, which serialises the threads
        par = np.empty((n_par, LANES))
        delay = np.empty((max(n_f, 1), LANES))
        approval = np.empty((max(n_res, 1), LANES))
        lag = np.empty((max(n_res, 1), LANES))
        grace = np.empty((max(n_res, 1), LANES))
        quota = np.empty((max(n_res, 1), LANES))
        rate = np.empty((n_k, LANES))
        cap = np.empty((n_l, n_r, LANES))  # this month's capacities
        grow = np.empty((n_k, LANES))
        inv = np.empty((n_k, n_r, n_g, LANES))
        instock = np.empty((n_slot, n_r, LANES))
        withheld = np.empty((n_l, n_r, LANES))
        hist = np.empty((n_t, max(n_res, 1), n_l, n_r, LANES))  # restricted requests
        orders = np.empty((n_l, n_r, n_r, LANES))  # [layer, buyer, supplier]
        req = np.empty((n_l, n_r, LANES))
        slot_req = np.empty((n_slot, n_r, LANES))
        planned = np.empty((n_l, n_r, LANES))
        recv = np.empty((n_l, n_r, LANES))
        sec_order = np.empty((n_k, n_r, n_g, LANES))
        need = np.empty((n_k, n_r, n_g, LANES))
        alloc = np.empty(n_k)
        mkt_need = np.empty((n_g, n_r, LANES))
        mkt_use = np.empty((n_g, n_r, LANES))
        spare = np.empty((n_r, LANES))
        moved = np.empty((n_r, LANES))
        edge_res = np.empty((n_l, n_r, n_r), dtype=np.int64)
        free_ptr = np.zeros(n_l * n_r + 1, dtype=np.int64)
        free_idx = np.empty(n_l * n_r * n_r, dtype=np.int64)
        supplied = np.empty((n_r, LANES))
        back = np.empty((n_r, n_r, LANES))
        pending = np.empty((n_l, n_r, LANES))
        decided = np.empty(n_r)
        quota_left = np.empty((max(n_res, 1), LANES))
        tgt = np.empty((n_k, LANES))
        month = np.empty((n_s, LANES))  # this month's series
        v1 = np.empty(LANES)
        v2 = np.empty(LANES)
        v3 = np.empty(LANES)
        v4 = np.empty(LANES)
        over = np.empty(LANES)
        keep_l = np.empty(LANES)
        sub = np.empty(LANES)
        cover_scale = np.empty(LANES)
        per_restock = np.empty(LANES)
        elast = np.empty(LANES)
        month_short = np.empty(LANES)
        month_need = np.empty(LANES)
        total_short = np.empty(LANES)
        total_loss = np.empty(LANES)
        short_months = np.empty(LANES)
        mag_prod = np.empty(LANES)
        consumed = np.empty(LANES)
        inv_begin = np.empty(LANES)
        inv_end = np.empty(LANES)
        wh_begin = np.empty(LANES)
        up_in = np.empty(LANES)
        up_use = np.empty(LANES)
        stock_before = np.empty(LANES)
        g_end = min((task + 1) * GROUPS_PER_TASK, n_groups)
        for grp in range(task * GROUPS_PER_TASK, g_end):
            s0 = grp * LANES
            n_live = min(LANES, n_runs - s0)
            # this group's parameters, lane-major (padding lanes repeat the last run)
            for w in range(LANES):
                s = min(s0 + w, n_runs - 1)
                for i in range(n_par):
                    par[i, w] = gp[s, i]
                for f in range(n_f):
                    delay[f, w] = fac_delay[s, f]
                for n in range(n_res):
                    approval[n, w] = res_approval[s, n]
                    lag[n, w] = res_lag[s, n]
                    grace[n, w] = res_grace[s, n]
                    quota[n, w] = res_quota[s, n]
                per_restock[w] = 1.0 / max(par[P_RESTOCK, w], 0.1)
                cover_scale[w] = par[P_INV_SCALE, w] / DAYS_PER_MONTH
            for k in range(n_k):
                for w in range(LANES):
                    rate[k, w] = 1.0 + growth[k] * par[P_GROWTH, w]
            for k in range(n_k):
                for d in range(n_r):
                    for g in range(n_g):
                        for w in range(LANES):
                            inv[k, d, g, w] = (
                                demand[k, d, g] * cover_days[d, k] * par[P_INV_SCALE, w]
                            ) / DAYS_PER_MONTH
            instock[...] = 0.0
            withheld[...] = 0.0
            pending[...] = 0.0
            hist[...] = 0.0
            total_short[:] = 0.0
            total_loss[:] = 0.0
            short_months[:] = 0.0
            last_mask = -1
            for t in range(n_t):
                # capacities this month (facilities with each run's sampled delay)
                for li in range(n_l):
                    for r in range(n_r):
                        for w in range(LANES):
                            cap[li, r, w] = cap_base[li, r, t]
                for f in range(n_f):
                    ramp_f = max(fac_ramp[f], 1.0)
                    for w in range(LANES):
                        t0 = fac_start[f] + delay[f, w]
                        frac = _ramp((t - t0) / ramp_f) if t >= t0 else 0.0
                        cap[fac_layer[f], fac_region[f], w] += fac_cap[f] * frac
                for k in range(n_k):
                    for w in range(LANES):
                        grow[k, w] = rate[k, w] ** (years0 + t / 12.0)
                month[...] = 0.0
                # which restriction governs each edge this month (the same in every run)
                for n in range(n_res):
                    for w in range(LANES):
                        quota_left[n, w] = quota[n, w]
                any_active = False
                mask = 0
                for n in range(n_res):
                    if t >= math.floor(res_start[n]) and t < res_end[n]:
                        any_active = True
                        mask |= 1 << min(n, 62)
                if n_res > 62 or mask != last_mask:  # rebuild only when the active set changes
                    last_mask = mask
                    edge_res[:, :, :] = -1
                    for n in range(n_res - 1, -1, -1):
                        if t >= math.floor(res_start[n]) and t < res_end[n]:
                            e = res_exporter[n]
                            for li in range(n_l):
                                if res_layers[n, li] == 1:
                                    for d in range(n_r):
                                        if res_dest[n, d] == 1 and d != e:
                                            edge_res[li, e, d] = n
                    # unrestricted active suppliers of each buyer: where moved orders can go
                    cnt_f = 0
                    for li in range(n_l):
                        for d in range(n_r):
                            for a in range(act_ptr[li], act_ptr[li + 1]):
                                if edge_res[li, act_idx[a], d] < 0:
                                    free_idx[cnt_f] = act_idx[a]
                                    cnt_f += 1
                            free_ptr[li * n_r + d + 1] = cnt_f
                # 1. sector demand and orders
                req[...] = 0.0
                years = t / 12.0
                for w in range(LANES):
                    sub[w] = 0.0
                    if first_res < 1e8:
                        since = t - math.floor(first_res) - par[P_SUB_LAG, w]
                        sub[w] = par[P_SUB_MAX, w] * _ramp(since / max(par[P_SUB_RAMP, w], 1.0))
                for g in range(n_g):
                    rec_share = min(recycling[g] + recycling_growth[g] * years, 0.9)
                    for w in range(LANES):
                        keep_l[w] = (1.0 - rec_share) * (1.0 - sub[w])
                    li = mag_layer[g]
                    for q_d in range(dmd_ptr[g], dmd_ptr[g + 1]):
                        d = dmd_idx[q_d]
                        # order-up-to on the inventory position: stock plus licences pending
                        tsum = v1
                        total_need = v2
                        tsum[:] = 0.0
                        total_need[:] = 0.0
                        for k in range(n_k):
                            cover_dk = cover_days[d, k]
                            dem = demand[k, d, g]
                            for w in range(LANES):
                                dmd = dem * grow[k, w] * keep_l[w]
                                need[k, d, g, w] = dmd
                                total_need[w] += dmd
                                tg = dmd * cover_dk * cover_scale[w]
                                tgt[k, w] = tg
                                tsum[w] += tg
                        # licences pending beyond the steady pipeline (lag x restricted flow)
                        steady = v3
                        steady[:] = 0.0
                        if any_active:
                            ld = li * n_r + d
                            for q in range(src_ptr[ld], src_ptr[ld + 1]):
                                r = src_idx[q]
                                n = edge_res[li, r, d]
                                if n >= 0:  # the expected pipeline builds up over one lag
                                    since_n = t - math.floor(res_start[n])
                                    sh = sourcing[li, d, r]
                                    for w in range(LANES):
                                        lag_n = lag[n, w]
                                        built = _ramp(since_n / max(lag_n, 1.0))
                                        steady[w] += lag_n * built * sh
                        acc = v4
                        acc[:] = 0.0
                        for k in range(n_k):
                            for w in range(LANES):
                                pend = pending[li, d, w] - steady[w] * total_need[w]
                                per_tgt = 1.0 / tsum[w] if tsum[w] > 0.0 else 0.0
                                gap = tgt[k, w] - inv[k, d, g, w] - pend * (tgt[k, w] * per_tgt)
                                o = max(need[k, d, g, w] + gap * per_restock[w], 0.0)
                                sec_order[k, d, g, w] = o
                                acc[w] += o
                        for w in range(LANES):
                            req[li, d, w] += acc[w]
                # 2. backward pass: orders
                slot_req[...] = 0.0
                for li in range(n_l - 1, -1, -1):
                    supplied[...] = 0.0
                    back[...] = 0.0
                    moved[...] = 0.0
                    orders[li] = 0.0
                    magnet = li >= mag0
                    for d in range(n_r):
                        ld = li * n_r + d
                        for q in range(src_ptr[ld], src_ptr[ld + 1]):
                            r = src_idx[q]
                            sh = sourcing[li, d, r]
                            n = edge_res[li, r, d]
                            if n < 0:
                                for w in range(LANES):
                                    o = req[li, d, w] * sh
                                    orders[li, d, r, w] = o
                                    supplied[r, w] += o
                                continue
                            # buyers move a share of their underlying need (not of restocking
                            # orders), so re-sourcing does not reward a harsher restriction
                            since_n = t - math.floor(res_start[n])
                            for w in range(LANES):
                                o = req[li, d, w] * sh
                                if o > 0.0:
                                    since = since_n - par[P_RES_LAG, w]
                                    rho = par[P_RES_MAX, w] * _ramp(
                                        since / max(par[P_RES_RAMP, w], 1.0)
                                    )
                                    base = req[li, d, w]
                                    if magnet:
                                        base = 0.0
                                        for k in range(n_k):
                                            base += need[k, d, li - mag0, w]
                                    shift = min(o, rho * base * sh)
                                    moved[d, w] += shift
                                    back[d, r, w] += shift
                                    o -= shift
                                orders[li, d, r, w] = o
                                supplied[r, w] += o
                    # orders beyond a supplier's capacity also look for other suppliers
                    for a in range(act_ptr[li], act_ptr[li + 1]):
                        r = act_idx[a]
                        any_over = False
                        for w in range(LANES):
                            over[w] = 0.0
                            keep_l[w] = 1.0
                            if supplied[r, w] > cap[li, r, w]:
                                over[w] = 1.0
                                keep_l[w] = cap[li, r, w] / supplied[r, w]
                                any_over = True
                        if not any_over:
                            continue
                        for q in range(buy_ptr[li * n_r + r], buy_ptr[li * n_r + r + 1]):
                            d = buy_idx[q]
                            for w in range(LANES):
                                cut = orders[li, d, r, w] * (1.0 - keep_l[w])
                                if over[w] > 0.0 and cut > 0.0:
                                    orders[li, d, r, w] -= cut
                                    moved[d, w] += cut
                                    back[d, r, w] += cut
                        for w in range(LANES):
                            if over[w] > 0.0:
                                supplied[r, w] = cap[li, r, w]
                    # redirect to unrestricted suppliers with spare capacity
                    for a in range(act_ptr[li], act_ptr[li + 1]):
                        r = act_idx[a]
                        for w in range(LANES):
                            spare[r, w] = max(cap[li, r, w] - supplied[r, w], 0.0)
                    for d in range(n_r):
                        any_moved = False
                        for w in range(LANES):
                            if moved[d, w] > 0.0:
                                any_moved = True
                        if not any_moved:
                            continue
                        ld = li * n_r + d
                        room = v1
                        placed = v2
                        per_room = v3
                        room[:] = 0.0
                        for q in range(free_ptr[ld], free_ptr[ld + 1]):
                            r = free_idx[q]
                            for w in range(LANES):
                                room[w] += spare[r, w]
                        for w in range(LANES):
                            pl = min(moved[d, w], room[w]) if moved[d, w] > 0.0 else 0.0
                            placed[w] = pl
                            per_room[w] = pl / room[w] if pl > 0.0 else 0.0
                        for q in range(free_ptr[ld], free_ptr[ld + 1]):
                            r = free_idx[q]
                            for w in range(LANES):
                                if placed[w] > 0.0 and spare[r, w] > 0.0:
                                    extra = spare[r, w] * per_room[w]
                                    orders[li, d, r, w] += extra
                                    supplied[r, w] += extra
                        for a in range(act_ptr[li], act_ptr[li + 1]):
                            r = act_idx[a]
                            for w in range(LANES):
                                if placed[w] > 0.0:
                                    spare[r, w] = max(cap[li, r, w] - supplied[r, w], 0.0)
                        # what found no room stays with the original suppliers
                        per_moved = v4
                        for w in range(LANES):
                            over[w] = 0.0
                            per_moved[w] = 0.0
                            rest = moved[d, w] - placed[w]
                            if moved[d, w] > 0.0 and rest > 0.0:
                                over[w] = 1.0
                                per_moved[w] = rest / moved[d, w]
                        for a in range(act_ptr[li], act_ptr[li + 1]):
                            r = act_idx[a]
                            for w in range(LANES):
                                if over[w] > 0.0:
                                    share = back[d, r, w] * per_moved[w]
                                    orders[li, d, r, w] += share
                                    supplied[r, w] += share
                    for a in range(act_ptr[li], act_ptr[li + 1]):
                        r = act_idx[a]
                        for w in range(LANES):
                            planned[li, r, w] = min(cap[li, r, w], supplied[r, w])
                        for j in range(in_ptr[li], in_ptr[li + 1]):
                            coef = in_coef[j]
                            lj = in_layer[j]
                            for w in range(LANES):
                                want = max(planned[li, r, w] * coef - instock[j, r, w], 0.0)
                                slot_req[j, r, w] = want
                                req[lj, r, w] += want
                # 3. forward pass: production and deliveries
                recv[...] = 0.0
                mag_prod[:] = 0.0
                up_in[:] = 0.0
                up_use[:] = 0.0
                wh_begin[:] = 0.0
                stock_before[:] = 0.0
                if want_diag:  # balance terms are only needed for the diagnostics
                    for w in range(LANES):
                        for g in range(n_g):
                            for r in range(n_r):
                                wh_begin[w] += withheld[mag_layer[g], r, w]
                        for j in range(n_slot):
                            for r in range(n_r):
                                stock_before[w] += instock[j, r, w]
                for li in range(n_l):
                    magnet = li >= mag0
                    for a in range(act_ptr[li], act_ptr[li + 1]):
                        r = act_idx[a]
                        p_l = v1
                        tot = v2
                        per_order = v3
                        for w in range(LANES):
                            p_l[w] = planned[li, r, w]
                        for j in range(in_ptr[li], in_ptr[li + 1]):
                            coef = in_coef[j]
                            for w in range(LANES):
                                p_l[w] = min(p_l[w], instock[j, r, w] / coef)
                        for j in range(in_ptr[li], in_ptr[li + 1]):
                            coef = in_coef[j]
                            for w in range(LANES):
                                if p_l[w] > 0.0:
                                    instock[j, r, w] = max(instock[j, r, w] - p_l[w] * coef, 0.0)
                                    up_use[w] += p_l[w] * coef
                        tot[:] = 0.0
                        for d in range(n_r):
                            for w in range(LANES):
                                tot[w] += orders[li, d, r, w]
                        for w in range(LANES):
                            per_order[w] = 0.0
                            if p_l[w] > 0.0 and tot[w] > 0.0:
                                per_order[w] = p_l[w] / tot[w]
                                if magnet:
                                    mag_prod[w] += p_l[w]
                        for d in range(n_r):
                            n = edge_res[li, r, d]
                            export = r == CN and d != CN and magnet
                            if n < 0:
                                for w in range(LANES):
                                    ship = orders[li, d, r, w] * per_order[w]
                                    recv[li, d, w] += ship
                                    if export:
                                        month[1 + d, w] += ship
                                continue
                            first = t == math.floor(res_start[n])
                            for w in range(LANES):
                                ship = orders[li, d, r, w] * per_order[w]
                                if ship == 0.0:
                                    continue
                                free = 0.0
                                if first:
                                    free = _ramp(res_start[n] - t + grace[n, w] / DAYS_PER_MONTH)
                                blocked = ship * (1.0 - free)
                                hist[t, n, li, d, w] += blocked
                                pending[li, d, w] += blocked
                                withheld[li, r, w] += blocked
                                ship -= blocked
                                recv[li, d, w] += ship
                                if export:
                                    month[1 + d, w] += ship
                    # licence decisions on earlier (and this month's) requests
                    for n in range(n_res):
                        # nothing is requested before a restriction starts
                        if res_layers[n, li] == 0 or t < math.floor(res_start[n]):
                            continue
                        e = res_exporter[n]
                        for w in range(LANES):
                            lag_w = max(lag[n, w], 0.0)
                            m = math.floor(lag_w)
                            phi = lag_w - m
                            a0 = int(t - m)
                            a1 = a0 - 1
                            asked = 0.0
                            for q in range(dst_ptr[n], dst_ptr[n + 1]):
                                d = dst_idx[q]
                                # requests from before month 0 of a measure in force: steady state
                                h0 = hist[a0, n, li, d, w] if a0 >= 0 else 0.0
                                h1 = hist[a1, n, li, d, w] if a1 >= 0 else 0.0
                                if a0 < 0 and res_start[n] < a0:
                                    h0 = hist[t, n, li, d, w]
                                if a1 < 0 and res_start[n] < a1:
                                    h1 = hist[t, n, li, d, w]
                                decided[d] = (1.0 - phi) * h0 + phi * h1
                                asked += approval[n, w] * decided[d]
                            # a quota caps approved tonnes per month, shared pro rata by destination
                            fill = min(1.0, quota_left[n, w] / asked) if asked > 0.0 else 1.0
                            for q in range(dst_ptr[n], dst_ptr[n + 1]):
                                d = dst_idx[q]
                                dec = decided[d]
                                if dec <= 0.0:
                                    continue
                                pending[li, d, w] = max(pending[li, d, w] - dec, 0.0)
                                ok = min(approval[n, w] * dec * fill, withheld[li, e, w])
                                quota_left[n, w] = max(quota_left[n, w] - ok, 0.0)
                                withheld[li, e, w] -= ok
                                recv[li, d, w] += ok
                                if e == CN and d != CN and magnet:
                                    month[1 + d, w] += ok
                    # deliveries become inputs of the buying layers in each region
                    if magnet:
                        continue
                    cnt = use_ptr[li + 1] - use_ptr[li]
                    for d in range(n_r):
                        tot = v1
                        tot[:] = 0.0
                        for q in range(use_ptr[li], use_ptr[li + 1]):
                            for w in range(LANES):
                                tot[w] += slot_req[use_idx[q], d, w]
                        for q in range(use_ptr[li], use_ptr[li + 1]):
                            j = use_idx[q]
                            for w in range(LANES):
                                rv = recv[li, d, w]
                                if rv > 0.0:
                                    share = (
                                        slot_req[j, d, w] / tot[w] if tot[w] > 0.0 else 1.0 / cnt
                                    )
                                    instock[j, d, w] += rv * share
                        for w in range(LANES):
                            rv = recv[li, d, w]
                            if rv > 0.0:
                                up_in[w] += rv
                # 4. sectors
                month_short[:] = 0.0
                month_need[:] = 0.0
                inv_begin[:] = 0.0
                inv_end[:] = 0.0
                consumed[:] = 0.0
                mkt_need[...] = 0.0
                mkt_use[...] = 0.0
                for g in range(n_g):
                    li = mag_layer[g]
                    for q_d in range(dmd_ptr[g], dmd_ptr[g + 1]):
                        d = dmd_idx[q_d]
                        for w in range(LANES):
                            supply = recv[li, d, w]
                            tot_w = 0.0
                            for k in range(n_k):
                                tot_w += sec_order[k, d, g, w]
                                alloc[k] = 0.0
                            if tot_w <= 0.0:
                                tot_need = 0.0
                                for k in range(n_k):
                                    tot_need += need[k, d, g, w]
                                if tot_need > 0.0:
                                    per_need = supply / tot_need
                                    for k in range(n_k):
                                        alloc[k] = need[k, d, g, w] * per_need
                            elif use_priority and supply < tot_w:
                                left = supply
                                for rank in range(1, max_rank + 1):
                                    for k in range(n_k):
                                        if priority[k] == rank:
                                            alloc[k] = min(sec_order[k, d, g, w], left)
                                            left -= alloc[k]
                                rest_orders = 0.0
                                for k in range(n_k):
                                    if priority[k] == 0:
                                        rest_orders += sec_order[k, d, g, w]
                                if rest_orders > 0.0:
                                    per_rest = left / rest_orders
                                    for k in range(n_k):
                                        if priority[k] == 0:
                                            alloc[k] = sec_order[k, d, g, w] * per_rest
                            else:
                                per_o = supply / tot_w
                                for k in range(n_k):
                                    alloc[k] = sec_order[k, d, g, w] * per_o
                            inv_d = 0.0
                            short_d = 0.0
                            need_d = 0.0
                            for k in range(n_k):
                                inv_begin[w] += inv[k, d, g, w]
                                have = inv[k, d, g, w] + alloc[k]
                                nd = need[k, d, g, w]
                                use = min(have, nd)
                                inv[k, d, g, w] = have - use
                                inv_d += have - use
                                consumed[w] += use
                                need_d += nd
                                short = nd - use
                                if short > 0.0:
                                    short_d += short
                                    month[o_short_k + k, w] += short
                                    loss = short * var_usd[k] * 1e-3  # t x USD/kg -> MUSD
                                    month[o_loss_k + k, w] += loss
                                    month[o_loss, w] += loss
                            inv_end[w] += inv_d
                            month[o_inv + d, w] += inv_d
                            month[o_short_r + d, w] += short_d
                            mkt_need[g, d, w] = need_d
                            mkt_use[g, d, w] = need_d - short_d
                            month_short[w] += short_d
                            month_need[w] += need_d
                for w in range(LANES):
                    month[o_short, w] = month_short[w]
                    exports = 0.0
                    for d in range(n_r):
                        exports += month[1 + d, w]
                    month[0, w] = exports
                    total_short[w] += month_short[w]
                    total_loss[w] += month[o_loss, w]
                    if month_need[w] > 0.0 and month_short[w] > 0.005 * month_need[w]:
                        short_months[w] += 1.0
                # 5. prices
                for w in range(LANES):
                    eps_s = par[P_EPS_S0, w] + (par[P_EPS_S1, w] - par[P_EPS_S0, w]) * _ramp(
                        t / max(par[P_EPS_RAMP, w], 1.0)
                    )
                    elast[w] = max(eps_s + abs(par[P_EPS_D, w]), 1e-3)
                for pi in range(n_p):
                    li = price_layer[pi]
                    is_magnet = li >= mag0
                    for mk in range(2):
                        ordered = v1
                        got = v2
                        ordered[:] = 0.0
                        got[:] = 0.0
                        # CN is region 0: market 0 is China's, market 1 all other regions
                        for d in range(0 if mk == 0 else 1, 1 if mk == 0 else n_r):
                            if is_magnet:  # tightness = share of sector need met this month
                                for w in range(LANES):
                                    ordered[w] += mkt_need[li - mag0, d, w]
                                    got[w] += mkt_use[li - mag0, d, w]
                            else:  # tightness = share of buyers' orders delivered
                                for w in range(LANES):
                                    got[w] += recv[li, d, w]
                                for a in range(act_ptr[li], act_ptr[li + 1]):
                                    r = act_idx[a]
                                    for w in range(LANES):
                                        ordered[w] += orders[li, d, r, w]
                        col = o_price + 2 * pi + mk
                        for w in range(LANES):
                            ratio = got[w] / ordered[w] if ordered[w] > 0.0 else 1.0
                            ratio = min(max(ratio, 0.05), 2.0)
                            multiple = 1.0  # exp(-log(1) / elast), without the calls
                            if ratio != 1.0:
                                multiple = math.exp(-math.log(ratio) / elast[w])
                            multiple = min(multiple, par[P_PRICE_CAP, w])
                            month[col, w] = base_price[pi] * multiple
                for w in range(n_live):
                    for c in range(n_s):
                        out[s0 + w, t, c] = month[c, w]
                if want_diag:
                    for w in range(n_live):
                        wh_end = 0.0
                        for g in range(n_g):
                            for r in range(n_r):
                                wh_end += withheld[mag_layer[g], r, w]
                        stock_after = 0.0
                        lowest = 1e300
                        for j in range(n_slot):
                            for r in range(n_r):
                                stock_after += instock[j, r, w]
                                lowest = min(lowest, instock[j, r, w])
                        for li in range(n_l):
                            for r in range(n_r):
                                lowest = min(lowest, withheld[li, r, w])
                        for k in range(n_k):
                            for d in range(n_r):
                                for g in range(n_g):
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
            for w in range(n_live):
                scalars[s0 + w, 0] = total_short[w]
                scalars[s0 + w, 1] = total_loss[w]
                scalars[s0 + w, 2] = short_months[w]
