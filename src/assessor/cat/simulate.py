"""Simulation: the real engine on simulees with known, correlated per-domain abilities.

Simulees: θ over the role's domains drawn from N(0, Σ) with Σ = (1 − ρ)·I + ρ·11ᵀ (SD 1, ρ = 0.6 by
default: the same family as the engine's prior). Answers are drawn from the same IRT models the
engine uses (3PL; GPCM for partial-credit items), turned into real responses (option ids, orders,
partial-credit fractions) and scored by the engine's own scorer.

Truth for the decisions: a domain is "ready" when its true θ_d ≥ the cut; overall readiness when the
blueprint-weighted composite Σ w_d θ_d ≥ the cut (the same composite the engine reports).

Baseline: a fixed form of the same (rounded) mean length, blueprint-balanced by largest remainder,
items drawn at random per simulee from the target level and its neighbours, scored by the same
estimator (EP with the same prior).

Profiles: "normal" (the population above) or "spiky" (one area, drawn per simulee, 1.5 below the cut
and the others 1.0 above: a specific gap the shared-strength prior could hide). Aberrant simulees
(`aberrant`): "random" (uniform guesses), "testwise" (longest option, no reading), "careless" (normal
ability but a 30 % slip on items they would get right with P > 0.7), "speeder" (guesses in ~1 second).
Answer times: log-normal around 20 s (speeders ~1 s).

Reported besides accuracy: `claims` (for each word and direction, how many area/readiness claims were
made and the share true), `open_in_first_5`, `type_shares`, `at_cap_share`, `flagged_share`
(aberrance flags), with the spiky profile `weak_area_found` (weak area shown below or not measured
enough) and `weak_area_sure_reached` (shown reached with "very sure").

The synthetic bank and roles for tests live in `assessor.testing`.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assessor.bank.load import Bank
from assessor.bank.schema import Item
from assessor.cat import claims, engine, select, stop
from assessor.cat import results as results_model
from assessor.cat.estimate import Observation, estimate
from assessor.cat.irt import gpcm_probs, p3pl
from assessor.cat.prior import exchangeable_cov
from assessor.cat.select import item_params

# --- simulees and answers ------------------------------------------------------------------------


def draw_abilities(domains: Sequence[str], n: int, rng: np.random.Generator, rho: float = 0.6, sd: float = 1.0) -> np.ndarray:
    """n × D true abilities from N(0, sd²((1 − ρ)I + ρ11ᵀ))."""
    return rng.multivariate_normal(np.zeros(len(domains)), exchangeable_cov(len(domains), rho, sd), size=n)


def draw_category(item: Item, theta: float, rng: np.random.Generator) -> int:
    """A score category drawn from the item's model at θ (3PL or GPCM)."""
    a, b, c, steps = item_params(item)
    if steps is None:
        return int(rng.random() < float(p3pl(theta, a, b, c)))
    p = gpcm_probs(theta, a, b, steps)
    return int(rng.choice(p.size, p=p / p.sum()))


def synthesize_response(item: Item, category: int, rng: np.random.Generator) -> tuple[Any, float | None]:
    """A real response (and partial credit) that the scorer maps to `category`."""
    key = item.key
    wrong = [o for o in item.option_ids if o not in key]
    if item.type in ("single_choice", "true_false"):
        return (key[0] if category else (wrong[int(rng.integers(len(wrong)))] if wrong else key[0])), None
    if item.type == "multiple_choice":
        if category == 2:
            return list(key), None
        if category == 1:
            return list(key[: math.ceil(len(key) / 2)]) if math.ceil(len(key) / 2) < len(key) else list(key) + wrong[:1], None
        return wrong[:1], None
    if item.type == "ordering":
        return (list(key) if category else list(reversed(key))), None
    m = item.max_score_categories
    return "", category / m


# --- metrics -------------------------------------------------------------------------------------


def _decision_metrics(
    domains: Sequence[str], shares: Mapping[str, float], cut: float, truth: np.ndarray, est: np.ndarray, upper: float | None
) -> dict[str, Any]:
    w = np.array([shares[d] for d in domains])
    w = w / w.sum()
    err = est - truth
    cls = (est >= cut) == (truth >= cut)

    def band(x: np.ndarray) -> np.ndarray:
        out = (x >= cut).astype(int)
        if upper is not None:
            out += (x >= upper).astype(int)
        return out

    return {
        "rmse_theta": float(np.sqrt(np.mean(err**2))),
        "bias_theta": float(np.mean(err)),
        "rmse_by_domain": {d: float(np.sqrt(np.mean(err[:, j] ** 2))) for j, d in enumerate(domains)},
        "classification_accuracy": {
            **{d: float(np.mean(cls[:, j])) for j, d in enumerate(domains)},
            "overall": float(np.mean(cls)),
            "min_domain": float(np.min(np.mean(cls, axis=0))),
        },
        "band_accuracy": float(np.mean(band(est) == band(truth))),
        "readiness_accuracy": float(np.mean(((est @ w) >= cut) == ((truth @ w) >= cut))),
    }


