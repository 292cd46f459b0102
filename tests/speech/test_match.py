"""Option matching of spoken answers: rules, words, margins; no model needed."""

from __future__ import annotations

import pytest

from assessor.bank.load import Bank
from assessor.speech import match_choice, match_order
from assessor.speech.evalset import spoken_cases
from tests.speech.conftest import make_item

ITEM = make_item()


@pytest.mark.parametrize("text, lang, expect", [
    ("第二个", "zh", "b"), ("我选第二个。", "zh", "b"), ("选B", "zh", "b"), ("B", "zh", "b"), ("答案是C", "zh", "c"),
    ("2号", "zh", "b"), ("我选第3个", "zh", "c"), ("答案是比", "zh", "b"), ("选项D", "zh", "d"),
    ("先关燃气阀门，再开窗通风", "zh", "a"), ("先关阀门开窗", "zh", "a"), ("点蜡烛找漏气", "zh", "d"),
    ("先关燃汽发门再开窗", "zh", "a"),  # misheard homophones still sound the same
    ("The second one.", "en", "b"), ("second", "en", "b"), ("Option C.", "en", "c"), ("B.", "en", "b"),
    ("bee", "en", "b"), ("I choose the fourth one", "en", "d"), ("number three", "en", "c"), ("the last one", "en", "d"),
    ("Turn off the gas valve, then open the windows", "en", "a"), ("light a candle", "en", "d"),
])
def test_spoken_choice_matches_the_option(text: str, lang: str, expect: str) -> None:
    match = match_choice(text, ITEM, lang)
    assert match.option_id == expect, (text, match)


@pytest.mark.parametrize("text, lang", [
    ("不知道", "zh"), ("我也不太清楚", "zh"), ("不是B，是C", "zh"), ("第五个", "zh"), ("嗯", "zh"), ("", "zh"),
    ("今天天气很好", "zh"), ("I don't know.", "en"), ("the sixth one", "en"), ("what's for dinner", "en"),
    ("option b or option c", "en"),
])
def test_unclear_answer_is_no_match_never_a_guess(text: str, lang: str) -> None:
    match = match_choice(text, ITEM, lang)
    assert match.option_ids == () and match.option_id is None, (text, match)


@pytest.mark.parametrize("text, lang, expect", [
    ("对", "zh", "t"), ("不对", "zh", "f"), ("错", "zh", "f"), ("没错", "zh", "t"), ("这是错的", "zh", "f"),
    ("正确", "zh", "t"), ("true", "en", "t"), ("False.", "en", "f"), ("That's wrong", "en", "f"), ("yes", "en", "t"),
])
def test_true_false(text: str, lang: str, expect: str) -> None:
    item = make_item("true_false", [("t", "对", "True"), ("f", "错", "False")], ["t"])
    assert match_choice(text, item, lang).option_id == expect


def test_multiple_choice_takes_every_named_option() -> None:
    item = make_item("multiple_choice", answer=["a", "c"])
    assert match_choice("选A和C", item, "zh").option_ids == ("a", "c")
    assert match_choice("option a and option c", item, "en").option_ids == ("a", "c")
    assert match_choice("选A和C", ITEM, "zh").option_ids == ()  # single choice: two options is unclear


@pytest.mark.parametrize("text, lang", [
    ("B D E A C", "zh"), ("BDEAC", "zh"), ("二四五一三", "zh"), ("第二，第四，第五，第一，第三", "zh"),
    ("B, D, E, A, C.", "en"), ("two four five one three", "en"), ("second fourth fifth first third", "en"),
])
def test_ordering_sequence(text: str, lang: str) -> None:
    item = make_item("ordering", [(i, f"步骤{i}", f"step {i}") for i in "abcde"], ["b", "d", "e", "a", "c"])
    assert match_order(text, item, lang).option_ids == ("b", "d", "e", "a", "c")


@pytest.mark.parametrize("text", ["B D E A", "B D E A C C", "二四五一六", "不知道"])
def test_ordering_incomplete_is_no_match(text: str) -> None:
    item = make_item("ordering", [(i, f"步骤{i}", f"step {i}") for i in "abcde"], ["b", "d", "e", "a", "c"])
    assert match_order(text, item, "zh").option_ids == ()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bank_spoken_choices_without_embedder(shipped_bank: Bank, lang: str) -> None:
    """Rules and words alone: ≥ 95 % right and no wrong option over 80 items of the shipped bank."""
    cases = spoken_cases(shipped_bank, lang, limit=80)
    got = [match_choice(case.text, case.item, lang).option_ids for case in cases]
    wrong = [(c.item.id, c.text, g) for c, g in zip(cases, got, strict=True) if g and g != c.expect]
    right = sum(g == c.expect for c, g in zip(cases, got, strict=True))
    assert not wrong
    assert right / len(cases) >= 0.95


def test_rank_words_in_an_option_are_not_a_position() -> None:
    """"第一名" / "第一次" in the words she reads out are the option's words, not "the first one" (eld-0253 read
    its fourth option "……拿了第一名" and was matched to the first)."""
    item = make_item(options=[("a", "她去学了新的护理方法", "She learned a new method"),
                              ("b", "她按时上班", "She came on time"),
                              ("c", "老人说她很耐心", "The elder says she is patient"),
                              ("d", "她自己的操作考核拿了第一名", "She came first in her own skills test")])
    assert match_choice("她自己的操作考核拿了第一名", item, "zh").option_ids == ("d",)
    assert match_choice("第一次就做对了", item, "zh").option_ids != ("a",)
    assert match_choice("我选第一个", item, "zh").option_ids == ("a",)
