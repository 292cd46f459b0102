"""`assessor grade --json` and `assessor grader train | tune | export-reviews`, with the hashing embedder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assessor.cli import app
from assessor.grading.matcher import HeadFile
from assessor.settings import get_settings
from tests.conftest import TINY_BANK

runner = CliRunner()


@pytest.fixture()
def tiny(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESSOR_BANK_DIR", str(TINY_BANK))
    get_settings.cache_clear()


@pytest.fixture()
def two_open_items(tiny_bank_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tiny bank with a second open item (saf-0098, a copy of saf-0005), for leave-items-out folds."""
    path = tiny_bank_dir / "items" / "safety_first_aid.yaml"
    text = path.read_text(encoding="utf-8")
    block = text[text.index("  - id: saf-0005"):]
    block = block[: block.index("version: 1") + len("version: 1")]
    path.write_text(text.rstrip("\n") + "\n" + block.replace("saf-0005", "saf-0098") + "\n", encoding="utf-8")
    monkeypatch.setenv("ASSESSOR_BANK_DIR", str(tiny_bank_dir))
    get_settings.cache_clear()
    return tiny_bank_dir


def test_grade_json_shape(tiny) -> None:
    result = runner.invoke(app, ["grade", "saf-0005", "不要扶，打120", "--json", "--embedder", "hashing"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"score", "critical", "needs_review", "points"} <= set(data)
    assert {"matched", "polarity", "evidence", "confidence"} <= set(data["points"][0])


def test_grade_human_output_and_errors(tiny) -> None:
    ok = runner.invoke(app, ["grade", "saf-0005", "不要扶，打120", "--embedder", "hashing"])
    assert ok.exit_code == 0 and "score" in ok.stdout and "[do_not]" in ok.stdout
    missing = runner.invoke(app, ["grade", "nop-0001", "x", "--embedder", "hashing"])
    assert missing.exit_code == 1
    closed = runner.invoke(app, ["grade", "saf-0001", "x", "--embedder", "hashing"])
    assert closed.exit_code == 1


def test_grade_file_with_bad_lines(tiny, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"item": "saf-0005", "answer": "打120"}\nnot json\n{"answer": "x"}\n', encoding="utf-8")
    result = runner.invoke(app, ["grade", "--file", str(path), "--embedder", "hashing"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert "score" in rows[0] and "error" in rows[1] and "error" in rows[2]


def _corpus(folder: Path) -> None:
    folder.mkdir()
    (folder / "split.yaml").write_text("held_out: [saf-0099]\n", encoding="utf-8")
    texts = [("不要急着扶他，打120，通知家属", [1, 1, 1]), ("打120", [0, 1, 0]), ("通知家属", [0, 0, 1]),
             ("不用打120", [0, 0, 0]), ("今天天气很好", [0, 0, 0]), ("别扶他起来", [1, 0, 0]),
             ("Don't lift him, call 120", [1, 1, 0]), ("tell the family", [0, 0, 1]),
             ("no need to call 120", [0, 0, 0]), ("I like football", [0, 0, 0])]
    answers, labels = [], []
    for n, (text, said) in enumerate(texts):
        item = "saf-0005" if n % 2 else "saf-0098"
        answers.append({"id": f"a{n}", "item": item, "lang": "en" if text.isascii() else "zh",
                        "kind": "partial", "text": text})
        labels.append({"answer": f"a{n}", "item": item, "critical": [],
                       "points": [{"index": i, "said": bool(s)} for i, s in enumerate(said)]})
    (folder / "answers_t.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in answers),
                                            encoding="utf-8")
    (folder / "labels_t.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in labels),
                                           encoding="utf-8")


def test_train_then_tune_round_trip(two_open_items, tmp_path: Path) -> None:
    corpus = tmp_path / "grading"
    _corpus(corpus)
    head = tmp_path / "head.json"
    trained = runner.invoke(app, ["grader", "train", "--corpus", str(corpus), "--embedder", "hashing",
                                  "--folds", "2", "--out", str(head)])
    assert trained.exit_code == 0, trained.output
    assert "10 labelled answers over 2 items" in trained.stdout and "wrote" in trained.stdout
    loaded = HeadFile.load(head)
    assert loaded.model_id.startswith("hashing") and loaded.note["answers"] == 10
    tuned = runner.invoke(app, ["grader", "tune", "--corpus", str(corpus), "--embedder", "hashing", "--folds", "2",
                                "--head", str(head)])
    assert tuned.exit_code == 0, tuned.output
    assert "thresholds" in tuned.stdout


def test_one_item_is_not_enough_for_cross_validation(tiny, tmp_path: Path) -> None:
    corpus = tmp_path / "grading"
    _corpus(corpus)
    result = runner.invoke(app, ["grader", "train", "--corpus", str(corpus), "--embedder", "hashing",
                                 "--out", str(tmp_path / "h.json")])
    assert result.exit_code == 1 and "two items" in result.output


def test_train_without_labels_says_so(tiny, tmp_path: Path) -> None:
    corpus = tmp_path / "empty"
    corpus.mkdir()
    (corpus / "split.yaml").write_text("held_out: []\n", encoding="utf-8")
    result = runner.invoke(app, ["grader", "train", "--corpus", str(corpus), "--embedder", "hashing",
                                 "--out", str(tmp_path / "h.json")])
    assert result.exit_code == 1 and "no labelled answers" in result.output


def test_export_reviews_from_an_empty_store(tiny, tmp_path: Path) -> None:
    out = tmp_path / "reviews.jsonl"
    result = runner.invoke(app, ["grader", "export-reviews", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote 0 reviewed answers" in result.stdout and out.read_text(encoding="utf-8") == ""
