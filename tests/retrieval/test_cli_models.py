import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assessor.cli import app
from assessor.settings import get_settings


@pytest.fixture()
def env(monkeypatch, tiny_bank_dir: Path) -> CliRunner:
    monkeypatch.setenv("ASSESSOR_EMBEDDER", "hashing")
    monkeypatch.setenv("ASSESSOR_BANK_DIR", str(tiny_bank_dir))
    get_settings.cache_clear()
    return CliRunner()


def test_index_place_grade_ask(env: CliRunner, tmp_path: Path) -> None:
    built = env.invoke(app, ["index", "build"])
    assert built.exit_code == 0 and "built" in built.output, built.output
    assert "cached" in env.invoke(app, ["index", "build"]).output
    placed = json.loads(env.invoke(app, ["place", "我做保洁，打扫卫生", "--json"]).output)
    assert placed["domains"][0]["id"] and "role" in placed
    lines = tmp_path / "desc.txt"
    lines.write_text("打扫卫生\nI look after babies\n", encoding="utf-8")
    out = env.invoke(app, ["place", "--file", str(lines)]).output.strip().splitlines()
    assert len(out) == 2 and json.loads(out[1])["text"] == "I look after babies"
    graded = json.loads(env.invoke(app, ["grade", "saf-0005", "打120", "--json"]).output)
    assert graded["item"] == "saf-0005" and len(graded["points"]) == 3
    rows = tmp_path / "answers.jsonl"
    rows.write_text('{"item": "saf-0005", "answer": "不要扶"}\n{"item": "saf-0001", "answer": "x"}\n', encoding="utf-8")
    out = env.invoke(app, ["grade", "--file", str(rows)]).output.strip().splitlines()
    assert "score" in json.loads(out[0]) and "error" in json.loads(out[1])
    asked = json.loads(env.invoke(app, ["ask", "燃气 阀门", "--json", "--exclude", "saf-0001"]).output)
    assert all(r["ref"] != "saf-0001" for r in asked["results"])


def test_models_list_reports_a_missing_folder(env: CliRunner, monkeypatch) -> None:
    ok = env.invoke(app, ["models", "list"])
    assert ok.exit_code == 0 and "in use" in ok.output
    monkeypatch.setenv("ASSESSOR_GENERATOR", "transformers")
    monkeypatch.setenv("ASSESSOR_GENERATOR_MODEL", "Qwen2.5-1.5B-Instruct")
    get_settings.cache_clear()
    bad = env.invoke(app, ["models", "list"])
    assert bad.exit_code == 1 and "Qwen2.5-1.5B-Instruct" in bad.output
