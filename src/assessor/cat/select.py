"""Item selection: which domain next (blueprint content balancing), then which item in it
(maximum information with a type mix, exclusions and exposure control), plus pilot seeding.

Bank parameters are packed once per bank into numpy arrays (`bank_arrays`, cached), so one selection
over a 10,000-item bank is a few vector operations.

Domain choice (a priority index): a domain below its minimum count goes first (largest shortfall);
otherwise, among domains with room, the undecided ones (confidence interval still straddles the cut)
compete on   priority_d = P(misclassified)_d + λ · (share_d · (n + 1) − n_d),
the first term being Φ(−|θ̂_d − cut| / SE_d) and the second the blueprint deficit in items.

Item choice: Fisher information at θ̂_d (or at the cut, `info_point="cut"`), over active items of that
domain not yet given, not seen in recent sessions, and within the type limits (share of the session per
type, no more than `max_type_run` of one type in a row). Exposure control:
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
from collections.abc import Collection, Mapping, Sequence
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


def choose_domain(
    domains: Sequence[str],
    shares: Mapping[str, float],
    counts: Mapping[str, int],
    theta: Mapping[str, float],
    se: Mapping[str, float],
    cut: float,
    *,
    available: Collection[str],
    decided: Collection[str],
    min_per_domain: Mapping[str, int],
    max_per_domain: Mapping[str, int],
    balance_weight: float = 0.1,
    composite_gain: Mapping[str, float] | None = None,
) -> str | None:
    """The next domain by the priority index in the module docstring (None when no domain has room).

    `composite_gain` (optional, ≥ 0 per domain) is added to the priority: the engine passes
    κ · P(readiness misclassified) · (Vw)_d² / max (Vw)², the marginal drop in the composite's variance
    per unit of information in domain d (∂(wᵀVw)/∂τ_d = −(Vw)_d²)."""
    n = sum(counts.get(d, 0) for d in domains)
    room = [d for d in domains if d in available and counts.get(d, 0) < max_per_domain[d]]
    if not room:
        return None
    short = [d for d in room if counts.get(d, 0) < min_per_domain[d]]
    if short:
        return max(short, key=lambda d: (min_per_domain[d] - counts.get(d, 0), shares[d], -domains.index(d)))
    pool = [d for d in room if d not in decided] or room

    def priority(d: str) -> tuple[float, float, int]:
        deficit = shares[d] * (n + 1) - counts.get(d, 0)
        gain = composite_gain.get(d, 0.0) if composite_gain else 0.0
        return (p_misclassified(theta[d], se[d], cut) + balance_weight * deficit + gain, shares[d], -domains.index(d))

    return max(pool, key=priority)


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
    """Pick one index from `candidates` by information at θ under the exposure method (module docstring);
    `exposure_factor` (aligned with candidates) multiplies the information when some of it is positive."""
    if candidates.size == 0:
        return None
    info = item_information(arrays, candidates, theta)
    if exposure_factor is not None and (exposure_factor > 0).any():
        info = info * exposure_factor
    if method == "max_info":
        return int(candidates[int(np.argmax(info))])
    if method == "progressive":
        s = min(max(progress, 0.0), 1.0)
        score = (1.0 - s) * rng.uniform(0.0, float(info.max()), size=info.size) + s * info
        return int(candidates[int(np.argmax(score))])
    if method == "sympson_hetter":
        order = np.argsort(-info, kind="stable")
        draws = rng.random(order.size)
        for j, pos in enumerate(order):
            kval = 1.0 if sympson_hetter is None else float(sympson_hetter.get(arrays.ids[candidates[pos]], 1.0))
            if draws[j] <= kval:
                return int(candidates[pos])
        return int(candidates[int(order[0])])
    # randomesque
    top = min(max(k, 1), info.size)
    best = np.argpartition(-info, top - 1)[:top] if top < info.size else np.arange(info.size)
    best = best[np.argsort(-info[best], kind="stable")]
    return int(candidates[int(best[rng.integers(top)])])
