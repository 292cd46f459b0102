"""The trainer's review queue, handlers called directly: answers waiting for review (the trainer's centre
only), the card with the machine's suggestion and evidence, checkboxes pre-set to it, one click to confirm."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assessor.dialogue import Assessment
from assessor.grading.export import export_reviews
from assessor.i18n import bi
from assessor.ui.context import AppContext
from assessor.ui.trainer import TrainerPage
from tests.helpers import right_response
from tests.test_dialogue_review import FakeGrader
from tests.ui.conftest import fast_models, make_context
from tests.ui.test_trainer import PASSWORD, built, value


def held_session(assessment: Assessment, worker: str, answer: str = "<b>不要扶</b>，打120") -> str:
    """A finished quiz whose free-text answer the (fake) scorer was unsure of; returns the session id."""
    turn = assessment.start(worker, role="housekeeper", level=5, lang="zh", seed=7)
    while turn.question is not None:
        item = assessment.bank.items[turn.question.item_id]
        turn = assessment.answer(turn.session_id, item.id, right_response(item, answer))
    return turn.session_id


@pytest.fixture
def review_ctx(tmp_path: Path) -> tuple[AppContext, dict[str, str]]:
    """Two held answers at the default centre, one at the north centre; a trainer for each and one for all."""
    models = fast_models(make_context(tmp_path / "probe").bank)
    models._grader = FakeGrader(unsure=True)
    ctx = make_context(tmp_path / "app", models=models)
    north = Assessment(ctx.bank, ctx.store, models=models, config=ctx.assessment.config, centre="north")
    out = {"a": held_session(ctx.assessment, "甲"), "b": held_session(ctx.assessment, "乙"),
           "north": held_session(north, "北")}
    ctx.store.add_trainer("teacher", PASSWORD)
    ctx.store.add_trainer("northie", PASSWORD, centre="north")
    return ctx, out


def _page(ctx: AppContext, who: str) -> tuple[TrainerPage, str]:
    page = built(ctx)
    out = page.on_login(who, PASSWORD)
    assert out[page.user] == who
    return page, who


def test_the_queue_lists_waiting_answers_with_the_machines_suggestion(review_ctx: tuple[AppContext, dict[str, str]]) -> None:
    ctx, _ids = review_ctx
    page, user = _page(ctx, "teacher")
    out = page.on_review_queue(user)
    assert bi("tr_review_count", n=3) in out[page.notice]  # the default-centre account sees every centre
    pick = out[page.review_pick]
    assert len(pick["choices"]) == 3 and pick["value"] == pick["choices"][0][1]
    card = out[page.review_card]
    assert "&lt;b&gt;不要扶&lt;/b&gt;" in card and "<b>" not in card  # the answer shown as text, never HTML
    assert "✔" in card and "✗" in card and "clause 0" in card  # the suggestion with its evidence clause
    points = out[page.review_points]
    n = len(points["choices"])
    assert points["value"] == [str(i) for i in range(n - 1)]  # pre-set: every point but the last


def test_a_centre_trainer_sees_and_decides_only_their_centre(review_ctx: tuple[AppContext, dict[str, str]]) -> None:
    ctx, ids = review_ctx
    page, user = _page(ctx, "northie")
    out = page.on_review_queue(user)
    assert len(out[page.review_pick]["choices"]) == 1 and bi("tr_review_count", n=1) in out[page.notice]
    other = next(r for r in ctx.store.responses(ids["a"]) if r.review_status == "needs_review")
    refused = page.on_review_confirm(user, str(other.id), ["0"], [])
    assert refused == {page.notice: bi("tr_review_gone")}
    assert ctx.store.responses(ids["a"])[other.seq - 1].review_status == "needs_review"


def test_confirm_stores_who_and_when_updates_the_result_and_the_corpus(review_ctx: tuple[AppContext, dict[str, str]]) -> None:
    ctx, ids = review_ctx
    page, user = _page(ctx, "teacher")
    before = ctx.store.get_session(ids["a"])
    assert before is not None
    theta_before = ctx.assessment._state(before).theta
    response = next(r for r in ctx.store.responses(ids["a"]) if r.review_status == "needs_review")
    item = ctx.bank.items[response.item_id]
    every = [str(i) for i in range(len(item.rubric))]
    out = page.on_review_confirm(user, str(response.id), every, [])
    assert bi("tr_review_saved", score="1.00") in out[page.notice] and bi("tr_review_count", n=2) in out[page.notice]
    assert str(response.id) not in [v for _label, v in out[page.review_pick]["choices"]]
    decided = ctx.store.reviews(response.id)[-1]
    assert decided.trainer == "teacher" and decided.decided_at is not None and decided.score == pytest.approx(1.0)
    after = ctx.store.get_session(ids["a"])
    assert after is not None and after.status == "finished" and after.ended_at == before.ended_at
    assert ctx.assessment._state(after).theta[item.domain] > theta_before[item.domain]
    rows, _ = export_reviews(ctx.store, ctx.bank)
    assert [r["id"] for r in rows] == [f"review-{response.id}"]
    again = page.on_review_confirm(user, str(response.id), every, [])  # a second click on a stale page
    assert again == {page.notice: bi("tr_review_gone")}


def test_unticked_points_and_a_danger_score_zero(review_ctx: tuple[AppContext, dict[str, str]]) -> None:
    ctx, ids = review_ctx
    page, user = _page(ctx, "teacher")
    response = next(r for r in ctx.store.responses(ids["b"]) if r.review_status == "needs_review")
    out = page.on_review_confirm(user, str(response.id), ["0", "bogus", None], ["99"])
    item = ctx.bank.items[response.item_id]
    expected = item.rubric[0].weight / sum(p.weight for p in item.rubric)
    assert bi("tr_review_saved", score=f"{expected:.2f}") in out[page.notice]


def test_the_queue_needs_a_login(review_ctx: tuple[AppContext, dict[str, str]]) -> None:
    ctx, ids = review_ctx
    page = built(ctx)
    response = next(r for r in ctx.store.responses(ids["a"]) if r.review_status == "needs_review")
    for out in (page.on_review_queue(None), page.on_review_confirm("nobody", str(response.id), ["0"], [])):
        assert out == {page.notice: bi("login_needed")}
    assert ctx.store.reviews(response.id) == []


def test_an_empty_queue_says_so(tmp_path: Path) -> None:
    ctx = make_context(tmp_path)
    ctx.store.add_trainer("teacher", PASSWORD)
    page, user = _page(ctx, "teacher")
    out: dict[Any, Any] = page.on_review_queue(user)
    assert out[page.notice] == bi("tr_review_none") and value(out[page.review_card]) == ""
