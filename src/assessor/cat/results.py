"""Results of a session: per area θ, SE, own evidence, band and the calibrated claim; overall readiness;
the stop reason, the expected remaining length and the aberrance flag (what a front end shows)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from scipy.special import ndtr

from assessor.bank.load import Bank
from assessor.cat import claims, personfit, rules, stop
from assessor.cat.scoring import chance_moments
from assessor.cat.session import Band, SessionState


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
    the stop reason, the expected remaining length and the aberrance flag. An area whose own answers
    contradict a "reached" estimate is shown below the target (band_shown, direction, level_shown)."""
    cfg = state.config
    upper = state.cuts.get(state.level - 1)
    cut = state.cut_score
    k = rules.k_needed(state)
    p_own = rules.p_own(state)
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
                level_shown=level_shown(min(th, cut - 1e-9) if contradicts else th, state.cuts), evidence=evidence, n_wrong=n_wrong, k_needed=k[d],
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
    finished = state.finished or rules.is_finished(bank, state)
    return SessionResults(
        role=state.role, level=state.level, cut_score=cut, finished=finished,
        stop_reason=state.stop_reason, n_items=state.n_items, n_scored=state.n_items - n_pilot, n_pilot=n_pilot,
        elapsed_seconds=state.elapsed_seconds, domains=domains, overall=overall,
        stop_code=stop.reason_code(state.stop_reason), expected_remaining=0 if finished else rules.expected_remaining(bank, state),
        aberrance=AberranceResult(
            flagged=fit.flagged, reasons=list(fit.reasons), lz_star=fit.lz_star, chance_z=fit.chance_z,
            fast_share=fit.fast_share, median_seconds=fit.median_seconds,
        ),
    )

