"""A real browser (playwright + Debian's chromium) as a trainer: log in, open a finished Chinese quiz's
transcript, save `artifacts/screenshots/trainer_transcript.png`; no request from the page leaves 127.0.0.1.

Reuses the worker browser test's `browser_quiz` fixture (a quiz finished in chromium) when that test's flow
module exists; otherwise launches its own app and finishes a Chinese quiz through the dialogue.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import pytest

from assessor.ui.context import AppContext
from assessor.ui.trainer import bi
from tests.helpers import right_response
from tests.ui.conftest import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, chromium_available, make_context
from tests.ui.test_trainer import launched_app

pytestmark = pytest.mark.slow

PASSWORD = "trainer-pass-123"
HTML_ANSWER = "<b>不要扶</b>，马上打120 <img src=x onerror=alert(1)>"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


@dataclass
class Quiz:
    """A launched app with one finished Chinese quiz, and a browser whose page requests are recorded."""

    url: str
    ctx: AppContext
    browser: Any
    session_id: str
    worker_code: str
    requests: list[str] = field(default_factory=list)

    def new_page(self, **kwargs: Any) -> Any:
        page = self.browser.new_page(**kwargs)
        page.on("request", lambda request: self.requests.append(request.url))
        return page


def _answer(ctx: AppContext, item_id: str) -> Any:
    return right_response(ctx.bank.items[item_id], HTML_ANSWER)


def _finish_in_chinese(ctx: AppContext, worker_code: str) -> str:
    turn = ctx.assessment.start(worker_code, role="housekeeper", level=5, lang="zh", seed=11)
    while turn.question is not None:
        turn = ctx.assessment.answer(turn.session_id, turn.question.item_id, _answer(ctx, turn.question.item_id))
    return turn.session_id


@pytest.fixture(scope="module")
def quiz(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Quiz]:
    if not chromium_available():
        pytest.skip("needs Debian's chromium (/usr/bin/chromium) and the playwright package")
    if importlib.util.find_spec("tests.ui.browser_flow") is not None:
        shared = request.getfixturevalue("browser_quiz")
        yield Quiz(url=shared.url, ctx=shared.ctx, browser=shared.browser, session_id=shared.session_id,
                   worker_code=shared.worker_code, requests=shared.requests)
        return
    from playwright.sync_api import sync_playwright

    ctx = make_context(tmp_path_factory.mktemp("trainer-browser"))
    session_id = _finish_in_chinese(ctx, "浏览器学员007")
    with launched_app(ctx) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield Quiz(url=url, ctx=ctx, browser=browser, session_id=session_id, worker_code="浏览器学员007")
        finally:
            browser.close()


def test_trainer_logs_in_and_opens_the_transcript(quiz: Quiz) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    quiz.ctx.store.add_trainer("browser-trainer", PASSWORD)
    session = quiz.ctx.store.get_session(quiz.session_id)
    assert session is not None and session.status == "finished" and session.language == "zh"
    start = len(quiz.requests)
    page = quiz.new_page(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
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
        assert quiz.worker_code in header.inner_text()
        items = page.locator("#trainer-items")
        responses = quiz.ctx.store.responses(quiz.session_id)
        assert items.locator("[role=gridcell]").filter(has_text=responses[0].item_id).count() > 0
        # A worker's HTML is shown as text, never as markup.
        for area in (transcript, items):
            assert area.locator("img[src='x'], b").count() == 0
        if any(r.answer == HTML_ANSWER for r in responses):
            assert items.locator("[role=gridcell]").filter(has_text="<b>不要扶</b>").count() > 0
        header.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "trainer_transcript.png"), full_page=True)
    finally:
        page.close()
    outside = [url for url in quiz.requests[start:]
               if urlparse(url).scheme not in ("data", "blob") and urlparse(url).hostname not in LOCAL_HOSTS]
    assert not outside, outside
    assert (SCREENSHOTS / "trainer_transcript.png").stat().st_size > 10_000
