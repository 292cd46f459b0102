"""The session's rules on plain state: own evidence needed per area, the candidates left, when an area
and the session are done (stop.py has the pure rules), and the expected remaining length.

An area needs k own answers (the blueprint's `own_evidence_k`; `focus_extra_items` more when the worker
ticked it), one more than it has while its own answers contradict a "reached" estimate
(claims.own_contradicts, from estimate.own_posteriors centred on the cut), at most its room; and one
more than it has, up to k + `dispute_extra_items`, while it is *disputed*: the shared-strength estimate
says reached with P ≥ `dispute_p_joint` but its own answers alone are less sure, P_own < `dispute_p_own`
(a worker strong elsewhere with one weak area: 2 of 3 lucky answers must not let the other areas speak
for it).
"""

from __future__ import annotations

import numpy as np

from assessor.bank.load import Bank
from assessor.cat import claims, select, stop
from assessor.cat.estimate import Observation, own_posteriors
from assessor.cat.session import SessionState, observations


def k_needed(state: SessionState) -> dict[str, int]:
    """Own answers each area needs before it is measured enough (`focus_extra_items` more for ticked areas)."""
    extra = state.config.focus_extra_items
    return {d: state.own_evidence_k + (extra if d in state.focus else 0) for d in state.domains}


_P_OWN_CACHE: dict[tuple[object, ...], dict[str, float]] = {}
_LIMITS_CACHE: dict[tuple[object, ...], tuple[dict[str, int], dict[str, int]]] = {}


def _answers_key(state: SessionState, obs: list[Observation] | None = None) -> tuple[object, ...]:
    """What p_own depends on: the domains, cut, prior and the scored answers (with their frozen parameters)."""
    return (tuple(state.domains), state.cut_score, tuple(state.prior_mean), tuple(map(tuple, state.prior_cov)),
            tuple(observations(state) if obs is None else obs))


def p_own(state: SessionState) -> dict[str, float]:
    """P(θ_d ≥ cut) from each area's own answers alone under a neutral prior centred on the cut
    (estimate.own_posteriors). Memoised on the answers, domains, prior and cut (the stop rules ask it
    many times per answer)."""
    obs = observations(state)
    key = _answers_key(state, obs)
    hit = _P_OWN_CACHE.get(key)
    if hit is not None:
        return dict(hit)
    mean, sd = own_posteriors(state.prior, obs, center=state.cut_score)
    out = {d: claims.p_reached(float(m), float(s), state.cut_score) for d, m, s in zip(state.domains, mean, sd, strict=True)}
    if len(_P_OWN_CACHE) >= 4096:
        _P_OWN_CACHE.clear()
    _P_OWN_CACHE[key] = dict(out)
    return out


def contradicted(state: SessionState) -> set[str]:
    """Areas with own answers whose shared-strength estimate says reached while their own answers say not."""
    counts, own = state.counts(), p_own(state)
    return {
        d for d in state.domains
        if counts[d] > 0 and claims.own_contradicts(claims.p_reached(state.theta[d], state.se[d], state.cut_score), own[d])
    }


def disputed(state: SessionState) -> set[str]:
    """Areas with at least k own answers whose shared-strength P(reached) ≥ `dispute_p_joint` while their own
    answers alone give P_own < `dispute_p_own` (the two estimates disagree about a 'reached' claim)."""
    cfg = state.config
    counts, own, k = state.counts(), p_own(state), k_needed(state)
    return {
        d for d in state.domains
        if counts[d] >= k[d]
        and claims.p_reached(state.theta[d], state.se[d], state.cut_score) >= cfg.dispute_p_joint
        and own[d] < cfg.dispute_p_own
    }


