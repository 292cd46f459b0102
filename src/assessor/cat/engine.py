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
from assessor.cat import claims, personfit, select, stop
from assessor.cat.estimate import Estimate, Observation, estimate, own_posteriors
from assessor.cat.prior import Prior, make_prior
from assessor.cat.scoring import Score, chance_moments, score_response

Band = Literal["below", "at", "above"]
_EXPOSURE_CACHE: dict[tuple[int, int], tuple[dict[str, float], select.BankArrays, np.ndarray]] = {}


class EngineError(ValueError):
    """An engine call that does not fit the session (wrong item, unknown role or level, ...)."""


class EngineConfig(BaseModel):
    """Engine settings; stored in every session so a resumed session runs under the same rules.

    Defaults were tuned with bench/simulate_roles.py on the shipped bank (role blueprints at levels 5, 4, 3):
    domain choice on the joint posterior (`domain_selector="posterior"`), randomesque 3 under the exposure
    cap 0.25, at most 2 × share × max_items items per domain, the area rule of stop.py (k own answers from
    the blueprint, `p_area`, `p_overall`, `accuracy_target`), 30 items at most.
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
    domain_selector: Literal["posterior", "priority"] = "posterior"
    readiness_weight: float = 1.0
    p_area: float = 0.9
    p_overall: float = 0.95
    accuracy_target: float = 0.88
    info_per_item: float = 0.35
    composite_info_per_item: float = 0.6
    area_info_per_item: float = 0.175
    min_gain_per_item: float = 0.004
    focus_share_factor: float = 1.5
    focus_extra_items: int = 2
    close_call_min_items: int = 12


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
    own_evidence_k: int = 3
    max_open_share: float = 1.0
    gentle_start: int = 0
    focus: list[str] = Field(default_factory=list)

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
    expected_remaining: int = 0
    stop_reason: str | None = None


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
    """One area. `n_items` counts its own scored answers; with fewer than `k_needed` the area is not
    measured enough: `band_shown` and `label` are None (show 还没测够 / not measured enough). `band` and
    `band_confidence` are the raw estimate's (kept for older readers); `direction`, `claim_probability`
    and `label` are the calibrated claim (claims.py) to show."""

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
    n_wrong: int = 0
    k_needed: int = 3
    measured_enough: bool = True
    band_shown: Band | None = None
    direction: claims.Direction = "reached"
    claim_probability: float = 0.5
    label: claims.Label | None = None
    own_contradicts: bool = False
    p_own: float = 0.5


class OverallResult(BaseModel):
    """Readiness for the target level on the blueprint composite; `label` the calibrated word of the claim
    (None when some area is not measured enough: `not_measured` names them)."""

    theta: float
    se: float
    ready: bool
    p_ready: float
    confidence: float
    decided: bool
    band: Band
    band_confidence: float
    level_shown: int | None
    direction: claims.Direction = "reached"
    claim_probability: float = 0.5
    label: claims.Label | None = None
    not_measured: list[str] = Field(default_factory=list)


class AberranceResult(BaseModel):
    """Person fit and answer times (personfit.py): `flagged` → show 结果可能不可靠 / results may be unreliable."""

    flagged: bool = False
    reasons: list[str] = Field(default_factory=list)
    lz_star: float | None = None
    chance_z: float | None = None
    fast_share: float = 0.0
    median_seconds: float | None = None


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
    stop_code: str | None = None
    expected_remaining: int = 0
    aberrance: AberranceResult = Field(default_factory=AberranceResult)

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
    focus_domains: Any = (),
) -> SessionState:
    """A fresh session for `role` at target `level`; `prior_shift` moves the prior mean (placement,
    experience: see prior.experience_shift); `seen_item_ids` are never shown (recent sessions);
    `exposure_rates` (item → share of recent sessions that showed it, see select.exposure_rates) turns
    on the exposure cap `config.max_exposure`; `focus_domains` (areas the worker ticked) get their
    blueprint share × `config.focus_share_factor` (renormalised) and `config.focus_extra_items` more own
    answers than k.
    Only the role's items are kept in the state."""
    cfg = config or EngineConfig()
    role_obj = bank.roles.get(role)
    if role_obj is None:
        raise EngineError(f"unknown role '{role}'")
    blueprint = role_obj.levels.get(level)
    if blueprint is None:
        raise EngineError(f"role '{role}' has no level {level} (levels: {sorted(role_obj.levels)})")
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


def _k(state: SessionState) -> dict[str, int]:
    """Own answers each area needs before it is measured enough (`focus_extra_items` more for ticked areas)."""
    extra = state.config.focus_extra_items
    return {d: state.own_evidence_k + (extra if d in state.focus else 0) for d in state.domains}


def _p_own(state: SessionState) -> dict[str, float]:
    """P(θ_d ≥ cut) from each area's own answers alone under a neutral prior centred on the cut
    (estimate.own_posteriors)."""
    mean, sd = own_posteriors(state.prior, observations(state), center=state.cut_score)
    return {d: claims.p_reached(float(m), float(s), state.cut_score) for d, m, s in zip(state.domains, mean, sd, strict=True)}


