"""Kernel phases 1-2: sector demand and orders, then the backward pass of orders to mining.

Compiled helpers of `kernel.simulate_runs`; each works on one lane group for one month. See the
kernel's docstring for the model; the comments here say why a step is done the way it is.
"""

from __future__ import annotations

import math

from lanthanide.shock.state import (
    MASK_BITS,
    MAX_RECYCLED_SHARE,
    MIN_RAMP_MONTHS,
    NEVER,
    P_RES_LAG,
    P_RES_MAX,
    P_RES_RAMP,
    P_SUB_LAG,
    P_SUB_MAX,
    P_SUB_RAMP,
    Edges,
    Flows,
    Group,
    Index,
    Net,
    Restr,
    Stocks,
    Work,
    njit,
)


@njit
def ramp(x: float) -> float:
    """x clipped to [0, 1]: the share of a ramp done."""
    return min(max(x, 0.0), 1.0)


@njit
def recycled_share(share: float, growth: float, years: float) -> float:
    """Share of magnet demand met by recycled feed, `years` after the demand base year."""
    return min(max(share + growth * years, 0.0), MAX_RECYCLED_SHARE)


@njit
def capacities(net: Net, grp: Group, fl: Flows, t: int) -> None:
    """This month's capacities: the base table plus facilities with each run's sampled delay."""
    cap = fl.cap
    cap_base = net.cap_base
    delay = grp.delay
    fac_cap = net.fac_cap
    fac_layer = net.fac_layer
    fac_ramp = net.fac_ramp
    fac_region = net.fac_region
    fac_start = net.fac_start
    grow = fl.grow
    rate = grp.rate
    years0 = net.years0
    n_l, n_r = cap_base.shape[0], cap_base.shape[1]
    lanes = cap.shape[2]
    for li in range(n_l):
        for r in range(n_r):
            for w in range(lanes):
                cap[li, r, w] = cap_base[li, r, t]
    for f in range(fac_cap.shape[0]):
        ramp_f = max(fac_ramp[f], MIN_RAMP_MONTHS)
        for w in range(lanes):
            t0 = fac_start[f] + delay[f, w]
            frac = ramp((t - t0) / ramp_f) if t >= t0 else 0.0
            cap[fac_layer[f], fac_region[f], w] += fac_cap[f] * frac
    for k in range(grow.shape[0]):
        for w in range(lanes):
            grow[k, w] = rate[k, w] ** (years0 + t / 12.0)


@njit
def edge_map(net: Net, rs: Restr, ed: Edges, t: int, last_mask: int) -> tuple[bool, int]:
    """Rebuild the edge -> restriction map when the set of active restrictions changes.

    Returns (any restriction active, the active set's mask). The map is the same in every run.
    """
    act_idx = net.act_idx
    act_ptr = net.act_ptr
    dest = rs.dest
    end = rs.end
    exporter = rs.exporter
    free_idx = ed.free_idx
    free_ptr = ed.free_ptr
    layers = rs.layers
    res = ed.res
    start = rs.start
    n_res = exporter.shape[0]
    n_l, n_r = res.shape[0], res.shape[1]
    any_active = False
    mask = 0
    for n in range(n_res):
        if t >= math.floor(start[n]) and t < end[n]:
            any_active = True
            mask |= 1 << min(n, MASK_BITS)
    if n_res <= MASK_BITS and mask == last_mask:
        return any_active, mask
    res[:, :, :] = -1
    for n in range(n_res - 1, -1, -1):  # the first listed restriction wins an edge
        if t >= math.floor(start[n]) and t < end[n]:
            e = exporter[n]
            for li in range(n_l):
                if layers[n, li] == 1:
                    for d in range(n_r):
                        if dest[n, d] == 1 and d != e:
                            res[li, e, d] = n
    cnt = 0
    for li in range(n_l):
        for d in range(n_r):
            for a in range(act_ptr[li], act_ptr[li + 1]):
                if res[li, act_idx[a], d] < 0:
                    free_idx[cnt] = act_idx[a]
                    cnt += 1
            free_ptr[li * n_r + d + 1] = cnt
    return any_active, mask


