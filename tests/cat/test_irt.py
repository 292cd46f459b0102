import math

import numpy as np
import pytest

from assessor.cat.irt import (
    default_steps,
    gpcm_info,
    gpcm_info_many,
    gpcm_probs,
    gpcm_probs_many,
    info3pl,
    log_lik_3pl,
    p3pl,
)


def test_p3pl_hand_values():
    assert p3pl(0.0, 1.0, 0.0) == pytest.approx(0.5)
    assert p3pl(1.0, 1.5, 0.0, 0.2) == pytest.approx(0.2 + 0.8 / (1 + math.exp(-1.5)))
    assert p3pl(-10, 2.0, 0.0, 0.25) == pytest.approx(0.25, abs=1e-6)


def test_info_2pl_at_b_is_a_squared_over_four():
    assert info3pl(0.3, 1.6, 0.3) == pytest.approx(1.6**2 / 4)


def test_info_3pl_matches_formula():
    a, b, c, t = 1.3, 0.4, 0.2, -0.1
    p = c + (1 - c) / (1 + math.exp(-a * (t - b)))
    expected = a**2 * ((p - c) / (1 - c)) ** 2 * (1 - p) / p
    assert info3pl(t, a, b, c) == pytest.approx(expected)


def test_gpcm_one_step_is_2pl():
    t = np.linspace(-3, 3, 7)
    probs = gpcm_probs(t, 1.4, 0.5, [0.0])
    assert np.allclose(probs[:, 1], p3pl(t, 1.4, 0.5))
    assert np.allclose(gpcm_info(t, 1.4, 0.5, [0.0]), info3pl(t, 1.4, 0.5))


def test_gpcm_hand_values_and_info_is_derivative_of_expected_score():
    # a=1, b=0, steps (-1, 1) at θ=0: numerators 1, e^1, e^(1-1)=1
    p = gpcm_probs(0.0, 1.0, 0.0, [-1.0, 1.0])
    z = 1 + math.e + 1
    assert np.allclose(p, [1 / z, math.e / z, 1 / z])
    a, b, steps, h = 1.3, 0.2, [-0.6, 0.1, 0.7], 1e-5
    k = np.arange(4)
    e_plus = gpcm_probs(0.4 + h, a, b, steps) @ k
    e_minus = gpcm_probs(0.4 - h, a, b, steps) @ k
    # dE[k]/dθ = a·Var(k), so information a²·Var(k) = a·dE/dθ
    assert gpcm_info(0.4, a, b, steps) == pytest.approx(a * (e_plus - e_minus) / (2 * h), rel=1e-6)


def test_default_steps_centre_on_b():
    assert default_steps(2) == [-0.3, 0.3]
    steps = default_steps(4)
    assert sum(steps) == pytest.approx(0)
    p = gpcm_probs(0.7, 1.2, 0.7, steps)
    assert p @ np.arange(5) == pytest.approx(2.0)


def test_vectorised_gpcm_matches_single():
    a = np.array([1.0, 1.5, 0.9])
    b = np.array([0.0, -0.5, 1.0])
    steps = np.array([[-0.3, 0.3, 0.0, 0.0], [-0.9, -0.3, 0.3, 0.9], [-0.5, 0.5, 0.0, 0.0]])
    n_cat = np.array([2, 4, 2])
    many = gpcm_probs_many(0.2, a, b, steps, n_cat)
    info = gpcm_info_many(0.2, a, b, steps, n_cat)
    for i in range(3):
        single = gpcm_probs(0.2, a[i], b[i], steps[i, : n_cat[i]])
        assert np.allclose(many[i, : n_cat[i] + 1], single)
        assert np.allclose(many[i, n_cat[i] + 1 :], 0)
        assert info[i] == pytest.approx(gpcm_info(0.2, a[i], b[i], steps[i, : n_cat[i]]))


def test_log_lik():
    grid = np.array([0.0])
    assert log_lik_3pl(grid, 1.0, 0.0, 0.0, 1)[0] == pytest.approx(math.log(0.5))
    assert log_lik_3pl(grid, 1.0, 0.0, 0.0, 0)[0] == pytest.approx(math.log(0.5))
