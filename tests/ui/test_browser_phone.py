"""The worker's screens at phone and laptop sizes (390×844 and 1366×768) in Chinese and English, in a real browser:
a notice shows next to the control that caused it, after each answer the verdict and the Next button are in view
without scrolling, nothing ever says "processing", and the end button asks first. Viewport screenshots of each
screen go to artifacts/screenshots/phone-*.png."""

from __future__ import annotations

import re
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

WORDS = {"zh": {"start": "开始", "confirm": "还有约", "result": "您的测试结果", "notice": "工作类别", "review": "错题本",
                "other": ("看英文", "收起英文"), "practice": "练一练", "tally": r"答对 \d+ 题，共 \d+ 题", "back": "回到我的结果"},
         "en": {"start": "Start", "confirm": "About", "result": "Your results", "notice": "kind of work", "review": "Answers to go over",
                "other": ("看中文", "Hide the Chinese"), "practice": "Practise", "tally": r"\d+ of \d+ right",
                "back": "Back to my result"}}
SIZES = {"phone": (390, 844), "laptop": (1366, 768)}


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def _open_a_glossary_word(page: Any, tag: str) -> bool:
    """Tap the first glossary word (in the stem, or a chip for a word in an option) on the question card: its
    plain explanation opens in view and nothing is answered. False when the card has no such word."""
    summary = page.locator("#qcard > .q-stem details.gl-term > summary, "
                           "#qcard > .gl-chips details.gl-chip > summary").first  # not the closed 看英文 part
    if summary.count() == 0:
        return False
    before = progress_text(page)
    summary.click()
    tip = page.locator("#qcard details[open] .gl-tip").first
    tip.wait_for(state="visible", timeout=5_000)
    assert tip.inner_text().strip()
    assert page.evaluate("""() => { const e = document.querySelector('#qcard details[open] .gl-tip');
        const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight + 1; }""")
    _shot(page, f"{tag}-3b-glossary-open")
    page.wait_for_timeout(400)
    assert progress_text(page) == before and not visible(page, "#verdict")  # a word's tap never answers
    summary.click()  # and a second tap closes it
    page.wait_for_function("() => !document.querySelector('#qcard details[open].gl-term, #qcard details[open].gl-chip')",
                           timeout=5_000)
    return True


def _other_language_toggle(page: Any, words: dict[str, Any], tag: str) -> None:
    """看英文 / 看中文 on the card: the same question in the other language below, only after a tap; a second tap
    hides it again."""
    show, hide = words["other"]
    toggle = page.locator("#q-other > summary")
    assert toggle.is_visible() and show in toggle.inner_text()
    assert not page.locator("#q-other .q-other-body").is_visible()  # never shown by itself
    assert toggle.bounding_box()["height"] >= 47.5
    toggle.click()
    body = page.locator("#q-other .q-other-body")
    body.wait_for(state="visible", timeout=5_000)
    assert body.inner_text().strip() and hide in toggle.inner_text()
    _shot(page, f"{tag}-3c-other-language")
    toggle.click()
    body.wait_for(state="hidden", timeout=5_000)


