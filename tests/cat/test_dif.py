import numpy as np
import pytest

from assessor.cat.dif import DifAnswer, ets_class, mantel_haenszel


def _answers(n, shift_en, seed=0):
    """n persons per language, θ ~ N(0, 1); item 'x' is harder in English by `shift_en`, item 'y' is fair."""
    rng = np.random.default_rng(seed)
    out = []
    for lang in ("zh", "en"):
        for theta in rng.normal(0, 1, n):
            for item, shift in (("x", shift_en if lang == "en" else 0.0), ("y", 0.0)):
                p = 1 / (1 + np.exp(-1.5 * (theta - shift)))
                out.append(DifAnswer(item, lang, float(theta), bool(rng.random() < p)))
    return out


def test_mh_flags_the_biased_item_and_not_the_fair_one():
    res = {r.item_id: r for r in mantel_haenszel(_answers(600, 1.0), min_per_group=30)}
    assert res["x"].ets_class in ("B", "C") and res["x"].delta < -1.0  # harder for the focal group
    assert res["y"].ets_class == "A" and abs(res["y"].delta) < 1.0


def test_mh_by_hand_one_stratum():
    # one stratum: ref 30 right / 10 wrong, focal 20 right / 20 wrong: α = (30·20/80)/(10·20/80) = 3
    data = ([DifAnswer("i", "zh", 0.1, True)] * 30 + [DifAnswer("i", "zh", 0.1, False)] * 10
            + [DifAnswer("i", "en", 0.1, True)] * 20 + [DifAnswer("i", "en", 0.1, False)] * 20)
    (r,) = mantel_haenszel(data, min_per_group=10)
    assert r.alpha == pytest.approx(3.0) and r.delta == pytest.approx(-2.35 * np.log(3.0))
    # E A = 40·50/80 = 25, Var = 40·40·50·30/(80²·79) ; χ² = (|30 − 25| − ½)² / Var
    var = 40 * 40 * 50 * 30 / (80**2 * 79)
    assert r.chi2 == pytest.approx((5 - 0.5) ** 2 / var)


def test_too_few_answers_are_not_tested_and_classes():
    assert mantel_haenszel(_answers(10, 1.0), min_per_group=30) == []
    assert ets_class(0.5, 50) == "A" and ets_class(1.2, 10) == "B" and ets_class(-2.0, 10) == "C" and ets_class(2.0, 1) == "A"
    with pytest.raises(ValueError):
        mantel_haenszel([], stratum_width=0)
