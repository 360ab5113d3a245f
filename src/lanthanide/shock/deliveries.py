"""Kernel phases 3-4: production and deliveries (mining to magnets), then sector allocation.

Compiled helpers of `kernel.simulate_runs`; each works on one lane group for one month.
"""

from __future__ import annotations

import math

from lanthanide.shock.orders import ramp
from lanthanide.shock.state import (
    CN,
    DAYS_PER_MONTH,
    MUSD_PER_T_USD_PER_KG,
    Cols,
    Edges,
    Flows,
    Group,
    Index,
    Net,
    Restr,
    Stocks,
    Tally,
    Work,
    njit,
    njit_inline,
)


@njit
def produce_and_ship(  # noqa: PLR0917 - compiled helpers take their groups positionally
    net: Net,
    rs: Restr,
    grp: Group,
    st: Stocks,
    fl: Flows,
    ed: Edges,
    wk: Work,
    ta: Tally,
    li: int,
    t: int,
) -> None:
    """Production = min(planned, inputs on hand / coefficient) (Leontief); output goes to buyers
    pro rata to orders; on a restricted edge the shipment (less the first month's grace days)
    enters the licence pipeline and stays in the exporter's stock meanwhile."""
    act_idx = net.act_idx
    act_ptr = net.act_ptr
    demand = net.demand
    grace = grp.grace
    hist = st.hist
    in_coef = net.in_coef
    in_ptr = net.in_ptr
    instock = st.instock
    mag_layer = net.mag_layer
    mag_prod = ta.mag_prod
    month = fl.month
    orders = fl.orders
    pending = st.pending
    planned = fl.planned
    recv = fl.recv
    cn_out = fl.cn_out
    req = fl.req
    res = ed.res
    start = rs.start
    up_use = ta.up_use
    v1 = wk.v1
    v2 = wk.v2
    v3 = wk.v3
    withheld = st.withheld
    n_r = demand.shape[1]
    lanes = req.shape[2]
    magnet = li >= mag_layer[0]
    for a in range(act_ptr[li], act_ptr[li + 1]):
        r = act_idx[a]
        p_l, tot, per_order = v1, v2, v3
        for w in range(lanes):
            p_l[w] = planned[li, r, w]
        for j in range(in_ptr[li], in_ptr[li + 1]):
            coef = in_coef[j]
            for w in range(lanes):
                p_l[w] = min(p_l[w], instock[j, r, w] / coef)
        for j in range(in_ptr[li], in_ptr[li + 1]):
            coef = in_coef[j]
            for w in range(lanes):
                if p_l[w] > 0.0:
                    instock[j, r, w] = max(instock[j, r, w] - p_l[w] * coef, 0.0)
                    up_use[w] += p_l[w] * coef
        tot[:] = 0.0
        for d in range(n_r):
            for w in range(lanes):
                tot[w] += orders[li, d, r, w]
        for w in range(lanes):
            per_order[w] = 0.0
            if p_l[w] > 0.0 and tot[w] > 0.0:
                per_order[w] = p_l[w] / tot[w]
                if magnet:
                    mag_prod[w] += p_l[w]
        for d in range(n_r):
            n = res[li, r, d]
            abroad = r == CN and d != CN
            export = abroad and magnet
            if n < 0:
                for w in range(lanes):
                    ship = orders[li, d, r, w] * per_order[w]
                    recv[li, d, w] += ship
                    if abroad:
                        cn_out[li, d, w] += ship
                    if export:
                        month[1 + d, w] += ship
                continue
            first = t == math.floor(start[n])
            for w in range(lanes):
                ship = orders[li, d, r, w] * per_order[w]
                if ship == 0.0:
                    continue
                free = 0.0
                if first:
                    free = ramp(start[n] - t + grace[n, w] / DAYS_PER_MONTH)
                blocked = ship * (1.0 - free)
                hist[t, n, li, d, w] += blocked
                pending[li, d, w] += blocked
                withheld[li, r, w] += blocked
                ship -= blocked
                recv[li, d, w] += ship
                if abroad:
                    cn_out[li, d, w] += ship
                if export:
                    month[1 + d, w] += ship


@njit
def decide_licences(  # noqa: PLR0917
    net: Net, rs: Restr, ix: Index, grp: Group, st: Stocks, fl: Flows, wk: Work, li: int, t: int
) -> None:
    """Licence decisions on the requests of one lag ago (interpolated between whole months),
    approved at the approval rate and within any monthly quota (shared pro rata by
    destination); denied material stays with the exporter."""
    approval = grp.approval
    decided = wk.decided
    dst_idx = ix.dst_idx
    dst_ptr = ix.dst_ptr
    exporter = rs.exporter
    fl_month = fl.month
    hist = st.hist
    lag = grp.lag
    layers = rs.layers
    mag_layer = net.mag_layer
    pending = st.pending
    quota_left = fl.quota_left
    recv = fl.recv
    cn_out = fl.cn_out
    req = fl.req
    start = rs.start
    withheld = st.withheld
    lanes = req.shape[2]
    magnet = li >= mag_layer[0]
    for n in range(exporter.shape[0]):
        # nothing is requested before a restriction starts
        if layers[n, li] == 0 or t < math.floor(start[n]):
            continue
        e = exporter[n]
        for w in range(lanes):
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
                if a0 < 0 and start[n] < a0:
                    h0 = hist[t, n, li, d, w]
                if a1 < 0 and start[n] < a1:
                    h1 = hist[t, n, li, d, w]
                decided[d] = (1.0 - phi) * h0 + phi * h1
                asked += approval[n, w] * decided[d]
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
                if e == CN and d != CN:
                    cn_out[li, d, w] += ok
                    if magnet:
                        fl_month[1 + d, w] += ok


