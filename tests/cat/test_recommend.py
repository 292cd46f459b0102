import pytest

from assessor.cat import engine
from assessor.cat.engine import DomainResult, Evidence, OverallResult, SessionResults
from assessor.recommend import (
    LABEL_TEXT,
    STOP_TEXT,
    area_notes,
    claim_text,
    course_levels_to_try,
    readiness_text,
    recommend,
    stop_text,
)


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
        course = small_bank.courses[r.course_id]
        assert course.level == r.level and r.domain in course.domains


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


def _right(item_id):
    return Evidence(item_id=item_id, type="single_choice", level=4, score=1, category=1, max_category=1,
                    correct=True, verdict="correct", tags=[], course_refs=[])


def test_half_wrong_area_gets_a_course_even_when_estimated_at_level(small_bank):
    ev = [_missed("cok-0001", "C-COK-4/u1", []), _missed("cok-0002", "C-COK-4/u1", []), _right("cok-0003")]
    res = _results([_domain("cooking_nutrition", 0.6, 4, ev, p_ready=0.9)])
    recs = recommend(small_bank, res)
    assert [(r.domain, r.kind) for r in recs] == [("cooking_nutrition", "missed")]
    assert "一半" in recs[0].reason["zh"] and "half" in recs[0].reason["en"]


def test_contradicted_area_is_a_gap_and_notes_cover_unmeasured_areas(small_bank):
    cooking = _domain("cooking_nutrition", 0.4, 4, [_missed("cok-0001", "x/u1", []), _missed("cok-0002", "x/u1", [])],
                      p_ready=0.8).model_copy(update={"direction": "not_reached", "measured_enough": False, "k_needed": 3})
    res = _results([cooking])
    recs = recommend(small_bank, res)
    assert recs and recs[0].domain == "cooking_nutrition" and recs[0].kind == "gap"
    notes = area_notes(small_bank, res, recs)
    assert [(n.domain, n.kind) for n in notes] == [("cooking_nutrition", "not_measured")]
    assert "还没测够" in notes[0].text["zh"] and "not measured enough" in notes[0].text["en"]
    assert claim_text(cooking, {"zh": "四级", "en": "Level 4"}, "zh") == "还没测够"


def test_texts_exist_in_both_languages_for_every_code():
    from assessor.cat.claims import LABELS
    from assessor.cat.stop import LEGACY_CODES, STOP_CODES

    for table, keys in ((LABEL_TEXT, LABELS), (STOP_TEXT, STOP_CODES)):
        for key in keys:
            assert table[key]["zh"] and table[key]["en"]
    for old in LEGACY_CODES:
        assert stop_text(old, "zh") and stop_text(old, "en")


def test_zero_of_two_area_is_never_reached_or_very_sure(small_bank):
    """The reported case: both cooking questions wrong, the other areas strong; the engine asks cooking
    again, and the result never claims cooking reached with a confidence word."""
    import numpy as np

    from assessor.cat.simulate import draw_category, synthesize_response

    for seed in range(6):
        rng = np.random.default_rng(seed)
        state = engine.start_session(small_bank, "housekeeper", 4, seed=seed,
                                     config=engine.EngineConfig(pilot_rate=0.0))
        while (item := engine.next_item(small_bank, state)) is not None:
            k = 0 if item.domain == "cooking_nutrition" else draw_category(item, 1.5, rng)
            response, partial = synthesize_response(item, k, rng)
            state = engine.record_answer(small_bank, state, item.id, response, partial_credit=partial).state
        res = engine.results(small_bank, state)
        cooking = next(d for d in res.domains if d.domain == "cooking_nutrition")
        assert cooking.n_items >= 3 and cooking.measured_enough
        assert cooking.direction == "not_reached"
        recs = recommend(small_bank, res)
        assert any(r.domain == "cooking_nutrition" for r in recs)
        assert readiness_text(small_bank, res, "zh").startswith("总体看") and readiness_text(small_bank, res, "en")
