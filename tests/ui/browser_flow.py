"""A worker's quiz in a real browser (chromium through playwright), in Chinese, with screenshots.

Used by the session fixture `browser_quiz` (tests/ui/conftest.py); later browser tests (the trainer's)
reuse the launched app and the finished session.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

OPEN_ANSWER = "先确认安全，问清楚情况，按规范处理，及时告诉家属，做好记录。"
HOSTILE = "<img src=x onerror=alert(1)><script>alert(2)</script>"


def visible(page: Any, selector: str) -> bool:
    locator = page.locator(selector)
    return locator.count() > 0 and locator.first.is_visible()


def progress_text(page: Any) -> str:
    return page.locator("#progress").inner_text() if visible(page, "#progress") else ""


def in_viewport(page: Any, selector: str) -> bool:
    """Whether the element is visible and wholly inside the window (no scrolling needed to see it)."""
    return bool(page.evaluate(
        """(s) => { const e = document.querySelector(s); if (!e || e.getClientRects().length === 0) return false;
            const r = e.getBoundingClientRect();
            return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight + 1 && r.left >= 0
                && r.right <= window.innerWidth + 1; }""", selector))


def comes_into_view(page: Any, selector: str, within_ms: int = 2000) -> bool:
    """Whether the element is wholly in the window within `within_ms` (the page scrolls a notice or card into
    view on its next 100 ms tick, so a check the instant it appears would race that scroll)."""
    try:
        page.wait_for_function(
            """(s) => { const e = document.querySelector(s); if (!e || e.getClientRects().length === 0) return false;
                const r = e.getBoundingClientRect();
                return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight + 1 && r.left >= 0
                    && r.right <= window.innerWidth + 1; }""", arg=selector, timeout=within_ms)
    except Exception:  # playwright's TimeoutError: not in view in time
        return False
    return True


def shows_processing(page: Any) -> bool:
    """Whether any text on the page says "processing" (Gradio's own overlay text)."""
    return bool(page.evaluate("() => /processing/i.test(document.body.innerText)"))


def wait_for_verdict(page: Any, timeout: float = 30_000) -> None:
    """After an answer: the verdict card and the Next button appear (no "processing" in between)."""
    page.wait_for_function(
        """() => { if (/processing/i.test(document.body.innerText)) { window.__processing = true; }
            const n = document.querySelector('#next-btn');
            return n && n.getClientRects().length > 0 && document.querySelector('#verdict'); }""",
        timeout=timeout, polling=50)
    page.wait_for_timeout(300)


def wait_for_next(page: Any, before: str, timeout: float = 30_000) -> None:
    """Tap Next (下一题 / 看结果) and wait until the question number changes or the result shows."""
    page.click("#next-btn")
    page.wait_for_function(
        """(before) => {
            const result = document.querySelector('#result-md');
            if (result && result.offsetParent !== null && result.innerText.trim().length > 0) return true;
            const p = document.querySelector('#progress');
            const q = document.querySelector('#qcard');
            return p && q && q.offsetParent !== null && p.innerText.trim().length > 0 && p.innerText !== before;
        }""", arg=before, timeout=timeout)
    page.wait_for_timeout(300)


def wait_idle(page: Any) -> None:
    page.wait_for_timeout(700)  # Gradio keeps a stream open, so "network idle" never comes


def answer_one(page: Any) -> str:
    """Answer the shown question like a worker: tap, tick, order or write. Returns the question type seen."""
    page.wait_for_function(
        """() => ['#open-text', '#checks', '#order', '#option-0'].some(s => {
            const e = document.querySelector(s); return e && e.offsetParent !== null; })""", timeout=30_000)
    if visible(page, "#open-text"):
        page.locator("#open-text textarea").fill(OPEN_ANSWER)
        page.click("#submit-btn")
        return "open_scenario"
    if visible(page, "#checks"):
        page.locator("#checks label").first.click()
        page.click("#submit-btn")
        return "multiple_choice"
    if visible(page, "#order"):
        count = sum(1 for i in range(8) if visible(page, f"#option-{i}"))
        for i in range(count):
            page.click(f"#option-{i}")
            page.wait_for_function(
                "(i) => { const b = document.querySelector('#option-' + i); return b && b.disabled; }", arg=i,
                timeout=15_000)
        page.click("#submit-btn")
        return "ordering"
    page.click("#option-0")
    return "choice"


def finish_quiz_in_chinese(quiz: Any, shots: Path) -> None:
    """Intake → quiz (refresh once mid-way) → result, all in Chinese; fills quiz.session_id/resume_code."""
    page = quiz.new_page(viewport={"width": 900, "height": 1300}, locale="zh-CN")
    try:
        _finish(quiz, page, shots)
    except Exception:
        page.screenshot(path=str(shots / "zz-failure.png"), full_page=True)
        raise


def _finish(quiz: Any, page: Any, shots: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(quiz.url)
    page.wait_for_selector("#start-btn", timeout=60_000)
    wait_idle(page)

    def shot(name: str) -> None:
        path = shots / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        quiz.screenshots.append(path)

    shot("01-intake-zh")
    page.locator("#describe textarea").fill("我在客户家打扫卫生、洗衣服，有时做饭")
    for _attempt in range(15):  # while the models load the page says 正在准备，请稍等 next to the button: tap again
        page.click("#place-btn")
        page.wait_for_function("() => { const m = document.querySelector('#place-msg'); "
                               "const n = document.querySelector('#notice-place'); "
                               "return (m && m.innerText.includes('对吗')) || (n && n.innerText.includes('正在准备')); }",
                               timeout=60_000)
        if "对吗" in page.locator("#place-msg").inner_text():
            break
        quiz.preparing_seen = True
        page.wait_for_timeout(2000)
    page.locator("#worker-code input, #worker-code textarea").first.fill(quiz.worker_code)
    page.locator("#role label", has_text="家务服务员").click()
    wait_idle(page)
    shot("02-intake-filled-zh")
    page.click("#start-btn")
    page.wait_for_function("() => { const p = document.querySelector('#progress'); "
                           "return p && p.innerText.includes('第 1 题'); }", timeout=60_000)
    wait_idle(page)
    shot("03-first-question-zh")
    # read aloud: the browser's own speech synthesis, in zh-CN, with the question text (stubbed to listen)
    page.evaluate("""() => { window.__spoken = [];
        const synth = window.speechSynthesis || (window.speechSynthesis = {});
        synth.cancel = () => {}; synth.getVoices = () => [{lang: 'zh-CN', name: 'stub'}];
        synth.speak = (u) => window.__spoken.push([u.text, u.lang]); }""")
    page.click("#read-btn")
    page.wait_for_function("() => window.__spoken.length > 0", timeout=15_000)
    quiz.spoken = page.evaluate("() => window.__spoken")
    page.click("#dont-btn")
    page.wait_for_function("() => document.querySelector('#qcard').innerText.includes('换个说法')", timeout=30_000)
    page.click("#transcript .label-wrap")  # the transcript opens under the card
    seen: set[str] = set()
    for step in range(40):
        if visible(page, "#result-md") and page.locator("#result-md").inner_text().strip():
            break
        before = progress_text(page)
        kind = answer_one(page)
        wait_for_verdict(page)
        if kind not in seen:
            seen.add(kind)
            shot(f"04-verdict-{kind}-zh")
        wait_for_next(page, before)
        if step == 1:  # a refresh mid-quiz continues at the same question
            pending = progress_text(page)
            page.reload()
            page.wait_for_function("(p) => { const e = document.querySelector('#progress'); "
                                   "return e && e.innerText === p; }", arg=pending, timeout=60_000)
            shot("05-after-refresh-zh")
            page.click("#transcript .label-wrap")
            page.locator("#ask-text textarea, #ask-text input").first.fill(HOSTILE)
            page.click("#ask-btn")
            page.wait_for_function("() => document.querySelector('#chat').innerText.includes('onerror')",
                                   timeout=30_000)
            shot("06-html-shown-as-text-zh")
    page.wait_for_selector("#radar", timeout=30_000)
    wait_idle(page)
    shot("07-result-zh")
    quiz.page = page
    quiz.dialogs = dialogs
    quiz.kinds = seen
    rows = [s for s, w in quiz.ctx.store.list_sessions() if w.code == quiz.worker_code]
    assert rows, "the browser session was not stored"
    quiz.session_id, quiz.resume_code = rows[0].id, rows[0].resume_code
