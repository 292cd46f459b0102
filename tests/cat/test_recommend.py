import pytest

from assessor.cat import engine
from assessor.cat.engine import DomainResult, Evidence, OverallResult, SessionResults
from assessor.recommend import course_levels_to_try, recommend


def _domain(domain, theta, level_shown, evidence=(), p_ready=None):
    return DomainResult(
        domain=domain, share=0.25, theta=theta, se=0.4, n_items=len(evidence), band="below" if theta < 0 else "at",
        band_confidence=0.8, p_ready=0.2 if p_ready is None else p_ready, ready=theta >= 0, decided=True,
        level_shown=level_shown, evidence=list(evidence),
    )


def _results(domains, level=4):
    overall = OverallResult(theta=0, se=0.3, ready=False, p_ready=0.5, confidence=0.5, decided=False, band="at",
                            band_confidence=0.5, level_shown=4)
    return SessionResults(role="housekeeper", level=level, cut_score=0.0, finished=True, stop_reason="classified",
                          n_items=10, n_scored=10, n_pilot=0, elapsed_seconds=0, domains=domains, overall=overall)


def _missed(item_id, ref, tags):
    return Evidence(item_id=item_id, type="single_choice", level=4, score=0, category=0, max_category=1,
                    correct=False, verdict="wrong", tags=tags, course_refs=[ref])


def test_levels_to_try_never_below_shown():
    assert course_levels_to_try(None, 4, False) == [5, 4]
    assert course_levels_to_try(5, 4, False) == [4, 5]
    assert course_levels_to_try(5, 3, False) == [4, 3, 5]
    assert course_levels_to_try(4, 4, True) == [4]
    for shown in (None, 5, 4, 3):
        for target in (5, 4, 3):
            assert all(lv <= (shown or 6) for lv in course_levels_to_try(shown, target, False))


def test_weakest_first_right_level_and_reasons(small_bank):
    res = _results([
        _domain("cleaning", -0.3, 5),
        _domain("cooking_nutrition", -1.5, None),
        _domain("safety_first_aid", 0.9, 4, p_ready=0.95),
    ])
    recs = recommend(small_bank, res)
    assert [r.domain for r in recs] == ["cooking_nutrition", "cleaning"]
    assert recs[0].level == 5 and recs[1].level == 4
    for r in recs:
        assert r.reason["zh"] and r.reason["en"] and r.kind == "gap"
        assert small_bank.courses[r.course_id].level <= 6


def test_never_below_shown_level(small_bank):
    # shown level 4 in cleaning, target 3: the level-5 course must never appear
    res = _results([_domain("cleaning", 0.5, 4)], level=3)
    res = res.model_copy(update={"cut_score": 1.0})
    recs = recommend(small_bank, res)
    assert recs and all(r.level <= 4 for r in recs)
    assert recs[0].level == 3


def test_units_matching_missed_tags_come_first(small_bank):
    course = small_bank.courses["C-CLN-4"]
    second = course.units[1]
    ev = [_missed("cln-0009", f"C-CLN-4/{second.id}", list(second.tags))]
    recs = recommend(small_bank, _results([_domain("cleaning", -0.2, 5, ev)]))
    assert recs[0].course_id == "C-CLN-4"
    assert recs[0].units[0].unit_id == second.id and recs[0].units[0].match_score == 3
    assert second.title.en in recs[0].reason["en"]
    assert recs[0].missed_items == ["cln-0009"]


def test_borderline_domain_after_gaps(small_bank):
    res = _results([_domain("cleaning", 0.1, 4, p_ready=0.6), _domain("ethics_law", -0.4, 5)])
    recs = recommend(small_bank, res)
    assert [(r.domain, r.kind, r.level) for r in recs] == [("ethics_law", "gap", 4), ("cleaning", "borderline", 4)]


def test_from_a_real_session(small_bank):
    import numpy as np

    from assessor.cat.simulate import draw_category, synthesize_response

    rng = np.random.default_rng(0)
    state = engine.start_session(small_bank, "housekeeper", 4, seed=0)
    while (item := engine.next_item(small_bank, state)) is not None:
        response, partial = synthesize_response(item, draw_category(item, -1.2, rng), rng)
        state = engine.record_answer(small_bank, state, item.id, response, partial_credit=partial).state
    recs = recommend(small_bank, engine.results(small_bank, state))
    assert recs
    assert recs == recommend(small_bank, engine.results(small_bank, state))  # deterministic
    shown = {d.domain: d.level_shown for d in engine.results(small_bank, state).domains}
    for r in recs:
        assert r.level <= (shown[r.domain] or 6)
    assert recs[0].to_dict()["reason"]["zh"]


@pytest.mark.parametrize("target", [5, 4, 3])
def test_no_recommendation_when_all_above(small_bank, target):
    res = _results([_domain("cleaning", 2.0, 3, p_ready=0.99)], level=target)
    assert recommend(small_bank, res) == []