def limits(state: SessionState) -> tuple[dict[str, int], dict[str, int]]:
    """Minimum and maximum own answers per area: the minimum is k (the config's minimum if larger), and one
    more than now for an area whose own answers contradict its estimate, and for a disputed area (`disputed`)
    one more than now up to k + `dispute_extra_items`; the maximum is ⌈factor · share · max_items⌉, at
    least k + 3. Memoised on everything it reads (the stop and selection rules ask it many times per answer)."""
    cfg = state.config
    key = (_answers_key(state), tuple(p_own(state).items()), tuple(state.theta.items()), tuple(state.se.items()), tuple(state.shares.items()),
           tuple(state.focus), state.own_evidence_k, cfg.max_items, cfg.min_per_domain, cfg.max_per_domain_factor,
           cfg.focus_extra_items, cfg.dispute_extra_items, cfg.dispute_p_joint, cfg.dispute_p_own)
    hit = _LIMITS_CACHE.get(key)
    if hit is not None:
        return dict(hit[0]), dict(hit[1])
    mins, maxs = _limits(state)
    if len(_LIMITS_CACHE) >= 4096:
        _LIMITS_CACHE.clear()
    _LIMITS_CACHE[key] = (dict(mins), dict(maxs))
    return mins, maxs


def _limits(state: SessionState) -> tuple[dict[str, int], dict[str, int]]:
    cfg = state.config
    k = k_needed(state)
    maxs = stop.per_domain_limits(state.shares, cfg.max_items, cfg.min_per_domain, cfg.max_per_domain_factor)
    maxs = {d: max(maxs[d], k[d] + 3) for d in state.domains}
    mins = {d: max(cfg.min_per_domain, k[d]) for d in state.domains}
    counts = state.counts()
    for d in contradicted(state):
        mins[d] = min(max(mins[d], counts[d] + 1), maxs[d])
    if cfg.dispute_extra_items > 0:
        for d in disputed(state):
            mins[d] = max(mins[d], min(counts[d] + 1, k[d] + cfg.dispute_extra_items, maxs[d]))
    return mins, maxs


def candidates(bank: Bank, state: SessionState) -> dict[str, np.ndarray]:
    """Active items per role domain not yet given in this session, not of a `same_fact` group already
    asked, nor seen recently (seen items come back only if a domain would otherwise be empty)."""
    arrays = select.bank_arrays(bank)
    given = np.zeros(len(arrays.ids), dtype=bool)
    given[[arrays.index[r.item_id] for r in state.responses if r.item_id in arrays.index]] = True
    groups = {arrays.fact_group[arrays.index[r.item_id]] for r in state.responses if r.item_id in arrays.index}
    groups.discard(None)
    if groups:
        given |= np.array([g in groups for g in arrays.fact_group], dtype=bool)
    blocked = given.copy()
    blocked[[arrays.index[i] for i in state.seen_item_ids if i in arrays.index]] = True
    out: dict[str, np.ndarray] = {}
    for d in state.domains:
        pool = arrays.active_by_domain.get(d)
        if pool is None or pool.size == 0:
            continue
        fresh = pool[~blocked[pool]]
        if fresh.size == 0:
            fresh = pool[~given[pool]]
        if fresh.size:
            out[d] = fresh
    return out


def areas_done(state: SessionState, available: set[str]) -> dict[str, bool]:
    """The area rule of stop.py per area; an area with no item left counts as done."""
    cfg = state.config
    _, maxs = limits(state)
    k, counts, against = k_needed(state), state.counts(), contradicted(state)
    out = {}
    for d in state.domains:
        p = claims.p_reached(state.theta[d], state.se[d], state.cut_score)
        out[d] = d not in available or stop.area_done(
            counts[d], maxs[d], p, k=k[d], p_area=cfg.p_area, contradicts=d in against,
        )
    return out


