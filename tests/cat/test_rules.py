"""Engine rules of issue 12: own evidence, calibrated words, gentle start, expected remaining length,
stop codes, enemies (same_fact), old saved states, focus areas."""

import json

import numpy as np
import pytest

from assessor.cat import claims, engine, stop
from assessor.cat.simulate import draw_category, synthesize_response
from assessor.testing import synthetic_bank


def _play(bank, state, theta, rng, n=None, seconds=20.0):
    outcomes = []
    while (n is None or state.n_items < n) and (item := engine.next_item(bank, state)) is not None:
        response, partial = synthesize_response(item, draw_category(item, theta, rng), rng)
        out = engine.record_answer(bank, state, item.id, response, partial_credit=partial, seconds=seconds)
        outcomes.append(out)
        state = out.state
    return state, outcomes


def test_claim_words_follow_the_probability():
    assert claims.claim(0.97).label == "very_sure" and claims.claim(0.97).direction == "reached"
    assert claims.claim(0.03).label == "very_sure" and claims.claim(0.03).direction == "not_reached"
    assert claims.claim(0.85).label == "fairly_sure"
    assert claims.claim(0.6).label == "not_sure"
    assert claims.claim(0.99, measured_enough=False).label is None
    assert claims.claim(0.97, p_own=0.7).label == "not_sure" and claims.claim(0.97, p_own=0.99).label == "very_sure"
    assert claims.claim(0.03, p_own=0.9).label == "very_sure"  # not-reached claims follow the joint posterior
    own = claims.claim(0.97, p_own=0.2)
    assert own.direction == "not_reached" and own.label == "not_sure" and own.probability == pytest.approx(0.8)


def test_areas_below_k_get_no_band_and_no_word(small_bank):
    state = engine.start_session(small_bank, "housekeeper", 4, seed=1, config=engine.EngineConfig(pilot_rate=0))
    state, _ = _play(small_bank, state, 0.5, np.random.default_rng(1), n=5)
    res = engine.results(small_bank, engine.finish(state))
    assert res.stop_code == "worker_stopped"
    for d in res.domains:
        assert d.measured_enough == (d.n_items >= 3) == (d.k_needed <= d.n_items)
        if not d.measured_enough:
            assert d.band_shown is None and d.label is None
    assert any(not d.measured_enough for d in res.domains)  # 5 answers cannot cover 4 areas × 3
    assert res.overall.label is None and res.overall.not_measured


def test_every_finished_session_measures_every_area(small_bank):
    rng = np.random.default_rng(2)
    for seed in range(4):
        state = engine.start_session(small_bank, "housekeeper", 4, seed=seed, config=engine.EngineConfig(pilot_rate=0))
        state, _ = _play(small_bank, state, float(rng.normal()), rng)
        res = engine.results(small_bank, state)
        assert res.stop_code in stop.STOP_CODES and res.stop_code != "worker_stopped"
        assert all(d.measured_enough and d.label in claims.LABELS for d in res.domains)


def test_gentle_start_and_open_share(small_bank):
    pilots = 0
    for seed in range(8):  # pilot items on (the bank has some): they obey the same rules
        state = engine.start_session(small_bank, "housekeeper", 4, seed=seed, config=engine.EngineConfig(pilot_rate=0.3))
        state, _ = _play(small_bank, state, 1.5, np.random.default_rng(seed))
        pilots += sum(r.pilot for r in state.responses)
        first = state.responses[:5]
        assert all(r.type != "open_scenario" and r.level >= 4 for r in first)
        n_open = 0
        for i, r in enumerate(state.responses, start=1):
            n_open += r.type == "open_scenario"
            assert n_open <= 0.15 * i + 1e-9
    assert pilots >= 1


def test_expected_remaining_is_given_and_ends_at_zero(small_bank):
    state = engine.start_session(small_bank, "housekeeper", 4, seed=3, config=engine.EngineConfig(pilot_rate=0))
    assert engine.expected_remaining(small_bank, state) >= 3 * len(state.domains)
    state, outcomes = _play(small_bank, state, 0.2, np.random.default_rng(3))
    assert outcomes[-1].finished and outcomes[-1].expected_remaining == 0 and outcomes[-1].stop_reason
    for out in outcomes[:-1]:
        assert 1 <= out.expected_remaining <= 30 - out.state.n_items
    assert engine.results(small_bank, state).expected_remaining == 0


def test_items_to_decide():
    assert stop.items_to_decide(0.0, 0.5, 0.9, 0.3) == float("inf")
    assert stop.items_to_decide(2.0, 0.3, 0.9, 0.3) == 0.0
    near, far = stop.items_to_decide(0.2, 0.5, 0.9, 0.3), stop.items_to_decide(0.6, 0.5, 0.9, 0.3)
    assert near > far > 0


