"""Differential item functioning between two language groups: the Mantel–Haenszel procedure.

Persons are matched on their ability estimate (in an adaptive test every person sees different items, so
θ̂ replaces the total score, as in CAT DIF studies), cut into strata of width `stratum_width`. In
stratum k, with A/B the reference group's right/wrong counts on the item and C/D the focal group's
(N = A + B + C + D):

    α_MH = Σ_k A_k D_k / N_k  /  Σ_k B_k C_k / N_k              (common odds ratio)
    Δ_MH = −2.35 · ln α_MH                                      (ETS delta; negative: harder for the focal group)
    χ²_MH = (|Σ A_k − Σ E A_k| − ½)² / Σ Var A_k,  E A_k = n_Rk m_1k / N_k,
            Var A_k = n_Rk n_Fk m_1k m_0k / (N_k² (N_k − 1))

ETS classes: "A" (negligible) when |Δ| < 1 or χ² < 3.84; "C" (large) when |Δ| ≥ 1.5 and χ² ≥ 3.84;
"B" (moderate) otherwise. Items with fewer than `min_per_group` answers in either group are not tested.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import chi2 as chi2_dist


@dataclass(frozen=True)
class DifAnswer:
    """One answer: the item, the person's group (e.g. 'zh'/'en'), their ability estimate and right or not."""

    item_id: str
    group: str
    theta: float
    correct: bool


@dataclass(frozen=True)
class DifResult:
    item_id: str
    n_reference: int
    n_focal: int
    alpha: float
    delta: float
    chi2: float
    p_value: float
    ets_class: str

    def to_dict(self) -> dict[str, object]:
        return {
            "item": self.item_id, "n_reference": self.n_reference, "n_focal": self.n_focal,
            "alpha": round(self.alpha, 4), "delta": round(self.delta, 3), "chi2": round(self.chi2, 3),
            "p": round(self.p_value, 4), "class": self.ets_class,
        }


def ets_class(delta: float, chi2: float) -> str:
    """ETS A/B/C from Δ_MH and χ²_MH (module docstring)."""
    if abs(delta) < 1.0 or chi2 < 3.84:
        return "A"
    return "C" if abs(delta) >= 1.5 else "B"


def mantel_haenszel(
    answers: Sequence[DifAnswer], *, reference: str = "zh", focal: str = "en", stratum_width: float = 0.5,
    min_per_group: int = 30,
) -> list[DifResult]:
    """Δ_MH, χ²_MH and the ETS class per item with enough answers in both groups (module docstring)."""
    if stratum_width <= 0:
        raise ValueError("stratum_width must be positive")
    tables: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))
    for a in answers:
        if a.group not in (reference, focal):
            continue
        cell = tables[a.item_id][math.floor(a.theta / stratum_width)]
        cell[(0 if a.group == reference else 2) + (0 if a.correct else 1)] += 1
    out: list[DifResult] = []
    for item_id in sorted(tables):
        strata = tables[item_id].values()
        n_ref = sum(s[0] + s[1] for s in strata)
        n_foc = sum(s[2] + s[3] for s in strata)
        if n_ref < min_per_group or n_foc < min_per_group:
            continue
        num = den = sum_a = sum_e = sum_v = 0.0
        for a_, b_, c_, d_ in strata:
            n = a_ + b_ + c_ + d_
            if n < 2 or a_ + b_ == 0 or c_ + d_ == 0:
                continue
            num += a_ * d_ / n
            den += b_ * c_ / n
            n_r, n_f, m1, m0 = a_ + b_, c_ + d_, a_ + c_, b_ + d_
            sum_a += a_
            sum_e += n_r * m1 / n
            sum_v += n_r * n_f * m1 * m0 / (n * n * (n - 1))
        # an empty cell makes α 0 or ∞: clamp to [1e-6, 1e6] (|Δ| ≤ 32.5) so reports stay finite
        alpha = min(max(num, 1e-12) / max(den, 1e-12), 1e6) if num or den else 1.0
        alpha = max(alpha, 1e-6)
        delta = -2.35 * math.log(alpha)
        chi2 = (max(abs(sum_a - sum_e) - 0.5, 0.0)) ** 2 / sum_v if sum_v > 0 else 0.0
        p = float(chi2_dist.sf(chi2, 1))
        out.append(DifResult(item_id, n_ref, n_foc, alpha, delta, chi2, p, ets_class(delta, chi2)))
    return out
