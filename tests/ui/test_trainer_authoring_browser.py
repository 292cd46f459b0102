"""Chromium on a 1366×768 laptop screen: a trainer opens "Write items", saves a form with mistakes and sees each
field's problem next to it, in Chinese and in English; then a correct item is saved. Screenshots:
artifacts/screenshots/trainer_authoring_{zh,en}.png."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from assessor.i18n import bi, t
from tests.ui.conftest import (
    SCREENSHOTS,
    TINY_BANK,
    launched,
    make_context,
)

pytestmark = pytest.mark.slow
PASSWORD = "trainer-pass-123"


def _fill(page: Any, label: str, text: str) -> None:
    page.get_by_label(label, exact=True).first.fill(text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_authoring_form_shows_field_problems_in_the_page_language(tmp_path: Path, lang: str,
                                                                     chromium: Any) -> None:
    from assessor.ui.trainer.authoring import say

    bank = tmp_path / "bank"
    shutil.copytree(TINY_BANK, bank)
    ctx = make_context(tmp_path / "app", bank_dir=bank)
    ctx.store.add_trainer("alice", PASSWORD)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with launched(ctx, with_trainer=True) as (_blocks, url):
        context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page = context.new_page()
        try:
            page.goto(url, wait_until="load")
            page.get_by_role("tab", name=bi("tab_trainer")).click()
            page.locator("#trainer-username input, #trainer-username textarea").first.fill("alice")
            page.locator("#trainer-password input").first.fill(PASSWORD)
            page.locator("#trainer-login-btn").click()
            page.locator("#trainer-content").wait_for(state="visible", timeout=20_000)
            page.get_by_role("tab", name=bi("tab_worker")).click()  # the page's language switch is on the worker tab
            switch = page.locator("#lang-switch")
            switch.get_by_text("English").click()
            if lang == "zh":
                page.get_by_role("tab", name=t("tab_trainer", "en"), exact=True).wait_for(timeout=20_000)
                switch.get_by_text("中文").click()
            page.get_by_role("tab", name=t("tab_trainer", lang), exact=True).click(timeout=20_000)
            page.get_by_role("tab", name=say("tab", lang), exact=True).click(timeout=20_000)
            assert page.locator("#authoring-status").inner_text().startswith(say("new_status", lang)[:8])
            _fill(page, say("stem_en", lang), "Where do you start when cleaning a window?")
            _fill(page, say("options", lang), "a | 从上往下擦 | From the top down\nb | 从下往上擦 | From the bottom up")
            _fill(page, say("key", lang), "c")
            page.locator("#authoring-save").click()
            errors = page.locator("#authoring-errors")
            errors.get_by_text("⚠", exact=False).first.wait_for(timeout=20_000)
            shown = errors.inner_text()
            assert say("stem_zh", lang) in shown and say("key", lang) in shown
            assert ("不能空着" if lang == "zh" else "empty") in shown
            errors.scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENSHOTS / f"trainer_authoring_{lang}.png"))
            assert page.get_by_label(say("stem_en", lang), exact=True).first.input_value().startswith("Where do")
            assert not (bank / "items" / "cleaning-authored.yaml").exists()
        finally:
            context.close()


def _choose(page: Any, label: str, option: str) -> None:
    """Pick `option` (its visible text starts with it) in the Gradio dropdown labelled `label`."""
    page.get_by_label(label, exact=True).first.click()
    page.get_by_role("option").filter(has_text=option).first.click()


def _login(page: Any, name: str) -> None:
    page.locator("#trainer-username input, #trainer-username textarea").first.fill(name)
    page.locator("#trainer-password input").first.fill(PASSWORD)
    page.locator("#trainer-login-btn").click()
    page.locator("#trainer-content").wait_for(state="visible", timeout=20_000)


def test_a_trainer_writes_an_item_and_a_colleague_approves_it_in_the_browser(tmp_path: Path, chromium: Any) -> None:
    from assessor.ui.trainer.authoring import say

    bank = tmp_path / "bank"
    shutil.copytree(TINY_BANK, bank)
    ctx = make_context(tmp_path / "app", bank_dir=bank)
    for name in ("alice", "bob"):
        ctx.store.add_trainer(name, PASSWORD)
    with launched(ctx, with_trainer=True) as (_blocks, url):
        context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page = context.new_page()
        try:
            page.goto(url, wait_until="load")
            page.get_by_role("tab", name=bi("tab_trainer")).click()
            _login(page, "alice")
            page.get_by_role("tab", name=say("tab", None)).click(timeout=20_000)
            _choose(page, say("domain", None), "清洁")
            _fill(page, say("stem_zh", None), "擦玻璃先擦哪里？")
            _fill(page, say("stem_en", None), "Where do you start when cleaning a window?")
            _fill(page, say("options", None),
                  "a | 从上往下擦 | From the top down\nb | 从下往上擦 | From the bottom up\nc | 随便擦 | Anywhere")
            _fill(page, say("key", None), "a")
            _fill(page, say("explanation_zh", None), "从上往下，脏水不会弄脏擦好的地方。")
            _fill(page, say("explanation_en", None), "Top down, so dirty water does not run onto the clean part.")
            _choose(page, say("course_refs", None), "C-CLN-5/u1")
            page.keyboard.press("Escape")
            _fill(page, say("tags", None), "cleaning_order")
            page.locator("#authoring-save").click()
            page.locator("#authoring-status").get_by_text("cln-0003").first.wait_for(timeout=30_000)
            assert ctx.bank.items["cln-0003"].status == "pilot" and ctx.bank.items["cln-0003"].author == "alice"
            page.locator("#trainer-logout-btn").click()
            _login(page, "bob")
            page.get_by_role("tab", name=say("tab", None)).click(timeout=20_000)
            page.locator("#authoring-review-refresh").click()
            page.locator("#authoring-review-card").get_by_text("擦玻璃先擦哪里").first.wait_for(timeout=20_000)
            page.locator("#authoring-approve").click()
            page.get_by_text("approved and active").first.wait_for(timeout=30_000)
            item = ctx.bank.items["cln-0003"]
            assert (item.status, item.reviewer) == ("active", "bob") and ctx.assessment.bank is ctx.bank
        finally:
            context.close()
