"""Ask-the-bank without model weights (hashing embedder, tiny bank): what is searched, the source names, the
exclusion rule, the floor and the `assessor ask --json` shape."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from assessor.retrieval.ask import ABSTAIN, ask, blocked_items, question_lang
from assessor.retrieval.index import BankIndex, Entry, bank_entries

ID = re.compile(r"\b[a-z]{3}-\d{4}\b|C-[A-Z]+-\d")


def test_statements_keyed_options_and_unit_summaries_are_indexed(tiny_bank) -> None:
    entries = bank_entries(tiny_bank)
    by = {(e.kind, e.ref, e.lang): e.text for e in entries}
    assert by[("statement", "saf-0002", "zh")] == "烫伤后用凉水冲15到20分钟。"  # a true statement: its stem
    assert "关阀门，开窗通风" in by[("keyed", "saf-0001", "zh")] and "闻到燃气味" in by[("keyed", "saf-0001", "zh")]
    assert "打开抽油烟机" not in by[("keyed", "saf-0001", "zh")]  # only the keyed option
    false_statements = [e for e in entries if e.kind == "statement" and e.ref in {
        i.id for i in tiny_bank.items.values() if i.type == "true_false" and i.key == ["f"]}]
    for entry in false_statements:  # a false statement never stands alone: its explanation comes with it
        item = tiny_bank.items[entry.ref]
        assert entry.text.endswith(item.explanation.get(entry.lang))


def test_sources_are_names_in_the_workers_language_never_ids(tiny_bank, hashing) -> None:
    index = BankIndex.build(tiny_bank, hashing)
    for lang, question in (("zh", "闻到燃气味怎么办"), ("en", "I smell gas, what first?")):
        answers = ask(index, question, k=3, floors={"zh": -1.0, "en": -1.0})
        assert answers
        for answer in answers:
            assert answer.lang == lang and answer.source and not ID.search(answer.source), answer.source
            assert not ID.search(answer.text)
    zh = ask(index, "I smell gas, what first?", k=1, lang="zh", floors={"zh": -1.0, "en": -1.0})[0]
    assert re.search(r"[\u4e00-\u9fff]", zh.source) and re.search(r"[\u4e00-\u9fff]", zh.text)


def test_answers_show_the_explanation_without_the_verdict_word(tiny_bank, hashing) -> None:
    index = BankIndex.build(tiny_bank, hashing)
    answers = ask(index, "烫伤后用凉水冲多久", k=3, floors={"zh": -1.0, "en": -1.0})
    scald = next(a for a in answers if a.ref == "saf-0002")
    assert scald.kind == "explanation" and scald.text == "凉水带走热量。"


def test_below_the_floor_it_abstains(tiny_bank, hashing) -> None:
    index = BankIndex.build(tiny_bank, hashing)
    assert ask(index, "闻到燃气味怎么办", floors={"zh": -1.0, "en": -1.0})
    assert ask(index, "闻到燃气味怎么办", floors={"zh": 1.01, "en": -1.0}) == []
    assert ask(index, "   ") == []
    assert question_lang("84消毒液怎么配") == "zh" and question_lang("how to dilute bleach") == "en"
    assert set(ABSTAIN) == {"zh", "en"} and all(ABSTAIN.values())


def _entry(ref: str, group: str = "", kind: str = "explanation", status: str = "active",
           units: tuple[str, ...] = ()) -> Entry:
    return Entry(kind, ref, "zh", f"text {ref}", ("safety_first_aid",), "安全 · 用电", status, group, units)


def test_exclusion_drops_the_open_item_its_group_twins_and_units(hashing) -> None:
    entries = [_entry("saf-0001", "gas", units=("C-SAF-5/u1",)), _entry("saf-0002", "gas"), _entry("saf-0003"),
               _entry("saf-0004"), _entry("saf-0005", status="pilot"), _entry("C-SAF-5/u1", kind="unit"),
               _entry("C-SAF-5/u2", kind="unit")]
    base = np.eye(7, 8, dtype=np.float32)
    base[3] = base[0] * 0.99 + base[3] * 0.01  # saf-0004's explanation nearly duplicates saf-0001's
    vectors = base / np.linalg.norm(base, axis=1, keepdims=True)
    index = BankIndex(entries, vectors, hashing, "h")
    assert blocked_items(index, ["saf-0001"]) == {"saf-0001", "saf-0002", "saf-0004", "C-SAF-5/u1"}
    assert blocked_items(index, []) == set()
    index.embedder = _Fixed(vectors.sum(axis=0))  # type: ignore[assignment]
    refs = {a.ref for a in ask(index, "燃气", k=10, exclude_item_ids=["saf-0001"], floors={"zh": -1.0})}
    assert refs == {"saf-0003", "C-SAF-5/u2"}  # never the open item, its group, twin or unit, nor a pilot item


def test_a_unit_shows_its_summary_not_its_title(tiny_bank, hashing) -> None:
    index = BankIndex.build(tiny_bank, hashing)
    unit = next(e for e in index.entries if e.kind == "unit" and e.lang == "zh")
    answers = ask(index, unit.text, k=10, floors={"zh": -1.0})
    shown = next(a for a in answers if a.ref == unit.ref)
    assert shown.kind == "unit" and shown.source == unit.source and shown.text  # no summary: the title itself


class _Fixed:
    model_id = "fixed"

    def __init__(self, vector: np.ndarray) -> None:
        self.vector = (vector / np.linalg.norm(vector)).astype(np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.vector for _ in texts])

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.vector for _ in texts])


def test_cli_ask_json_shape(tiny_bank_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assessor.cli import app
    from assessor.settings import get_settings

    monkeypatch.setenv("ASSESSOR_BANK_DIR", str(tiny_bank_dir))
    monkeypatch.setenv("ASSESSOR_EMBEDDER", "hashing")
    get_settings.cache_clear()
    runner = CliRunner()
    result = runner.invoke(app, ["ask", "闻到燃气味，第一步做什么？", "--json", "--exclude", "saf-0004"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"question", "results"} and data["question"] == "闻到燃气味，第一步做什么？"
    assert isinstance(data["results"], list)
    for row in data["results"]:
        assert set(row) == {"kind", "ref", "text", "lang", "score", "source"} and row["ref"] != "saf-0004"
    human = runner.invoke(app, ["ask", "闻到燃气味，第一步做什么？"])
    assert human.exit_code == 0 and ("来源：" in human.stdout or ABSTAIN["zh"] in human.stdout)
    assert runner.invoke(app, ["ask", "gas", "--lang", "fr"]).exit_code != 0
    get_settings.cache_clear()
