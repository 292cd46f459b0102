"""A picture question in a real browser on a 390 x 844 phone: the drawing loads, fits the card, sits under the
stem with its alt text; screenshots go to artifacts/screenshots/pictures-*.png (look at them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.picture_bank import ALT, make_picture_bank
from tests.ui.conftest import SCREENSHOTS, launched, make_context

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_picture_question_on_a_phone(tmp_path: Path, lang: str, chromium: Any) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ctx = make_context(tmp_path / "app", bank_dir=make_picture_bank(tmp_path / "bank"), max_items=3)
    with launched(ctx) as (_blocks, url):
        context = chromium.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                       locale="zh-CN" if lang == "zh" else "en-US")
        try:
            page = context.new_page()
            page.goto(url)
            page.wait_for_selector("#start-btn", timeout=60_000)
            if lang == "en":
                page.locator("#lang-switch label", has_text="English").click()
                page.wait_for_timeout(800)
            page.locator("#worker-code input, #worker-code textarea").first.fill(f"picture-{lang}")
            page.locator("#role label").first.click()
            page.wait_for_timeout(800)
            page.click("#start-btn")
            page.wait_for_selector("#qcard img.q-image", timeout=60_000)
            page.wait_for_function("() => document.querySelector('#qcard img.q-image').complete", timeout=10_000)
            page.wait_for_timeout(500)
            box = page.evaluate("""() => { const i = document.querySelector('#qcard img.q-image');
                const c = document.querySelector('#qcard').getBoundingClientRect(); const r = i.getBoundingClientRect();
                const s = document.querySelector('#qcard .q-stem').getBoundingClientRect();
                return {natural: i.naturalWidth, width: r.width, height: r.height, left: r.left, right: r.right,
                        cardLeft: c.left, cardRight: c.right, stemBottom: s.bottom, top: r.top, alt: i.alt}; }""")
            page.locator("#qcard").screenshot(path=str(SCREENSHOTS / f"pictures-card-390-{lang}.png"))
            page.screenshot(path=str(SCREENSHOTS / f"pictures-question-390x844-{lang}.png"))
        finally:
            context.close()
    assert box["natural"] > 0, "the drawing did not load"
    assert box["alt"] == ALT[lang]
    assert 200 <= box["width"] <= 361 and box["height"] > 100
    assert box["cardLeft"] - 1 <= box["left"] and box["right"] <= box["cardRight"] + 1  # inside the card
    assert box["top"] >= box["stemBottom"] - 1  # under the stem
