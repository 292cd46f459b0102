"""Ask-the-bank with the real embedder on the shipped bank: off-topic questions get nothing, bank questions get
an answer whose source is a course-unit name, and the open item's fact is never given away."""

from __future__ import annotations

import re

import pytest

from assessor.retrieval.ask import ask
from assessor.retrieval.index import BankIndex

pytestmark = pytest.mark.model

OFF_TOPIC = ["个人所得税怎么申报", "车胎扎了怎么换备胎", "明天天气怎么样", "手机话费怎么充值",
             "how do I file my income tax", "how to change a flat tyre", "what will the weather be tomorrow",
             "my phone bill is too high"]


@pytest.fixture(scope="module")
def index(e5, shipped_bank, request: pytest.FixtureRequest) -> BankIndex:
    """The shipped bank's index, cached in pytest's cache folder (keyed by bank hash and model, like the app's):
    embedding the whole bank takes minutes on a busy 2-core machine."""
    return BankIndex.load_or_build(shipped_bank, e5, request.config.cache.mkdir("ask-index"))


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_questions_get_nothing(index: BankIndex, question: str) -> None:
    assert ask(index, question) == [], [(a.ref, round(a.score, 3)) for a in ask(index, question)]


@pytest.mark.parametrize(("question", "refs"), [
    ("84消毒液怎么兑水？", {"sck-0004", "sck-0042", "cln-0054"}),
    ("手烫伤了用冷水冲多久", {"saf-0002", "saf-0025", "saf-0052"}),  # the fact sits in a true/false stem
    ("how often should a bedridden person be turned", {"eld-0016", "eld-0041", "eld-0068"}),
])
def test_bank_questions_find_the_fact_with_a_named_source(index: BankIndex, question: str, refs: set[str]) -> None:
    answers = ask(index, question)
    assert answers and {a.ref for a in answers} & refs, [(a.ref, round(a.score, 3)) for a in answers]
    lang = "zh" if re.search(r"[\u4e00-\u9fff]", question) else "en"
    for answer in answers:
        assert answer.lang == lang and " · " in answer.source or answer.kind == "unit"
        assert not re.search(r"\b[a-z]{3}-\d{4}\b", answer.source + answer.text)


def test_the_open_item_and_its_group_are_never_returned(index: BankIndex, shipped_bank) -> None:
    open_item = shipped_bank.items["saf-0002"]
    group = {i.id for i in shipped_bank.items.values() if open_item.same_fact and i.same_fact == open_item.same_fact}
    answers = ask(index, "烫伤后用凉水冲多久", k=10, exclude_item_ids=["saf-0002"], floors={"zh": -1.0})
    assert answers and not {a.ref for a in answers} & ({"saf-0002"} | group)
