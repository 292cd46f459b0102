"""The adaptive session: state as plain, JSON-serialisable data; next item, record answer, results.

Contract:
- `start_session(...)` builds a fresh `SessionState` (the prior, the blueprint shares and cuts, the config).
- `next_item(bank, state, now)` **records the pending item in `state` (mutates it)** and returns it; it is
  deterministic given the state (the random draw is seeded by `seed` and the answer count), and while an
  item is pending it returns that same item, so a resumed session shows the same question. It returns
  None when the session is finished (and marks it so).
- `record_answer(...)` is **pure**: it never mutates its input and returns an `AnswerOutcome` whose
  `.state` is the updated copy.
- Every answer stores the item parameters used at the time, so results never change if the bank is
  recalibrated later, and the estimate is recomputed from those frozen parameters.
- `SessionState.from_json(state.to_json())` continues identically (floats round-trip exactly in JSON).

The session's pieces live in their own modules and are re-exported here: `session.py` (the state and
settings), `rules.py` (own evidence, area and session stop rules, expected remaining), `results.py`
(what a front end shows); this module runs the session: start, select, record, finish.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from assessor.bank.load import Bank
from assessor.bank.schema import ITEM_TYPES, Item
from assessor.cat import select, stop
from assessor.cat.estimate import Estimate, estimate
from assessor.cat.prior import make_prior
from assessor.cat.results import (
    AberranceResult,
    DomainResult,
    Evidence,
    OverallResult,
    SessionResults,
    fit_answers,
    level_shown,
    results,
)
from assessor.cat.rules import candidates, expected_remaining, is_finished, limits, stop_reason_now
from assessor.cat.scoring import Score, score_response
from assessor.cat.session import (
    AnswerOutcome,
    Band,
    EngineConfig,
    EngineError,
    ItemParams,
    ResponseRecord,
    SessionState,
    observations,
)

__all__ = [
    "AberranceResult", "AnswerOutcome", "Band", "DomainResult", "EngineConfig", "EngineError", "Evidence",
    "ItemParams", "OverallResult", "ResponseRecord", "SessionResults", "SessionState", "estimate_state",
    "expected_remaining", "finish", "fit_answers", "is_finished", "level_shown", "next_item", "observations",
    "record_answer", "results", "start_session",
]


# --- session life cycle --------------------------------------------------------------------------


def start_session(
    bank: Bank,
    role: str,
    level: int,
    *,
    config: EngineConfig | None = None,
    prior_shift: float | dict[str, float] | None = None,
    seen_item_ids: Any = (),
    seed: int = 0,
    exposure_rates: dict[str, float] | None = None,
    focus_domains: Any = (),
) -> SessionState:
    """A fresh session for `role` at target `level`; `prior_shift` moves the prior mean (placement,
    experience: see prior.experience_shift); `seen_item_ids` are never shown (recent sessions);
    `exposure_rates` (item → share of recent sessions that showed it, see select.exposure_rates) turns
    on the exposure cap `config.max_exposure`; `focus_domains` (areas the worker ticked) get their
    blueprint share × `config.focus_share_factor` (renormalised) and `config.focus_extra_items` more own
    answers than k.
    The level's `stop` settings in the blueprint (bank.schema.StopSettings) override the same fields of
    `config` for this session; the stored config carries them, so a resumed session keeps them.
    Only the role's items are kept in the state."""
    cfg = config or EngineConfig()
    role_obj = bank.roles.get(role)
    if role_obj is None:
        raise EngineError(f"unknown role '{role}'")
    blueprint = role_obj.levels.get(level)
    if blueprint is None:
        raise EngineError(f"role '{role}' has no level {level} (levels: {sorted(role_obj.levels)})")
    if blueprint.stop is not None:
        cfg = cfg.model_copy(update=blueprint.stop.overrides())
    weights = {d: float(w) for d, w in blueprint.weights.items() if w > 0}
    focus = [d for d in weights if d in set(focus_domains)]
    for d in focus:
        weights[d] *= cfg.focus_share_factor
    total = sum(weights.values())
    domains = list(weights)
    shares = {d: w / total for d, w in weights.items()}
    prior = make_prior(domains, rho=cfg.prior_rho, sd=cfg.prior_sd, shift=prior_shift)
    theta0 = {d: float(m) for d, m in zip(domains, prior.mean, strict=True)}
    se0 = {d: float(math.sqrt(prior.cov[i, i])) for i, d in enumerate(domains)}
    return SessionState(
        role=role,
        level=level,
        bank_version=bank.version,
        seed=int(seed),
        config=cfg,
        domains=domains,
        shares=shares,
        cut_score=float(blueprint.cut_score),
        cuts={lv: float(bp.cut_score) for lv, bp in role_obj.levels.items()},
        prior_mean=prior.mean.tolist(),
        prior_cov=prior.cov.tolist(),
        seen_item_ids=sorted(set(seen_item_ids)),
        exposure={
            i: float(r) for i, r in sorted((exposure_rates or {}).items())
            if r > 0 and i in bank.items and bank.items[i].domain in shares
        },
        theta=theta0,
        se=se0,
        cov=prior.cov.tolist(),
        own_evidence_k=blueprint.own_evidence_k,
        max_open_share=blueprint.max_open_share,
        gentle_start=blueprint.gentle_start,
        focus=focus,
    )


