import numpy as np
import pytest

from assessor.cat.estimate import GRID, Observation, estimate
from assessor.cat.irt import log_lik_3pl, p3pl
from assessor.cat.prior import make_prior


def test_no_data_returns_prior():
    prior = make_prior(["a", "b"], shift=0.3)
    est = estimate(prior, [])
    assert np.allclose(est.theta, 0.3) and np.allclose(est.se, 1.0)


def test_single_domain_equals_exact_grid_eap():
    prior = make_prior(["a"])
    obs = [Observation("a", 1.2, 0.0, 0.2, 1), Observation("a", 1.5, 0.5, 0.2, 0), Observation("a", 0.9, -1, 0.0, 1)]
    est = estimate(prior, obs)
    logpost = -(GRID**2) / 2 + sum(log_lik_3pl(GRID, o.a, o.b, o.c, o.k) for o in obs)
    w = np.exp(logpost - logpost.max())
    w /= w.sum()
    mean = w @ GRID
    assert est.theta[0] == pytest.approx(mean, abs=1e-4)
    assert est.se[0] == pytest.approx(np.sqrt(w @ (GRID - mean) ** 2), abs=1e-4)


def test_strength_is_shared_across_domains():
    prior = make_prior(["a", "b", "c"], rho=0.6)
    obs = [Observation("a", 1.5, b, 0.0, 1) for b in (0.0, 0.5, 1.0, 1.5)]
    est = estimate(prior, obs)
    assert est.theta[0] > est.theta[1] > 0.2
    assert est.se[1] < 1.0
    independent = estimate(make_prior(["a", "b", "c"], rho=0.0), obs)
    assert independent.theta[1] == pytest.approx(0.0, abs=1e-6)


def test_recovers_theta():
    rng = np.random.default_rng(0)
    prior = make_prior(["a", "b"], rho=0.3)
    true = np.array([1.0, -0.8])
    obs = []
    for j, d in enumerate(["a", "b"]):
        for _ in range(60):
            a, b = rng.uniform(1.0, 2.0), rng.normal(true[j], 0.8)
            obs.append(Observation(d, a, b, 0.0, int(rng.random() < p3pl(true[j], a, b))))
    est = estimate(prior, obs)
    assert np.all(np.abs(est.theta - true) < 3 * est.se)
    assert np.all(est.se < 0.3)


def test_polytomous_observation():
    prior = make_prior(["a"])
    high = estimate(prior, [Observation("a", 1.2, 0.0, 0.0, 4, (-0.9, -0.3, 0.3, 0.9))])
    low = estimate(prior, [Observation("a", 1.2, 0.0, 0.0, 0, (-0.9, -0.3, 0.3, 0.9))])
    assert high.theta[0] > 0.5 > -0.5 > low.theta[0]


def test_composite():
    prior = make_prior(["a", "b"], rho=0.0)
    est = estimate(prior, [])
    theta, se = est.composite(np.array([1.0, 1.0]))
    assert theta == pytest.approx(0.0)
    assert se == pytest.approx(np.sqrt(0.5))


def test_ep_is_close_to_the_exact_two_domain_posterior():
    rng = np.random.default_rng(4)
    prior = make_prior(["a", "b"], rho=0.6)
    obs = [Observation(d, float(rng.uniform(0.8, 2)), float(rng.normal()), 0.2, int(rng.random() < 0.6))
           for d in ["a"] * 6 + ["b"] * 3]
    est = estimate(prior, obs)
    g1, g2 = np.meshgrid(GRID, GRID, indexing="ij")
    prec = np.linalg.inv(prior.cov)
    logp = -0.5 * (prec[0, 0] * g1**2 + 2 * prec[0, 1] * g1 * g2 + prec[1, 1] * g2**2)
    for o in obs:
        logp += log_lik_3pl(g1 if o.domain == "a" else g2, o.a, o.b, o.c, o.k)
    w = np.exp(logp - logp.max())
    w /= w.sum()
    exact = np.array([(w * g1).sum(), (w * g2).sum()])
    exact_sd = np.sqrt([(w * (g1 - exact[0]) ** 2).sum(), (w * (g2 - exact[1]) ** 2).sum()])
    assert np.allclose(est.theta, exact, atol=0.03)
    assert np.allclose(est.se, exact_sd, atol=0.03)
