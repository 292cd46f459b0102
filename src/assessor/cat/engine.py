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
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from scipy.special import ndtr

from assessor.bank.load import Bank
from assessor.bank.schema import ITEM_TYPES, Item
from assessor.cat import select, stop
from assessor.cat.estimate import Estimate, Observation, estimate
from assessor.cat.prior import Prior, make_prior
from assessor.cat.scoring import Score, score_response

Band = Literal["below", "at", "above"]
_EXPOSURE_CACHE: dict[tuple[int, int], tuple[dict[str, float], select.BankArrays, np.ndarray]] = {}


class EngineError(ValueError):
    """An engine call that does not fit the session (wrong item, unknown role or level, ...)."""


class EngineConfig(BaseModel):
    """Engine settings; stored in every session so a resumed session runs under the same rules.

    Defaults were tuned with bench/simulate_roles.py on the shipped bank (role blueprints at level 4):
    randomesque 3 under the exposure cap 0.25, priority-index balance weight 0.05, at most
    2 × share × max_items items per domain, 90 % confidence-interval classification, 30 items at most.
    """

    model_config = ConfigDict(extra="forbid")

    max_items: int = 30
    min_items: int = 10
    min_per_domain: int = 2
    max_per_domain_factor: float = 2.0
    ci_z: float = 1.645
    se_target: float = 0.3
    prior_rho: float = 0.6
    prior_sd: float = 1.0
    exposure: Literal["randomesque", "progressive", "sympson_hetter", "max_info"] = "randomesque"
    randomesque_k: int = 3
    sympson_hetter: dict[str, float] = Field(default_factory=dict)
    max_exposure: float = 0.25
    info_point: Literal["estimate", "cut"] = "estimate"
    balance_weight: float = 0.05
    composite_weight: float = 0.0
    max_type_share: dict[str, float] = Field(
        default_factory=lambda: {"open_scenario": 0.2, "ordering": 0.2, "multiple_choice": 0.4, "true_false": 0.4}
    )
    max_type_run: int = 4
    pilot_rate: float = 0.1
    max_pilot: int = 2
    time_budget_seconds: float | None = 3600.0


class ItemParams(BaseModel):
    a: float
    b: float
    c: float = 0.0
    steps: list[float] | None = None


class ResponseRecord(BaseModel):
    """One answered item: what was asked, what was answered, how it scored, and θ/SE after it."""

    seq: int
    item_id: str
    item_version: int = 1
    domain: str
    level: int
    type: str
    tags: list[str] = Field(default_factory=list)
    course_refs: list[str] = Field(default_factory=list)
    params: ItemParams
    response: Any = None
    partial_credit: float | None = None
    category: int
    max_category: int
    score: float
    correct: bool
    verdict: str
    pilot: bool = False
    seconds: float | None = None
    theta: dict[str, float] = Field(default_factory=dict)
    se: dict[str, float] = Field(default_factory=dict)


