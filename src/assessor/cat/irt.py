"""Pure IRT functions (numpy, vectorised; θ, a, b, c broadcast against each other).

Dichotomous items use the 3PL model (2PL with c = 0, 1PL with a = 1 as well); partial-credit items
(open_scenario, multiple_choice scored 0/1/2) use the generalised partial credit model (GPCM) with step
offsets `d_v` around the location b (step difficulty δ_v = b + d_v).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike

#: Step spacing (θ units) used when an item carries no `steps`: offsets (v − (m+1)/2)·0.6, summing to 0.
DEFAULT_STEP_SPACING = 0.6
_EPS = 1e-12


def p3pl(theta: ArrayLike, a: ArrayLike, b: ArrayLike, c: ArrayLike = 0.0) -> Array:
    """P(correct | θ) = c + (1 − c) / (1 + exp(−a(θ − b)))."""
    theta_, a_, b_, c_ = (np.asarray(x, dtype=float) for x in (theta, a, b, c))
    return c_ + (1.0 - c_) / (1.0 + np.exp(-a_ * (theta_ - b_)))


def info3pl(theta: ArrayLike, a: ArrayLike, b: ArrayLike, c: ArrayLike = 0.0) -> Array:
    """Fisher information I(θ) = a² · (P − c)² / (1 − c)² · (1 − P) / P (Birnbaum); 2PL: a²·P·(1 − P)."""
    a_, c_ = np.asarray(a, dtype=float), np.asarray(c, dtype=float)
    p = p3pl(theta, a_, b, c_)
    return a_**2 * ((p - c_) ** 2 / (1.0 - c_) ** 2) * (1.0 - p) / np.maximum(p, _EPS)


def default_steps(m: int, spacing: float = DEFAULT_STEP_SPACING) -> list[float]:
    """Step offsets for an item with m score categories above zero: d_v = (v − (m+1)/2)·spacing, v = 1..m.

    They sum to zero, so at θ = b the expected score is exactly m/2 (b is the item's half-credit point).
    """
    return [round((v - (m + 1) / 2.0) * spacing, 6) for v in range(1, m + 1)]


def gpcm_probs(theta: ArrayLike, a: float, b: float, steps: ArrayLike) -> Array:
    """GPCM category probabilities, shape (..., m + 1) for categories k = 0..m:

    P_k(θ) = exp(Σ_{v=1..k} a(θ − b − d_v)) / Σ_{h=0..m} exp(Σ_{v=1..h} a(θ − b − d_v)), the empty sum being 0.
    """
    theta_ = np.asarray(theta, dtype=float)[..., None]
    d = np.asarray(steps, dtype=float)
    z = a * (theta_ - b - d)  # (..., m)
    cum = np.concatenate([np.zeros((*z.shape[:-1], 1)), np.cumsum(z, axis=-1)], axis=-1)
    cum -= cum.max(axis=-1, keepdims=True)
    e = np.exp(cum)
    return np.asarray(e / e.sum(axis=-1, keepdims=True), dtype=float)


def gpcm_info(theta: ArrayLike, a: float, b: float, steps: ArrayLike) -> Array:
    """GPCM information I(θ) = a² · Var(k | θ) = a² · (Σ k² P_k − (Σ k P_k)²)."""
    p = gpcm_probs(theta, a, b, steps)
    k = np.arange(p.shape[-1], dtype=float)
    mean = (p * k).sum(axis=-1)
    return np.asarray(a**2 * ((p * k**2).sum(axis=-1) - mean**2), dtype=float)


def gpcm_probs_many(theta: ArrayLike, a: Array, b: Array, steps: Array, n_cat: npt.NDArray[np.int64]) -> Array:
    """GPCM probabilities for many items at one θ each (vectorised over items).

    `steps` is padded to shape (n, M) with unused steps ignored; `n_cat` holds each item's m. Returns
    shape (n, M + 1), probability 0 for categories above an item's m. Same formula as `gpcm_probs`.
    """
    theta_ = np.asarray(theta, dtype=float)
    n, width = steps.shape
    z = a[:, None] * (theta_.reshape(-1, 1) - b[:, None] - steps)  # (n, M)
    valid = np.arange(width)[None, :] < n_cat[:, None]
    z = np.where(valid, z, 0.0)
    cum = np.concatenate([np.zeros((n, 1)), np.cumsum(z, axis=1)], axis=1)
    allowed = np.concatenate([np.ones((n, 1), dtype=bool), valid], axis=1)
    cum = np.where(allowed, cum, -np.inf)
    cum -= cum.max(axis=1, keepdims=True)
    e = np.exp(cum)
    return np.asarray(e / e.sum(axis=1, keepdims=True), dtype=float)


def gpcm_info_many(theta: ArrayLike, a: Array, b: Array, steps: Array, n_cat: npt.NDArray[np.int64]) -> Array:
    """GPCM information a² · Var(k | θ) for many items (see `gpcm_probs_many`)."""
    p = gpcm_probs_many(theta, a, b, steps, n_cat)
    k = np.arange(p.shape[1], dtype=float)
    mean = p @ k
    return np.asarray(a**2 * (p @ k**2 - mean**2), dtype=float)


def log_lik_3pl(grid: Array, a: float, b: float, c: float, u: int) -> Array:
    """log L(θ) on a grid for one dichotomous answer u ∈ {0, 1}: u·log P + (1 − u)·log(1 − P)."""
    p = np.clip(p3pl(grid, a, b, c), _EPS, 1 - _EPS)
    return np.asarray(np.log(p) if u else np.log1p(-p), dtype=float)


def log_lik_gpcm(grid: Array, a: float, b: float, steps: ArrayLike, k: int) -> Array:
    """log L(θ) on a grid for one partial-credit answer in category k: log P_k(θ)."""
    p = gpcm_probs(grid, a, b, steps)[..., k]
    return np.asarray(np.log(np.maximum(p, _EPS)), dtype=float)
