"""The worker's screens at phone and laptop sizes (390×844 and 1366×768) in Chinese and English, in a real browser:
a notice shows next to the control that caused it, after each answer the verdict and the Next button are in view
without scrolling, nothing ever says "processing", and the end button asks first. Viewport screenshots of each
screen go to artifacts/screenshots/phone-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.browser_flow import (
    answer_one,
    comes_into_view,
    progress_text,
    visible,
    wait_for_next,
    wait_for_verdict,
)
from tests.ui.conftest import SCREENSHOTS, BrowserQuiz

pytestmark = pytest.mark.slow

WORDS = {"zh": {"start": "开始", "confirm": "还有约", "result": "您的测试结果", "notice": "工作类别", "review": "错题本"},
         "en": {"start": "Start", "confirm": "About", "result": "Your results", "notice": "kind of work", "review": "Answers to go over"}}
SIZES = {"phone": (390, 844), "laptop": (1366, 768)}


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def _no_processing(page: Any) -> None:
    assert not page.evaluate("() => window.__processing === true || /processing/i.test(document.body.innerText)")


@pytest.mark.parametrize("size", ["phone", "laptop"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_worker_screens_keep_feedback_in_view(browser_quiz: BrowserQuiz, size: str, lang: str) -> None:
    width, height = SIZES[size]
    words = WORDS[lang]
    tag = f"phone-{width}x{height}-{lang}"
    page = browser_quiz.new_page(viewport={"width": width, "height": height},
                                 locale="zh-CN" if lang == "zh" else "en-US", has_touch=size == "phone")
    try:
        page.goto(browser_quiz.url)
        page.wait_for_selector("#start-btn", timeout=60_000)
        page.evaluate("() => localStorage.clear()")
        if lang == "en":
            page.locator("#lang-switch label", has_text="English").click()
        page.wait_for_function("(w) => (document.querySelector('#start-btn')?.innerText || '').includes(w)",
                               arg=words["start"], timeout=30_000)
        _shot(page, f"{tag}-1-intake")
        # a notice next to the button that caused it (no name yet), in the UI language
        page.click("#start-btn")
        page.wait_for_selector("#notice-start .notice-box", timeout=30_000)
        assert words["notice"] in page.locator("#notice-start").inner_text()
        assert comes_into_view(page, "#notice-start .notice-box")
        assert page.locator("#notice-start [aria-live]").count() == 1
        _shot(page, f"{tag}-2-notice")
        page.locator("#worker-code input, #worker-code textarea").first.fill(f"phone-{size}-{lang}")
        page.locator("#role label").first.click()
        page.wait_for_timeout(800)
        page.click("#start-btn")
        page.wait_for_selector("#qcard", timeout=60_000)
        page.wait_for_timeout(500)
        assert comes_into_view(page, "#qcard")
        _shot(page, f"{tag}-3-question")
        for step in range(3):
            if visible(page, "#result-md") and page.locator("#result-md").inner_text().strip():
                break
            if visible(page, "#checks"):  # submit with nothing ticked: the notice is where she tapped
                page.click("#submit-btn")
                page.wait_for_selector("#notice-quiz .notice-box", timeout=30_000)
                assert comes_into_view(page, "#notice-quiz .notice-box")
                _shot(page, f"{tag}-4-notice-quiz")
            before = progress_text(page)
            answer_one(page)
            wait_for_verdict(page)
            if step == 0:
                _shot(page, f"{tag}-5-verdict")
            assert comes_into_view(page, "#verdict"), f"step {step}: the verdict is out of view"
            assert comes_into_view(page, "#next-btn"), f"step {step}: the Next button is out of view"
            _no_processing(page)
            wait_for_next(page, before)
            _no_processing(page)
        # ending early asks first, right where she tapped; "keep answering" keeps the question
        pending = progress_text(page)
        page.click("#stop-btn")
        page.wait_for_selector("#confirm-text", timeout=30_000)
        assert words["confirm"] in page.locator("#confirm-text").inner_text()
        assert comes_into_view(page, "#confirm-text") and comes_into_view(page, "#confirm-yes")
        _shot(page, f"{tag}-6-confirm")
        page.click("#confirm-no")
        page.wait_for_function("() => { const b = document.querySelector('#confirm-stop');"
                               " return !b || b.offsetParent === null; }", timeout=30_000)
        assert progress_text(page) == pending
        page.click("#stop-btn")
        page.wait_for_selector("#confirm-yes", timeout=30_000)
        page.click("#confirm-yes")
        page.wait_for_function("(w) => (document.querySelector('#result-md')?.innerText || '').includes(w)",
                               arg=words["result"], timeout=60_000)
        page.wait_for_timeout(800)
        assert comes_into_view(page, "#result-md")
        assert page.locator("#result-cards .area-card").count() >= 1
        _no_processing(page)
        _shot(page, f"{tag}-7-result")
        page.locator("#result-cards").scroll_into_view_if_needed()
        _shot(page, f"{tag}-8-result-cards")
        page.screenshot(path=str(SCREENSHOTS / f"{tag}-9-result-full.png"), full_page=True)
        page.click("#review-btn")  # 错题本 / Review my answers
        page.wait_for_selector("#review-title", timeout=30_000)
        page.locator("#review-title").scroll_into_view_if_needed()
        _shot(page, f"{tag}-10-review")
        assert page.locator("#review-title").inner_text() == words["review"]
    finally:
        page.close()


def test_controls_are_big_and_apart_on_a_phone(browser_quiz: BrowserQuiz) -> None:
    """Every visible button on the worker's intake is ≥ 48 px high; labels are ≥ 16 px."""
    page = browser_quiz.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    try:
        page.goto(browser_quiz.url)
        page.wait_for_selector("#start-btn", timeout=60_000)
        heights = page.evaluate("""() => [...document.querySelectorAll('#tab-worker button')]
            .filter(b => b.offsetParent !== null).map(b => [b.innerText, b.getBoundingClientRect().height])""")
        assert heights and all(h >= 47.5 for _text, h in heights), heights
        sizes = page.evaluate("""() => [...document.querySelectorAll('#tab-worker label span, #tab-worker [data-testid="block-info"]')]
            .filter(e => e.offsetParent !== null && e.innerText.trim()).map(e => parseFloat(getComputedStyle(e).fontSize))""")
        assert sizes and min(sizes) >= 16, sizes
    finally:
        page.close()