def _exposure(counts: Counter[str], pool: Sequence[str], n: int) -> dict[str, float]:
    used = [counts.get(i, 0) for i in pool]
    return {
        "max_exposure": float(max(used) / n) if used and n else 0.0,
        "unused_share": float(sum(1 for u in used if u == 0) / len(used)) if used else 0.0,
    }


def _fixed_form(
    bank: Bank, state0: engine.SessionState, length: int, truth: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, Counter[str]]:
    domains = state0.domains
    raw = {d: state0.shares[d] * length for d in domains}
    alloc = {d: int(math.floor(v)) for d, v in raw.items()}
    for d in sorted(domains, key=lambda d: raw[d] - alloc[d], reverse=True)[: length - sum(alloc.values())]:
        alloc[d] += 1
    near = {state0.level - 1, state0.level, state0.level + 1}
    pools = {}
    for d in domains:
        active = [i for i in bank.items.values() if i.domain == d and i.status == "active"]
        close = [i for i in active if i.level in near]
        pools[d] = close if len(close) >= alloc[d] else active
    prior = state0.prior
    est = np.zeros_like(truth)
    counts: Counter[str] = Counter()
    for p in range(truth.shape[0]):
        obs: list[Observation] = []
        for j, d in enumerate(domains):
            pool = pools[d]
            take = min(alloc[d], len(pool))
            for idx in rng.choice(len(pool), size=take, replace=False):
                item = pool[int(idx)]
                counts[item.id] += 1
                k = draw_category(item, float(truth[p, j]), rng)
                a, b, c, steps = item_params(item)
                obs.append(Observation(d, a, b, c, k, steps))
        est[p] = estimate(prior, obs).theta
    return est, counts


PROFILES = ("normal", "spiky")
ABERRANT = ("random", "testwise", "careless", "speeder")


def _option_text_len(item: Item, option: str) -> int:
    for o in item.options or []:
        if o.id == option:
            return len(o.zh)
    return 0


def aberrant_response(item: Item, theta: float, kind: str, rng: np.random.Generator) -> tuple[Any, float | None, float]:
    """(response, partial credit, seconds) of an aberrant simulee of `kind` (module docstring)."""
    ids = item.option_ids
    if kind == "careless":
        k = draw_category(item, theta, rng)
        a, b, c, steps = item_params(item)
        if steps is None and k == 1 and float(p3pl(theta, a, b, c)) > 0.7 and rng.random() < 0.3:
            k = 0
        response, partial = synthesize_response(item, k, rng)
        return response, partial, float(rng.lognormal(math.log(20.0), 0.4))
    seconds = float(rng.uniform(0.6, 1.6)) if kind == "speeder" else float(rng.lognormal(math.log(20.0), 0.4))
    if kind == "testwise" and ids:
        longest = sorted(ids, key=lambda o: (-_option_text_len(item, o), o))
        if item.type == "multiple_choice":
            return longest[:3], None, seconds
        if item.type == "ordering":
            return list(ids), None, seconds
        return longest[0], None, seconds
    if item.type in ("single_choice", "true_false"):
        return ids[int(rng.integers(len(ids)))], None, seconds
    if item.type == "multiple_choice":
        size = int(rng.integers(1, len(ids) + 1))
        return sorted(rng.choice(ids, size=size, replace=False).tolist()), None, seconds
    if item.type == "ordering":
        return rng.permutation(ids).tolist(), None, seconds
    return "", 0.0, seconds


def _truth(domains: Sequence[str], n: int, rng: np.random.Generator, rho: float, profile: str, cut: float) -> tuple[np.ndarray, np.ndarray]:
    """True abilities and, for the spiky profile, the weak area's index per simulee (−1 otherwise)."""
    if profile == "normal":
        return draw_abilities(domains, n, rng, rho=rho), np.full(n, -1)
    if profile != "spiky":
        raise ValueError(f"unknown profile '{profile}' (known: {', '.join(PROFILES)})")
    weak = rng.integers(len(domains), size=n)
    truth = np.full((n, len(domains)), cut + 1.0)
    truth[np.arange(n), weak] = cut - 1.5
    return truth, weak


@dataclass
class SimulatedSession:
    """One simulee's finished session: its final state, the items given in order, the seconds each `next_item`
    took (one more than the items: the call that found nothing left) and, after each answer, the length the
    engine promised (answers so far + expected remaining)."""

    state: engine.SessionState
    items: list[Item] = field(default_factory=list)
    select_seconds: list[float] = field(default_factory=list)
    promised: list[int] = field(default_factory=list)