@njit
def sector_orders(  # noqa: PLR0917 - compiled helpers take their groups positionally
    net: Net,
    rs: Restr,
    ix: Index,
    grp: Group,
    st: Stocks,
    fl: Flows,
    ed: Edges,
    wk: Work,
    t: int,
    any_active: bool,
) -> None:
    """Phase 1: sector need after recycling and substitution; order-up-to on the inventory
    position (stock plus licences pending beyond the steady pipeline)."""
    cover_days = net.cover_days
    cover_scale = grp.cover_scale
    demand = net.demand
    dmd_idx = ix.dmd_idx
    dmd_ptr = ix.dmd_ptr
    first_start = ix.first_start
    grow = fl.grow
    grp_lag = grp.lag
    par = grp.par
    inv = st.inv
    mag_layer = net.mag_layer
    need = fl.need
    per_restock = grp.per_restock
    recycling = net.recycling
    recycling_growth = net.recycling_growth
    req = fl.req
    res = ed.res
    sec_order = fl.sec_order
    sourcing = net.sourcing
    src_idx = ix.src_idx
    src_ptr = ix.src_ptr
    st_pending = st.pending
    start = rs.start
    sub = fl.sub
    tgt = wk.tgt
    v1 = wk.v1
    v2 = wk.v2
    v3 = wk.v3
    v4 = wk.v4
    keep = wk.keep
    n_k, n_r, n_g = demand.shape
    lanes = req.shape[2]
    req[...] = 0.0
    years = net.years0 + t / 12.0  # calendar: from the demand base year, not the scenario start
    for w in range(lanes):
        sub[w] = 0.0
        if first_start < NEVER / 10.0:
            since = t - math.floor(first_start) - par[P_SUB_LAG, w]
            sub[w] = par[P_SUB_MAX, w] * ramp(since / max(par[P_SUB_RAMP, w], MIN_RAMP_MONTHS))
    for g in range(n_g):
        rec_share = recycled_share(recycling[g], recycling_growth[g], years)
        for w in range(lanes):
            keep[w] = (1.0 - rec_share) * (1.0 - sub[w])
        li = mag_layer[g]
        for q_d in range(dmd_ptr[g], dmd_ptr[g + 1]):
            d = dmd_idx[q_d]
            tsum = v1
            total_need = v2
            tsum[:] = 0.0
            total_need[:] = 0.0
            for k in range(n_k):
                cover_dk = cover_days[d, k]
                dem = demand[k, d, g]
                for w in range(lanes):
                    dmd = dem * grow[k, w] * keep[w]
                    need[k, d, g, w] = dmd
                    total_need[w] += dmd
                    tg = dmd * cover_dk * cover_scale[w]
                    tgt[k, w] = tg
                    tsum[w] += tg
            # licences pending beyond the steady pipeline (lag x restricted flow)
            steady = v3
            steady[:] = 0.0
            gated = False  # any of this buyer's sources restricted this month
            if any_active:
                ld = li * n_r + d
                for q in range(src_ptr[ld], src_ptr[ld + 1]):
                    r = src_idx[q]
                    n = res[li, r, d]
                    if n >= 0:  # the expected pipeline builds up over one lag
                        gated = True
                        since_n = t - math.floor(start[n])
                        sh = sourcing[li, d, r]
                        for w in range(lanes):
                            lag_n = grp_lag[n, w]
                            built = ramp(since_n / max(lag_n, MIN_RAMP_MONTHS))
                            steady[w] += lag_n * built * sh
            acc = v4
            acc[:] = 0.0
            for k in range(n_k):
                for w in range(lanes):
                    # once no source is restricted, licences still pending are not counted:
                    # buyers reorder from the open suppliers (late approvals arrive as extra
                    # stock), so ending a restriction earlier never leaves them waiting longer
                    pend = st_pending[li, d, w] - steady[w] * total_need[w] if gated else 0.0
                    per_tgt = 1.0 / tsum[w] if tsum[w] > 0.0 else 0.0
                    gap = tgt[k, w] - inv[k, d, g, w] - pend * (tgt[k, w] * per_tgt)
                    o = max(need[k, d, g, w] + gap * per_restock[w], 0.0)
                    sec_order[k, d, g, w] = o
                    acc[w] += o
            for w in range(lanes):
                req[li, d, w] += acc[w]


