"""Stopping rules: per-domain classification against the cut score that counts each area's own
evidence, SE thresholds, minimum/maximum items per domain and in total, a time budget, and the
expected remaining length shown to the worker.

Area rule (`area_done`, used by the engine): an area is done when it is full (its maximum items), or it
has at least k answers of its own, its claim probability max(P, 1 − P), P = Φ((θ̂ − cut)/SE), reaches
`p_area`, and its own answers alone do not contradict a "reached" estimate (claims.own_contradicts). The session
stops "decided" after `min_items` when every area with items left has k own answers, the readiness
claim (composite) reaches `p_overall`, and either every area is done or the mean area claim
probability reaches `accuracy_target` (the expected share of areas classified right). It stops
"close_call" (engine) when, with k own answers everywhere, the undecided claims could not be settled
within the items left (`items_to_decide` > max_items − n): the worker is close to the line.

The first version's rule follows (kept for `satisfied_domains` / `stop_reason`):

A domain is *decided* when its confidence interval θ̂ ± z·SE lies wholly on one side of the cut
(z = 1.645: a 90 % two-sided interval, i.e. 95 % one-sided confidence in the decision). A domain is
*satisfied* when it has its minimum number of items and is decided, or precise (SE < se_target), or
full (maximum items). The session stops, first rule that applies:

1. `max_items` answered (default 30, pilot items included, so a session never exceeds it);
2. the time budget is spent (sum of answer times) — "time";
3. no eligible item is left;
4. at least `min_items` answered, every domain satisfied and the overall readiness decided
   (its composite interval θ̄ ± z·SE̅ excludes the cut) — "decided";
5. every domain has SE < se_target — "precision".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from scipy.special import ndtr, ndtri


def decided(theta: float, se: float, cut: float, z: float) -> bool:
    """True when θ̂ − z·SE ≥ cut or θ̂ + z·SE < cut."""
    return theta - z * se >= cut or theta + z * se < cut


def per_domain_limits(shares: Mapping[str, float], max_items: int, min_per_domain: int, factor: float) -> dict[str, int]:
    """Maximum items per domain: ⌈factor · share · max_items⌉, at least min_per_domain + 1."""
    return {d: max(min_per_domain + 1, math.ceil(factor * s * max_items)) for d, s in shares.items()}


def satisfied_domains(
    domains: Sequence[str],
    counts: Mapping[str, int],
    theta: Mapping[str, float],
    se: Mapping[str, float],
    cut: float,
    *,
    z: float,
    se_target: float,
    min_per_domain: Mapping[str, int],
    max_per_domain: Mapping[str, int],
) -> set[str]:
    """Domains that need no more items (see the module docstring)."""
    out = set()
    for d in domains:
        n = counts.get(d, 0)
        if n >= max_per_domain[d] or n >= min_per_domain[d] and (decided(theta[d], se[d], cut, z) or se[d] < se_target):
            out.add(d)
    return out


def area_done(n_own: int, n_max: int, p: float, *, k: int, p_area: float, contradicts: bool) -> bool:
    """Area rule in the module docstring: full, or ≥ k own answers, max(p, 1 − p) ≥ p_area, no contradiction."""
    if n_own >= n_max:
        return True
    return n_own >= k and max(p, 1.0 - p) >= p_area and not (contradicts and p >= 0.5)


def items_to_decide(delta: float, se: float, p_target: float, info_per_item: float) -> float:
    """Items of information `info_per_item` until |δ| / SE' reaches z = Φ⁻¹(p_target), if θ̂ stays put:
    SE'⁻² = SE⁻² + m·I  ⇒  m = (z²/δ² − SE⁻²) / I (0 when already there, ∞ at δ = 0)."""
    z = float(ndtri(p_target))
    if abs(delta) < 1e-9:
        return math.inf
    need = (z * z / (delta * delta) - 1.0 / max(se, 1e-9) ** 2) / max(info_per_item, 1e-9)
    return max(0.0, need)


