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

`synthetic_bank(n)` builds an in-memory bank of n generated items (for scale benchmarks and tests).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assessor.bank.load import Bank
from assessor.bank.schema import DOMAIN_IDS, Course, Item, LevelBlueprint, Role, Text, Unit
from assessor.cat import engine, select
from assessor.cat.estimate import Observation, estimate
from assessor.cat.irt import gpcm_probs, p3pl
from assessor.cat.prior import exchangeable_cov
from assessor.cat.select import item_params

LEVEL_BASE = {5: -1.0, 4: 0.0, 3: 1.0, 2: 1.8, 1: 2.5}
PREFIX = {
    "ethics_law": "eth", "cleaning": "cln", "laundry_organizing": "lau", "cooking_nutrition": "cok",
    "maternal_newborn": "mat", "infant_care": "inf", "elderly_care": "eld", "sick_care_ipc": "sck",
    "safety_first_aid": "saf", "communication": "com", "management_training": "mgt",
}
TYPE_MIX = {"single_choice": 0.55, "true_false": 0.15, "multiple_choice": 0.15, "ordering": 0.07, "open_scenario": 0.08}
GUESSING = {"single_choice": 0.2, "true_false": 0.3, "multiple_choice": 0.05, "ordering": 0.0, "open_scenario": 0.0}

# --- synthetic bank ------------------------------------------------------------------------------


def _text(zh: str, en: str) -> Text:
    return Text(zh=zh, en=en)


def default_roles() -> dict[str, Role]:
    """Two small roles for tests when no shipped bank is given."""
    def role(rid: str, w4: dict[str, float]) -> Role:
        levels = {
            5: LevelBlueprint(weights=w4, cut_score=-1.0),
            4: LevelBlueprint(weights=w4, cut_score=0.0),
            3: LevelBlueprint(weights=w4, cut_score=1.0),
        }
        return Role(id=rid, name=_text(rid, rid), description=_text(rid, rid), levels=levels)

    return {
        "housekeeper": role("housekeeper", {"cleaning": 30, "cooking_nutrition": 30, "safety_first_aid": 20, "ethics_law": 20}),
        "elderly_carer": role("elderly_carer", {"elderly_care": 50, "sick_care_ipc": 30, "communication": 20}),
    }


def default_courses(domains: Sequence[str] = DOMAIN_IDS) -> dict[str, Course]:
    """One course per domain and level 5, 4, 3 with two tagged units each."""
    out: dict[str, Course] = {}
    for d in domains:
        for lv in (5, 4, 3):
            cid = f"C-{PREFIX[d].upper()}-{lv}"
            units = [
                Unit(id=f"u{j}", title=_text(f"{d} {lv} 单元{j}", f"{d} {lv} unit {j}"), tags=[f"{d}_{lv}_{j}"])
                for j in (1, 2)
            ]
            out[cid] = Course(
                id=cid, title=_text(f"{d} {lv}级课程", f"{d} level {lv} course"), level=lv, hours=8,
                domains=[d], units=units, summary=_text("课程", "course"),
            )
    return out


def _course_unit_for(courses: Mapping[str, Course], domain: str, level: int, rng: np.random.Generator) -> tuple[str, list[str]]:
    options = [c for c in courses.values() if domain in c.domains]
    if not options:
        return "C-NONE/u1", ["none"]
    best = min(options, key=lambda c: (abs(c.level - level), c.id))
    unit = best.units[int(rng.integers(len(best.units)))]
    return f"{best.id}/{unit.id}", list(unit.tags[:1]) or ["none"]


def synthetic_item(item_id: str, domain: str, level: int, kind: str, rng: np.random.Generator,
                   course_ref: str = "C-NONE/u1", tags: Sequence[str] = ()) -> Item:
    """One generated item with prior-like parameters: b = level base ± 0.5, a ∈ [0.8, 2.0], c by type."""
    b = LEVEL_BASE[level] + float(rng.uniform(-0.5, 0.5))
    a = float(rng.uniform(0.8, 2.0))
    raw: dict[str, Any] = {
        "id": item_id, "domain": domain, "level": level, "type": kind,
        "stem": {"zh": f"题目 {item_id}", "en": f"Question {item_id}"},
        "explanation": {"zh": "解释", "en": "Explanation"},
        "irt": {"a": round(a, 3), "b": round(b, 3), "c": GUESSING[kind], "source": "prior"},
        "course_refs": [course_ref], "tags": list(tags),
    }
    letters = "abcde"
    if kind == "single_choice":
        raw["options"] = [{"id": x, "zh": x, "en": x} for x in letters[:4]]
        raw["answer"] = [letters[int(rng.integers(4))]]
    elif kind == "true_false":
        raw["options"] = [{"id": "t", "zh": "对", "en": "True"}, {"id": "f", "zh": "错", "en": "False"}]
        raw["answer"] = ["t" if rng.random() < 0.5 else "f"]
    elif kind == "multiple_choice":
        raw["options"] = [{"id": x, "zh": x, "en": x} for x in letters]
        k = int(rng.integers(2, 4))
        raw["answer"] = sorted(rng.choice(list(letters), size=k, replace=False).tolist())
    elif kind == "ordering":
        raw["options"] = [{"id": x, "zh": x, "en": x} for x in letters[:4]]
        raw["answer"] = rng.permutation(list(letters[:4])).tolist()
    else:
        raw["answer"] = [
            {"zh": f"要点{j}", "en": f"point {j}", "weight": 1, "keywords": {"zh": [f"要点{j}"], "en": [f"point {j}"]}}
            for j in range(1, 5)
        ]
    return Item.model_validate(raw)


