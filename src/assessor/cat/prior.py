"""The shared-strength prior: a multivariate normal over the role blueprint's domains.

θ ~ N(μ, Σ) with Σ = σ²·((1 − ρ)·I + ρ·11ᵀ): every domain has SD σ and every pair correlation ρ
(default ρ = 0.6, σ = 1). Answers in one domain move the estimate in the others through ρ, so one
short session gives a usable estimate for every domain. μ starts at 0 and can be shifted by placement
(the worker's own description) and by declared years of experience.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from assessor.cat.irt import Array


@dataclass(frozen=True)
class Prior:
    """A multivariate normal prior over `domains` (order matters: it indexes `mean` and `cov`)."""

    domains: tuple[str, ...]
    mean: Array
    cov: Array

    @property
    def precision(self) -> Array:
        return np.asarray(np.linalg.inv(self.cov), dtype=float)

    def to_dict(self) -> dict[str, object]:
        return {"domains": list(self.domains), "mean": self.mean.tolist(), "cov": self.cov.tolist()}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Prior:
        domains = data["domains"]
        assert isinstance(domains, list)
        return cls(tuple(str(d) for d in domains), np.asarray(data["mean"], dtype=float), np.asarray(data["cov"], dtype=float))


def exchangeable_cov(n: int, rho: float = 0.6, sd: float = 1.0) -> Array:
    """Σ = sd²·((1 − ρ)·I + ρ·11ᵀ); needs −1/(n − 1) < ρ < 1 to be positive definite."""
    if n > 1 and not -1.0 / (n - 1) < rho < 1.0:
        raise ValueError(f"correlation {rho} does not give a positive-definite covariance for {n} domains")
    return np.asarray(sd**2 * ((1.0 - rho) * np.eye(n) + rho * np.ones((n, n))), dtype=float)


def experience_shift(years: float | None) -> float:
    """Prior mean shift from declared years of experience: 0.1 per year from −0.3 (none) to +0.5 (8+ years).

    Deliberately modest: a declaration is weak evidence next to a handful of answers.
    """
    if years is None:
        return 0.0
    return float(np.clip(-0.3 + 0.1 * float(years), -0.3, 0.5))


def make_prior(
    domains: Sequence[str],
    *,
    rho: float = 0.6,
    sd: float = 1.0,
    shift: float | Mapping[str, float] | None = None,
) -> Prior:
    """The prior N(μ, Σ) over `domains`: μ = 0 plus `shift` (one number for every domain, or per domain)."""
    mean = np.zeros(len(domains))
    if isinstance(shift, Mapping):
        mean += np.array([float(shift.get(d, 0.0)) for d in domains])
    elif shift is not None:
        mean += float(shift)
    return Prior(tuple(domains), mean, exchangeable_cov(len(domains), rho, sd))
