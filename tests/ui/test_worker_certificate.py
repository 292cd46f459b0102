"""The worker's own certificate from the result page, handlers called directly: the button shows on the result
only, a tap makes the PDF (which verifies) and keeps it on the page, a second tap gives the same certificate
number, a language change relabels it, and without a centre key she gets a plain message in her language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assessor.credentials import registry
from assessor.credentials.verify import verify_pdf
from assessor.sync import init_centre
from assessor.ui.worker import Tab, WorkerPage
from tests.ui.test_worker_handlers import answer_current, notice_of, start, value


def _to_result(page: WorkerPage) -> tuple[Tab, dict[Any, Any]]:
    tab, out = start(page, code="证书学员")
    assert out[page.cert_btn]["visible"] is False  # not during the quiz
    for _ in range(40):
        if tab.mode != "quiz":
            break
        out = answer_current(page, tab)
    out = page.on_next(tab)
    assert tab.view == "result"
    return tab, out


def _unflag(page: WorkerPage, session_id: str) -> None:
    """What a trainer's check of a flagged session amounts to here: the stored results no longer flagged."""
    row = page.ctx.store.get_session(session_id)
    assert row is not None
    results = dict(row.results or {})
    results["results"] = {**results["results"], "aberrance": {"flagged": False, "reasons": []}}
    page.ctx.store.update_results(session_id, results=results, level_reached=row.level_reached, ready=row.ready,
                                  state=row.state or {})


def test_certificate_from_the_result_page(page: WorkerPage) -> None:
    init_centre(Path(page.ctx.settings.data_dir), "default")
    tab, out = _to_result(page)
    assert out[page.cert_btn]["visible"] is True and out[page.cert_file]["visible"] is False
    assert tab.session_id is not None
    # answered in no time by the test, the session is flagged: a trainer certifies it, not she
    out = page.on_certificate(tab)
    assert "需要培训老师先看一看" in notice_of(page, out) and out[page.cert_file]["visible"] is False
    _unflag(page, tab.session_id)
    out = page.on_certificate(tab)
    assert not notice_of(page, out)
    assert "证书做好了" in out[page.cert_file]["label"]
    path = Path(value(out[page.cert_file]))
    assert out[page.cert_file]["visible"] is True and path.suffix == ".pdf"
    assert verify_pdf(path.read_bytes(), Path(page.ctx.settings.data_dir)).status == "valid"
    out = page.on_review(tab)  # another tap on the result page keeps the file there
    assert value(out[page.cert_file]) == str(path)
    again = Path(value(page.on_certificate(tab)[page.cert_file]))
    assert again.name == path.name
    assert len(registry.certificates(page.ctx.store, tab.session_id)) == 1
    out = page.on_lang("en", tab)
    assert value(out[page.cert_btn]) == "Get my certificate"


def test_without_a_centre_key_a_plain_message(page: WorkerPage) -> None:
    tab, _ = _to_result(page)
    assert tab.session_id is not None
    _unflag(page, tab.session_id)
    out = page.on_certificate(tab)
    assert "本中心还没有设置好证书" in notice_of(page, out)
    assert out[page.cert_file]["visible"] is False
    page.on_lang("en", tab)
    assert "has not set up certificates" in notice_of(page, page.on_certificate(tab))