class SessionState(BaseModel):
    """Everything needed to continue a session exactly."""

    schema_version: int = 1
    role: str
    level: int
    bank_version: str = ""
    seed: int = 0
    config: EngineConfig = Field(default_factory=EngineConfig)
    domains: list[str]
    shares: dict[str, float]
    cut_score: float
    cuts: dict[int, float]
    prior_mean: list[float]
    prior_cov: list[list[float]]
    seen_item_ids: list[str] = Field(default_factory=list)
    exposure: dict[str, float] = Field(default_factory=dict)
    responses: list[ResponseRecord] = Field(default_factory=list)
    pending_item_id: str | None = None
    pending_issued_at: float | None = None
    started_at: float | None = None
    theta: dict[str, float]
    se: dict[str, float]
    cov: list[list[float]]
    finished: bool = False
    stop_reason: str | None = None
    def exposure_array(self, arrays: select.BankArrays) -> np.ndarray:
        """`exposure` as an array aligned with the bank arrays (cached: the engine never mutates the dict)."""
        key = (id(arrays), id(self.exposure))
        hit = _EXPOSURE_CACHE.get(key)
        if hit is not None and hit[0] is self.exposure and hit[1] is arrays:
            return hit[2]
        out = np.zeros(len(arrays.ids))
        for item_id, rate in self.exposure.items():
            i = arrays.index.get(item_id)
            if i is not None:
                out[i] = rate
        if len(_EXPOSURE_CACHE) >= 64:
            _EXPOSURE_CACHE.pop(next(iter(_EXPOSURE_CACHE)))
        _EXPOSURE_CACHE[key] = (self.exposure, arrays, out)
        return out

    def to_json(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_json(cls, text: str | bytes) -> SessionState:
        return cls.model_validate_json(text)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionState:
        return cls.model_validate(data)

    # --- derived views -------------------------------------------------------------------------
    @property
    def prior(self) -> Prior:
        return Prior(tuple(self.domains), np.asarray(self.prior_mean, dtype=float), np.asarray(self.prior_cov, dtype=float))

    @property
    def scored(self) -> list[ResponseRecord]:
        return [r for r in self.responses if not r.pilot]

    @property
    def n_items(self) -> int:
        return len(self.responses)

    @property
    def elapsed_seconds(self) -> float:
        return float(sum(r.seconds or 0.0 for r in self.responses))

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(self.domains, 0)
        for r in self.scored:
            out[r.domain] = out.get(r.domain, 0) + 1
        return out

    def composite(self) -> tuple[float, float]:
        """Blueprint-weighted composite θ̄ = Σ w_d θ_d and its SE √(wᵀVw)."""
        w = np.array([self.shares[d] for d in self.domains])
        w = w / w.sum()
        th = np.array([self.theta[d] for d in self.domains])
        cov = np.asarray(self.cov, dtype=float)
        return float(w @ th), float(math.sqrt(max(float(w @ cov @ w), 0.0)))


class AnswerOutcome(BaseModel):
    item_id: str
    score: float
    category: int
    max_category: int
    correct: bool
    verdict: str
    pilot: bool
    theta: dict[str, float]
    se: dict[str, float]
    finished: bool
    state: SessionState


class Evidence(BaseModel):
    item_id: str
    type: str
    level: int
    response: Any = None
    score: float
    category: int
    max_category: int
    correct: bool
    verdict: str
    tags: list[str] = Field(default_factory=list)
    course_refs: list[str] = Field(default_factory=list)


class DomainResult(BaseModel):
    domain: str
    share: float
    theta: float
    se: float
    n_items: int
    band: Band
    band_confidence: float
    p_ready: float
    ready: bool
    decided: bool
    level_shown: int | None
    evidence: list[Evidence] = Field(default_factory=list)


class OverallResult(BaseModel):
    theta: float
    se: float
    ready: bool
    p_ready: float
    confidence: float
    decided: bool
    band: Band
    band_confidence: float
    level_shown: int | None


class SessionResults(BaseModel):
    role: str
    level: int
    cut_score: float
    finished: bool
    stop_reason: str | None
    n_items: int
    n_scored: int
    n_pilot: int
    elapsed_seconds: float
    domains: list[DomainResult]
    overall: OverallResult

    def weakest_first(self) -> list[DomainResult]:
        return sorted(self.domains, key=lambda d: (d.theta - self.cut_score, d.domain))


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
) -> SessionState:
    """A fresh session for `role` at target `level`; `prior_shift` moves the prior mean (placement,
    experience: see prior.experience_shift); `seen_item_ids` are never shown (recent sessions);
    `exposure_rates` (item → share of recent sessions that showed it, see select.exposure_rates) turns
    on the exposure cap `config.max_exposure`. Only the role's items are kept in the state."""
    cfg = config or EngineConfig()
    role_obj = bank.roles.get(role)
    if role_obj is None:
        raise EngineError(f"unknown role '{role}'")
    blueprint = role_obj.levels.get(level)
    if blueprint is None:
        raise EngineError(f"role '{role}' has no level {level} (levels: {sorted(role_obj.levels)})")
    weights = {d: float(w) for d, w in blueprint.weights.items() if w > 0}
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
    )


def _limits(state: SessionState) -> tuple[dict[str, int], dict[str, int]]:
    cfg = state.config
    mins = dict.fromkeys(state.domains, cfg.min_per_domain)
    maxs = stop.per_domain_limits(state.shares, cfg.max_items, cfg.min_per_domain, cfg.max_per_domain_factor)
    return mins, maxs


def _candidates(bank: Bank, state: SessionState) -> dict[str, np.ndarray]:
    """Active items per role domain not yet given in this session nor seen recently (seen items come
    back only if a domain would otherwise be empty)."""
    arrays = select.bank_arrays(bank)
    given = np.zeros(len(arrays.ids), dtype=bool)
    given[[arrays.index[r.item_id] for r in state.responses if r.item_id in arrays.index]] = True
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