@njit
def stock_inputs(net: Net, ix: Index, st: Stocks, fl: Flows, wk: Work, ta: Tally, li: int) -> None:  # noqa: PLR0917
    """Deliveries of an upstream layer become input stock of the buying layers in each region,
    shared by what each slot ordered (evenly when nothing was ordered)."""
    demand = net.demand
    instock = st.instock
    recv = fl.recv
    req = fl.req
    slot_req = fl.slot_req
    up_in = ta.up_in
    use_idx = ix.use_idx
    use_ptr = ix.use_ptr
    v1 = wk.v1
    n_r = demand.shape[1]
    lanes = req.shape[2]
    cnt = use_ptr[li + 1] - use_ptr[li]
    for d in range(n_r):
        tot = v1
        tot[:] = 0.0
        for q in range(use_ptr[li], use_ptr[li + 1]):
            for w in range(lanes):
                tot[w] += slot_req[use_idx[q], d, w]
        for q in range(use_ptr[li], use_ptr[li + 1]):
            j = use_idx[q]
            for w in range(lanes):
                rv = recv[li, d, w]
                if rv > 0.0:
                    share = slot_req[j, d, w] / tot[w] if tot[w] > 0.0 else 1.0 / cnt
                    instock[j, d, w] += rv * share
        for w in range(lanes):
            rv = recv[li, d, w]
            if rv > 0.0:
                up_in[w] += rv


@njit
def forward(  # noqa: PLR0917
    net: Net,
    rs: Restr,
    ix: Index,
    grp: Group,
    st: Stocks,
    fl: Flows,
    ed: Edges,
    wk: Work,
    ta: Tally,
    t: int,
) -> None:
    """Phase 3: production, shipments and licence decisions, mining first."""
    cap_base = net.cap_base
    mag_layer = net.mag_layer
    for li in range(cap_base.shape[0]):
        produce_and_ship(net, rs, grp, st, fl, ed, wk, ta, li, t)
        decide_licences(net, rs, ix, grp, st, fl, wk, li, t)
        if li < mag_layer[0]:
            stock_inputs(net, ix, st, fl, wk, ta, li)


@njit_inline
def allocate(net: Net, ix: Index, fl: Flows, wk: Work, d: int, g: int, w: int) -> None:  # noqa: PLR0917
    """A demand node's deliveries to its sectors: pro rata to orders, or ranked sectors first
    (then pro rata among the unranked); by need when nobody ordered."""
    demand = net.demand
    mag_layer = net.mag_layer
    max_rank = ix.max_rank
    need = fl.need
    priority = net.priority
    recv = fl.recv
    sec_order = fl.sec_order
    alloc = wk.alloc
    n_k = demand.shape[0]
    supply = recv[mag_layer[g], d, w]
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
    elif max_rank > 0 and supply < tot_w:
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


@njit
def sectors(  # noqa: PLR0917
    net: Net, ix: Index, st: Stocks, fl: Flows, wk: Work, ta: Tally, cols: Cols
) -> None:
    """Phase 4: sectors receive magnets, draw inventory, record shortfall and loss
    (shortfall x value at risk)."""
    alloc = wk.alloc
    consumed = ta.consumed
    demand = net.demand
    dmd_idx = ix.dmd_idx
    dmd_ptr = ix.dmd_ptr
    inv = st.inv
    inv_begin = ta.inv_begin
    inv_end = ta.inv_end
    mkt_need = fl.mkt_need
    mkt_use = fl.mkt_use
    month = fl.month
    month_need = ta.month_need
    month_short = ta.month_short
    need = fl.need
    req = fl.req
    var_usd = net.var_usd
    n_k, n_g = demand.shape[0], demand.shape[2]
    lanes = req.shape[2]
    month_short[:] = 0.0
    month_need[:] = 0.0
    inv_begin[:] = 0.0
    inv_end[:] = 0.0
    consumed[:] = 0.0
    mkt_need[...] = 0.0
    mkt_use[...] = 0.0
    for g in range(n_g):
        for q_d in range(dmd_ptr[g], dmd_ptr[g + 1]):
            d = dmd_idx[q_d]
            for w in range(lanes):
                allocate(net, ix, fl, wk, d, g, w)
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
                        month[cols.short_k + k, w] += short
                        loss = short * var_usd[k] * MUSD_PER_T_USD_PER_KG
                        month[cols.loss_k + k, w] += loss
                        month[cols.loss, w] += loss
                inv_end[w] += inv_d
                month[cols.inv + d, w] += inv_d
                month[cols.short_r + d, w] += short_d
                mkt_need[g, d, w] = need_d
                mkt_use[g, d, w] = need_d - short_d
                month_short[w] += short_d
                month_need[w] += need_d
