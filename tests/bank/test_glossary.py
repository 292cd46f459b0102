"""The glossary: loading, validation with file and line, and finding terms in a text."""

from __future__ import annotations

from pathlib import Path

from assessor.bank.glossary import find_terms, terms_in
from assessor.bank.load import check_bank, load_bank


def test_terms_are_found_longest_first_and_whole_words_in_english(tiny_bank_dir: Path) -> None:
    bank = load_bank(tiny_bank_dir)
    terms = list(bank.glossary.values())
    zh = find_terms("先关燃气阀，再检查阀门。", "zh", terms)
    assert [(m.text, m.term.id) for m in zh] == [("燃气阀", "gas_valve"), ("阀门", "gas_valve")]
    en = find_terms("Close the Valve, then the gas tap; valves differ.", "en", terms)
    assert [m.text for m in en] == ["Valve", "gas tap"]  # "valves" is not the whole word "valve"
    assert "先关燃气阀"[zh[0].start:zh[0].end] == "燃气阀"
    assert [t.id for t in terms_in(["没有这个词", "关阀门"], "zh", terms)] == ["gas_valve"]


def test_a_form_claimed_by_two_terms_and_an_unused_term_are_problems(tiny_bank_dir: Path) -> None:
    path = tiny_bank_dir / "glossary.yaml"
    path.write_text(path.read_text(encoding="utf-8") + """  - id: valve_again
    term: {zh: 阀门, en: shut-off valve}
    plain: {zh: 一个开关。, en: A tap.}
  - id: tourniquet
    term: {zh: 止血带, en: tourniquet}
    plain: {zh: 绑在胳膊上止血的带子。, en: A band tied round a limb to stop bleeding.}
""", encoding="utf-8")
    _bank, problems = check_bank(tiny_bank_dir)
    messages = {(p.file, p.line, p.message) for p in problems}
    assert ("glossary.yaml", 7, "'阀门' is already a form of term 'gas_valve'") in messages
    assert any(p.line == 10 and "appears in no active item" in p.message for p in problems), problems


def test_a_glossary_term_without_explanation_is_reported(tiny_bank_dir: Path) -> None:
    path = tiny_bank_dir / "glossary.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    plain: {zh: 管道上控制燃气开和关的开关。, en: The tap on the gas pipe that turns the gas on and off.}\n", ""),
                    encoding="utf-8")
    _bank, problems = check_bank(tiny_bank_dir)
    assert [(p.file, p.line, p.field) for p in problems] == [("glossary.yaml", 2, "plain")]
