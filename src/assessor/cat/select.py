"""Item selection: which domain next (blueprint content balancing), then which item in it
(maximum information with a type mix, exclusions and exposure control), plus pilot seeding.

Bank parameters are packed once per bank into numpy arrays (`bank_arrays`, cached), so one selection
over a 10,000-item bank is a few vector operations.

Domain choice (registry `DOMAIN_SELECTORS`): a domain below its minimum count (own evidence) goes first
(largest shortfall); otherwise, among domains with room,
- "posterior" (default): the expected drop in misclassification over *all* areas and the overall
  readiness from one more item in domain d, computed on the joint posterior with the domain correlation
  (`preposterior_gain`), plus λ · (share_d · (n + 1) − n_d), the blueprint deficit in items;
- "priority": the undecided domains compete on P(misclassified)_d + λ · deficit_d, P(misclassified)_d
  = Φ(−|θ̂_d − cut| / SE_d) (the first version's rule).

Item choice: Fisher information at θ̂_d (or at the cut, `info_point="cut"`), over active items of that
domain not yet given, not seen in recent sessions, not of a `same_fact` group already asked, and within
the type limits (share of the session per type, no more than `max_type_run` of one type in a row).
Exposure control (registry `EXPOSURE_METHODS`):
- randomesque: uniform among the k most informative items;
- progressive (Revuelta & Ponsoda): argmax of (1 − s)·U(0, max I) + s·I, s = n / max_items;
- sympson_hetter: walk down the information order, accept item i with probability K_i (from the config);
- max_info: the single most informative item.
On top of any method, when the session carries the bank's recent exposure rates r_i (from the store:
share of recent sessions that showed item i), information is weighted by the maximum-priority-index
factor max(0, 1 − r_i / r_max) (Cheng & Chang 2009), so items at the exposure cap r_max rest until
their rate falls; this is what keeps a small bank's best items from reaching every worker.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr

from assessor.bank.load import Bank
from assessor.bank.schema import ITEM_TYPES, Item
from assessor.cat.irt import Array, default_steps, gpcm_info_many, info3pl

IntArray = npt.NDArray[np.int64]
POLYTOMOUS_TYPES = ("open_scenario", "multiple_choice")


def is_polytomous(item: Item) -> bool:
    return item.type in POLYTOMOUS_TYPES


def item_params(item: Item) -> tuple[float, float, float, tuple[float, ...] | None]:
    """(a, b, c, steps): steps None for dichotomous items; GPCM items get their own steps or the default."""
    irt = item.irt
    if not is_polytomous(item):
        return float(irt.a), float(irt.b), float(irt.c), None
    m = item.max_score_categories
    steps = irt.steps if irt.steps is not None and len(irt.steps) == m else default_steps(m)
    return float(irt.a), float(irt.b), 0.0, tuple(float(s) for s in steps)


@dataclass
class BankArrays:
    """Item parameters as arrays, aligned with `ids`."""

    ids: list[str]
    index: dict[str, int]
    domain: list[str]
    type_code: IntArray
    level: IntArray
    a: Array
    b: Array
    c: Array
    poly: npt.NDArray[np.bool_]
    n_cat: IntArray
    steps: Array
    fact_group: list[str | None] = field(default_factory=list)
    active_by_domain: dict[str, IntArray] = field(default_factory=dict)
    pilot_by_domain: dict[str, IntArray] = field(default_factory=dict)


def build_arrays(items: Sequence[Item]) -> BankArrays:
    """Pack items (all statuses) into arrays; retired items are in no domain pool."""
    n = len(items)
    width = max([it.max_score_categories for it in items if is_polytomous(it)] or [1])
    steps = np.zeros((n, width))
    a, b, c = np.zeros(n), np.zeros(n), np.zeros(n)
    n_cat = np.ones(n, dtype=np.int64)
    poly = np.zeros(n, dtype=bool)
    for i, item in enumerate(items):
        a[i], b[i], c[i], st = item_params(item)
        if st is not None:
            poly[i] = True
            n_cat[i] = len(st)
            steps[i, : len(st)] = st
    active: dict[str, list[int]] = {}
    pilot: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        if item.status == "active":
            active.setdefault(item.domain, []).append(i)
        elif item.status == "pilot":
            pilot.setdefault(item.domain, []).append(i)
    return BankArrays(
        ids=[it.id for it in items],
        index={it.id: i for i, it in enumerate(items)},
        domain=[it.domain for it in items],
        type_code=np.array([ITEM_TYPES.index(it.type) for it in items], dtype=np.int64),
        level=np.array([it.level for it in items], dtype=np.int64),
        a=a,
        b=b,
        c=c,
        poly=poly,
        n_cat=n_cat,
        steps=steps,
        fact_group=[getattr(it, "same_fact", None) for it in items],
        active_by_domain={d: np.array(v, dtype=np.int64) for d, v in active.items()},
        pilot_by_domain={d: np.array(v, dtype=np.int64) for d, v in pilot.items()},
    )


_CACHE: dict[int, tuple[weakref.ref[Bank], str, int, BankArrays]] = {}


def bank_arrays(bank: Bank) -> BankArrays:
    """The packed arrays of a bank, built once and cached per bank object (rebuilt if its items change)."""
    key = id(bank)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is bank and hit[1] == bank.content_hash and hit[2] == len(bank.items):
        return hit[3]
    arrays = build_arrays(list(bank.items.values()))
    _CACHE[key] = (weakref.ref(bank), bank.content_hash, len(bank.items), arrays)
    if len(_CACHE) > 32:
        for stale in [k for k, v in _CACHE.items() if v[0]() is None]:
            del _CACHE[stale]
    return arrays


def item_information(arrays: BankArrays, idx: IntArray, theta: float) -> Array:
    """Fisher information of items `idx` at θ: 3PL for dichotomous, GPCM for partial-credit items."""
    info = np.empty(idx.size)
    poly = arrays.poly[idx]
    if (~poly).any():
        d = idx[~poly]
        info[~poly] = info3pl(theta, arrays.a[d], arrays.b[d], arrays.c[d])
    if poly.any():
        p = idx[poly]
        info[poly] = gpcm_info_many(theta, arrays.a[p], arrays.b[p], arrays.steps[p], arrays.n_cat[p])
    return info


def exposure_rates(counts: Mapping[str, int], n_sessions: int, *, min_sessions: int = 20) -> dict[str, float]:
    """Exposure rates r_i = count_i / max(n_sessions, min_sessions) (damped while few sessions exist)."""
    n = max(n_sessions, min_sessions, 1)
    return {item: round(c / n, 4) for item, c in counts.items() if c > 0}


def exposure_factor(rates: Array, r_max: float) -> Array:
    """Priority factor max(0, 1 − r / r_max) per item."""
    return np.asarray(np.clip(1.0 - rates / max(r_max, 1e-9), 0.0, 1.0), dtype=float)


def p_misclassified(theta: float, se: float, cut: float) -> float:
    """Posterior probability that the true θ lies on the other side of the cut: Φ(−|θ̂ − cut| / SE)."""
    return float(ndtr(-abs(theta - cut) / max(se, 1e-9)))


_GH_NODES, _GH_WEIGHTS = np.polynomial.hermite_e.hermegauss(16)
_GH_WEIGHTS = _GH_WEIGHTS / _GH_WEIGHTS.sum()


def expected_error_after(delta: Array, sd_now: Array, sd_next: Array) -> Array:
    """Preposterior misclassification E[Φ(−|δ'| / s')] when the posterior N(δ, s²) of θ − cut narrows to
    SD s' (< s): the next mean δ' ~ N(δ, s² − s'²). Gauss–Hermite over δ'; vectorised."""
    spread = np.sqrt(np.maximum(sd_now**2 - sd_next**2, 0.0))
    moved = np.asarray(delta)[..., None] + spread[..., None] * _GH_NODES
    err = ndtr(-np.abs(moved) / np.maximum(sd_next, 1e-9)[..., None])
    return np.asarray(err @ _GH_WEIGHTS, dtype=float)


def preposterior_gain(
    cov: Array, se: Array, delta: Array, weights: Array, info: Array, *, area_weight: float = 1.0,
    readiness_weight: float = 1.0,
) -> Array:
    """Expected drop in misclassification from one item of information I_d in domain d, for every d.

    On the joint posterior covariance V (domain correlation included) an item in d adds I_d to the
    precision of θ_d: V' = V − I_d V e_d e_dᵀ V / (1 + I_d V_dd), so area j's variance drops by
    I_d V_jd² / (1 + I_d V_dd) and the composite's (wᵀVw) by I_d (Vw)_d² / (1 + I_d V_dd). The gain is
    area_weight · mean_j [Φ(−|δ_j|/s_j) − E err'_j] + readiness_weight · [the same for the composite],
    δ = θ̂ − cut, errors from `expected_error_after`. `se` are the reported SDs (V's diagonal rescaled)."""
    v = np.asarray(cov, dtype=float)
    w = np.asarray(weights, dtype=float) / float(np.sum(weights))
    n = v.shape[0]
    diag = np.maximum(np.diag(v), 1e-12)
    scale = (np.asarray(se, dtype=float) ** 2) / diag
    vw = v @ w
    comp_var = max(float(w @ vw), 1e-12)
    comp_delta = float(w @ delta)
    out = np.zeros(n)
    now_area = ndtr(-np.abs(delta) / np.maximum(se, 1e-9))
    now_comp = float(ndtr(-abs(comp_delta) / math.sqrt(comp_var)))
    for d in range(n):
        i_d = float(info[d])
        if i_d <= 0:
            continue
        k = i_d / (1.0 + i_d * v[d, d])
        var_next = np.maximum(se**2 - scale * k * v[:, d] ** 2, 1e-12)
        area = float(np.mean(now_area - expected_error_after(delta, se, np.sqrt(var_next))))
        comp_next = math.sqrt(max(comp_var - k * vw[d] ** 2, 1e-12))
        comp = now_comp - float(expected_error_after(np.array(comp_delta), np.array(math.sqrt(comp_var)), np.array(comp_next)))
        out[d] = area_weight * area + readiness_weight * comp
    return out


@dataclass(frozen=True)
class DomainChoice:
    """What a domain selector sees: the session's posterior and counts, and the best item's information
    per available domain (`info`, 0 where a domain has no item)."""

    domains: Sequence[str]
    shares: Mapping[str, float]
    counts: Mapping[str, int]
    theta: Mapping[str, float]
    se: Mapping[str, float]
    cov: Array
    cut: float
    available: Collection[str]
    decided: Collection[str]
    min_per_domain: Mapping[str, int]
    max_per_domain: Mapping[str, int]
    info: Mapping[str, float]
    balance_weight: float = 0.1
    readiness_weight: float = 1.0


def _room_and_short(c: DomainChoice) -> tuple[list[str], list[str]]:
    room = [d for d in c.domains if d in c.available and c.counts.get(d, 0) < c.max_per_domain[d]]
    short = [d for d in room if c.counts.get(d, 0) < c.min_per_domain[d]]
    return room, short


def _deficit(c: DomainChoice, d: str) -> float:
    n = sum(c.counts.get(x, 0) for x in c.domains)
    return c.shares[d] * (n + 1) - c.counts.get(d, 0)


def _first_short(c: DomainChoice, short: list[str]) -> str:
    return max(short, key=lambda d: (c.min_per_domain[d] - c.counts.get(d, 0), c.shares[d], -list(c.domains).index(d)))


def select_domain_priority(c: DomainChoice) -> str | None:
    """The first version's priority index: P(misclassified)_d + λ · deficit_d among undecided domains."""
    room, short = _room_and_short(c)
    if not room:
        return None
    if short:
        return _first_short(c, short)
    pool = [d for d in room if d not in c.decided] or room
    return max(pool, key=lambda d: (p_misclassified(c.theta[d], c.se[d], c.cut) + c.balance_weight * _deficit(c, d),
                                    c.shares[d], -list(c.domains).index(d)))


def select_domain_posterior(c: DomainChoice) -> str | None:
    """The domain whose best item most lowers the expected misclassification of all areas and of the
    readiness decision (`preposterior_gain`, on the joint posterior), plus λ · deficit_d."""
    room, short = _room_and_short(c)
    if not room:
        return None
    if short:
        return _first_short(c, short)
    doms = list(c.domains)
    delta = np.array([c.theta[d] - c.cut for d in doms])
    se = np.array([c.se[d] for d in doms])
    weights = np.array([c.shares[d] for d in doms])
    info = np.array([c.info.get(d, 0.0) if d in room else 0.0 for d in doms])
    gain = preposterior_gain(c.cov, se, delta, weights, info, readiness_weight=c.readiness_weight)
    return max(room, key=lambda d: (gain[doms.index(d)] + c.balance_weight * 0.01 * _deficit(c, d),
                                    c.shares[d], -doms.index(d)))


DomainSelector = Callable[[DomainChoice], "str | None"]
DOMAIN_SELECTORS: dict[str, DomainSelector] = {
    "posterior": select_domain_posterior,
    "priority": select_domain_priority,
}


def type_allowed(
    type_counts: Mapping[str, int], recent_types: Sequence[str], max_items: int, max_type_share: Mapping[str, float], max_run: int
) -> set[str]:
    """Item types still allowed: under their share of the session and not `max_run` times in a row already."""
    allowed = set()
    for t in ITEM_TYPES:
        share = max_type_share.get(t)
        if share is not None and type_counts.get(t, 0) + 1 > math.ceil(share * max_items):
            continue
        if max_run > 0 and len(recent_types) >= max_run and all(r == t for r in recent_types[-max_run:]):
            continue
        allowed.add(t)
    return allowed


@dataclass(frozen=True)
class ItemChoice:
    """What an exposure method sees: candidate indices, their (exposure-weighted) information, the rng."""

    arrays: BankArrays
    candidates: IntArray
    info: Array
    rng: np.random.Generator
    k: int = 5
    progress: float = 0.0
    sympson_hetter: Mapping[str, float] | None = None


def pick_max_info(c: ItemChoice) -> int:
    """The single most informative item."""
    return int(c.candidates[int(np.argmax(c.info))])


def pick_randomesque(c: ItemChoice) -> int:
    """Uniform among the k most informative items."""
    top = min(max(c.k, 1), c.info.size)
    best = np.argpartition(-c.info, top - 1)[:top] if top < c.info.size else np.arange(c.info.size)
    best = best[np.argsort(-c.info[best], kind="stable")]
    return int(c.candidates[int(best[c.rng.integers(top)])])


def pick_progressive(c: ItemChoice) -> int:
    """argmax (1 − s)·U(0, max I) + s·I with s = progress (Revuelta & Ponsoda)."""
    s = min(max(c.progress, 0.0), 1.0)
    score = (1.0 - s) * c.rng.uniform(0.0, float(c.info.max()), size=c.info.size) + s * c.info
    return int(c.candidates[int(np.argmax(score))])


def pick_sympson_hetter(c: ItemChoice) -> int:
    """Down the information order, accept item i with probability K_i (default 1)."""
    order = np.argsort(-c.info, kind="stable")
    draws = c.rng.random(order.size)
    for j, pos in enumerate(order):
        kval = 1.0 if c.sympson_hetter is None else float(c.sympson_hetter.get(c.arrays.ids[c.candidates[pos]], 1.0))
        if draws[j] <= kval:
            return int(c.candidates[pos])
    return int(c.candidates[int(order[0])])


EXPOSURE_METHODS: dict[str, Callable[[ItemChoice], int]] = {
    "max_info": pick_max_info,
    "randomesque": pick_randomesque,
    "progressive": pick_progressive,
    "sympson_hetter": pick_sympson_hetter,
}


def choose_item(
    arrays: BankArrays,
    candidates: IntArray,
    theta: float,
    rng: np.random.Generator,
    *,
    method: str = "randomesque",
    k: int = 5,
    progress: float = 0.0,
    sympson_hetter: Mapping[str, float] | None = None,
    exposure_factor: Array | None = None,
) -> int | None:
    """Pick one index from `candidates` by information at θ under the exposure method (`EXPOSURE_METHODS`);
    `exposure_factor` (aligned with candidates) multiplies the information when some of it is positive."""
    if candidates.size == 0:
        return None
    pick = EXPOSURE_METHODS.get(method)
    if pick is None:
        raise ValueError(f"unknown exposure method '{method}' (known: {', '.join(EXPOSURE_METHODS)})")
    info = item_information(arrays, candidates, theta)
    if exposure_factor is not None and (exposure_factor > 0).any():
        info = info * exposure_factor
    return pick(ItemChoice(arrays, candidates, info, rng, k, progress, sympson_hetter))
