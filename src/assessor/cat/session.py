"""The session state as plain, JSON-serialisable data: settings, answered items, the estimate.

Old saved states still load: every field added later has a default (and old stop codes are mapped by
stop.reason_code). `SessionState.from_json(state.to_json())` continues identically.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from assessor.cat import select
from assessor.cat.estimate import Observation
from assessor.cat.prior import Prior

Band = Literal["below", "at", "above"]
_EXPOSURE_CACHE: dict[tuple[int, int], tuple[dict[str, float], select.BankArrays, np.ndarray]] = {}


class EngineError(ValueError):
    """An engine call that does not fit the session (wrong item, unknown role or level, ...)."""


class EngineConfig(BaseModel):
    """Engine settings; stored in every session so a resumed session runs under the same rules.

    Defaults were tuned with bench/simulate_roles.py on the shipped bank (role blueprints at levels 5, 4, 3):
    domain choice on the joint posterior (`domain_selector="posterior"`), randomesque 3 under the exposure
    cap 0.25, at most 2 × share × max_items items per domain, the area rule of stop.py (k own answers from
    the blueprint, `p_area`, `p_overall`, `accuracy_target`), 30 items at most. A *disputed* area (shared
    strength P(reached) ≥ `dispute_p_joint`, own answers P_own < `dispute_p_own`) needs one more own answer,
    up to k + `dispute_extra_items` (rules.disputed; 0 turns it off). Saved states without these fields get
    the defaults.
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
    max_pilot: int = 1
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
    dispute_p_joint: float = 0.85
    dispute_p_own: float = 0.7
    dispute_extra_items: int = 2


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



def observations(state: SessionState) -> list[Observation]:
    """The scored answers as estimator input, with the parameters frozen at answer time."""
    return [
        Observation(
            r.domain, r.params.a, r.params.b, r.params.c, r.category,
            None if r.params.steps is None else tuple(r.params.steps),
        )
        for r in state.scored
    ]

