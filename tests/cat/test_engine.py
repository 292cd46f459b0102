import json

import numpy as np
import pytest

from assessor.cat import engine
from assessor.cat.simulate import draw_category, synthesize_response


def _answer(bank, state, rng, theta=0.3):
    item = engine.next_item(bank, state)
    if item is None:
        return None
    k = draw_category(item, theta, rng)
    response, partial = synthesize_response(item, k, rng)
    return engine.record_answer(bank, state, item.id, response, partial_credit=partial, seconds=20.0)


def test_start_session(small_bank):
    state = engine.start_session(small_bank, "housekeeper", 4, prior_shift=0.5)
    assert state.domains == ["cleaning", "cooking_nutrition", "safety_first_aid", "ethics_law"]
    assert sum(state.shares.values()) == pytest.approx(1.0)
    assert state.theta["cleaning"] == pytest.approx(0.5) and state.cut_score == 0.0
    with pytest.raises(engine.EngineError):
        engine.start_session(small_bank, "nobody", 4)
    with pytest.raises(engine.EngineError):
        engine.start_session(small_bank, "housekeeper", 1)


def test_pending_item_is_stable(small_bank):
    state = engine.start_session(small_bank, "housekeeper", 4, seed=7)
    first = engine.next_item(small_bank, state)
    assert state.pending_item_id == first.id
    assert engine.next_item(small_bank, state).id == first.id
    resumed = engine.SessionState.from_json(state.to_json())
    assert engine.next_item(small_bank, resumed).id == first.id


def test_record_answer_is_pure_and_checks_the_item(small_bank):
    state = engine.start_session(small_bank, "housekeeper", 4, seed=7)
    item = engine.next_item(small_bank, state)
    before = state.to_json()
    with pytest.raises(engine.EngineError):
        engine.record_answer(small_bank, state, "xyz-0001", "a")
    outcome = engine.record_answer(small_bank, state, item.id, item.key or "", partial_credit=1.0)
    assert state.to_json() == before
    assert outcome.state.pending_item_id is None and outcome.state.n_items == 1
    assert outcome.correct and outcome.score == 1.0
    assert outcome.theta[item.domain] > 0
    assert outcome.state.responses[0].params.a == item.irt.a


def test_save_resume_mid_session_is_identical(small_bank):
    rng_a, rng_b = np.random.default_rng(11), np.random.default_rng(11)
    state = engine.start_session(small_bank, "elderly_carer", 4, seed=3)
    for _ in range(7):
        state = _answer(small_bank, state, rng_a).state
    # rng_b catches up with rng_a's draws
    replay = engine.start_session(small_bank, "elderly_carer", 4, seed=3)
    for _ in range(7):
        replay = _answer(small_bank, replay, rng_b).state
    engine.next_item(small_bank, state)  # pending, then saved "at a power cut"
    saved = json.loads(json.dumps(state.to_dict()))
    resumed = engine.SessionState.from_dict(saved)
    assert resumed == state
    assert engine.next_item(small_bank, resumed).id == state.pending_item_id
    # continue both to the end with the same answers
    live, back = state, resumed
    rng_live, rng_back = np.random.default_rng(5), np.random.default_rng(5)
    while True:
        a = _answer(small_bank, live, rng_live)
        b = _answer(small_bank, back, rng_back)
        assert (a is None) == (b is None)
        if a is None:
            break
        assert a.item_id == b.item_id and a.theta == b.theta and a.se == b.se
        live, back = a.state, b.state
    assert engine.results(small_bank, live) == engine.results(small_bank, back)
    assert live.to_json() == back.to_json()


def test_full_session_results(small_bank):
    rng = np.random.default_rng(1)
    state = engine.start_session(small_bank, "housekeeper", 4, seed=1)
    while (outcome := _answer(small_bank, state, rng, theta=1.5)) is not None:
        state = outcome.state
    assert engine.is_finished(small_bank, state)
    assert state.n_items <= 30
    res = engine.results(small_bank, state)
    assert res.finished and res.stop_reason
    assert res.overall.ready and res.overall.p_ready > 0.9
    assert {d.domain for d in res.domains} == set(state.domains)
    for d in res.domains:
        assert d.band in ("below", "at", "above") and 0 <= d.band_confidence <= 1
        assert d.n_items == len(d.evidence) >= 2
    assert sum(d.n_items for d in res.domains) == res.n_scored
    json.dumps(res.model_dump(mode="json"))


def test_max_items_respected(small_bank):
    cfg = engine.EngineConfig(max_items=6, min_items=6, min_per_domain=1, pilot_rate=0)
    rng = np.random.default_rng(2)
    state = engine.start_session(small_bank, "housekeeper", 4, config=cfg)
    while (outcome := _answer(small_bank, state, rng)) is not None:
        state = outcome.state
    assert state.n_items == 6 and state.stop_reason == "max_items"


def test_time_budget(small_bank):
    cfg = engine.EngineConfig(time_budget_seconds=60, pilot_rate=0)
    rng = np.random.default_rng(2)
    state = engine.start_session(small_bank, "housekeeper", 4, config=cfg)
    while (outcome := _answer(small_bank, state, rng)) is not None:
        state = outcome.state
    assert state.n_items == 3 and state.stop_reason == "time"


def test_finish_early(small_bank):
    state = engine.start_session(small_bank, "housekeeper", 4)
    engine.next_item(small_bank, state)
    done = engine.finish(state)
    assert engine.next_item(small_bank, done) is None and engine.is_finished(small_bank, done)
    res = engine.results(small_bank, done)
    assert res.stop_reason == "worker_stopped" and res.stop_code == "worker_stopped" and res.expected_remaining == 0