def test_enemies_never_meet_in_a_session():
    bank = synthetic_bank(440, seed=5)
    groups: dict[str, str] = {}
    items = dict(bank.items)
    for d in ("cleaning", "cooking_nutrition", "safety_first_aid", "ethics_law"):
        ids = sorted(i for i, it in items.items() if it.domain == d and it.status == "active")
        for j in range(0, len(ids) - 1, 2):  # every item has one enemy
            for iid in ids[j:j + 2]:
                items[iid] = items[iid].model_copy(update={"same_fact": f"{d}-{j}"})
                groups[iid] = f"{d}-{j}"
    bank.items = items
    bank.content_hash = "enemies"
    for seed in range(5):
        state = engine.start_session(bank, "housekeeper", 4, seed=seed, config=engine.EngineConfig(pilot_rate=0))
        state, _ = _play(bank, state, 0.0, np.random.default_rng(seed))
        asked = [groups[r.item_id] for r in state.responses if r.item_id in groups]
        assert len(asked) == len(set(asked)) and len(asked) >= 12


def test_old_saved_state_still_loads(small_bank):
    state = engine.start_session(small_bank, "housekeeper", 4, seed=4)
    state, _ = _play(small_bank, state, 0.0, np.random.default_rng(4), n=4)
    data = json.loads(state.to_json())
    for key in ("own_evidence_k", "max_open_share", "gentle_start", "focus"):
        data.pop(key)
    for key in ("domain_selector", "p_area", "p_overall", "accuracy_target", "close_call_min_items"):
        data["config"].pop(key)
    data["stop_reason"] = None
    old = engine.SessionState.from_dict(data)
    assert engine.next_item(small_bank, old) is not None
    assert engine.results(small_bank, old).stop_code is None
    assert stop.reason_code("classified") == "decided" and stop.reason_code("ended_by_worker") == "worker_stopped"


def test_ticked_areas_get_more_items(small_bank):
    from assessor.cat.simulate import simulate

    plain = simulate(small_bank, "housekeeper", 4, n_examinees=30, seed=1, baseline=False)
    ticked = simulate(small_bank, "housekeeper", 4, n_examinees=30, seed=1, baseline=False, focus_domains=["ethics_law"])
    assert ticked["mean_items_by_domain"]["ethics_law"] >= plain["mean_items_by_domain"]["ethics_law"] + 1.0


def test_disputed_area_needs_more_own_answers(small_bank, monkeypatch):
    """Shared strength says reached (P ≥ 0.85) but the area's own answers say P_own < 0.7: one more own answer,
    up to k + dispute_extra_items; an agreeing area keeps its k."""
    from assessor.cat import rules

    state = engine.start_session(small_bank, "housekeeper", 4, seed=1, config=engine.EngineConfig(pilot_rate=0))
    state, _ = _play(small_bank, state, 1.5, np.random.default_rng(3), n=14)
    counts, k = state.counts(), rules.k_needed(state)
    d = next(x for x in state.domains if k[x] <= counts[x] < k[x] + state.config.dispute_extra_items)
    state.theta[d], state.se[d] = state.cut_score + 2.0, 0.5
    monkeypatch.setattr(rules, "p_own", lambda s: {x: (0.6 if x == d else 0.99) for x in s.domains})
    assert d in rules.disputed(state)
    assert rules.limits(state)[0][d] == counts[d] + 1
    monkeypatch.setattr(rules, "p_own", lambda s: dict.fromkeys(s.domains, 0.9))
    assert d not in rules.disputed(state)
    assert rules.limits(state)[0][d] == max(state.config.min_per_domain, k[d])
    state.config.dispute_extra_items = 0
    monkeypatch.setattr(rules, "p_own", lambda s: {x: (0.6 if x == d else 0.99) for x in s.domains})
    assert rules.limits(state)[0][d] == max(state.config.min_per_domain, k[d])


def test_memoised_rules_equal_a_fresh_computation(small_bank):
    """rules.limits and rules.p_own are memoised for speed: at every step they equal the uncached computation,
    and a changed estimate (part of the key) is never answered from an older entry."""
    from assessor.cat import rules
    from assessor.cat.estimate import own_posteriors
    from assessor.cat.session import observations

    state = engine.start_session(small_bank, "housekeeper", 4, seed=5, config=engine.EngineConfig(pilot_rate=0))
    rng = np.random.default_rng(5)
    for _ in range(12):
        item = engine.next_item(small_bank, state)
        assert item is not None
        response, partial = synthesize_response(item, draw_category(item, -0.5, rng), rng)
        state = engine.record_answer(small_bank, state, item.id, response, partial_credit=partial, seconds=20).state
        assert rules.limits(state) == rules._limits(state)
        mean, sd = own_posteriors(state.prior, observations(state), center=state.cut_score)
        fresh = {d: claims.p_reached(float(m), float(s), state.cut_score) for d, m, s in zip(state.domains, mean, sd, strict=True)}
        assert rules.p_own(state) == pytest.approx(fresh)
    for d in state.domains:  # shared strength now says reached, very sure: a new key, a fresh answer
        state.theta[d], state.se[d] = state.cut_score + 3.0, 0.2
        assert rules.limits(state) == rules._limits(state)
