"""`check_bank` reports every rule's violation with the right file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assessor.bank.load import check_bank
from assessor.cli import app

SAF = "items/safety_first_aid.yaml"


def _line_of(path: Path, needle: str) -> int:
    """Line of `needle` ("text#2" for its second occurrence)."""
    needle, _, nth = needle.partition("#")
    occurrence = int(nth or 1)
    count = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            count += 1
            if count == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in {path}")


def _mutate(root: Path, rel: str, old: str, new: str, count: int = 1) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} missing from {rel}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_tiny_bank_is_clean(tiny_bank_dir: Path) -> None:
    bank, problems = check_bank(tiny_bank_dir)
    assert problems == []
    assert len(bank.items) == 7
    assert bank.items["saf-0002"].option_ids == ["t", "f"]


# (rule, file, old text, new text, text on the expected line after the change, field fragment, message fragment)
CASES = [
    ("malformed YAML", SAF, "    type: true_false", "    type: true_false: x", "type: true_false: x", "", "malformed YAML"),
    ("unknown domain", SAF, "domain: safety_first_aid\n    level: 5\n    type: true_false",
     "domain: first_aid\n    level: 5\n    type: true_false", "domain: first_aid", "domain", "unknown domain 'first_aid'"),
    ("unknown level", SAF, "level: 4\n    type: ordering", "level: 7\n    type: ordering", "level: 7", "level", "unknown level 7"),
    ("unknown role", "roles.yaml", "id: housekeeper", "id: butler", "id: butler", "id", "unknown role 'butler'"),
    ("unknown level in blueprint", "roles.yaml", "      4:\n", "      6:\n", "      6:", "levels.6", "unknown level 6"),
    ("duplicate id", SAF, "id: saf-0002", "id: saf-0001", "id: saf-0001#2", "id", "duplicate item id 'saf-0001'"),
    ("answer not among options", SAF, "answer: [b]", "answer: [e]", "answer: [e]", "answer", "not among the options"),
    ("language missing", SAF, "stem: {zh: 闻到燃气味，第一步做什么？, ", "stem: {", "stem: {", "stem.zh", "Chinese (zh) text is missing"),
    ("language empty", SAF, "en: Cool a scald under running water for 15 to 20 minutes.", 'en: "  "',
     'en: "  "', "stem.en", "English (en) text is empty"),
    ("a out of range", SAF, "irt: {a: 1.6,", "irt: {a: 4.5,", "irt: {a: 4.5,", "irt.a", "(0, 4]"),
    ("a zero", SAF, "irt: {a: 1.6,", "irt: {a: 0,", "irt: {a: 0,", "irt.a", "(0, 4]"),
    ("c out of range", SAF, "c: 0.15", "c: 0.5", "c: 0.5", "irt.c", "[0, 0.5)"),
    ("weights not 100", "roles.yaml", "weights: {safety_first_aid: 60, cleaning: 40}",
     "weights: {safety_first_aid: 60, cleaning: 30}", "weights: {safety_first_aid: 60, cleaning: 30}",
     "levels.5.weights", "sum to 90"),
    ("course reference missing", SAF, "course_refs: [C-SAF-5/u2]", "course_refs: [C-XYZ-9/u2]",
     "course_refs: [C-XYZ-9/u2]", "course_refs[0]", "course 'C-XYZ-9' does not exist"),
    ("unit reference missing", SAF, "course_refs: [C-SAF-5/u2]", "course_refs: [C-SAF-5/u9]",
     "course_refs: [C-SAF-5/u9]", "course_refs[0]", "has no unit 'u9'"),
    ("ordering not a permutation", SAF, "answer: [a, b, c]", "answer: [a, b, b]", "answer: [a, b, b]", "answer",
     "permutation"),
    ("unknown field", SAF, "    tags: [burns]", "    tag: [burns]", "tag: [burns]", "tag", "unknown field 'tag'"),
    ("unknown type", SAF, "type: true_false", "type: yes_no", "type: yes_no", "type", "Input should be"),
    ("course with unknown domain", "courses.yaml", "domains: [cleaning]", "domains: [gardening]",
     "domains: [gardening]", "domains[0]", "unknown domain 'gardening'"),
    # bank v2
    ("rubric point without polarity", SAF, "{zh: 打120, en: Call 120, polarity: do, ", "{zh: 打120, en: Call 120, ",
     "{zh: 打120, en: Call 120, weight", "answer", "polarity"),
    ("do_not point without its negation", SAF, "{zh: 不要急着把他扶起来, en: Do not rush to lift him,",
     "{zh: 急着把他扶起来, en: Rush to lift him,", "{zh: 急着把他扶起来", "answer[0].polarity", "prohibition in both"),
    ("do point that opens with a prohibition", SAF, "{zh: 打120, en: Call 120, polarity: do,",
     "{zh: 别忘了打120, en: Do not forget to call 120, polarity: do,", "别忘了打120", "answer[1].polarity", "set polarity: do_not"),
    ("critical error without examples", SAF, "    explanation: {zh: 不要急着扶",
     "    critical:\n      - {zh: 马上把他拉起来, en: Pull him up at once, examples: {zh: [扶起来]}}\n    explanation: {zh: 不要急着扶",
     "examples: {zh: [扶起来]}", "critical[0].examples", "at least one example"),
    ("critical error on a choice item", SAF, "    answer: [b]\n",
     "    answer: [b]\n    critical:\n      - {zh: 开灯, en: Switch on a light, examples: {zh: [开灯], en: [light]}}\n",
     "    critical:", "critical", "open_scenario items only"),
    ("plain rephrasing gives the key away", SAF, "plain: {zh: 家里闻到煤气的味道。您最先要做哪件事？",
     "plain: {zh: 家里有煤气味。要关阀门，开窗通风吗？", "    plain: {zh: 家里有煤气味", "plain.zh", "key option b"),
    ("plain rephrasing names a rubric keyword", SAF, "    explanation: {zh: 不要急着扶",
     "    plain: {zh: 老人摔了。不要扶吗？, en: \"He fell. What now?\"}\n    explanation: {zh: 不要急着扶",
     "    plain: {zh: 老人摔了", "plain.zh", "rubric keyword '不要扶'"),
    ("picture missing", SAF, "    answer: [b]\n",
     "    answer: [b]\n    image: {file: gas/valve.svg, alt: {zh: 燃气阀门, en: A gas valve}}\n",
     "    image: {file: gas/valve.svg", "image.file", "does not exist"),
    ("same_fact group of one", SAF, "    answer: [b]\n", "    answer: [b]\n    same_fact: gas_first_step\n",
     "same_fact: gas_first_step", "same_fact", "no other item"),
    ("review due before review", SAF, "    answer: [b]\n",
     "    answer: [b]\n    reviewed_on: 2026-11-29\n    review_due: 2026-01-01\n", "review_due: 2026-01-01",
     "review_due", "not after reviewed_on"),
]


@pytest.mark.parametrize(("rule", "rel", "old", "new", "line_text", "field", "message"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_reports_file_line_field(tiny_bank_dir: Path, rule: str, rel: str, old: str, new: str,
                                           line_text: str, field: str, message: str) -> None:
    _mutate(tiny_bank_dir, rel, old, new)
    _bank, problems = check_bank(tiny_bank_dir)
    expected_line = _line_of(tiny_bank_dir / rel, line_text)
    matching = [p for p in problems if message in p.message]
    assert matching, f"{rule}: no problem with {message!r} in {[str(p) for p in problems]}"
    problem = matching[0]
    assert problem.file == rel
    assert problem.line == expected_line, f"{rule}: {problem}"
    assert field in problem.field


def test_cli_validate_exit_codes_and_json(tiny_bank_dir: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["bank", "validate", str(tiny_bank_dir)])
    assert ok.exit_code == 0, ok.output
    assert "OK" in ok.output
    _mutate(tiny_bank_dir, SAF, "answer: [b]", "answer: [z]")
    bad = runner.invoke(app, ["bank", "validate", str(tiny_bank_dir), "--json"])
    assert bad.exit_code == 1
    data = json.loads(bad.stdout)
    assert data["ok"] is False
    assert data["problems"][0]["file"] == SAF
    assert data["problems"][0]["field"] == "answer"


def test_missing_folder_is_a_problem(tmp_path: Path) -> None:
    _bank, problems = check_bank(tmp_path / "nowhere")
    assert problems and "does not exist" in problems[0].message


def test_picture_with_a_script_is_refused(tiny_bank_dir: Path) -> None:
    media = tiny_bank_dir / "media"
    media.mkdir()
    (media / "valve.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', encoding="utf-8")
    _mutate(tiny_bank_dir, SAF, "    answer: [b]\n", "    answer: [b]\n    image: {file: valve.svg, alt: {zh: 阀门, en: A valve}}\n")
    _bank, problems = check_bank(tiny_bank_dir)
    assert any("script" in p.message and p.field == "image.file" for p in problems), [str(p) for p in problems]
    (media / "valve.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>', encoding="utf-8")
    _bank, problems = check_bank(tiny_bank_dir)
    assert problems == []
