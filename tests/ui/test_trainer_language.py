"""Issue 10 item 9: the trainer tab follows the page's language switch (labels in one language, not pairs)."""

from __future__ import annotations

from pathlib import Path

from assessor.i18n import bi, t
from assessor.ui.app import build_app
from assessor.ui.trainer.language import LABELS, TEXTS, TITLES
from tests.ui.conftest import make_context


def test_every_label_button_and_title_follows_the_switch(tmp_path: Path) -> None:
    blocks = build_app(make_context(tmp_path), with_trainer=True)
    page = blocks.trainer_page  # type: ignore[attr-defined]
    for lang in ("en", "zh"):
        out = page.on_language(lang)
        assert out[page.apply_btn]["value"] == t("tr_apply", lang)
        assert out[page.f_centre]["label"] == t("tr_centre", lang)
        assert out[page.review_tab]["label"] == t("tr_review_tab", lang)
        assert out[page.trainer_tab]["label"] == t("tab_trainer", lang)
        assert len(out) == len(LABELS) + len(TEXTS) + len(TITLES)
        assert not any(" / " in str(update.get("label") or update.get("value")) for update in out.values())
    assert page.on_language("fr")[page.login_btn]["value"] == t("login", "zh")  # unknown: Chinese
    assert page.login_btn.value == bi("login")  # bilingual until a language is chosen
    switch = blocks.worker_page.lang_radio  # type: ignore[attr-defined]
    wired = [d for d in blocks.fns.values() if getattr(d.fn, "__name__", "") == "on_language"]
    assert [d.targets for d in wired] == [[(switch._id, "change")]]