@njit
def split_orders(  # noqa: PLR0917
    net: Net, rs: Restr, ix: Index, grp: Group, fl: Flows, ed: Edges, wk: Work, li: int, t: int
) -> None:
    """Buyers split orders by sourcing shares; on a restricted edge a share of the underlying
    need (not of restocking orders, so re-sourcing does not reward a harsher restriction) moves
    away as qualification proceeds."""
    back = wk.back
    demand = net.demand
    par = grp.par
    mag_layer = net.mag_layer
    moved = wk.moved
    need = fl.need
    orders = fl.orders
    req = fl.req
    res = ed.res
    sourcing = net.sourcing
    src_idx = ix.src_idx
    src_ptr = ix.src_ptr
    start = rs.start
    supplied = wk.supplied
    n_k, n_r = demand.shape[0], demand.shape[1]
    lanes = req.shape[2]
    magnet = li >= mag_layer[0]
    for d in range(n_r):
        ld = li * n_r + d
        for q in range(src_ptr[ld], src_ptr[ld + 1]):
            r = src_idx[q]
            sh = sourcing[li, d, r]
            n = res[li, r, d]
            if n < 0:
                for w in range(lanes):
                    o = req[li, d, w] * sh
                    orders[li, d, r, w] = o
                    supplied[r, w] += o
                continue
            since_n = t - math.floor(start[n])
            for w in range(lanes):
                o = req[li, d, w] * sh
                if o > 0.0:
                    since = since_n - par[P_RES_LAG, w]
                    rho = par[P_RES_MAX, w] * ramp(since / max(par[P_RES_RAMP, w], MIN_RAMP_MONTHS))
                    base = req[li, d, w]
                    if magnet:
                        base = 0.0
                        for k in range(n_k):
                            base += need[k, d, li - mag_layer[0], w]
                    shift = min(o, rho * base * sh)
                    moved[d, w] += shift
                    back[d, r, w] += shift
                    o -= shift
                orders[li, d, r, w] = o
                supplied[r, w] += o


@njit
def cut_overflow(net: Net, ix: Index, fl: Flows, wk: Work, li: int) -> None:
    """Orders beyond a supplier's capacity also look for other suppliers."""
    act_idx = net.act_idx
    act_ptr = net.act_ptr
    back = wk.back
    buy_idx = ix.buy_idx
    buy_ptr = ix.buy_ptr
    cap = fl.cap
    demand = net.demand
    moved = wk.moved
    orders = fl.orders
    req = fl.req
    supplied = wk.supplied
    wk_keep = wk.keep
    wk_over = wk.over
    n_r = demand.shape[1]
    lanes = req.shape[2]
    over, keep = wk_over, wk_keep
    for a in range(act_ptr[li], act_ptr[li + 1]):
        r = act_idx[a]
        any_over = False
        for w in range(lanes):
            over[w] = 0.0
            keep[w] = 1.0
            if supplied[r, w] > cap[li, r, w]:
                over[w] = 1.0
                keep[w] = cap[li, r, w] / supplied[r, w]
                any_over = True
        if not any_over:
            continue
        for q in range(buy_ptr[li * n_r + r], buy_ptr[li * n_r + r + 1]):
            d = buy_idx[q]
            for w in range(lanes):
                cut = orders[li, d, r, w] * (1.0 - keep[w])
                if over[w] > 0.0 and cut > 0.0:
                    orders[li, d, r, w] -= cut
                    moved[d, w] += cut
                    back[d, r, w] += cut
        for w in range(lanes):
            if over[w] > 0.0:
                supplied[r, w] = cap[li, r, w]