def run_session(
    bank: Bank, role: str, level: int, theta: np.ndarray, rng: np.random.Generator, *,
    config: engine.EngineConfig | None = None, seed: int = 0, exposure_rates: dict[str, float] | None = None,
    focus_domains: Sequence[str] = (), aberrant: str | None = None,
) -> SimulatedSession:
    """The engine's session for one simulee with true abilities `theta` (in the blueprint's domain order):
    each answer drawn from the item's model at θ_d (or by the `aberrant` kind), answer times log-normal around
    20 s, every answer scored by the engine's own scorer (a synthesised answer that scores otherwise is an error)."""
    state = engine.start_session(bank, role, level, config=config, seed=seed, exposure_rates=exposure_rates,
                                 focus_domains=focus_domains)
    domains = state.domains
    run = SimulatedSession(state)
    while True:
        t0 = time.perf_counter()
        item = engine.next_item(bank, run.state)
        run.select_seconds.append(time.perf_counter() - t0)
        if item is None:
            return run
        th = float(theta[domains.index(item.domain) if item.domain in domains else 0])
        if aberrant is None:
            k = draw_category(item, th, rng)
            response, partial = synthesize_response(item, k, rng)
            seconds = float(rng.lognormal(math.log(20.0), 0.4))
        else:
            k = -1
            response, partial, seconds = aberrant_response(item, th, aberrant, rng)
        outcome = engine.record_answer(bank, run.state, item.id, response, partial_credit=partial, seconds=seconds)
        if k >= 0 and outcome.category != k:
            raise AssertionError(f"synthesised answer for {item.id} scored {outcome.category}, wanted {k}")
        run.state = outcome.state
        run.items.append(item)
        run.promised.append(run.state.n_items + outcome.expected_remaining)


@dataclass
class _RunTally:
    """What the sessions did: lengths, stop reasons, item counts and types, open items among the first 5,
    selection times and the error of each promised length."""

    lengths: list[int] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)
    counts: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    open_first5: int = 0
    select_seconds: list[float] = field(default_factory=list)
    remaining_error: list[float] = field(default_factory=list)

    def add(self, run: SimulatedSession) -> None:
        state = run.state
        self.lengths.append(state.n_items)
        self.reasons[stop.reason_code(state.stop_reason) or "?"] += 1
        self.select_seconds.extend(run.select_seconds)
        for n, item in enumerate(run.items, start=1):
            self.counts[item.id] += 1
            self.types[item.type] += 1
            self.open_first5 += int(n <= 5 and item.type == "open_scenario")
        self.remaining_error.extend(abs(x - state.n_items) for x in run.promised)


@dataclass
class _ResultTally:
    """What the sessions told: items per area, each worded claim with whether it was true, the spiky weak area
    (found: shown below or not measured enough; sure: shown reached, very sure) and the aberrance flags."""

    domain_items: dict[str, list[int]]
    made: list[tuple[str, str, bool]] = field(default_factory=list)
    made_overall: list[tuple[str, str, bool]] = field(default_factory=list)
    weak_found: int = 0
    weak_sure: int = 0
    flagged: int = 0
    flag_reasons: Counter[str] = field(default_factory=Counter)

    def add(self, res: results_model.SessionResults, truth: np.ndarray, w: np.ndarray, cut: float, weak: int) -> None:
        for j, dr in enumerate(res.domains):
            self.domain_items[dr.domain].append(dr.n_items)
            if dr.label is not None:
                self.made.append((dr.label, dr.direction, (truth[j] >= cut) == (dr.direction == "reached")))
        if res.overall.label is not None:
            self.made_overall.append((res.overall.label, res.overall.direction,
                                      (float(truth @ w) >= cut) == (res.overall.direction == "reached")))
        if weak >= 0:
            dr = res.domains[weak]
            self.weak_found += int(not dr.measured_enough or dr.direction == "not_reached")
            self.weak_sure += int(dr.direction == "reached" and dr.label == "very_sure")
        if res.aberrance.flagged:
            self.flagged += 1
            self.flag_reasons.update(res.aberrance.reasons)


def _claims_table(made: list[tuple[str, str, bool]]) -> dict[str, dict[str, dict[str, float | None]]]:
    """{label: {direction: {count, share_true}}} from (label, direction, true) triples."""
    out: dict[str, dict[str, dict[str, float | None]]] = {}
    for label in claims.LABELS:
        out[label] = {}
        for direction in ("reached", "not_reached"):
            hits = [t for lab, d, t in made if lab == label and d == direction]
            out[label][direction] = {"count": len(hits), "share_true": float(np.mean(hits)) if hits else None}
    return out


