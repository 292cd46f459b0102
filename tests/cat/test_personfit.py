import numpy as np

from assessor.cat.personfit import FitAnswer, aberrance, chance_z, lz_star
from assessor.cat.scoring import chance_moments
from assessor.testing import synthetic_item


def _answers(pattern, theta=0.0, seconds=20.0):
    """Items from easy (b = −2) to hard (b = +2) at θ = 0; `pattern` gives right/wrong in that order."""
    bs = np.linspace(-2, 2, len(pattern))
    return [FitAnswer("d", 1.5, float(b), 0.0, theta, bool(u), "single_choice", seconds, float(u), 0.25, 0.1875)
            for b, u in zip(bs, pattern, strict=True)]


def test_lz_star_separates_guttman_from_reversed_patterns():
    n = 20
    normal = [1] * 10 + [0] * 10  # easy right, hard wrong
    reversed_ = [0] * 10 + [1] * 10  # easy wrong, hard right
    assert lz_star(_answers(normal)) > 1.0
    assert lz_star(_answers(reversed_)) < -3.0
    assert lz_star(_answers([1])) is None and len(normal) == n


def test_chance_z_and_flags():
    guess = _answers([1, 0, 0, 0] * 5)  # 25 % right = blind guessing on 4 options
    good = _answers([1] * 15 + [0] * 5)
    assert abs(chance_z(guess)) < 0.5 and chance_z(good) > 4
    flag = aberrance(guess)
    assert flag.flagged and "chance" in flag.reasons
    assert not aberrance(_answers([1] * 10 + [0] * 10)).flagged
    fast = aberrance(_answers([1] * 10 + [0] * 10, seconds=1.0))
    assert fast.flagged and fast.reasons == ["fast"]
    assert chance_z(guess[:5]) is None  # too few answers to judge


def test_chance_moments_by_enumeration():
    rng = np.random.default_rng(0)
    single = synthetic_item("cln-0001", "cleaning", 5, "single_choice", rng)
    mean, var = chance_moments(single)
    assert mean == 0.25 and var == 0.25 * 0.75
    tf = synthetic_item("cln-0002", "cleaning", 5, "true_false", rng)
    assert chance_moments(tf) == (0.5, 0.25)
    order = synthetic_item("cln-0003", "cleaning", 5, "ordering", rng)
    assert chance_moments(order)[0] == 1 / 24
    assert chance_moments(synthetic_item("cln-0004", "cleaning", 5, "open_scenario", rng)) is None
