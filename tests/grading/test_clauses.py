"""Clause splitting and negation scope (pure functions, no model)."""

from __future__ import annotations

import pytest

from assessor.grading.clauses import MAX_CLAUSES, clause_of, clauses, split_answer


def test_split_zh_and_en_with_connectors() -> None:
    assert split_answer("先别急着扶他起来，问他哪儿疼，然后打120。") == ["别急着扶他起来", "问他哪儿疼", "打120"]
    assert split_answer("Don't lift him. Ask where it hurts and then call 120; keep him warm and call his family") == [
        "Don't lift him", "Ask where it hurts", "call 120", "keep him warm", "call his family"]
    # "and" between single words stays inside the clause
    assert split_answer("Keep the area clean and dry") == ["Keep the area clean and dry"]
    # "without …" starts its own (negated) clause
    assert [c.polarity for c in clauses("call 120 without moving him")] == [1, -1]


@pytest.mark.parametrize(("text", "polarity", "core"), [
    ("不用给他翻身", -1, "给他翻身"),
    ("不能随便扶", -1, "随便扶"),
    ("千万别抠他喉咙", -1, "抠他喉咙"),
    ("没必要告诉家属", -1, "告诉家属"),
    ("无需戴手套", -1, "戴手套"),
    ("别忘了关火", 1, "关火"),
    ("不要忘记通知家属", 1, "通知家属"),
    ("不能不打120", 1, "打120"),
    ("马上打120", 1, "打120"),
    ("看看他嘴里还有没有液体", 1, None),  # A-not-A is a question, not a negation
    ("他不舒服就让他躺下", 1, None),  # 不舒服 is a word, not a negation
    ("no need to wear gloves", -1, "wear gloves"),
    ("Don't lift him", -1, "lift him"),
    ("never leave the baby alone", -1, None),
    ("Don't forget to call 120", 1, "call 120"),
    ("avoid rubbing the wound", -1, None),
    ("Call 120 at once", 1, None),
])
def test_polarity_and_core(text: str, polarity: int, core: str | None) -> None:
    clause = clause_of(text)
    assert clause.polarity == polarity, clause
    if core is not None:
        assert clause.core == core


def test_negation_scope_is_per_clause() -> None:
    found = clauses("马上把老人扶起来，不用打120")
    assert [(c.core, c.polarity) for c in found] == [("把老人扶起来", 1), ("打120", -1)]


def test_bare_keywords_are_not_actions() -> None:
    assert not any(c.has_action for c in clauses("手套 口罩 消毒液"))
    assert not any(c.has_action for c in clauses("gloves, mask, disinfectant"))
    assert all(c.has_action for c in clauses("戴手套，打开窗户，call the doctor"))


def test_long_answers_are_merged_to_a_bounded_number_of_clauses() -> None:
    text = "，".join(f"第{i}件事是擦桌子" for i in range(40))
    assert len(split_answer(text)) == MAX_CLAUSES


def test_odd_input_never_breaks_the_splitter() -> None:
    for text in ("", "   ", "，，，。。", "\x00\x01", "<b>hi</b>", "a" * 5000, "🙂🙂"):
        assert isinstance(clauses(text), list)