@njit
def redirect(net: Net, fl: Flows, ed: Edges, wk: Work, li: int) -> None:
    """Moved orders go to unrestricted suppliers with spare capacity, pro rata to spare room;
    what finds no room stays with the original suppliers."""
    act_idx = net.act_idx
    act_ptr = net.act_ptr
    back = wk.back
    cap = fl.cap
    demand = net.demand
    free_idx = ed.free_idx
    free_ptr = ed.free_ptr
    moved = wk.moved
    orders = fl.orders
    over = wk.over
    req = fl.req
    spare = wk.spare
    supplied = wk.supplied
    v1 = wk.v1
    v2 = wk.v2
    v3 = wk.v3
    v4 = wk.v4
    n_r = demand.shape[1]
    lanes = req.shape[2]
    for a in range(act_ptr[li], act_ptr[li + 1]):
        r = act_idx[a]
        for w in range(lanes):
            spare[r, w] = max(cap[li, r, w] - supplied[r, w], 0.0)
    for d in range(n_r):
        any_moved = False
        for w in range(lanes):
            if moved[d, w] > 0.0:
                any_moved = True
        if not any_moved:
            continue
        ld = li * n_r + d
        room, placed, per_room = v1, v2, v3
        room[:] = 0.0
        for q in range(free_ptr[ld], free_ptr[ld + 1]):
            r = free_idx[q]
            for w in range(lanes):
                room[w] += spare[r, w]
        for w in range(lanes):
            pl = min(moved[d, w], room[w]) if moved[d, w] > 0.0 else 0.0
            placed[w] = pl
            per_room[w] = pl / room[w] if pl > 0.0 else 0.0
        for q in range(free_ptr[ld], free_ptr[ld + 1]):
            r = free_idx[q]
            for w in range(lanes):
                if placed[w] > 0.0 and spare[r, w] > 0.0:
                    extra = spare[r, w] * per_room[w]
                    orders[li, d, r, w] += extra
                    supplied[r, w] += extra
        for a in range(act_ptr[li], act_ptr[li + 1]):
            r = act_idx[a]
            for w in range(lanes):
                if placed[w] > 0.0:
                    spare[r, w] = max(cap[li, r, w] - supplied[r, w], 0.0)
        per_moved = v4
        for w in range(lanes):
            over[w] = 0.0
            per_moved[w] = 0.0
            rest = moved[d, w] - placed[w]
            if moved[d, w] > 0.0 and rest > 0.0:
                over[w] = 1.0
                per_moved[w] = rest / moved[d, w]
        for a in range(act_ptr[li], act_ptr[li + 1]):
            r = act_idx[a]
            for w in range(lanes):
                if over[w] > 0.0:
                    share = back[d, r, w] * per_moved[w]
                    orders[li, d, r, w] += share
                    supplied[r, w] += share


@njit
def plan_inputs(net: Net, st: Stocks, fl: Flows, wk: Work, li: int) -> None:
    """Producers plan min(capacity, orders) and order the inputs they lack."""
    act_idx = net.act_idx
    act_ptr = net.act_ptr
    cap = fl.cap
    in_coef = net.in_coef
    in_layer = net.in_layer
    in_ptr = net.in_ptr
    instock = st.instock
    planned = fl.planned
    req = fl.req
    slot_req = fl.slot_req
    supplied = wk.supplied
    lanes = req.shape[2]
    for a in range(act_ptr[li], act_ptr[li + 1]):
        r = act_idx[a]
        for w in range(lanes):
            planned[li, r, w] = min(cap[li, r, w], supplied[r, w])
        for j in range(in_ptr[li], in_ptr[li + 1]):
            coef = in_coef[j]
            lj = in_layer[j]
            for w in range(lanes):
                want = max(planned[li, r, w] * coef - instock[j, r, w], 0.0)
                slot_req[j, r, w] = want
                req[lj, r, w] += want


@njit
def backward(  # noqa: PLR0917
    net: Net, rs: Restr, ix: Index, grp: Group, st: Stocks, fl: Flows, ed: Edges, wk: Work, t: int
) -> None:
    """Phase 2: orders from magnets back to mining, one layer at a time (downstream first)."""
    back = wk.back
    cap_base = net.cap_base
    moved = wk.moved
    orders = fl.orders
    slot_req = fl.slot_req
    supplied = wk.supplied
    slot_req[...] = 0.0
    for li in range(cap_base.shape[0] - 1, -1, -1):
        supplied[...] = 0.0
        back[...] = 0.0
        moved[...] = 0.0
        orders[li] = 0.0
        split_orders(net, rs, ix, grp, fl, ed, wk, li, t)
        cut_overflow(net, ix, fl, wk, li)
        redirect(net, fl, ed, wk, li)
        plan_inputs(net, st, fl, wk, li)