def _practise(page: Any, quiz: BrowserQuiz, code: str, words: dict[str, Any], tag: str) -> bool:
    """Run a practice round from the first practice button in view to its summary and back to the result; the
    store keeps its answers under the practice session, none in the assessment's responses. Returns whether a
    glossary word was tapped on one of its questions."""
    store = quiz.ctx.store
    sessions = [s for s, w in store.list_sessions() if w.code == code]
    assessment = next(s for s in sessions if s.kind == "assessment")
    before = [(r.id, r.item_id) for r in store.responses(assessment.id)]
    button = page.locator("#review-practice-areas button:visible, #practice-areas button:visible").first
    assert words["practice"] in button.inner_text()
    button.click()
    page.wait_for_function("() => /练习|Practice/.test(document.querySelector('#progress')?.innerText || '')",
                           timeout=30_000)
    page.wait_for_timeout(400)
    assert visible(page, "#qcard") and not visible(page, "#stop-btn")
    tapped = False
    for step in range(8):
        if visible(page, "#practice-summary"):
            break
        if visible(page, "#option-0"):  # the practice question's options are labelled like the quiz's
            assert page.locator("#option-0").inner_text().strip().startswith("1. ")
        if not tapped:
            tapped = _open_a_glossary_word(page, f"{tag}-practice")
        answer_one(page)
        wait_for_verdict(page)
        assert comes_into_view(page, "#verdict") and comes_into_view(page, "#next-btn")
        if step == 0:
            _shot(page, f"{tag}-11-practice-verdict")
        page.click("#next-btn")
        page.wait_for_function("() => { const v = document.querySelector('#verdict');"
                               " return !v || v.offsetParent === null; }", timeout=30_000)
        page.wait_for_timeout(300)
    page.wait_for_selector("#practice-summary", timeout=30_000)
    assert re.search(words["tally"], page.locator("#practice-tally").inner_text())
    assert comes_into_view(page, "#practice-summary") and comes_into_view(page, "#next-btn")
    assert words["back"] in page.locator("#next-btn").inner_text()
    _shot(page, f"{tag}-12-practice-summary")
    practice = next(s for s, w in store.list_sessions() if w.code == code and s.kind == "practice")
    assert practice.engine_settings["practice_of"] == assessment.id
    practised = store.responses(practice.id)
    assert practised and [(r.id, r.item_id) for r in store.responses(assessment.id)] == before
    assert not {r.id for r in practised} & {r.id for r in store.all_responses()}
    page.click("#next-btn")
    page.wait_for_function("(w) => { const r = document.querySelector('#result-md');"
                           " return r && r.offsetParent !== null && r.innerText.includes(w); }",
                           arg=words["result"], timeout=30_000)
    return tapped


def _radar_is_legible(page: Any, width: int) -> None:
    """The result's radar (an inline SVG) as drawn: inside the page's width, no label over another or cut off,
    labels ≥ 13 px, at most 420 px wide."""
    drawn = page.evaluate("""() => { const svg = document.querySelector('#radar svg'); const box = svg.getBoundingClientRect();
        const scale = box.width / svg.viewBox.baseVal.width;
        const texts = [...svg.querySelectorAll('text')].map(t => { const r = t.getBoundingClientRect();
            return [t.textContent, r.left, r.top, r.right, r.bottom, parseFloat(t.getAttribute('font-size')) * scale]; });
        return {box: [box.left, box.top, box.right, box.bottom], texts}; }""")
    left, top, right, bottom = drawn["box"]
    assert left >= 0 and right <= width and right - left <= 420.5, drawn["box"]
    texts = drawn["texts"]
    for i, (name, x0, y0, x1, y1, px) in enumerate(texts):
        assert left <= x0 and x1 <= right and top <= y0 and y1 <= bottom, (name, drawn["box"])
        assert px >= 13, (name, px)
        for other, a0, b0, a1, b1, _px in texts[i + 1:]:
            assert x1 <= a0 or a1 <= x0 or y1 <= b0 or b1 <= y0, (name, other)


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
        _other_language_toggle(page, words, tag)
        glossary_tapped = False
        for step in range(3):
            if visible(page, "#result-md") and page.locator("#result-md").inner_text().strip():
                break
            if not glossary_tapped:
                glossary_tapped = _open_a_glossary_word(page, tag)
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
        page.locator("#radar svg").scroll_into_view_if_needed()
        _shot(page, f"{tag}-9b-radar")
        _radar_is_legible(page, width)
        page.click("#review-btn")  # 错题本 / Review my answers
        page.wait_for_selector("#review-title", timeout=30_000)
        page.locator("#review-title").scroll_into_view_if_needed()
        _shot(page, f"{tag}-10-review")
        assert page.locator("#review-title").inner_text() == words["review"]
        glossary_tapped = _practise(page, browser_quiz, f"phone-{size}-{lang}", words, tag) or glossary_tapped
        assert glossary_tapped, "no glossary word on any question seen (the shipped bank marks most of them)"
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
