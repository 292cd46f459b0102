from collections import Counter

import numpy as np
import pytest

from assessor.cat import engine, rules, select
from assessor.cat.simulate import draw_category, synthesize_response


def _run(bank, seed, config=None, seen=(), theta=0.0):
    state = engine.start_session(bank, "housekeeper", 4, config=config, seed=seed, seen_item_ids=seen)
    rng = np.random.default_rng(seed)
    while (item := engine.next_item(bank, state)) is not None:
        k = draw_category(item, theta, rng)
        response, partial = synthesize_response(item, k, rng)
        state = engine.record_answer(bank, state, item.id, response, partial_credit=partial).state
    return state


def test_arrays_are_cached_and_aligned(small_bank):
    arrays = select.bank_arrays(small_bank)
    assert select.bank_arrays(small_bank) is arrays
    item = next(iter(small_bank.items.values()))
    i = arrays.index[item.id]
    assert arrays.a[i] == item.irt.a and arrays.b[i] == item.irt.b


def test_blueprint_min_and_max_per_domain(small_bank):
    cfg = engine.EngineConfig(pilot_rate=0.0)
    state = _run(small_bank, 1, cfg)
    counts = state.counts()
    _, maxs = rules.limits(state)
    assert all(counts[d] >= cfg.min_per_domain for d in state.domains)
    assert all(counts[d] <= maxs[d] for d in state.domains)
    assert set(r.domain for r in state.responses) <= set(state.domains)


def _choice(shares, counts, theta, se, *, decided=(), mins=None, maxs=None, info=None, rho=0.0, balance=1.0):
    doms = list(shares)
    n = len(doms)
    cov = np.array([[se[a] * se[b] * (1.0 if a == b else rho) for b in doms] for a in doms])
    return select.DomainChoice(
        domains=doms, shares=shares, counts=counts, theta=theta, se=se, cov=cov, cut=0.0, available=set(doms),
        decided=set(decided), min_per_domain=mins or dict.fromkeys(doms, 0), max_per_domain=maxs or dict.fromkeys(doms, 10),
        info=info or dict.fromkeys(doms, 0.5), balance_weight=balance,
    ) if n else None


def test_content_balance_follows_shares_when_nothing_is_decided():
    shares = {"a": 0.5, "b": 0.3, "c": 0.2}
    counts = {"a": 0, "b": 0, "c": 0}
    theta = dict.fromkeys(shares, 0.0)
    se = dict.fromkeys(shares, 1.0)
    for _ in range(10):
        d = select.select_domain_priority(_choice(shares, counts, theta, se))
        counts[d] += 1
    assert counts == {"a": 5, "b": 3, "c": 2}


def test_undecided_domain_is_preferred():
    shares = {"a": 0.5, "b": 0.5}
    c = _choice(shares, {"a": 3, "b": 3}, {"a": 2.0, "b": 0.1}, {"a": 0.4, "b": 0.4}, decided={"a"},
                mins={"a": 2, "b": 2}, balance=0.1)
    assert select.select_domain_priority(c) == "b"
    assert select.select_domain_posterior(c) == "b"


def test_posterior_selector_prefers_the_area_near_the_cut_and_short_areas_first():
    shares = {"a": 0.5, "b": 0.5}
    far_a = _choice(shares, {"a": 3, "b": 3}, {"a": 2.5, "b": 0.1}, {"a": 0.5, "b": 0.5}, rho=0.5)
    assert select.select_domain_posterior(far_a) == "b"
    far_b = _choice(shares, {"a": 3, "b": 3}, {"a": 0.1, "b": 2.5}, {"a": 0.5, "b": 0.5}, rho=0.5)
    assert select.select_domain_posterior(far_b) == "a"
    short = _choice(shares, {"a": 3, "b": 1}, {"a": 0.1, "b": 2.5}, {"a": 0.5, "b": 0.5}, mins={"a": 3, "b": 3})
    assert select.select_domain_posterior(short) == "b"