def _contradicted(state: SessionState) -> set[str]:
    """Areas with own answers whose shared-strength estimate says reached while their own answers say not."""
    counts, own = state.counts(), _p_own(state)
    return {
        d for d in state.domains
        if counts[d] > 0 and claims.own_contradicts(claims.p_reached(state.theta[d], state.se[d], state.cut_score), own[d])
    }


def _limits(state: SessionState) -> tuple[dict[str, int], dict[str, int]]:
    """Minimum and maximum own answers per area: the minimum is k (the config's minimum if larger), and one
    more than now for an area whose own answers contradict its estimate; the maximum is
    ⌈factor · share · max_items⌉, at least k + 3."""
    cfg = state.config
    k = _k(state)
    maxs = stop.per_domain_limits(state.shares, cfg.max_items, cfg.min_per_domain, cfg.max_per_domain_factor)
    maxs = {d: max(maxs[d], k[d] + 3) for d in state.domains}
    mins = {d: max(cfg.min_per_domain, k[d]) for d in state.domains}
    counts = state.counts()
    for d in _contradicted(state):
        mins[d] = min(max(mins[d], counts[d] + 1), maxs[d])
    return mins, maxs


def _candidates(bank: Bank, state: SessionState) -> dict[str, np.ndarray]:
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


def _areas_done(state: SessionState, available: set[str]) -> dict[str, bool]:
    """The area rule of stop.py per area; an area with no item left counts as done."""
    cfg = state.config
    _, maxs = _limits(state)
    k, counts, contradicted = _k(state), state.counts(), _contradicted(state)
    out = {}
    for d in state.domains:
        p = claims.p_reached(state.theta[d], state.se[d], state.cut_score)
        out[d] = d not in available or stop.area_done(
            counts[d], maxs[d], p, k=k[d], p_area=cfg.p_area, contradicts=d in contradicted,
        )
    return out


def _session_decided(state: SessionState, available: set[str]) -> bool:
    """Every area with items left has k own answers, the readiness claim reaches p_overall, and every area
    is done or the mean area claim probability reaches `accuracy_target` (stop.py)."""
    cfg = state.config
    mins, _ = _limits(state)
    counts = state.counts()
    if any(counts[d] < mins[d] for d in state.domains if d in available):
        return False
    comp, comp_se = state.composite()
    if max(claims.p_reached(comp, comp_se, state.cut_score), 1 - claims.p_reached(comp, comp_se, state.cut_score)) < cfg.p_overall:
        return False
    done = _areas_done(state, available)
    if all(done.values()):
        return True
    probs = [claims.claim(claims.p_reached(state.theta[d], state.se[d], state.cut_score)).probability for d in state.domains]
    return float(np.mean(probs)) >= cfg.accuracy_target


def _close_call(state: SessionState, available: set[str]) -> bool:
    """After `min_items`, with k own answers in every area that has items left: more items are not worth
    the worker's time (stop.worth_continuing is False: the expected drop in misclassification per item is
    below `min_gain_per_item`) — the worker is close to the line in what is still undecided."""
    cfg = state.config
    if state.n_items < max(cfg.min_items, cfg.close_call_min_items):
        return False
    mins, _ = _limits(state)
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


def _stop_reason(bank: Bank, state: SessionState, candidates: dict[str, np.ndarray] | None = None) -> str | None:
    cfg = state.config
    _, maxs = _limits(state)
    counts = state.counts()
    cands = _candidates(bank, state) if candidates is None else candidates
    available = {d for d in cands if counts.get(d, 0) < maxs[d]}
    reason = stop.stop_reason(
        n_total=state.n_items,
        max_items=cfg.max_items,
        min_items=cfg.min_items,
        elapsed_seconds=state.elapsed_seconds,
        time_budget_seconds=cfg.time_budget_seconds,
        items_left=bool(available),
        all_satisfied=_session_decided(state, available),
        composite_decided=True,
        all_precise=all(state.se[d] < cfg.se_target for d in state.domains),
    )
    if reason is None and _close_call(state, available):
        return "close_call"
    return reason