def _rng(state: SessionState, salt: int) -> np.random.Generator:
    return np.random.default_rng([state.seed & 0xFFFFFFFF, len(state.responses), salt])


def _pick_pilot(bank: Bank, state: SessionState) -> Item | None:
    """Now and then (`pilot_rate`, at most `max_pilot` per session) an unscored pilot item, never during the
    gentle start and under the same type rules as scored items (open share, runs)."""
    cfg = state.config
    if cfg.pilot_rate <= 0 or not state.responses or state.n_items < state.gentle_start:
        return None
    n_pilot = sum(r.pilot for r in state.responses)
    if n_pilot >= cfg.max_pilot or state.n_items >= cfg.max_items - 1:
        return None
    rng = _rng(state, 2)
    if rng.random() >= cfg.pilot_rate:
        return None
    arrays = select.bank_arrays(bank)
    allowed = {ITEM_TYPES.index(t) for t in _allowed_types(state)}
    used = {r.item_id for r in state.responses} | set(state.seen_item_ids)
    pool = [
        int(i) for d in state.domains for i in arrays.pilot_by_domain.get(d, np.zeros(0, dtype=np.int64))
        if arrays.ids[int(i)] not in used and int(arrays.type_code[int(i)]) in allowed
    ]
    if not pool:
        return None
    return bank.items[arrays.ids[pool[int(rng.integers(len(pool)))]]]


def _allowed_types(state: SessionState) -> set[str]:
    """Item types allowed next: the config's type shares and runs, no typed (open) item during the gentle
    start, and typed items within the blueprint's share (open count + 1 ≤ share · (n + 1))."""
    cfg = state.config
    type_counts: dict[str, int] = {}
    for r in state.responses:
        type_counts[r.type] = type_counts.get(r.type, 0) + 1
    recent = [r.type for r in state.responses[-cfg.max_type_run:]] if cfg.max_type_run > 0 else []
    allowed = select.type_allowed(type_counts, recent, cfg.max_items, cfg.max_type_share, cfg.max_type_run)
    n_open = type_counts.get("open_scenario", 0)
    if state.n_items < state.gentle_start or n_open + 1 > state.max_open_share * (state.n_items + 1) + 1e-9:
        allowed.discard("open_scenario")
    return allowed