def expected_remaining(
    *,
    n_total: int,
    min_items: int,
    max_items: int,
    own: Mapping[str, int],
    max_per_area: Mapping[str, int],
    k: Mapping[str, int],
    delta: Mapping[str, float],
    se: Mapping[str, float],
    done: Mapping[str, bool],
    composite_delta: float,
    composite_se: float,
    p_area: float,
    p_overall: float,
    info_per_item: float,
    composite_info_per_item: float,
) -> int:
    """Expected items still to come under the stop rule, from the posterior: for each area not done, the
    larger of its missing own answers and `items_to_decide` (capped at its room); for the readiness claim,
    `items_to_decide` on the composite (with its own precision gain per item); the total
    is the larger of the two sums, at least up to `min_items`, at most up to `max_items`."""
    areas = 0.0
    for d, n in own.items():
        if done.get(d, False):
            continue
        room = max(max_per_area[d] - n, 0)
        need = max(k[d] - n, items_to_decide(delta[d], se[d], p_area, info_per_item))
        areas += min(need, room)
    comp = items_to_decide(composite_delta, composite_se, p_overall, composite_info_per_item)
    total = max(areas, min(comp, max_items - n_total), min_items - n_total, 0.0)
    return int(min(math.ceil(total), max(max_items - n_total, 0)))


def continuation_gain(
    delta: Sequence[float], se: Sequence[float], composite_delta: float, composite_se: float, m: int, *,
    area_gain_per_item: float, composite_gain_per_item: float, readiness_weight: float = 1.0,
) -> float:
    """Expected drop in misclassification from m more items: `readiness_weight` × that of the readiness
    claim (composite) plus the mean over areas, each posterior N(δ, s²) narrowing to precision s⁻² + m·g (g per item: the composite's,
    or an area's share) and the preposterior error E Φ(−|δ'|/s') of select.expected_error_after."""
    from assessor.cat.select import expected_error_after

    d = np.asarray(delta, dtype=float)
    s = np.asarray(se, dtype=float)
    s_next = 1.0 / np.sqrt(1.0 / s**2 + m * area_gain_per_item)
    area = float(np.mean(ndtr(-np.abs(d) / s) - expected_error_after(d, s, s_next)))
    cs = np.array(composite_se)
    cs_next = 1.0 / np.sqrt(1.0 / cs**2 + m * composite_gain_per_item)
    cd = np.array(composite_delta)
    comp = float(ndtr(-abs(composite_delta) / composite_se) - expected_error_after(cd, cs, cs_next))
    return area + readiness_weight * comp


def worth_continuing(
    delta: Sequence[float], se: Sequence[float], composite_delta: float, composite_se: float, items_left: int, *,
    area_gain_per_item: float, composite_gain_per_item: float, min_gain_per_item: float,
    readiness_weight: float = 1.0, horizons: Sequence[int] = (3, 6, 12),
) -> bool:
    """True when, for some horizon m ≤ items_left, `continuation_gain` / m ≥ `min_gain_per_item`: more
    items are still expected to change enough decisions to be worth the worker's time."""
    for m in sorted({min(h, items_left) for h in (*horizons, items_left) if items_left > 0}):
        gain = continuation_gain(delta, se, composite_delta, composite_se, m, area_gain_per_item=area_gain_per_item,
                                 composite_gain_per_item=composite_gain_per_item, readiness_weight=readiness_weight)
        if gain / m >= min_gain_per_item:
            return True
    return False


def stop_reason(
    *,
    n_total: int,
    max_items: int,
    min_items: int,
    elapsed_seconds: float,
    time_budget_seconds: float | None,
    items_left: bool,
    all_satisfied: bool,
    composite_decided: bool,
    all_precise: bool,
) -> str | None:
    """The first stopping rule that applies ("max_items", "time", "bank_exhausted", "decided",
    "precision"), or None to go on."""
    if n_total >= max_items:
        return "max_items"
    if time_budget_seconds is not None and elapsed_seconds >= time_budget_seconds:
        return "time"
    if not items_left:
        return "bank_exhausted"
    if n_total >= min_items and all_satisfied and composite_decided:
        return "decided"
    if n_total >= min_items and all_precise:
        return "precision"
    return None


#: Stop reason codes of older saved sessions → today's codes.
LEGACY_CODES = {"classified": "decided", "time_budget": "time", "ended_by_worker": "worker_stopped"}
STOP_CODES = ("decided", "close_call", "precision", "max_items", "time", "bank_exhausted", "worker_stopped")


def reason_code(reason: str | None) -> str | None:
    """A stop reason in today's codes (`STOP_CODES`), old saved codes mapped."""
    return None if reason is None else LEGACY_CODES.get(reason, reason)
