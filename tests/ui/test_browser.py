"""A real browser (Debian's chromium through playwright) completes a quiz in Chinese; screenshots go to
artifacts/screenshots/. Every request the page made stayed on 127.0.0.1. The session fixture `browser_quiz`
is shared with later browser tests (the trainer opens this transcript)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.ui.conftest import BrowserQuiz

pytestmark = pytest.mark.slow


def test_quiz_in_chinese_in_a_browser(browser_quiz: BrowserQuiz) -> None:
    quiz = browser_quiz
    page = quiz.page  # type: ignore[attr-defined]
    result = page.locator("#result-md").inner_text()
    assert "您的测试结果" in result and quiz.resume_code in result
    assert page.locator("#radar img, #radar canvas, #radar svg").count() >= 1
    assert page.locator("#pdf-btn").is_visible()
    row = quiz.ctx.store.get_session(quiz.session_id)
    assert row is not None and row.status == "finished"
    assert len(quiz.ctx.store.responses(quiz.session_id)) >= 1
    assert quiz.dialogs == []  # type: ignore[attr-defined]  (no script from worker text ever ran)
    assert all(path.exists() and path.stat().st_size > 10_000 for path in quiz.screenshots)
    text, lang = quiz.spoken[0]  # type: ignore[attr-defined]
    assert lang == "zh-CN" and len(text) > 5, (text, lang)


def test_page_made_no_outside_request(browser_quiz: BrowserQuiz) -> None:
    hosts = {urlparse(url).hostname for url in browser_quiz.requests if not url.startswith(("data:", "blob:"))}
    assert hosts <= {"127.0.0.1"}, hosts


def test_language_switch_is_remembered_in_the_browser(browser_quiz: BrowserQuiz) -> None:
    page = browser_quiz.new_page(viewport={"width": 412, "height": 915})
    page.goto(browser_quiz.url)
    page.wait_for_selector("#start-btn", timeout=60_000)
    page.locator("#lang-switch label", has_text="English").click()
    page.wait_for_function("() => (document.querySelector('#start-btn')?.innerText || '').includes('Start')", timeout=30_000)
    page.reload()
    page.wait_for_function("() => (document.querySelector('#start-btn')?.innerText || '').includes('Start')", timeout=60_000)
    page.screenshot(path=str(browser_quiz.screenshots[0].parent / "08-phone-english-remembered.png"), full_page=True)
    page.close()