def simulate(
    bank: Bank,
    role: str,
    level: int,
    *,
    n_examinees: int = 200,
    seed: int = 0,
    config: engine.EngineConfig | None = None,
    rho: float = 0.6,
    baseline: bool = True,
    exposure_feedback: bool = True,
    profile: str = "normal",
    aberrant: str | None = None,
    focus_domains: Sequence[str] = (),
) -> dict[str, Any]:
    """Run the engine on `n_examinees` simulees; return the benchmark measures (see module docstring).

    With `exposure_feedback` each simulee's session starts with the exposure rates of the simulees
    before it (select.exposure_rates), as the app passes the store's recent rates to start_session.
    `focus_domains` are passed to every session as the areas the worker ticked."""
    if aberrant is not None and aberrant not in ABERRANT:
        raise ValueError(f"unknown aberrant kind '{aberrant}' (known: {', '.join(ABERRANT)})")
    rng = np.random.default_rng(seed)
    state0 = engine.start_session(bank, role, level, config=config, seed=seed, focus_domains=focus_domains)
    domains = state0.domains
    cut = state0.cut_score
    truth, weak = _truth(domains, n_examinees, rng, rho, profile, cut)
    w = np.array([state0.shares[d] for d in domains])
    w = w / w.sum()
    est = np.zeros_like(truth)
    se = np.zeros_like(truth)
    runs = _RunTally()
    told = _ResultTally({d: [] for d in domains})
    for p in range(n_examinees):
        rates = select.exposure_rates(runs.counts, p) if exposure_feedback else None
        run = run_session(bank, role, level, truth[p], rng, config=config, seed=seed * 1_000_003 + p, exposure_rates=rates,
                          focus_domains=focus_domains, aberrant=aberrant)
        runs.add(run)
        told.add(engine.results(bank, run.state), truth[p], w, cut, int(weak[p]))
        est[p] = [run.state.theta[d] for d in domains]
        se[p] = [run.state.se[d] for d in domains]
    lengths, counts, types = runs.lengths, runs.counts, runs.types
    upper = state0.cuts.get(level - 1)
    pool = [i.id for i in bank.items.values() if i.domain in domains and i.status == "active"]
    n_types = sum(types.values()) or 1
    out: dict[str, Any] = {
        "role": role,
        "level": level,
        "examinees": n_examinees,
        "seed": seed,
        "profile": profile,
        "aberrant": aberrant,
        "focus_domains": list(focus_domains),
        "bank_items": len(bank.items),
        "pool_items": len(pool),
        "simulees": f"theta ~ N(0, (1-rho)I + rho*11'), rho={rho}, sd=1" if profile == "normal"
        else "one area cut-1.5, the others cut+1.0",
        "mean_items": float(np.mean(lengths)),
        "p90_items": float(np.percentile(lengths, 90)),
        "max_items": int(max(lengths)),
        "at_cap_share": float(np.mean([n >= state0.config.max_items for n in lengths])),
        "mean_items_by_domain": {d: float(np.mean(v)) for d, v in told.domain_items.items()},
        "mean_se": float(np.mean(se)),
        **_decision_metrics(domains, state0.shares, cut, truth, est, upper),
        **_exposure(counts, pool, n_examinees),
        "ms_per_selection": float(1000 * np.mean(runs.select_seconds)),
        "stop_reasons": dict(runs.reasons),
        "claims": _claims_table(told.made),
        "claims_overall": _claims_table(told.made_overall),
        "open_in_first_5": runs.open_first5,
        "type_shares": {t: round(c / n_types, 4) for t, c in sorted(types.items())},
        "flagged_share": told.flagged / n_examinees,
        "flag_reasons": dict(told.flag_reasons),
        "expected_remaining_mae": float(np.mean(runs.remaining_error)) if runs.remaining_error else 0.0,
    }
    if profile == "spiky":
        out["weak_area_found"] = told.weak_found / n_examinees
        out["weak_area_sure_reached"] = told.weak_sure / n_examinees
    if baseline:
        length = max(1, round(float(np.mean(lengths))))
        b_est, b_counts = _fixed_form(bank, state0, length, truth, np.random.default_rng(seed + 1))
        out["fixed_form"] = {
            "items": length,
            **_decision_metrics(domains, state0.shares, cut, truth, b_est, upper),
            **_exposure(b_counts, pool, n_examinees),
        }
    return out


def selection_speed(bank: Bank, role: str, level: int, *, n_sessions: int = 5, seed: int = 0,
                    config: engine.EngineConfig | None = None) -> float:
    """Mean milliseconds per `next_item` call over a few full simulated sessions."""
    return float(simulate(bank, role, level, n_examinees=n_sessions, seed=seed, config=config, baseline=False)["ms_per_selection"])

