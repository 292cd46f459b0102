import numpy as np
import pytest

from assessor.cat.prior import Prior, exchangeable_cov, experience_shift, make_prior


def test_exchangeable_cov():
    cov = exchangeable_cov(3, 0.6, 1.0)
    assert np.allclose(np.diag(cov), 1.0)
    assert cov[0, 1] == pytest.approx(0.6)
    with pytest.raises(ValueError):
        exchangeable_cov(3, 1.0)


def test_shift_and_roundtrip():
    prior = make_prior(["a", "b"], shift={"a": 0.5})
    assert prior.mean.tolist() == [0.5, 0.0]
    assert make_prior(["a", "b"], shift=-0.2).mean.tolist() == [-0.2, -0.2]
    again = Prior.from_dict(prior.to_dict())
    assert again.domains == prior.domains and np.array_equal(again.cov, prior.cov)


def test_experience_shift():
    assert experience_shift(None) == 0
    assert experience_shift(0) == pytest.approx(-0.3)
    assert experience_shift(3) == pytest.approx(0.0)
    assert experience_shift(20) == pytest.approx(0.5)