def _pools(bank: Bank, state: SessionState, fresh: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Candidates per domain under the type rules; during the gentle start only items at or below the
    target level (level number ≥ target) when the domain has any."""
    arrays = select.bank_arrays(bank)
    allowed = _allowed_types(state)
    codes = np.array([ITEM_TYPES.index(t) for t in allowed], dtype=np.int64)
    gentle = state.n_items < state.gentle_start
    out: dict[str, np.ndarray] = {}
    for d, pool in fresh.items():
        typed = pool[np.isin(arrays.type_code[pool], codes)]
        if typed.size == 0:
            no_open = pool[arrays.type_code[pool] != ITEM_TYPES.index("open_scenario")]
            typed = no_open if no_open.size else pool
        if gentle:
            easy = typed[arrays.level[typed] >= state.level]
            typed = easy if easy.size else typed
        out[d] = typed
    return out


def _select(bank: Bank, state: SessionState, fresh: dict[str, np.ndarray]) -> Item | None:
    """Domain by the configured selector (select.DOMAIN_SELECTORS), then the item by information under the
    exposure method (select.EXPOSURE_METHODS) and the bank's recent exposure rates."""
    cfg = state.config
    arrays = select.bank_arrays(bank)
    mins, maxs = limits(state)
    pools = _pools(bank, state, fresh)
    rng = _rng(state, 1)
    info_by_domain: dict[str, np.ndarray] = {}
    best: dict[str, float] = {}
    for d, pool in pools.items():
        point = state.theta[d] if cfg.info_point == "estimate" else state.cut_score
        info = select.item_information(arrays, pool, point)
        if state.exposure:
            factor = select.exposure_factor(state.exposure_array(arrays)[pool], cfg.max_exposure)
            if (factor > 0).any():
                info = info * factor
        info_by_domain[d] = info
        top = np.sort(info)[-max(cfg.randomesque_k, 1):]
        best[d] = float(top.mean())
    decided = {d for d in state.domains if stop.decided(state.theta[d], state.se[d], state.cut_score, cfg.ci_z)}
    chooser = select.DOMAIN_SELECTORS.get(cfg.domain_selector)
    if chooser is None:
        raise EngineError(f"unknown domain selector '{cfg.domain_selector}'")
    available = set(pools)
    while available:
        choice = select.DomainChoice(
            domains=state.domains, shares=state.shares, counts=state.counts(), theta=state.theta, se=state.se,
            cov=np.asarray(state.cov, dtype=float), cut=state.cut_score, available=available, decided=decided,
            min_per_domain=mins, max_per_domain=maxs, info=best, balance_weight=cfg.balance_weight,
            readiness_weight=cfg.readiness_weight,
        )
        domain = chooser(choice)
        if domain is None:
            return None
        pool = pools[domain]
        pick = select.EXPOSURE_METHODS.get(cfg.exposure)
        if pick is None:
            raise EngineError(f"unknown exposure method '{cfg.exposure}'")
        if pool.size:
            index = pick(select.ItemChoice(
                arrays, pool, info_by_domain[domain], rng, cfg.randomesque_k,
                state.n_items / max(cfg.max_items, 1), cfg.sympson_hetter,
            ))
            return bank.items[arrays.ids[index]]
        available.discard(domain)
    return None


def next_item(bank: Bank, state: SessionState, now: float | None = None) -> Item | None:
    """The item to ask now (see the module contract: records it as pending in `state`), or None when done."""
    if state.pending_item_id is not None:
        item = bank.items.get(state.pending_item_id)
        if item is None:
            raise EngineError(f"the pending item {state.pending_item_id} is no longer in the bank")
        return item
    if state.finished:
        return None
    fresh = candidates(bank, state)
    reason = stop_reason_now(bank, state, fresh)
    if reason is not None:
        state.finished, state.stop_reason = True, reason
        return None
    item = _pick_pilot(bank, state) or _select(bank, state, fresh)
    if item is None:
        state.finished, state.stop_reason = True, "bank_exhausted"
        return None
    if state.started_at is None and now is not None:
        state.started_at = float(now)
    state.pending_item_id = item.id
    state.pending_issued_at = None if now is None else float(now)
    return item


def estimate_state(state: SessionState) -> Estimate:
    return estimate(state.prior, observations(state))


def record_answer(
    bank: Bank,
    state: SessionState,
    item_id: str,
    response: Any,
    *,
    seconds: float | None = None,
    partial_credit: float | None = None,
) -> AnswerOutcome:
    """Score the answer to the pending item and update the estimate. Pure: `state` is not changed; the
    updated state is `outcome.state`. Raises EngineError when `item_id` is not the pending item."""
    if state.finished and state.pending_item_id is None:
        raise EngineError("the session is finished")
    if state.pending_item_id != item_id:
        raise EngineError(f"item {item_id} is not the pending item ({state.pending_item_id})")
    item = bank.items.get(item_id)
    if item is None:
        raise EngineError(f"unknown item {item_id}")
    scored: Score = score_response(item, response, partial_credit)
    a, b, c, steps = select.item_params(item)
    # A shallow copy with its own response list: nothing shared with `state` is ever mutated in place
    # (the engine only reassigns fields), so the input stays untouched.
    new = state.model_copy(update={"responses": list(state.responses)})
    pilot = item.status == "pilot"
    record = ResponseRecord(
        seq=len(new.responses) + 1,
        item_id=item.id,
        item_version=item.version,
        domain=item.domain,
        level=item.level,
        type=item.type,
        tags=list(item.tags),
        course_refs=list(item.course_refs),
        params=ItemParams(a=a, b=b, c=c, steps=None if steps is None else list(steps)),
        response=response,
        partial_credit=None if partial_credit is None else float(partial_credit),
        category=scored.category,
        max_category=scored.max_category,
        score=scored.score,
        correct=scored.correct,
        verdict=scored.verdict,
        pilot=pilot,
        seconds=None if seconds is None else float(seconds),
    )
    new.responses.append(record)
    new.pending_item_id = None
    new.pending_issued_at = None
    if not pilot:
        est = estimate_state(new)
        new.theta, new.se = est.as_dicts()
        new.cov = est.cov.tolist()
    record.theta, record.se = dict(new.theta), dict(new.se)
    reason = stop_reason_now(bank, new)
    if reason is not None:
        new.finished, new.stop_reason = True, reason
    return AnswerOutcome(
        item_id=item.id,
        score=scored.score,
        category=scored.category,
        max_category=scored.max_category,
        correct=scored.correct,
        verdict=scored.verdict,
        pilot=pilot,
        theta=dict(new.theta),
        se=dict(new.se),
        finished=new.finished,
        state=new,
        expected_remaining=expected_remaining(bank, new),
        stop_reason=stop.reason_code(new.stop_reason),
    )


def finish(state: SessionState, reason: str = "worker_stopped") -> SessionState:
    """A copy of the state marked finished (e.g. the worker stops early); the pending item is dropped."""
    new = state.model_copy()
    new.finished, new.stop_reason = True, new.stop_reason or reason
    new.pending_item_id = None
    new.pending_issued_at = None
    return new