def expected_remaining(bank: Bank, state: SessionState) -> int:
    """Expected items still to come (stop.expected_remaining from the posterior and the stop rule); 0 when finished."""
    if state.finished or (state.pending_item_id is None and is_finished(bank, state)):
        return 0
    cfg = state.config
    _, maxs = _limits(state)
    counts = state.counts()
    available = {d for d in _candidates(bank, state) if counts.get(d, 0) < maxs[d]}
    comp, comp_se = state.composite()
    pending = 1 if state.pending_item_id is not None else 0
    left = stop.expected_remaining(
        n_total=state.n_items + pending, min_items=cfg.min_items, max_items=cfg.max_items,
        own=counts, max_per_area=maxs, k=_k(state),
        delta={d: state.theta[d] - state.cut_score for d in state.domains}, se=state.se,
        done=_areas_done(state, available), composite_delta=comp - state.cut_score, composite_se=comp_se,
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


def _pools(bank: Bank, state: SessionState, candidates: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Candidates per domain under the type rules; during the gentle start only items at or below the
    target level (level number ≥ target) when the domain has any."""
    arrays = select.bank_arrays(bank)
    allowed = _allowed_types(state)
    codes = np.array([ITEM_TYPES.index(t) for t in allowed], dtype=np.int64)
    gentle = state.n_items < state.gentle_start
    out: dict[str, np.ndarray] = {}
    for d, pool in candidates.items():
        typed = pool[np.isin(arrays.type_code[pool], codes)]
        if typed.size == 0:
            no_open = pool[arrays.type_code[pool] != ITEM_TYPES.index("open_scenario")]
            typed = no_open if no_open.size else pool
        if gentle:
            easy = typed[arrays.level[typed] >= state.level]
            typed = easy if easy.size else typed
        out[d] = typed
    return out


def _select(bank: Bank, state: SessionState, candidates: dict[str, np.ndarray]) -> Item | None:
    """Domain by the configured selector (select.DOMAIN_SELECTORS), then the item by information under the
    exposure method (select.EXPOSURE_METHODS) and the bank's recent exposure rates."""
    cfg = state.config
    arrays = select.bank_arrays(bank)
    mins, maxs = _limits(state)
    pools = _pools(bank, state, candidates)
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


def fit_answers(bank: Bank, state: SessionState) -> list[personfit.FitAnswer]:
    """The scored answers for person fit, at the final θ̂ of each answer's domain, with the score's mean and
    variance under a blind guess (scoring.chance_moments; None when the item left the bank or is open)."""
    out = []
    for r in state.scored:
        p = r.params
        item = bank.items.get(r.item_id)
        moments = chance_moments(item) if item is not None else None
        out.append(personfit.FitAnswer(
            r.domain, p.a, p.b, p.c if p.steps is None else 0.0, state.theta.get(r.domain, 0.0),
            r.category == r.max_category, r.type, r.seconds, r.score,
            None if moments is None else moments[0], None if moments is None else moments[1],
        ))
    return out


def results(bank: Bank, state: SessionState) -> SessionResults:
    """Per-domain θ, SE, own evidence, band and calibrated claim, overall readiness for the target level,
    the stop reason, the expected remaining length and the aberrance flag."""
    cfg = state.config
    upper = state.cuts.get(state.level - 1)
    cut = state.cut_score
    k = _k(state)
    p_own = _p_own(state)
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
        n_wrong = sum(1 for e in evidence if not e.correct)
        enough = len(evidence) >= k[d]
        contradicts = bool(evidence) and claims.own_contradicts(claims.p_reached(th, se, cut), p_own[d])
        p_ready = claims.p_reached(th, se, cut)
        c = claims.claim(p_ready, measured_enough=enough, p_own=p_own[d] if evidence else None)
        domains.append(
            DomainResult(
                domain=d, share=state.shares[d], theta=th, se=se, n_items=len(evidence), band=band,
                band_confidence=conf, p_ready=p_ready, ready=th >= cut,
                decided=enough and c.probability >= cfg.p_area and not contradicts,
                level_shown=level_shown(th, state.cuts), evidence=evidence, n_wrong=n_wrong, k_needed=k[d],
                measured_enough=enough, band_shown=(("below" if contradicts else band) if enough else None), direction=c.direction,
                claim_probability=c.probability, label=c.label, own_contradicts=contradicts, p_own=p_own[d],
            )
        )
    comp, comp_se = state.composite()
    p_ready = claims.p_reached(comp, comp_se, cut)
    band, conf = _band(comp, comp_se, cut, upper)
    not_measured = [d.domain for d in domains if not d.measured_enough]
    overall_claim = claims.claim(p_ready, measured_enough=not not_measured)
    overall = OverallResult(
        theta=comp, se=comp_se, ready=comp >= cut, p_ready=p_ready, confidence=max(p_ready, 1 - p_ready),
        decided=stop.decided(comp, comp_se, cut, cfg.ci_z), band=band, band_confidence=conf,
        level_shown=level_shown(comp, state.cuts), direction=overall_claim.direction,
        claim_probability=overall_claim.probability, label=overall_claim.label, not_measured=not_measured,
    )
    n_pilot = sum(r.pilot for r in state.responses)
    fit = personfit.aberrance(fit_answers(bank, state))
    finished = state.finished or is_finished(bank, state)
    return SessionResults(
        role=state.role, level=state.level, cut_score=cut, finished=finished,
        stop_reason=state.stop_reason, n_items=state.n_items, n_scored=state.n_items - n_pilot, n_pilot=n_pilot,
        elapsed_seconds=state.elapsed_seconds, domains=domains, overall=overall,
        stop_code=stop.reason_code(state.stop_reason), expected_remaining=0 if finished else expected_remaining(bank, state),
        aberrance=AberranceResult(
            flagged=fit.flagged, reasons=list(fit.reasons), lz_star=fit.lz_star, chance_z=fit.chance_z,
            fast_share=fit.fast_share, median_seconds=fit.median_seconds,
        ),
    )