def _stop_reason(bank: Bank, state: SessionState, candidates: dict[str, np.ndarray] | None = None) -> str | None:
    cfg = state.config
    mins, maxs = _limits(state)
    counts = state.counts()
    cands = _candidates(bank, state) if candidates is None else candidates
    items_left = any(counts.get(d, 0) < maxs[d] for d in cands)
    satisfied = stop.satisfied_domains(
        state.domains, counts, state.theta, state.se, state.cut_score,
        z=cfg.ci_z, se_target=cfg.se_target, min_per_domain=mins, max_per_domain=maxs,
    )
    comp_theta, comp_se = state.composite()
    return stop.stop_reason(
        n_total=state.n_items,
        max_items=cfg.max_items,
        min_items=cfg.min_items,
        elapsed_seconds=state.elapsed_seconds,
        time_budget_seconds=cfg.time_budget_seconds,
        items_left=items_left,
        all_satisfied=len(satisfied) == len(state.domains),
        composite_decided=stop.decided(comp_theta, comp_se, state.cut_score, cfg.ci_z),
        all_precise=all(state.se[d] < cfg.se_target for d in state.domains),
    )


def is_finished(bank: Bank, state: SessionState) -> bool:
    """True when the session is marked finished or a stopping rule applies now (nothing pending)."""
    if state.finished:
        return True
    if state.pending_item_id is not None:
        return False
    return _stop_reason(bank, state) is not None


def _rng(state: SessionState, salt: int) -> np.random.Generator:
    return np.random.default_rng([state.seed & 0xFFFFFFFF, len(state.responses), salt])


def _pick_pilot(bank: Bank, state: SessionState) -> Item | None:
    cfg = state.config
    if cfg.pilot_rate <= 0 or not state.responses:
        return None
    n_pilot = sum(r.pilot for r in state.responses)
    if n_pilot >= cfg.max_pilot or state.n_items >= cfg.max_items - 1:
        return None
    rng = _rng(state, 2)
    if rng.random() >= cfg.pilot_rate:
        return None
    arrays = select.bank_arrays(bank)
    used = {r.item_id for r in state.responses} | set(state.seen_item_ids)
    pool = [
        int(i) for d in state.domains for i in arrays.pilot_by_domain.get(d, np.zeros(0, dtype=np.int64))
        if arrays.ids[int(i)] not in used
    ]
    if not pool:
        return None
    return bank.items[arrays.ids[pool[int(rng.integers(len(pool)))]]]


def _select(bank: Bank, state: SessionState, candidates: dict[str, np.ndarray]) -> Item | None:
    cfg = state.config
    arrays = select.bank_arrays(bank)
    mins, maxs = _limits(state)
    counts = state.counts()
    decided_domains = {
        d for d in state.domains if stop.decided(state.theta[d], state.se[d], state.cut_score, cfg.ci_z)
    }
    type_counts: dict[str, int] = {}
    for r in state.responses:
        type_counts[r.type] = type_counts.get(r.type, 0) + 1
    recent = [r.type for r in state.responses[-cfg.max_type_run:]] if cfg.max_type_run > 0 else []
    allowed = select.type_allowed(type_counts, recent, cfg.max_items, cfg.max_type_share, cfg.max_type_run)
    allowed_codes = np.array([ITEM_TYPES.index(t) for t in allowed], dtype=np.int64)
    available = set(candidates)
    rng = _rng(state, 1)
    gain: dict[str, float] | None = None
    if cfg.composite_weight > 0:
        w = np.array([state.shares[d] for d in state.domains])
        w = w / w.sum()
        vw = np.asarray(state.cov, dtype=float) @ w
        g = vw**2 / max(float((vw**2).max()), 1e-12)
        comp, comp_se = state.composite()
        p_comp = select.p_misclassified(comp, comp_se, state.cut_score)
        gain = {d: cfg.composite_weight * p_comp * float(g[i]) for i, d in enumerate(state.domains)}
    while available:
        domain = select.choose_domain(
            state.domains, state.shares, counts, state.theta, state.se, state.cut_score,
            available=available, decided=decided_domains, min_per_domain=mins, max_per_domain=maxs,
            balance_weight=cfg.balance_weight, composite_gain=gain,
        )
        if domain is None:
            return None
        pool = candidates[domain]
        typed = pool[np.isin(arrays.type_code[pool], allowed_codes)]
        if typed.size == 0:
            typed = pool
        point = state.theta[domain] if cfg.info_point == "estimate" else state.cut_score
        factor = None
        if state.exposure:
            factor = select.exposure_factor(state.exposure_array(arrays)[typed], cfg.max_exposure)
        index = select.choose_item(
            arrays, typed, point, rng, method=cfg.exposure, k=cfg.randomesque_k,
            progress=state.n_items / max(cfg.max_items, 1), sympson_hetter=cfg.sympson_hetter,
            exposure_factor=factor,
        )
        if index is not None:
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
    candidates = _candidates(bank, state)
    reason = _stop_reason(bank, state, candidates)
    if reason is not None:
        state.finished, state.stop_reason = True, reason
        return None
    item = _pick_pilot(bank, state) or _select(bank, state, candidates)
    if item is None:
        state.finished, state.stop_reason = True, "bank_exhausted"
        return None
    if state.started_at is None and now is not None:
        state.started_at = float(now)
    state.pending_item_id = item.id
    state.pending_issued_at = None if now is None else float(now)
    return item


