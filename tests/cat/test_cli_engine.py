import json
import shutil
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from assessor.cli import app

TINY_BANK = Path(__file__).resolve().parents[1] / "fixtures" / "tiny_bank"
runner = CliRunner()


def _small_bank_copy(tmp_path: Path) -> Path:
    """A writable copy of the tiny fixture bank (fixed content, so these tests do not depend on how the shipped
    bank grows)."""
    bank_dir = tmp_path / "bank"
    shutil.copytree(TINY_BANK, bank_dir)
    return bank_dir


def test_simulate_json_on_synthetic_bank(monkeypatch, tmp_path):
    monkeypatch.setattr("assessor.cli.engine.default_bank_dir", lambda: tmp_path / "none")  # default roles
    result = runner.invoke(app, ["simulate", "--role", "housekeeper", "--level", "4", "--examinees", "8",
                                 "--seed", "1", "--bank", "synthetic:400", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    for key in ("mean_items", "p90_items", "rmse_theta", "bias_theta", "classification_accuracy",
                "readiness_accuracy", "max_exposure", "unused_share", "ms_per_selection", "fixed_form"):
        assert key in out


def test_calibrate_from_jsonl_dry_run_and_apply(tmp_path):
    from assessor.bank.load import load_bank

    bank_dir = _small_bank_copy(tmp_path)
    bank = load_bank(bank_dir)
    items = [i for i in bank.items.values() if i.type in ("single_choice", "true_false")][:2]
    assert items
    rng = np.random.default_rng(0)
    lines = []
    for s in range(120):
        for item in items:
            lines.append(json.dumps({"session": f"s{s}", "item": item.id, "score": int(rng.random() < 0.9)}))
    path = tmp_path / "responses.jsonl"
    path.write_text("\n".join(lines))
    file = bank_dir / bank.origins[f"item:{items[0].id}"].file
    before = file.read_text(encoding="utf-8")
    dry = runner.invoke(app, ["calibrate", "--responses", str(path), "--bank", str(bank_dir), "--json"])
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.output)
    assert report["items_calibrated"] == 2 and not report["applied"]
    assert report["dif"]["items_tested"] == 0 and "not enough" in report["dif"]["note"]  # no lang/theta given
    assert file.read_text(encoding="utf-8") == before
    applied = runner.invoke(app, ["calibrate", "--responses", str(path), "--bank", str(bank_dir), "--apply"])
    assert applied.exit_code == 0, applied.output
    after = file.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed and all("irt:" in a and "source: calibrated" in b for a, b in changed)
    reloaded = load_bank(bank_dir)
    assert reloaded.items[items[0].id].irt.source == "calibrated"
    assert reloaded.items[items[0].id].irt.b < bank.items[items[0].id].irt.b  # 90 % right: easier


def test_calibrate_reads_the_store(tmp_path, monkeypatch):
    from assessor.bank.load import load_bank
    from assessor.store import Store

    bank_dir = _small_bank_copy(tmp_path)
    bank = load_bank(bank_dir)
    item = next(i for i in bank.items.values() if i.type == "single_choice")
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    worker = store.get_or_create_worker("w1")
    rng = np.random.default_rng(1)
    for _ in range(60):
        session = store.create_session(worker, role="housekeeper", target_level=4, bank_version="x",
                                       engine_settings={}, state={})
        k = int(rng.random() < 0.85)
        store.record_answer(session.id, item_id=item.id, item_version=1, item_params={}, domain=item.domain,
                            level=item.level, item_type=item.type, answer="a", score=float(k), category=k,
                            correct=bool(k), pilot=False, theta={}, se={}, state={})
    monkeypatch.setattr("assessor.store.open_store", lambda url=None: store)
    result = runner.invoke(app, ["calibrate", "--bank", str(bank_dir), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["persons"] == 60 and report["items_calibrated"] == 1
