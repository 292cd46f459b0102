import pytest

from assessor.cat.engine import EngineConfig
from assessor.cat.simulate import simulate
from assessor.testing import synthetic_bank

KEYS = ("mean_items", "p90_items", "rmse_theta", "bias_theta", "classification_accuracy", "readiness_accuracy",
        "max_exposure", "unused_share", "ms_per_selection", "claims", "open_in_first_5", "type_shares",
        "at_cap_share", "flagged_share", "expected_remaining_mae")


@pytest.fixture(scope="module")
def normal_run(small_bank):
    return simulate(small_bank, "housekeeper", 4, n_examinees=80, seed=1)


def test_simulate_reports_everything(normal_run):
    out = normal_run
    assert all(key in out for key in KEYS)
    assert all(key in out["fixed_form"] for key in ("rmse_theta", "classification_accuracy", "readiness_accuracy", "max_exposure"))
    assert out["fixed_form"]["items"] == round(out["mean_items"])
    assert out["p90_items"] <= 30 and out["open_in_first_5"] == 0
    assert sum(out["type_shares"].values()) == pytest.approx(1.0, abs=1e-3)


def test_adaptive_beats_the_fixed_form_of_equal_length(normal_run):
    out, ff = normal_run, normal_run["fixed_form"]
    assert out["rmse_theta"] < ff["rmse_theta"]
    assert out["classification_accuracy"]["overall"] > ff["classification_accuracy"]["overall"]


def test_claims_hold_in_simulation(normal_run):
    """The calibrated-words property: 'very sure' claims ≥ 90 % true, 'fairly sure' ≥ 75 % (pooled over
    directions; each needs enough claims to judge)."""
    for label, floor in (("very_sure", 0.9), ("fairly_sure", 0.75)):
        parts = normal_run["claims"][label].values()
        n = sum(p["count"] for p in parts)
        true = sum(p["count"] * (p["share_true"] or 0) for p in parts)
        assert n >= 30 and true / n >= floor, (label, n, true / max(n, 1))


def test_spiky_weak_area_is_found_and_never_sure_reached(small_bank):
    out = simulate(small_bank, "housekeeper", 4, n_examinees=40, seed=2, baseline=False, profile="spiky")
    assert out["weak_area_found"] >= 0.9 and out["weak_area_sure_reached"] == 0.0


def test_random_responders_are_flagged_and_normal_ones_rarely(small_bank, normal_run):
    # the shipped bank gives 78.5 % (bench/simulate_roles.py, 200 simulees); this synthetic bank has more single-choice items,
    # whose blind-guess rate (25 %) is closer to a weak worker's
    random = simulate(small_bank, "housekeeper", 4, n_examinees=30, seed=3, baseline=False, aberrant="random")
    assert random["flagged_share"] >= 0.7
    assert normal_run["flagged_share"] <= 0.05
    with pytest.raises(ValueError, match="unknown aberrant"):
        simulate(small_bank, "housekeeper", 4, n_examinees=1, aberrant="sleepy")


def test_synthetic_bank_scale():
    bank = synthetic_bank(2000, seed=2)
    assert len(bank.items) == 2000
    out = simulate(bank, "elderly_carer", 4, n_examinees=3, seed=0, baseline=False, config=EngineConfig(pilot_rate=0))
    assert 3 * 3 <= out["mean_items"] <= 30 and out["open_in_first_5"] == 0


def test_simulation_is_deterministic_given_bank_and_seed(small_bank):
    """The bench reruns to the same table: same bank and seed give the same figures (timing aside)."""
    runs = [simulate(small_bank, "housekeeper", 5, n_examinees=6, seed=9) for _ in range(2)]
    for out in runs:
        out.pop("ms_per_selection")
    assert runs[0] == runs[1]
    other = simulate(small_bank, "housekeeper", 5, n_examinees=6, seed=10)
    other.pop("ms_per_selection")
    assert other != runs[0]


def test_run_session_gives_one_simulee_a_whole_scored_session(small_bank):
    """The items come back in the order asked, each scored in the state; one selection call more than items (the
    one that found the session finished); a promised length after every answer, the last one the real length."""
    import numpy as np

    from assessor.cat.simulate import run_session

    strong = run_session(small_bank, "housekeeper", 4, np.full(6, 2.5), np.random.default_rng(4), seed=4)
    weak = run_session(small_bank, "housekeeper", 4, np.full(6, -2.5), np.random.default_rng(4), seed=4)
    for run in (strong, weak):
        assert run.state.finished or run.state.stop_reason
        assert [r.item_id for r in run.state.responses] == [i.id for i in run.items]
        assert len(run.select_seconds) == len(run.items) + 1 and len(run.promised) == len(run.items)
        assert run.promised[-1] == run.state.n_items
    assert strong.state.composite()[0] > 1.0 > -1.0 > weak.state.composite()[0]
    assert sum(r.correct for r in strong.state.responses) > sum(r.correct for r in weak.state.responses)
