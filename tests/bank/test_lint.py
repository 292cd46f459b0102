"""`assessor bank lint`: test-wise cue statistics and their thresholds."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from assessor.bank.lint import has_cue, lint_bank
from assessor.bank.load import load_bank
from assessor.cli import app

SAF = "items/safety_first_aid.yaml"


def _single(n: int, key_long: bool) -> str:
    long_zh, long_en = "先关上燃气阀门，再打开窗户让空气流通", "Close the gas valve first, then open the windows wide"
    options = [("a", "开灯", "Switch on a light"), ("b", "打电话", "Make a call"), ("c", "不用管就行", "No need to do anything")]
    key = "d" if key_long else "a"
    return f"""  - id: saf-{n:04d}
    domain: safety_first_aid
    level: 5
    type: single_choice
    stem: {{zh: 第{n}题：闻到燃气味怎么办？, en: "Question {n}: you smell gas. What do you do?"}}
    options:
""" + "".join(f"      - {{id: {o}, zh: {zh}, en: {en}}}\n" for o, zh, en in options) + f"""      - {{id: d, zh: {long_zh}, en: "{long_en}"}}
    answer: [{key}]
    explanation: {{zh: 先关阀门开窗。, en: Close the valve and open windows first.}}
    irt: {{a: 1.2, b: -1.0, c: 0.2, source: prior}}
    course_refs: [C-SAF-5/u1]
    tags: [gas]
    status: active
    reviewed: true
"""


def test_cue_words_in_both_languages() -> None:
    assert has_cue("不用管它，过一会儿就行", "zh")
    assert has_cue("水越热越好", "zh")
    assert has_cue("There is no need to call anyone", "en")
    assert not has_cue("先关阀门，再开窗", "zh")
    assert not has_cue("Close the valve and open the windows", "en")


def test_a_bank_whose_key_is_always_the_longest_fails(tiny_bank_dir: Path) -> None:
    path = tiny_bank_dir / SAF
    path.write_text(path.read_text(encoding="utf-8") + "".join(_single(100 + n, key_long=True) for n in range(8)),
                    encoding="utf-8")
    report = lint_bank(load_bank(tiny_bank_dir))
    assert not report.ok
    assert report.figures["zh"]["key_among_two_longest"] == 1.0  # type: ignore[index]
    assert any("two longest" in f for f in report.failures)
    assert any("picking the longest" in f for f in report.failures)
    # the key always sits at d as well: where it is shown is a cue of its own
    assert report.figures["single_choice_key_positions"]["d"] > 0.35  # type: ignore[index]
    assert any("of single-choice keys are option d" in f for f in report.failures)
    result = CliRunner().invoke(app, ["bank", "lint", str(tiny_bank_dir)])
    assert result.exit_code == 1
    assert "FAIL" in result.output


def test_short_keys_pass_the_longest_check_and_fail_the_shortest(tiny_bank_dir: Path) -> None:
    path = tiny_bank_dir / SAF
    path.write_text(path.read_text(encoding="utf-8") + "".join(_single(100 + n, key_long=False) for n in range(8)),
                    encoding="utf-8")
    report = lint_bank(load_bank(tiny_bank_dir))
    assert report.figures["en"]["key_among_two_longest"] < 0.6  # type: ignore[index]
    assert not any("two longest" in f for f in report.failures)
    # over-correcting is a cue too: these keys are always among the two shortest
    assert report.figures["en"]["key_among_two_shortest"] > 0.6  # type: ignore[index]
    assert any("two shortest" in f for f in report.failures)
    assert any("of single-choice keys are option a" in f for f in report.failures)


def test_english_cue_words_are_whole_words() -> None:
    assert has_cue("Call 120 and tell the company", "en") is False
    assert has_cue("All of them, always", "en")
