from assessor.cat.engine import EngineConfig
from assessor.cat.simulate import simulate
from assessor.testing import synthetic_bank

KEYS = ("mean_items", "p90_items", "rmse_theta", "bias_theta", "classification_accuracy", "readiness_accuracy",
        "max_exposure", "unused_share", "ms_per_selection")


def test_simulate_smoke(small_bank):
    out = simulate(small_bank, "housekeeper", 4, n_examinees=20, seed=1)
    assert all(key in out for key in KEYS)
    assert all(key in out["fixed_form"] for key in ("rmse_theta", "classification_accuracy", "readiness_accuracy", "max_exposure"))
    assert out["p90_items"] <= 30
    assert 0 <= out["readiness_accuracy"] <= 1 and "overall" in out["classification_accuracy"]
    assert out["fixed_form"]["items"] == round(out["mean_items"])


def test_synthetic_bank_scale():
    bank = synthetic_bank(2000, seed=2)
    assert len(bank.items) == 2000
    out = simulate(bank, "elderly_carer", 4, n_examinees=3, seed=0, baseline=False, config=EngineConfig(pilot_rate=0))
    assert out["mean_items"] > 0