def synthetic_bank(
    n_items: int,
    *,
    seed: int = 0,
    base: Bank | None = None,
    domains: Sequence[str] | None = None,
    pilot_share: float = 0.0,
    level_weights: Mapping[int, float] | None = None,
    type_mix: Mapping[str, float] | None = None,
) -> Bank:
    """An in-memory bank of `n_items` generated items spread evenly over `domains` (default: all),
    levels 5..1 weighted toward the lower levels, the type mix of the shipped bank; roles and courses
    from `base` when given, else `default_roles()` and `default_courses()`."""
    rng = np.random.default_rng(seed)
    doms = list(domains or DOMAIN_IDS)
    roles = dict(base.roles) if base is not None else default_roles()
    courses = dict(base.courses) if base is not None else default_courses(DOMAIN_IDS)
    lw = dict(level_weights or {5: 0.25, 4: 0.3, 3: 0.25, 2: 0.12, 1: 0.08})
    levels, level_p = list(lw), np.array(list(lw.values())) / sum(lw.values())
    mix = dict(type_mix or TYPE_MIX)
    kinds, kind_p = list(mix), np.array(list(mix.values())) / sum(mix.values())
    items: dict[str, Item] = {}
    counters: Counter[str] = Counter()
    for i in range(n_items):
        d = doms[i % len(doms)]
        counters[d] += 1
        lv = int(rng.choice(levels, p=level_p))
        kind = str(rng.choice(kinds, p=kind_p))
        ref, tags = _course_unit_for(courses, d, lv, rng)
        item = synthetic_item(f"{PREFIX[d]}-{counters[d]:04d}", d, lv, kind, rng, ref, tags)
        if pilot_share > 0 and rng.random() < pilot_share:
            item = item.model_copy(update={"status": "pilot"})
        items[item.id] = item
    bank = Bank(root=base.root if base is not None else Path("synthetic"))
    bank.domains = dict(base.domains) if base is not None else {}
    bank.roles, bank.courses, bank.items = roles, courses, items
    bank.content_hash = f"synthetic-{n_items}-{seed}-{len(doms)}"
    return bank


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
) -> dict[str, Any]:
    """Run the engine on `n_examinees` simulees; return the benchmark measures (see module docstring).

    With `exposure_feedback` each simulee's session starts with the exposure rates of the simulees
    before it (select.exposure_rates), as the app passes the store's recent rates to start_session."""
    rng = np.random.default_rng(seed)
    state0 = engine.start_session(bank, role, level, config=config, seed=seed)
    domains = state0.domains
    truth = draw_abilities(domains, n_examinees, rng, rho=rho)
    est = np.zeros_like(truth)
    se = np.zeros_like(truth)
    lengths: list[int] = []
    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    select_times: list[float] = []
    domain_items: dict[str, list[int]] = {d: [] for d in domains}
    for p in range(n_examinees):
        rates = select.exposure_rates(counts, p) if exposure_feedback else None
        state = engine.start_session(bank, role, level, config=config, seed=seed * 1_000_003 + p, exposure_rates=rates)
        while True:
            t0 = time.perf_counter()
            item = engine.next_item(bank, state)
            select_times.append(time.perf_counter() - t0)
            if item is None:
                break
            j = domains.index(item.domain) if item.domain in domains else 0
            k = draw_category(item, float(truth[p, j]), rng)
            response, partial = synthesize_response(item, k, rng)
            outcome = engine.record_answer(bank, state, item.id, response, partial_credit=partial, seconds=30.0)
            if outcome.category != k:
                raise AssertionError(f"synthesised answer for {item.id} scored {outcome.category}, wanted {k}")
            state = outcome.state
            counts[item.id] += 1
        lengths.append(state.n_items)
        reasons[state.stop_reason or "?"] += 1
        for d in domains:
            domain_items[d].append(state.counts()[d])
        est[p] = [state.theta[d] for d in domains]
        se[p] = [state.se[d] for d in domains]
    upper = state0.cuts.get(level - 1)
    pool = [i.id for i in bank.items.values() if i.domain in domains and i.status == "active"]
    out: dict[str, Any] = {
        "role": role,
        "level": level,
        "examinees": n_examinees,
        "seed": seed,
        "bank_items": len(bank.items),
        "pool_items": len(pool),
        "simulees": f"theta ~ N(0, (1-rho)I + rho*11'), rho={rho}, sd=1",
        "mean_items": float(np.mean(lengths)),
        "p90_items": float(np.percentile(lengths, 90)),
        "max_items": int(max(lengths)),
        "mean_items_by_domain": {d: float(np.mean(v)) for d, v in domain_items.items()},
        "mean_se": float(np.mean(se)),
        **_decision_metrics(domains, state0.shares, state0.cut_score, truth, est, upper),
        **_exposure(counts, pool, n_examinees),
        "ms_per_selection": float(1000 * np.mean(select_times)),
        "stop_reasons": dict(reasons),
    }
    if baseline:
        length = max(1, round(float(np.mean(lengths))))
        b_est, b_counts = _fixed_form(bank, state0, length, truth, np.random.default_rng(seed + 1))
        out["fixed_form"] = {
            "items": length,
            **_decision_metrics(domains, state0.shares, state0.cut_score, truth, b_est, upper),
            **_exposure(b_counts, pool, n_examinees),
        }
    return out


def selection_speed(bank: Bank, role: str, level: int, *, n_sessions: int = 5, seed: int = 0,
                    config: engine.EngineConfig | None = None) -> float:
    """Mean milliseconds per `next_item` call over a few full simulated sessions."""
    return float(simulate(bank, role, level, n_examinees=n_sessions, seed=seed, config=config, baseline=False)["ms_per_selection"])

