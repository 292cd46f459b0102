"""Stopping rules: per-domain classification against the cut score with a confidence-interval rule,
SE thresholds, minimum/maximum items per domain and in total, and a time budget.

A domain is *decided* when its confidence interval θ̂ ± z·SE lies wholly on one side of the cut
(z = 1.645: a 90 % two-sided interval, i.e. 95 % one-sided confidence in the decision). A domain is
*satisfied* when it has its minimum number of items and is decided, or precise (SE < se_target), or
full (maximum items). The session stops, first rule that applies:

1. `max_items` answered (default 30, pilot items included, so a session never exceeds it);
2. the time budget is spent (sum of answer times);
3. no eligible item is left;
4. at least `min_items` answered, every domain satisfied and the overall readiness decided
   (its composite interval θ̄ ± z·SE̅ excludes the cut) — "classified";
5. every domain has SE < se_target — "precision".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


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
    """The first stopping rule that applies ("max_items", "time_budget", "bank_exhausted", "classified",
    "precision"), or None to go on."""
    if n_total >= max_items:
        return "max_items"
    if time_budget_seconds is not None and elapsed_seconds >= time_budget_seconds:
        return "time_budget"
    if not items_left:
        return "bank_exhausted"
    if n_total >= min_items and all_satisfied and composite_decided:
        return "classified"
    if n_total >= min_items and all_precise:
        return "precision"
    return None
