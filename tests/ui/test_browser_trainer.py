"""A real browser (playwright + Debian's chromium) as a trainer on a 1366 px laptop screen: log in, open the
transcript of a finished Chinese quiz whose free-text answer holds HTML, see every column of the sessions and
items tables, save `artifacts/screenshots/trainer_transcript.png`; no request from the page leaves 127.0.0.1.

Reuses the worker browser test's `browser_quiz` fixture (an app with a quiz finished in chromium) and adds, through
the dialogue, one more finished quiz whose free-text answer is HTML.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

from assessor.i18n import bi
from assessor.ui.context import AppContext
from tests.helpers import right_response
from tests.test_dialogue_review import FakeGrader
from tests.ui.conftest import (
    SCREENSHOTS,
    BrowserQuiz,
    fast_models,
    launched,
    make_context,
)
from tests.ui.test_trainer_review import held_session

pytestmark = pytest.mark.slow

PASSWORD = "trainer-pass-123"
HTML_ANSWER = "<b>不要扶</b>，马上打120 <img src=x onerror=alert(1)>"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
WORKER = "浏览器学员007"


def _finish_in_chinese(ctx: AppContext, worker_code: str) -> str:
    """A whole quiz through the dialogue that meets an open scenario (answered with HTML); its session id."""
    for seed in range(11, 60):
        turn = ctx.assessment.start(worker_code, role="housekeeper", level=5, lang="zh", seed=seed)
        saw_open = False
        while turn.question is not None:
            item = ctx.bank.items[turn.question.item_id]
            saw_open |= item.type == "open_scenario"
            turn = ctx.assessment.answer(turn.session_id, item.id, right_response(item, HTML_ANSWER))
        if saw_open:
            return turn.session_id
    raise AssertionError("no seed met an open scenario")


def _inside(page: Any, locator: Any, width: int) -> bool:
    """Whether the element is drawn within the viewport's width (not cut off or scrolled away)."""
    box = locator.bounding_box()
    return box is not None and box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= width + 1


def test_trainer_logs_in_and_opens_the_transcript(browser_quiz: BrowserQuiz) -> None:
    quiz = browser_quiz
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    quiz.ctx.store.add_trainer("browser-trainer", PASSWORD)
    session_id = _finish_in_chinese(quiz.ctx, WORKER)
    session = quiz.ctx.store.get_session(session_id)
    assert session is not None and session.status == "finished" and session.language == "zh"
    start = len(quiz.requests)
    width = 1366
    page = quiz.new_page(viewport={"width": width, "height": 768}, locale="zh-CN")
    try:
        page.goto(quiz.url, wait_until="load")
        page.get_by_role("tab", name=bi("tab_trainer")).click()
        # Wrong password first: refused, no data shown.
        page.locator("#trainer-username input, #trainer-username textarea").first.fill("browser-trainer")
        page.locator("#trainer-password input").first.fill("wrong-password")
        page.locator("#trainer-login-btn").click()
        page.get_by_text(bi("login_failed")).wait_for(timeout=15_000)
        assert not page.locator("#trainer-content").is_visible()
        page.locator("#trainer-password input").first.fill(PASSWORD)
        page.locator("#trainer-login-btn").click()
        table = page.locator("#trainer-sessions-table")
        cell = table.locator("[role=gridcell]").filter(has_text=session.resume_code).first
        cell.wait_for(timeout=20_000)
        cell.click()  # selecting the row opens the session
        transcript = page.locator("#trainer-transcript")
        transcript.locator("[role=gridcell]").filter(has_text="学员 worker").first.wait_for(timeout=20_000)
        page.locator("#trainer-path img, #trainer-path svg, #trainer-path canvas").first.wait_for(timeout=20_000)
        assert transcript.locator("[role=gridcell]").filter(has_text="题库 bank").count() > 0
        header = page.locator("#trainer-session-header")
        assert WORKER in header.inner_text()
        items = page.locator("#trainer-items")
        responses = quiz.ctx.store.responses(session_id)
        assert items.locator("[role=gridcell]").filter(has_text=responses[0].item_id).count() > 0
        # A worker's HTML is shown as text, never as markup.
        assert any(r.answer == HTML_ANSWER for r in responses)
        for area in (transcript, items):
            assert area.locator("img[src='x'], b").count() == 0
        assert items.locator("[role=gridcell]").filter(has_text="<b>不要扶</b>").count() > 0
        # Every column is on screen at 1366 px (the last ones used to be cut off).
        for area, names in ((table, ("达到 reached", "达标 ready", "题数 items")), (items, ("得分 score", "θ", "SE"))):
            for name in names:
                head = area.locator("th, [role=columnheader]").filter(has_text=name).first
                assert _inside(page, head, width), name
        header.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "trainer_transcript.png"), full_page=True)
    finally:
        page.close()
    outside = [url for url in quiz.requests[start:]
               if urlparse(url).scheme not in ("data", "blob") and urlparse(url).hostname not in LOCAL_HOSTS]
    assert not outside, outside
    assert (SCREENSHOTS / "trainer_transcript.png").stat().st_size > 10_000


