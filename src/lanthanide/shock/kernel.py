"""The monthly simulation kernel: one compiled loop over runs (numba, parallel over runs).

Each run keeps its own small state (capacities, stocks, licence pipelines) so runs are independent:
results do not depend on the number of threads, workers or on chunking. The same function runs as
plain Python through `simulate_runs.py_func`, which the benchmark uses as its per-run baseline.

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
#: fast-math without nnan/ninf: reassociation is fixed at compile time, so runs stay
#: bit-identical across threads and workers on the same build
FASTMATH = {"reassoc", "contract", "arcp", "nsz", "afn"}
CN = 0
#: runs per block of the parallel loop (scratch arrays are reused within a block)
RUN_BLOCK = 16


@numba.njit(cache=True, error_model="numpy")
def _ramp(x: float) -> float:
    return min(max(x, 0.0), 1.0)


@numba.njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def simulate_runs(  # noqa: PLR0917 - numba kernels take their arrays positionally
    cap_base: F64,
    fac_layer: npt.NDArray[np.int64],
    fac_region: npt.NDArray[np.int64],
    fac_cap: F64,
    fac_start: F64,
    fac_ramp: F64,
    fac_delay: F64,
    in_ptr: npt.NDArray[np.int64],
    in_layer: npt.NDArray[np.int64],
    in_coef: F64,
    sourcing: F64,
    demand: F64,
    growth: F64,
    cover_days: F64,
    base_price: F64,
    price_layer: npt.NDArray[np.int64],
    var_usd: F64,
    recycling: F64,
    recycling_growth: F64,
    years0: float,
    mag_layer: npt.NDArray[np.int64],
    act_ptr: npt.NDArray[np.int64],
    act_idx: npt.NDArray[np.int64],
    res_exporter: npt.NDArray[np.int64],
    res_start: F64,
    res_end: F64,
    res_layers: npt.NDArray[np.int64],
    res_dest: npt.NDArray[np.int64],
    res_approval: F64,
    res_lag: F64,
    res_grace: F64,
    res_quota: F64,
    gp: F64,
    priority: npt.NDArray[np.int64],
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
    want_diag = diag.shape[0] == n_runs
    max_rank = 0
    for k in range(n_k):
        max_rank = max(max_rank, priority[k])
    use_priority = max_rank > 0
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
    # suppliers a buyer sources from (active, share > 0) and destinations each restriction covers:
    # orders, shipments and licences on other edges are always zero, so loops skip them
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
    # scratch is allocated once per block of runs and reset per run: allocating it per run inside
    # the parallel loop made glibc trim and re-fault the thread heaps, which serialised the threads
    n_blocks = (n_runs + RUN_BLOCK - 1) // RUN_BLOCK
    for b in numba.prange(n_blocks):
        cap = np.empty((n_l, n_r, n_t))
        inv = np.empty((n_k, n_r, n_g))
        instock = np.empty((n_slot, n_r))
        withheld = np.empty((n_l, n_r))
        hist = np.empty((n_res, n_l, n_r, n_t))  # restricted requests by restriction/layer/dest
        orders = np.empty((n_l, n_r, n_r))  # [layer, buyer, supplier]
        req = np.empty((n_l, n_r))
        slot_req = np.empty((n_slot, n_r))
        planned = np.empty((n_l, n_r))
        recv = np.empty((n_l, n_r))
        sec_order = np.empty((n_k, n_r, n_g))
        need = np.empty((n_k, n_r, n_g))
        alloc = np.empty(n_k)
        mkt_need = np.empty((n_g, n_r))
        mkt_use = np.empty((n_g, n_r))
        spare = np.empty(n_r)
        moved = np.empty(n_r)
        edge_res = np.empty((n_l, n_r, n_r), dtype=np.int64)
        supplied = np.empty(n_r)
        back = np.empty((n_r, n_r))
        pending = np.empty((n_l, n_r))
        decided = np.empty(n_r)
        quota_left = np.empty(max(n_res, 1))
        tgt = np.empty(n_k)
        grow = np.empty((n_k, n_t))
        for s in range(b * RUN_BLOCK, min((b + 1) * RUN_BLOCK, n_runs)):
            eps_d = gp[s, P_EPS_D]
            restock = max(gp[s, P_RESTOCK], 0.1)
            per_restock = 1.0 / restock  # multiplications instead of divisions in hot loops
            # capacities of this run (facilities with their sampled delays)
            cap[:, :, :] = cap_base
            for f in range(n_f):
                t0 = fac_start[f] + fac_delay[s, f]
                for t in range(n_t):
                    frac = _ramp((t - t0) / max(fac_ramp[f], 1.0)) if t >= t0 else 0.0
                    cap[fac_layer[f], fac_region[f], t] += fac_cap[f] * frac
            for k in range(n_k):
                for d in range(n_r):
                    for g in range(n_g):
                        inv[k, d, g] = (
                            demand[k, d, g] * cover_days[d, k] * gp[s, P_INV_SCALE] / DAYS_PER_MONTH
                        )
            instock[...] = 0.0
            withheld[...] = 0.0
            orders[...] = 0.0
            req[...] = 0.0
            slot_req[...] = 0.0
            planned[...] = 0.0
            recv[...] = 0.0
            back[...] = 0.0
            pending[...] = 0.0
            alloc[...] = 0.0
            spare[...] = 0.0
            moved[...] = 0.0
            supplied[...] = 0.0
            decided[...] = 0.0
            quota_left[...] = 0.0
            tgt[...] = 0.0
            sec_order[...] = 0.0
            need[...] = 0.0
            mkt_need[...] = 0.0
            mkt_use[...] = 0.0
            hist[...] = 0.0
            edge_res[...] = -1
            out[s, :, :] = 0.0
            last_mask = -1
            for k in range(n_k):
                rate = 1.0 + growth[k] * gp[s, P_GROWTH]
                for t in range(n_t):
                    grow[k, t] = rate ** (years0 + t / 12.0)
            total_short = 0.0
            total_loss = 0.0
            short_months = 0.0
            for t in range(n_t):
                # which restriction governs each edge this month
                for n in range(n_res):
                    quota_left[n] = res_quota[s, n]
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
                # 1. sector demand and orders
                req[:, :] = 0.0
                years = t / 12.0
                sub = 0.0
                if first_res < 1e8:
                    since = t - math.floor(first_res) - gp[s, P_SUB_LAG]
                    sub = gp[s, P_SUB_MAX] * _ramp(since / max(gp[s, P_SUB_RAMP], 1.0))
                cover_scale = gp[s, P_INV_SCALE] / DAYS_PER_MONTH
                for g in range(n_g):
                    rec_share = min(recycling[g] + recycling_growth[g] * years, 0.9)
                    keep = (1.0 - rec_share) * (1.0 - sub)
                    for q_d in range(dmd_ptr[g], dmd_ptr[g + 1]):
                        d = dmd_idx[q_d]
                        # order-up-to on the inventory position: stock plus licences pending
                        tsum = 0.0
                        total_need = 0.0
                        for k in range(n_k):
                            dmd = demand[k, d, g] * grow[k, t] * keep
                            need[k, d, g] = dmd
                            total_need += dmd
                            tgt[k] = dmd * cover_days[d, k] * cover_scale
                            tsum += tgt[k]
                        # licences pending beyond the steady pipeline (lag x restricted flow)
                        li = mag_layer[g]
                        steady = 0.0
                        if any_active:
                            ld = li * n_r + d
                            for q in range(src_ptr[ld], src_ptr[ld + 1]):
                                r = src_idx[q]
                                n = edge_res[li, r, d]
                                if n >= 0:  # the expected pipeline builds up over one lag
                                    lag_n = res_lag[s, n]
                                    built = _ramp((t - math.floor(res_start[n])) / max(lag_n, 1.0))
                                    steady += lag_n * built * sourcing[li, d, r]
                        pend = pending[li, d] - steady * total_need
                        per_tgt = 1.0 / tsum if tsum > 0.0 else 0.0
                        for k in range(n_k):
                            gap = tgt[k] - inv[k, d, g] - pend * (tgt[k] * per_tgt)
                            o = max(need[k, d, g] + gap * per_restock, 0.0)
                            sec_order[k, d, g] = o
                            req[mag_layer[g], d] += o
                # 2. backward pass: orders
                slot_req[:, :] = 0.0
                for li in range(n_l - 1, -1, -1):
                    supplied[:] = 0.0
                    back[:, :] = 0.0
                    for d in range(n_r):
                        moved[d] = 0.0
                        for a in range(act_ptr[li], act_ptr[li + 1]):
                            orders[li, d, act_idx[a]] = 0.0
                        if req[li, d] <= 0.0:
                            continue
                        ld = li * n_r + d
                        for q in range(src_ptr[ld], src_ptr[ld + 1]):
                            r = src_idx[q]
                            o = req[li, d] * sourcing[li, d, r]
                            n = edge_res[li, r, d]
                            if n >= 0 and o > 0.0:
                                # buyers move a share of their underlying need (not of restocking
                                # orders), so re-sourcing does not reward a harsher restriction
                                since = t - math.floor(res_start[n]) - gp[s, P_RES_LAG]
                                rho = gp[s, P_RES_MAX] * _ramp(since / max(gp[s, P_RES_RAMP], 1.0))
                                base = req[li, d]
                                if li >= mag_layer[0]:
                                    base = 0.0
                                    for g in range(n_g):
                                        if mag_layer[g] == li:
                                            for k in range(n_k):
                                                base += need[k, d, g]
                                shift = min(o, rho * base * sourcing[li, d, r])
                                moved[d] += shift
                                back[d, r] += shift
                                o -= shift
                            orders[li, d, r] = o
                            supplied[r] += o
                    # orders beyond a supplier's capacity also look for other suppliers
                    for a in range(act_ptr[li], act_ptr[li + 1]):
                        r = act_idx[a]
                        if supplied[r] > cap[li, r, t]:
                            keep = cap[li, r, t] / supplied[r]
                            for q in range(buy_ptr[li * n_r + r], buy_ptr[li * n_r + r + 1]):
                                d = buy_idx[q]
                                cut = orders[li, d, r] * (1.0 - keep)
                                if cut > 0.0:
                                    orders[li, d, r] -= cut
                                    moved[d] += cut
                                    back[d, r] += cut
                            supplied[r] = cap[li, r, t]
                    # redirect to unrestricted suppliers with spare capacity
                    for a in range(act_ptr[li], act_ptr[li + 1]):
                        r = act_idx[a]
                        spare[r] = max(cap[li, r, t] - supplied[r], 0.0)
                    for d in range(n_r):
                        if moved[d] <= 0.0:
                            continue
                        room = 0.0
                        for a in range(act_ptr[li], act_ptr[li + 1]):
                            r = act_idx[a]
                            if edge_res[li, r, d] < 0:
                                room += spare[r]
                        placed = min(moved[d], room)
                        if placed > 0.0:
                            per_room = placed / room
                            for a in range(act_ptr[li], act_ptr[li + 1]):
                                r = act_idx[a]
                                if edge_res[li, r, d] < 0 and spare[r] > 0.0:
                                    extra = spare[r] * per_room
                                    orders[li, d, r] += extra
                                    supplied[r] += extra
                            for a in range(act_ptr[li], act_ptr[li + 1]):
                                r = act_idx[a]
                                spare[r] = max(cap[li, r, t] - supplied[r], 0.0)
                        rest = moved[d] - placed
                        if rest > 0.0:  # nowhere to go: stays with the original suppliers
                            per_moved = rest / moved[d]
                            for a in range(act_ptr[li], act_ptr[li + 1]):
                                r = act_idx[a]
                                share = back[d, r] * per_moved
                                orders[li, d, r] += share
                                supplied[r] += share
                    for a in range(act_ptr[li], act_ptr[li + 1]):
                        r = act_idx[a]
                        p = min(cap[li, r, t], supplied[r])
                        planned[li, r] = p
                        for j in range(in_ptr[li], in_ptr[li + 1]):
                            want = max(p * in_coef[j] - instock[j, r], 0.0)
                            slot_req[j, r] = want
                            req[in_layer[j], r] += want
                # 3. forward pass: production and deliveries
                recv[:, :] = 0.0
                mag_prod = 0.0
                wh_begin = 0.0
                for g in range(n_g):
                    for r in range(n_r):
                        wh_begin += withheld[mag_layer[g], r]
                upstream_in = 0.0
                upstream_use = 0.0
                stock_before = 0.0
                for j in range(n_slot):
                    for r in range(n_r):
                        stock_before += instock[j, r]
                for li in range(n_l):
                    for a in range(act_ptr[li], act_ptr[li + 1]):
                        r = act_idx[a]
                        p = planned[li, r]
                        for j in range(in_ptr[li], in_ptr[li + 1]):
                            p = min(p, instock[j, r] / in_coef[j])
                        if p <= 0.0:
                            continue
                        for j in range(in_ptr[li], in_ptr[li + 1]):
                            instock[j, r] = max(instock[j, r] - p * in_coef[j], 0.0)
                            upstream_use += p * in_coef[j]
                        tot = 0.0
                        for d in range(n_r):
                            tot += orders[li, d, r]
                        if tot <= 0.0:
                            continue
                        for g in range(n_g):
                            if mag_layer[g] == li:
                                mag_prod += p
                        per_order = p / tot
                        for d in range(n_r):
                            if orders[li, d, r] == 0.0:
                                continue
                            ship = orders[li, d, r] * per_order
                            n = edge_res[li, r, d]
                            if n >= 0:
                                free = 0.0
                                if t == math.floor(res_start[n]):
                                    free = _ramp(
                                        res_start[n] - t + res_grace[s, n] / DAYS_PER_MONTH
                                    )
                                blocked = ship * (1.0 - free)
                                hist[n, li, d, t] += blocked
                                pending[li, d] += blocked
                                withheld[li, r] += blocked
                                ship -= blocked
                            recv[li, d] += ship
                            if r == CN and d != CN and li >= mag_layer[0]:
                                out[s, t, 1 + d] += ship
                    # licence decisions on earlier (and this month's) requests
                    for n in range(n_res):
                        # nothing is requested before a restriction starts
                        if res_layers[n, li] == 0 or t < math.floor(res_start[n]):
                            continue
                        e = res_exporter[n]
                        lag = max(res_lag[s, n], 0.0)
                        m = math.floor(lag)
                        phi = lag - m
                        asked = 0.0
                        for q in range(dst_ptr[n], dst_ptr[n + 1]):
                            d = dst_idx[q]
                            # requests from before month 0 of a measure in force: steady state
                            a0 = t - m
                            a1 = t - m - 1
                            h0 = hist[n, li, d, a0] if a0 >= 0 else 0.0
                            h1 = hist[n, li, d, a1] if a1 >= 0 else 0.0
                            if a0 < 0 and res_start[n] < a0:
                                h0 = hist[n, li, d, t]
                            if a1 < 0 and res_start[n] < a1:
                                h1 = hist[n, li, d, t]
                            decided[d] = (1.0 - phi) * h0 + phi * h1
                            asked += res_approval[s, n] * decided[d]
                        # a quota caps approved tonnes per month, shared pro rata by destination
                        fill = min(1.0, quota_left[n] / asked) if asked > 0.0 else 1.0
                        for q in range(dst_ptr[n], dst_ptr[n + 1]):
                            d = dst_idx[q]
                            dec = decided[d]
                            if dec <= 0.0:
                                continue
                            pending[li, d] = max(pending[li, d] - dec, 0.0)
                            ok = min(res_approval[s, n] * dec * fill, withheld[li, e])
                            quota_left[n] = max(quota_left[n] - ok, 0.0)
                            withheld[li, e] -= ok
                            recv[li, d] += ok
                            if e == CN and d != CN and li >= mag_layer[0]:
                                out[s, t, 1 + d] += ok
                    # deliveries become inputs of the buying layers in each region
                    for d in range(n_r):
                        if recv[li, d] <= 0.0 or li >= mag_layer[0]:
                            continue
                        tot = 0.0
                        cnt = use_ptr[li + 1] - use_ptr[li]
                        for q in range(use_ptr[li], use_ptr[li + 1]):
                            tot += slot_req[use_idx[q], d]
                        for q in range(use_ptr[li], use_ptr[li + 1]):
                            j = use_idx[q]
                            share = slot_req[j, d] / tot if tot > 0.0 else 1.0 / cnt
                            instock[j, d] += recv[li, d] * share
                        upstream_in += recv[li, d]
                # 4. sectors
                month_short = 0.0
                month_need = 0.0
                inv_begin = 0.0
                inv_end = 0.0
                consumed = 0.0
                mkt_need[:, :] = 0.0
                mkt_use[:, :] = 0.0
                for g in range(n_g):
                    li = mag_layer[g]
                    for q_d in range(dmd_ptr[g], dmd_ptr[g + 1]):
                        d = dmd_idx[q_d]
                        supply = recv[li, d]
                        tot = 0.0
                        for k in range(n_k):
                            tot += sec_order[k, d, g]
                            alloc[k] = 0.0
                        if tot <= 0.0:
                            tot_need = 0.0
                            for k in range(n_k):
                                tot_need += need[k, d, g]
                            if tot_need > 0.0:
                                per_need = supply / tot_need
                                for k in range(n_k):
                                    alloc[k] = need[k, d, g] * per_need
                        elif use_priority and supply < tot:
                            left = supply
                            for rank in range(1, max_rank + 1):
                                for k in range(n_k):
                                    if priority[k] == rank:
                                        alloc[k] = min(sec_order[k, d, g], left)
                                        left -= alloc[k]
                            rest_orders = 0.0
                            for k in range(n_k):
                                if priority[k] == 0:
                                    rest_orders += sec_order[k, d, g]
                            if rest_orders > 0.0:
                                per_rest = left / rest_orders
                                for k in range(n_k):
                                    if priority[k] == 0:
                                        alloc[k] = sec_order[k, d, g] * per_rest
                        else:
                            per_order = supply / tot
                            for k in range(n_k):
                                alloc[k] = sec_order[k, d, g] * per_order
                        inv_d = 0.0
                        short_d = 0.0
                        need_d = 0.0
                        for k in range(n_k):
                            inv_begin += inv[k, d, g]
                            have = inv[k, d, g] + alloc[k]
                            use = min(have, need[k, d, g])
                            inv[k, d, g] = have - use
                            inv_d += inv[k, d, g]
                            consumed += use
                            need_d += need[k, d, g]
                            short = need[k, d, g] - use
                            if short > 0.0:
                                short_d += short
                                out[s, t, o_short_k + k] += short
                                loss = short * var_usd[k] * 1e-3  # t x USD/kg -> MUSD
                                out[s, t, o_loss_k + k] += loss
                                out[s, t, o_loss] += loss
                        inv_end += inv_d
                        out[s, t, o_inv + d] += inv_d
                        out[s, t, o_short_r + d] += short_d
                        mkt_need[g, d] = need_d
                        mkt_use[g, d] = need_d - short_d
                        month_short += short_d
                        month_need += need_d
                out[s, t, o_short] = month_short
                exports = 0.0
                for d in range(n_r):
                    exports += out[s, t, 1 + d]
                out[s, t, 0] = exports
                total_short += month_short
                total_loss += out[s, t, o_loss]
                if month_need > 0.0 and month_short > 0.005 * month_need:
                    short_months += 1.0
                # 5. prices
                eps_s = gp[s, P_EPS_S0] + (gp[s, P_EPS_S1] - gp[s, P_EPS_S0]) * _ramp(
                    t / max(gp[s, P_EPS_RAMP], 1.0)
                )
                elast = max(eps_s + abs(eps_d), 1e-3)
                for pi in range(n_p):
                    li = price_layer[pi]
                    is_magnet = li >= mag_layer[0]
                    for mk in range(2):
                        ordered = 0.0
                        got = 0.0
                        for d in range(n_r):
                            if (mk == 0) != (d == CN):
                                continue
                            if is_magnet:  # tightness = share of sector need met this month
                                ordered += mkt_need[li - mag_layer[0], d]
                                got += mkt_use[li - mag_layer[0], d]
                            else:  # tightness = share of buyers' orders delivered
                                got += recv[li, d]
                                for a in range(act_ptr[li], act_ptr[li + 1]):
                                    r = act_idx[a]
                                    ordered += orders[li, d, r]
                        ratio = got / ordered if ordered > 0.0 else 1.0
                        ratio = min(max(ratio, 0.05), 2.0)
                        multiple = 1.0  # exp(-log(1) / elast), without the calls
                        if ratio != 1.0:
                            multiple = math.exp(-math.log(ratio) / elast)
                        multiple = min(multiple, gp[s, P_PRICE_CAP])
                        out[s, t, o_price + 2 * pi + mk] = base_price[pi] * multiple
                if want_diag:
                    wh_end = 0.0
                    for g in range(n_g):
                        for r in range(n_r):
                            wh_end += withheld[mag_layer[g], r]
                    stock_after = 0.0
                    lowest = 1e300
                    for j in range(n_slot):
                        for r in range(n_r):
                            stock_after += instock[j, r]
                            lowest = min(lowest, instock[j, r])
                    for li in range(n_l):
                        for r in range(n_r):
                            lowest = min(lowest, withheld[li, r])
                    for k in range(n_k):
                        for d in range(n_r):
                            for g in range(n_g):
                                lowest = min(lowest, inv[k, d, g])
                    diag[s, t, 0] = mag_prod
                    diag[s, t, 1] = consumed
                    diag[s, t, 2] = inv_begin
                    diag[s, t, 3] = inv_end
                    diag[s, t, 4] = wh_begin
                    diag[s, t, 5] = wh_end
                    diag[s, t, 6] = lowest
                    diag[s, t, 7] = stock_before + upstream_in - upstream_use - stock_after
            scalars[s, 0] = total_short
            scalars[s, 1] = total_loss
            scalars[s, 2] = short_months
