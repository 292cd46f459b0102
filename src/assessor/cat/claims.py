"""Confidence words a worker or trainer reads, derived from the posterior probability of the claim.

A claim is "reached" (θ_d ≥ cut) when P = P(θ_d ≥ cut | answers) ≥ 0.5, else "not reached"; its
probability is max(P, 1 − P) under the EP posterior N(θ̂, SE²). The word follows the probability:

    probability ≥ VERY_SURE   → "very_sure"   (很有把握 / very sure)
    probability ≥ FAIRLY_SURE → "fairly_sure" (比较有把握 / fairly sure)
    otherwise                 → "not_sure"    (还不太确定 / not sure yet)

The thresholds sit above the targets (very sure ≥ 90 % true, fairly sure ≥ 75 % true) so the claims
hold in simulation (`simulate()` reports `claims`: count and share true per word and direction).
An area with fewer than k answers of its own gets no word (`None`: not measured enough), and an area
whose own answers alone say "not reached" while the shared-strength estimate says "reached" is shown
as not reached, "not_sure" (and the engine asks it more questions first); the word of a "reached"
claim follows the smaller of the shared-strength and the own-answers probability (a strong profile
never makes a weak area "very sure reached").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from scipy.special import ndtr

Label = Literal["very_sure", "fairly_sure", "not_sure"]
Direction = Literal["reached", "not_reached"]
LABELS: tuple[Label, ...] = ("very_sure", "fairly_sure", "not_sure")
VERY_SURE = 0.95
FAIRLY_SURE = 0.8


@dataclass(frozen=True)
class Claim:
    """A decision against a cut: its direction, its posterior probability and the word shown (None: no word)."""

    direction: Direction
    probability: float
    label: Label | None


def p_reached(theta: float, se: float, cut: float) -> float:
    """P(θ ≥ cut) under N(θ̂, SE²): Φ((θ̂ − cut) / SE)."""
    return float(ndtr((theta - cut) / max(se, 1e-9)))


def label_for(probability: float) -> Label:
    """The word for a claim held with `probability` (see the module docstring)."""
    if probability >= VERY_SURE:
        return "very_sure"
    if probability >= FAIRLY_SURE:
        return "fairly_sure"
    return "not_sure"


def claim(p: float, *, measured_enough: bool = True, p_own: float | None = None) -> Claim:
    """The claim for P(θ ≥ cut) = p; no word when not measured enough. When the area's own answers alone
    contradict a "reached" estimate (`own_contradicts(p, p_own)`), the claim follows the own answers:
    "not reached" with probability 1 − p_own and the word "not_sure" at most. A "reached" claim's word
    needs the own answers to be as sure: it follows min(p, p_own)."""
    if p_own is not None and own_contradicts(p, p_own):
        own_prob = 1.0 - p_own
        return Claim("not_reached", own_prob, "not_sure" if measured_enough else None)
    direction: Direction = "reached" if p >= 0.5 else "not_reached"
    prob = p if p >= 0.5 else 1.0 - p
    if not measured_enough:
        return Claim(direction, prob, None)
    if direction == "reached" and p_own is not None:
        return Claim(direction, prob, label_for(min(prob, p_own)))
    return Claim(direction, prob, label_for(prob))


def own_contradicts(p_joint: float, p_own: float) -> bool:
    """The shared-strength estimate says reached (P ≥ 0.5) but the area's own answers alone say not
    (P_own < 0.5, estimate.own_posteriors): the area cannot be claimed as reached with confidence."""
    return p_joint >= 0.5 and p_own < 0.5
