import pytest

from assessor.cat.scoring import ScoringError, multiple_choice_category, score_response
from assessor.testing import synthetic_item


def _item(kind):
    import numpy as np

    return synthetic_item("cln-0001", "cleaning", 4, kind, np.random.default_rng(1))


def test_single_choice():
    item = _item("single_choice")
    key = item.key[0]
    wrong = next(o for o in item.option_ids if o != key)
    assert score_response(item, key).correct
    assert score_response(item, [key]).score == 1.0
    s = score_response(item, wrong)
    assert (s.category, s.score, s.correct, s.verdict) == (0, 0.0, False, "wrong")
    with pytest.raises(ScoringError):
        score_response(item, "z")
    with pytest.raises(ScoringError):
        score_response(item, [key, wrong])


def test_true_false_accepts_common_forms():
    item = _item("true_false")
    right = item.key[0]
    truthy = right == "t"
    for answer in (right, truthy, "对" if truthy else "错", "True" if truthy else "false"):
        assert score_response(item, answer).correct
    assert not score_response(item, not truthy).correct


def test_multiple_choice_partial_credit_rule():
    assert multiple_choice_category(["a", "b", "d"], ["a", "b", "d"]) == 2
    assert multiple_choice_category(["a", "b", "d"], ["d", "b", "a"]) == 2
    assert multiple_choice_category(["a", "b", "d"], ["a", "b"]) == 1  # 2 of 3 hits
    assert multiple_choice_category(["a", "b", "d"], ["a", "b", "c"]) == 1  # one wrong pick allowed
    assert multiple_choice_category(["a", "b", "d"], ["a", "c"]) == 0  # 1 hit < ⌈3/2⌉
    assert multiple_choice_category(["a", "b", "d"], ["a", "b", "c", "e"]) == 0  # two wrong picks
    assert multiple_choice_category(["a", "b"], ["a"]) == 1
    assert multiple_choice_category(["a", "b"], []) == 0
    item = _item("multiple_choice")
    key = item.key
    assert len(key) == 2  # the seeded item: one of its two keys is ⌈2/2⌉ hits and no wrong pick
    s = score_response(item, key[:1])
    assert s.max_category == 2 and (s.verdict, s.category, s.score) == ("partial", 1, 0.5)
    wrong_only = [o for o in item.option_ids if o not in key][:1]
    w = score_response(item, wrong_only)
    assert (w.verdict, w.category, w.score) == ("wrong", 0, 0.0)
    full = score_response(item, ",".join(item.key))
    assert full.score == 1.0 and full.verdict == "correct"


def test_ordering_exact_only():
    item = _item("ordering")
    assert score_response(item, item.key).correct
    assert not score_response(item, list(reversed(item.key))).correct
    with pytest.raises(ScoringError):
        score_response(item, item.key[:-1])


def test_open_scenario_maps_fraction_to_category():
    item = _item("open_scenario")  # 4 rubric points
    assert score_response(item, "text", partial_credit=0.0).category == 0
    assert score_response(item, "text", partial_credit=0.3).category == 1
    assert score_response(item, "text", partial_credit=0.5).category == 2
    s = score_response(item, "text", partial_credit=0.62)
    assert (s.category, s.score, s.verdict) == (2, 0.5, "partial")
    assert score_response(item, "text", partial_credit=1.4).correct
    with pytest.raises(ScoringError):
        score_response(item, "text")
