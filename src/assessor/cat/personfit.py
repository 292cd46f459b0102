"""Aberrant responses: person fit (lz*) and answer times, turned into a flag with reasons.

lz* (Snijders 2001) for dichotomous answers u_i with model probabilities P_i at the estimated θ of
the item's domain: with w_i = log(P_i / (1 − P_i)), r_i = P_i' / (P_i (1 − P_i)) and, per domain,
c = Σ P_i' w_i / Σ P_i' r_i, the corrected weights w̃_i = w_i − c·r_i give

    lz* = Σ (u_i − P_i) w̃_i / √(Σ w̃_i² P_i (1 − P_i)),

approximately N(0, 1) for answers that fit the model even though θ was estimated from them; large
negative values mean the pattern is unlikely (e.g. guessing, slips on easy items).
Partial-credit answers enter as their full-credit indicator on a 2PL with the item's a and b.

Flags (`aberrance`): "misfit" when lz* < LZ_CUT; "chance" when the score on tap items is not above
what blind guessing gives: z = (Σ s_i − Σ g_i) / √(Σ v_i) < CHANCE_Z, with s_i the score (k/m) and g_i,
v_i its mean and variance under a blind guess (scoring.chance_moments); "fast" when the median answer
time is under FAST_MEDIAN seconds or FAST_SHARE of the answers took under FAST_SECONDS.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

LZ_CUT = -2.0
CHANCE_Z = 0.5
MIN_CHANCE_ITEMS = 8
FAST_SECONDS = 3.0
FAST_MEDIAN = 4.0
FAST_SHARE = 0.5
MIN_ANSWERS = 8


@dataclass(frozen=True)
class FitAnswer:
    """One scored answer for person fit: its domain, the 3PL parameters used, θ̂ of the domain, right or not."""

    domain: str
    a: float
    b: float
    c: float
    theta: float
    correct: bool
    type: str = "single_choice"
    seconds: float | None = None
    score: float | None = None
    chance_mean: float | None = None
    chance_var: float | None = None


@dataclass(frozen=True)
class Aberrance:
    flagged: bool
    reasons: list[str] = field(default_factory=list)
    lz_star: float | None = None
    chance_z: float | None = None
    fast_share: float = 0.0
    median_seconds: float | None = None


def lz_star(answers: Sequence[FitAnswer]) -> float | None:
    """Snijders' lz* over the answers (module docstring); None with fewer than 2 answers or no variance."""
    if len(answers) < 2:
        return None
    a = np.array([x.a for x in answers])
    b = np.array([x.b for x in answers])
    c = np.array([x.c for x in answers])
    th = np.array([x.theta for x in answers])
    u = np.array([1.0 if x.correct else 0.0 for x in answers])
    s = 1.0 / (1.0 + np.exp(-a * (th - b)))
    p = np.clip(c + (1 - c) * s, 1e-6, 1 - 1e-6)
    dp = (1 - c) * a * s * (1 - s)
    w = np.log(p / (1 - p))
    r = dp / (p * (1 - p))
    wt = w.copy()
    doms = np.array([x.domain for x in answers])
    for d in set(doms.tolist()):
        m = doms == d
        denom = float((dp[m] * r[m]).sum())
        if denom > 1e-12:
            wt[m] = w[m] - float((dp[m] * w[m]).sum()) / denom * r[m]
    var = float((wt**2 * p * (1 - p)).sum())
    if var <= 1e-12:
        return None
    return float(((u - p) * wt).sum() / math.sqrt(var))


def chance_z(answers: Sequence[FitAnswer]) -> float | None:
    """z of the score on tap items against blind guessing: (Σ s_i − Σ g_i) / √(Σ v_i) (module docstring).
    None with fewer than MIN_CHANCE_ITEMS answers that carry guessing moments."""
    tap = [x for x in answers if x.chance_mean is not None and x.chance_var is not None]
    if len(tap) < MIN_CHANCE_ITEMS:
        return None
    score = sum(x.score if x.score is not None else float(x.correct) for x in tap)
    mean = sum(float(x.chance_mean or 0.0) for x in tap)
    var = sum(float(x.chance_var or 0.0) for x in tap)
    if var <= 1e-12:
        return None
    return float((score - mean) / math.sqrt(var))


def aberrance(answers: Sequence[FitAnswer]) -> Aberrance:
    """The flag and its reasons (module docstring); nothing is flagged below MIN_ANSWERS answers except speed."""
    secs = [x.seconds for x in answers if x.seconds is not None]
    fast = sum(1 for t in secs if t < FAST_SECONDS) / len(secs) if secs else 0.0
    median = float(np.median(secs)) if secs else None
    reasons: list[str] = []
    if len(secs) >= 3 and (fast >= FAST_SHARE or (median is not None and median < FAST_MEDIAN)):
        reasons.append("fast")
    lz = lz_star(answers)
    cz = chance_z(answers)
    if len(answers) >= MIN_ANSWERS:
        if lz is not None and lz < LZ_CUT:
            reasons.append("misfit")
        if cz is not None and cz < CHANCE_Z:
            reasons.append("chance")
    return Aberrance(bool(reasons), reasons, lz, cz, fast, median)