def session_decided(state: SessionState, available: set[str]) -> bool:
    """Every area with items left has k own answers, the readiness claim reaches p_overall, and every area
    is done or the mean area claim probability reaches `accuracy_target` (stop.py)."""
    cfg = state.config
    mins, _ = limits(state)
    counts = state.counts()
    if any(counts[d] < mins[d] for d in state.domains if d in available):
        return False
    comp, comp_se = state.composite()
    if max(claims.p_reached(comp, comp_se, state.cut_score), 1 - claims.p_reached(comp, comp_se, state.cut_score)) < cfg.p_overall:
        return False
    done = areas_done(state, available)
    if all(done.values()):
        return True
    probs = [claims.claim(claims.p_reached(state.theta[d], state.se[d], state.cut_score)).probability for d in state.domains]
    return float(np.mean(probs)) >= cfg.accuracy_target


def close_call(state: SessionState, available: set[str]) -> bool:
    """After `min_items`, with k own answers in every area that has items left: more items are not worth
    the worker's time (stop.worth_continuing is False: the expected drop in misclassification per item is
    below `min_gain_per_item`) — the worker is close to the line in what is still undecided."""
    cfg = state.config
    if state.n_items < max(cfg.min_items, cfg.close_call_min_items):
        return False
    mins, _ = limits(state)
    counts = state.counts()
    if any(counts[d] < mins[d] for d in state.domains if d in available):
        return False
    comp, comp_se = state.composite()
    return not stop.worth_continuing(
        [state.theta[d] - state.cut_score for d in state.domains], [state.se[d] for d in state.domains],
        comp - state.cut_score, comp_se, cfg.max_items - state.n_items,
        area_gain_per_item=cfg.area_info_per_item, composite_gain_per_item=cfg.composite_info_per_item,
        min_gain_per_item=cfg.min_gain_per_item, readiness_weight=cfg.readiness_weight,
    )


def stop_reason_now(bank: Bank, state: SessionState, pools: dict[str, np.ndarray] | None = None) -> str | None:
    """The stop code that applies now (stop.stop_reason, then close_call), or None to go on."""
    cfg = state.config
    _, maxs = limits(state)
    counts = state.counts()
    cands = candidates(bank, state) if pools is None else pools
    available = {d for d in cands if counts.get(d, 0) < maxs[d]}
    reason = stop.stop_reason(
        n_total=state.n_items,
        max_items=cfg.max_items,
        min_items=cfg.min_items,
        elapsed_seconds=state.elapsed_seconds,
        time_budget_seconds=cfg.time_budget_seconds,
        items_left=bool(available),
        all_satisfied=session_decided(state, available),
        composite_decided=True,
        all_precise=all(state.se[d] < cfg.se_target for d in state.domains),
    )
    if reason is None and close_call(state, available):
        return "close_call"
    return reason


def expected_remaining(bank: Bank, state: SessionState) -> int:
    """Expected items still to come (stop.expected_remaining from the posterior and the stop rule); 0 when finished."""
    if state.finished or (state.pending_item_id is None and is_finished(bank, state)):
        return 0
    cfg = state.config
    _, maxs = limits(state)
    counts = state.counts()
    available = {d for d in candidates(bank, state) if counts.get(d, 0) < maxs[d]}
    comp, comp_se = state.composite()
    pending = 1 if state.pending_item_id is not None else 0
    left = stop.expected_remaining(
        n_total=state.n_items + pending, min_items=cfg.min_items, max_items=cfg.max_items,
        own=counts, max_per_area=maxs, k=k_needed(state),
        delta={d: state.theta[d] - state.cut_score for d in state.domains}, se=state.se,
        done=areas_done(state, available), composite_delta=comp - state.cut_score, composite_se=comp_se,
        p_area=cfg.p_area, p_overall=cfg.p_overall, info_per_item=cfg.info_per_item,
        composite_info_per_item=cfg.composite_info_per_item,
    )
    return left + pending


def is_finished(bank: Bank, state: SessionState) -> bool:
    """True when the session is marked finished or a stopping rule applies now (nothing pending)."""
    if state.finished:
        return True
    if state.pending_item_id is not None:
        return False
    return stop_reason_now(bank, state) is not None