def test_trainer_confirms_an_answer_from_the_review_queue(browser_quiz: BrowserQuiz, tmp_path: Any) -> None:
    """1366×768: the queue tab lists the held answer with its pre-set checkboxes; one untick and one click on
    confirm store the decision; `artifacts/screenshots/trainer_review.png` shows the card before the click.
    Uses the session's chromium (one playwright per thread) against an app of its own."""

    models = fast_models(make_context(tmp_path / "probe").bank)
    models._grader = FakeGrader(unsure=True)
    ctx = make_context(tmp_path / "app", models=models)
    session_id = held_session(ctx.assessment, "复核学员01", HTML_ANSWER)
    response = next(r for r in ctx.store.responses(session_id) if r.review_status == "needs_review")
    n_points = len(ctx.bank.items[response.item_id].rubric)
    ctx.store.add_trainer("browser-trainer", PASSWORD)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    requests: list[str] = []
    with launched(ctx, with_trainer=True) as (_blocks, url):
        page = browser_quiz.browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page.on("request", lambda request: requests.append(request.url))
        try:
            page.goto(url, wait_until="load")
            page.get_by_role("tab", name=bi("tab_trainer")).click()
            page.locator("#trainer-username input, #trainer-username textarea").first.fill("browser-trainer")
            page.locator("#trainer-password input").first.fill(PASSWORD)
            page.locator("#trainer-login-btn").click()
            page.locator("#trainer-sessions-table [role=gridcell]").first.wait_for(timeout=20_000)
            page.get_by_role("tab", name=bi("tr_review_tab")).click()
            card = page.locator("#trainer-review-card")
            card.get_by_text("clause 0").first.wait_for(timeout=20_000)
            assert card.locator("img[src='x'], b").count() == 0  # the worker's HTML is text
            assert "<b>不要扶</b>" in card.inner_text()
            boxes = page.locator("#trainer-review-points input[type=checkbox]")
            assert boxes.count() == n_points
            assert [boxes.nth(i).is_checked() for i in range(n_points)] == [i < n_points - 1 for i in range(n_points)]
            confirm = page.locator("#trainer-review-confirm")
            confirm.scroll_into_view_if_needed()
            box = confirm.bounding_box()
            assert box is not None and box["x"] + box["width"] <= 1367
            page.screenshot(path=str(SCREENSHOTS / "trainer_review.png"), full_page=False)
            boxes.nth(0).uncheck()
            confirm.click()
            page.get_by_text(bi("tr_review_none")).first.wait_for(timeout=20_000)
            # the language switch (worker tab) relabels the trainer tab in one language
            page.get_by_role("tab", name=bi("tab_worker")).click()
            page.locator("#lang-switch").get_by_text("English").click()
            page.get_by_role("tab", name="Trainer", exact=True).click(timeout=20_000)
            page.locator("#trainer-review-confirm").filter(has_text="Confirm the marks").wait_for(timeout=20_000)
            assert page.get_by_role("tab", name="Review queue", exact=True).count() == 1
            assert "确认评分" not in confirm.inner_text()
        finally:
            page.close()
    decided = ctx.store.reviews(response.id)
    assert len(decided) == 1 and decided[0].trainer == "browser-trainer"
    assert [p["said"] for p in decided[0].points] == [0 < i < n_points - 1 for i in range(n_points)]
    outside = [u for u in requests if urlparse(u).scheme not in ("data", "blob") and urlparse(u).hostname not in LOCAL_HOSTS]
    assert not outside, outside
    assert (SCREENSHOTS / "trainer_review.png").stat().st_size > 10_000
