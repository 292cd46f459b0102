import numpy as np

from assessor.bank.write import rewrite_irt_lines
from assessor.cat.calibrate import (
    ItemEstimate,
    ItemSpec,
    calibrate,
    recovery_study,
    response_matrix,
)


def test_recovers_b_at_500():
    out = recovery_study(500, seed=3)
    assert out["r_b"] > 0.9
    assert out["r_b"] > out["r_b_prior"]
    assert out["r_a"] > 0.5


def test_sparse_items_keep_their_priors():
    rng = np.random.default_rng(0)
    X = (rng.random((3, 300)) < 0.6).astype(float)
    X[2, 20:] = np.nan  # only 20 answers
    specs = [ItemSpec("x1", 1.2, 0.0, 0.2), ItemSpec("x2", 1.0, 1.0), ItemSpec("x3", 1.3, 0.5, 0.2)]
    result = calibrate(X, specs, min_responses=50)
    by_id = {e.item_id: e for e in result.items}
    assert by_id["x3"].a == 1.3 and by_id["x3"].b == 0.5 and not by_id["x3"].calibrated
    assert by_id["x2"].calibrated and by_id["x2"].b < 0.5  # 60 % right: easier than its prior said
    assert result.converged


def test_response_matrix():
    X, persons = response_matrix([("s1:a", "i1", 1), ("s1:a", "i2", 0), ("s2:a", "i2", 2), ("s2:a", "zz", 1)], ["i1", "i2"])
    assert persons == ["s1:a", "s2:a"]
    assert X[0, 0] == 1 and np.isnan(X[0, 1]) and X[1, 1] == 2


YAML = """items:
  - id: saf-0001
    domain: safety_first_aid
    irt: {a: 1.6, b: -1.2, c: 0.15, source: prior}
    tags: [gas]
  - id: saf-0002
    irt:
      a: 1.2
      b: -1.5
      c: 0.3
    tags: [burns]
  - id: saf-0003
    irt: {a: 1.5, b: 0.0, c: 0.05, source: prior}
"""


def test_rewrite_only_the_irt_lines():
    upd = {
        "saf-0001": ItemEstimate("saf-0001", 80, True, 1.6, -1.2, 1.4, -0.9, 0.15),
        "saf-0002": ItemEstimate("saf-0002", 80, True, 1.2, -1.5, 1.1, -1.0, 0.3),
        "saf-0003": ItemEstimate("saf-0003", 80, True, 1.5, 0.0, 1.7, 0.2, 0.0, (-0.25, 0.25)),
    }
    new, done = rewrite_irt_lines(YAML, upd)
    assert done == ["saf-0001", "saf-0002", "saf-0003"]
    lines = new.splitlines()
    assert lines[3] == "    irt: {a: 1.400, b: -0.900, c: 0.15, source: calibrated}"
    assert lines[6] == "    irt: {a: 1.100, b: -1.000, c: 0.3, source: calibrated}"
    assert lines[7] == "    tags: [burns]"
    assert lines[-1] == "    irt: {a: 1.700, b: 0.200, c: 0, steps: [-0.250, 0.250], source: calibrated}"
    untouched, _ = rewrite_irt_lines(YAML, {})
    assert untouched == YAML