def test_preposterior_gain_grows_with_information_and_is_zero_without():
    cov = np.array([[0.25, 0.1], [0.1, 0.25]])
    se = np.sqrt(np.diag(cov))
    delta = np.array([0.1, 0.1])
    w = np.array([0.5, 0.5])
    small = select.preposterior_gain(cov, se, delta, w, np.array([0.2, 0.0]))
    big = select.preposterior_gain(cov, se, delta, w, np.array([1.0, 0.0]))
    assert small[1] == 0.0 and 0 < small[0] < big[0]


def test_recently_seen_items_are_excluded(small_bank):
    first = _run(small_bank, 2, engine.EngineConfig(pilot_rate=0.0))
    seen = [r.item_id for r in first.responses]
    second = _run(small_bank, 2, engine.EngineConfig(pilot_rate=0.0), seen=seen)
    assert not set(seen) & {r.item_id for r in second.responses}


def test_randomesque_spreads_exposure(small_bank):
    def firsts(cfg):
        out = Counter()
        for seed in range(30):
            state = engine.start_session(small_bank, "housekeeper", 4, config=cfg, seed=seed)
            out[engine.next_item(small_bank, state).id] += 1
        return out

    assert len(firsts(engine.EngineConfig(exposure="max_info"))) == 1
    assert len(firsts(engine.EngineConfig(exposure="randomesque", randomesque_k=5))) >= 3
    assert len(firsts(engine.EngineConfig(exposure="progressive"))) >= 3


def test_sympson_hetter_skips_blocked_items(small_bank):
    state = engine.start_session(small_bank, "housekeeper", 4, config=engine.EngineConfig(exposure="max_info"))
    top = engine.next_item(small_bank, state).id
    cfg = engine.EngineConfig(exposure="sympson_hetter", sympson_hetter={top: 0.0})
    state = engine.start_session(small_bank, "housekeeper", 4, config=cfg)
    assert engine.next_item(small_bank, state).id != top


def test_type_limits():
    allowed = select.type_allowed({"open_scenario": 6}, ["single_choice"] * 4, 30, {"open_scenario": 0.2}, 4)
    assert "open_scenario" not in allowed and "single_choice" not in allowed and "true_false" in allowed


def test_type_mix_in_a_session(small_bank):
    cfg = engine.EngineConfig(pilot_rate=0.0, max_type_run=2)
    state = _run(small_bank, 4, cfg)
    types = [r.type for r in state.responses]
    for i in range(len(types) - 2):
        assert not (types[i] == types[i + 1] == types[i + 2]) or len(set(types)) == 1


def test_pilot_items_are_seeded_and_unscored(small_bank):
    cfg = engine.EngineConfig(pilot_rate=1.0, max_pilot=2)
    state = _run(small_bank, 5, cfg)
    pilots = [r for r in state.responses if r.pilot]
    assert len(pilots) == 2
    assert all(small_bank.items[r.item_id].status == "pilot" for r in pilots)
    assert state.n_items <= cfg.max_items


def test_exposure_rates_and_factor():
    rates = select.exposure_rates({"a": 5, "b": 0, "c": 30}, 10)
    assert rates == {"a": 0.25, "c": 1.5}  # damped by min_sessions = 20
    assert select.exposure_rates({"a": 50}, 100) == {"a": 0.5}
    factor = select.exposure_factor(np.array([0.0, 0.125, 0.25, 0.4]), 0.25)
    assert factor.tolist() == [1.0, 0.5, 0.0, 0.0]


def test_items_at_the_exposure_cap_rest(small_bank):
    cfg = engine.EngineConfig(exposure="max_info", pilot_rate=0)
    state = engine.start_session(small_bank, "housekeeper", 4, config=cfg)
    top = engine.next_item(small_bank, state).id
    capped = engine.start_session(small_bank, "housekeeper", 4, config=cfg, exposure_rates={top: 0.3, "zzz-0001": 0.9})
    assert capped.exposure == {top: 0.3}
    assert engine.next_item(small_bank, capped).id != top


def test_registries_reject_unknown_names(small_bank):
    arrays = select.bank_arrays(small_bank)
    with pytest.raises(ValueError, match="unknown exposure method"):
        select.choose_item(arrays, arrays.active_by_domain["cleaning"], 0.0, np.random.default_rng(0), method="nope")
    assert set(select.DOMAIN_SELECTORS) == {"posterior", "priority"}
