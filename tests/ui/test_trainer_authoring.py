"""The Trainer tab's "Write items" sub-tab, handlers called directly on a copy of the tiny bank: write, see
field-level problems, a stale second save refused with the form kept, review by a second trainer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assessor.bank.form import ItemForm
from assessor.bank.load import load_bank
from assessor.ui.context import AppContext
from assessor.ui.trainer import TrainerPage
from tests.ui.conftest import make_context
from tests.ui.test_trainer import PASSWORD, built, value


@pytest.fixture
def app(tiny_bank_dir: Path, tmp_path: Path) -> AppContext:
    ctx = make_context(tmp_path / "app", bank_dir=tiny_bank_dir)
    for name in ("alice", "bob"):
        ctx.store.add_trainer(name, PASSWORD)
    return ctx


def logged_in(ctx: AppContext, name: str) -> tuple[TrainerPage, str]:
    page = built(ctx)
    assert page.on_login(name, PASSWORD)[page.user] == name
    return page, name


def new_values(**changes: Any) -> list[Any]:
    form = ItemForm(domain="cleaning", level=5, type="single_choice", stem_zh="擦玻璃先擦哪里？",
                    stem_en="Where do you start when cleaning a window?",
                    options="a | 从上往下擦 | From the top down\nb | 从下往上擦 | From the bottom up\nc | 随便擦 | Anywhere",
                    key="a", explanation_zh="从上往下，脏水不会弄脏擦好的地方。",
                    explanation_en="Top down, so dirty water does not run onto the clean part.",
                    course_refs=["C-CLN-5/u1"], tags="cleaning_order")
    for name, change in changes.items():
        setattr(form, name, change)
    return form.values()


def save(page: TrainerPage, user: str, values: list[Any], item_id: str = "", token: str = "",
         lang: Any = None) -> dict[Any, Any]:
    return page.authoring.on_save(user, item_id, token, lang, *values)


def test_a_trainer_writes_an_item_and_the_running_app_has_it(app: AppContext) -> None:
    page, user = logged_in(app, "alice")
    panel = page.authoring
    out = save(page, user, new_values())
    assert "cln-0003" in out[page.notice] and "pilot" in out[page.notice] and "试用题" in out[page.notice]
    assert out[panel.item_id] == "cln-0003" and out[panel.token].startswith("v1-")  # the next save is an edit
    item = app.bank.items["cln-0003"]
    assert (item.status, item.author, item.version) == ("pilot", "alice", 1)
    assert app.assessment.bank is app.bank and page.bank is app.bank  # no restart needed
    assert load_bank(app.bank.root).items["cln-0003"] == item
    assert [c[1] for c in out[panel.review_pick]["choices"]] == ["cln-0003"]
    assert "cln-0003" in [c if isinstance(c, str) else c[1] for c in out[page.item_pick]["choices"]]


def test_bad_input_shows_each_fields_problem_and_keeps_the_form(app: AppContext) -> None:
    page, user = logged_in(app, "alice")
    panel = page.authoring
    before = sorted(p.name for p in (app.bank.root / "items").iterdir())
    out = save(page, user, new_values(stem_zh="", key="d", course_refs=["C-CLN-5/u7"]), lang="en")
    assert "Not saved: 3 thing(s) to fix" in out[page.notice]
    errors = out[panel.errors]
    assert "Question (Chinese)" in errors and "Right answer" in errors and "Course units" in errors
    assert "⚠" in out[panel.fields["stem_zh"]]["info"] and "not among the options" in out[panel.fields["key"]]["info"]
    assert out[panel.fields["stem_en"]]["info"] is None
    assert all("value" not in out[panel.fields[name]] for name in panel.fields)  # nothing typed is replaced
    assert sorted(p.name for p in (app.bank.root / "items").iterdir()) == before
    zh = save(page, user, new_values(stem_zh=""), lang="zh")
    assert "题目（中文）" in zh[panel.errors] and "不能空着" in zh[panel.errors]


def test_the_second_save_of_a_stale_version_is_refused_and_nothing_is_lost(app: AppContext) -> None:
    alice_page, alice = logged_in(app, "alice")
    bob_page, bob = logged_in(app, "bob")
    opened_a = alice_page.authoring.on_open(alice, "cln-0002", "en")
    opened_b = bob_page.authoring.on_open(bob, "cln-0002", "en")
    token = opened_a[alice_page.authoring.token]
    assert token == opened_b[bob_page.authoring.token] and "Editing cln-0002 (version 1" in opened_a[alice_page.authoring.status]
    values_a = [value(opened_a[alice_page.authoring.fields[n]]) for n in ItemForm.FIELDS]
    values_b = list(values_a)
    values_a[ItemForm.FIELDS.index("stem_en")] = "What must you never use on marble?"
    values_b[ItemForm.FIELDS.index("stem_en")] = "Which cleaner harms a marble top?"
    assert "cln-0002" in save(alice_page, alice, values_a, "cln-0002", token, "en")[alice_page.notice]
    refused = save(bob_page, bob, values_b, "cln-0002", token, "en")
    assert "Not saved" in refused[bob_page.notice] and "alice" in refused[bob_page.notice]
    assert all("value" not in refused[bob_page.authoring.fields[n]] for n in ItemForm.FIELDS)
    assert bob_page.authoring.token not in refused  # still the old stamp: a retry is refused again, not overwritten
    assert app.bank.items["cln-0002"].stem.en == "What must you never use on marble?"


def test_the_author_cannot_approve_and_a_colleague_can(app: AppContext) -> None:
    alice_page, alice = logged_in(app, "alice")
    save(alice_page, alice, new_values())
    own = alice_page.authoring.on_approve(alice, "cln-0003", "zh")
    assert "不能自己审核" in own[alice_page.notice] and app.bank.items["cln-0003"].status == "pilot"
    bob_page, bob = logged_in(app, "bob")
    listed = bob_page.authoring.on_review(bob, None, "en")
    assert listed[bob_page.authoring.review_pick]["value"] == "cln-0003" and "1 item(s) wait" in listed[bob_page.notice]
    card = listed[bob_page.authoring.review_card]
    assert "擦玻璃先擦哪里" in card and "Where do you start" in card and "alice" in card
    no_reason = bob_page.authoring.on_send_back(bob, "cln-0003", "  ", "en")
    assert "Write why you send it back" in no_reason[bob_page.notice]
    approved = bob_page.authoring.on_approve(bob, "cln-0003", "en")
    assert "approved and active" in approved[bob_page.notice]
    item = app.bank.items["cln-0003"]
    assert (item.status, item.reviewed, item.reviewer) == ("active", True, "bob")
    assert approved[bob_page.authoring.review_pick]["choices"] == []


def test_without_login_nothing_is_read_or_written(app: AppContext) -> None:
    page = built(app)
    out = save(page, None, new_values())  # type: ignore[arg-type]
    assert set(out) == {page.notice}
    assert "cln-0003" not in load_bank(app.bank.root).items
    assert set(page.authoring.on_approve(None, "saf-0004", "en")) == {page.notice}


def test_the_language_switch_relabels_the_form(app: AppContext) -> None:
    page = built(app)
    out = page.authoring.on_tab_language("en")
    assert out[page.authoring.lang] == "en"
    assert out[page.authoring.fields["stem_zh"]]["label"] == "Question (Chinese)"
    assert out[page.tab_authoring_box]["label"] == "Write items"
    assert page.authoring.on_tab_language("zh")[page.authoring.save_btn]["value"] == "保存为试用题"