def observations(state: SessionState) -> list[Observation]:
    """The scored answers as estimator input, with the parameters frozen at answer time."""
    return [
        Observation(
            r.domain, r.params.a, r.params.b, r.params.c, r.category,
            None if r.params.steps is None else tuple(r.params.steps),
        )
        for r in state.scored
    ]


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
    reason = _stop_reason(bank, new)
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
    )


def finish(state: SessionState, reason: str = "ended_by_worker") -> SessionState:
    """A copy of the state marked finished (e.g. the worker stops early); the pending item is dropped."""
    new = state.model_copy()
    new.finished, new.stop_reason = True, new.stop_reason or reason
    new.pending_item_id = None
    new.pending_issued_at = None
    return new


# --- results -------------------------------------------------------------------------------------


def _band(theta: float, se: float, cut: float, upper: float | None) -> tuple[Band, float]:
    """Band below/at/above the target level and its posterior probability under N(θ̂, SE²)."""
    s = max(se, 1e-9)
    p_below = float(ndtr((cut - theta) / s))
    p_above = 0.0 if upper is None else float(1.0 - ndtr((upper - theta) / s))
    p_at = max(0.0, 1.0 - p_below - p_above)
    if theta < cut:
        return "below", p_below
    if upper is not None and theta >= upper:
        return "above", p_above
    return "at", p_at


def level_shown(theta: float, cuts: dict[int, float]) -> int | None:
    """The highest level (smallest number) whose cut score θ̂ reaches; None below the entry level's cut."""
    reached = [lv for lv, cut in cuts.items() if theta >= cut]
    return min(reached) if reached else None


def results(bank: Bank, state: SessionState) -> SessionResults:
    """Per-domain θ, SE, band with its confidence and evidence, and overall readiness for the target level."""
    cfg = state.config
    upper = state.cuts.get(state.level - 1)
    cut = state.cut_score
    domains: list[DomainResult] = []
    for d in state.domains:
        th, se = state.theta[d], state.se[d]
        band, conf = _band(th, se, cut, upper)
        evidence = [
            Evidence(
                item_id=r.item_id, type=r.type, level=r.level, response=r.response, score=r.score,
                category=r.category, max_category=r.max_category, correct=r.correct, verdict=r.verdict,
                tags=r.tags, course_refs=r.course_refs,
            )
            for r in state.scored
            if r.domain == d
        ]
        p_ready = float(1.0 - ndtr((cut - th) / max(se, 1e-9)))
        domains.append(
            DomainResult(
                domain=d, share=state.shares[d], theta=th, se=se, n_items=len(evidence), band=band,
                band_confidence=conf, p_ready=p_ready, ready=th >= cut,
                decided=stop.decided(th, se, cut, cfg.ci_z), level_shown=level_shown(th, state.cuts),
                evidence=evidence,
            )
        )
    comp, comp_se = state.composite()
    p_ready = float(1.0 - ndtr((cut - comp) / max(comp_se, 1e-9)))
    band, conf = _band(comp, comp_se, cut, upper)
    overall = OverallResult(
        theta=comp, se=comp_se, ready=comp >= cut, p_ready=p_ready, confidence=max(p_ready, 1 - p_ready),
        decided=stop.decided(comp, comp_se, cut, cfg.ci_z), band=band, band_confidence=conf,
        level_shown=level_shown(comp, state.cuts),
    )
    n_pilot = sum(r.pilot for r in state.responses)
    return SessionResults(
        role=state.role, level=state.level, cut_score=cut, finished=state.finished or is_finished(bank, state),
        stop_reason=state.stop_reason, n_items=state.n_items, n_scored=state.n_items - n_pilot, n_pilot=n_pilot,
        elapsed_seconds=state.elapsed_seconds, domains=domains, overall=overall,
    )
