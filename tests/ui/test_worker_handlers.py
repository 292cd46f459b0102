"""The worker tab's event functions called directly (no server): a whole session in Chinese, bad input,
resume by code and after a refresh or a restart, and no answer key in anything sent before the answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assessor.store import Store
from assessor.ui.app import build_app
from assessor.ui.worker import Tab, WorkerPage
from tests.ui.conftest import make_context

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>![x](http://example.com/x.png)"


def value(update: Any) -> Any:
    """The value a component gets from an update (plain value or gr.update dict)."""
    if isinstance(update, dict) and update.get("__type__") == "update":
        return update.get("value")
    return update


def notice_of(page: WorkerPage, out: dict[Any, Any]) -> str:
    """Every notice an update shows (each sits next to the control that caused it)."""
    return " ".join(str(value(out[box]) or "") for box in page.notices.values() if box in out).strip()


def start(page: WorkerPage, code: str = "测试员001", level: int = 5) -> tuple[Tab, dict[Any, Any]]:
    out = page.on_load({"lang": "zh", "session_id": None})
    tab = out[page.tab]
    page.on_role("housekeeper", tab)
    out = page.on_start(code, "housekeeper", level, 2, [], tab)
    assert not notice_of(page, out), notice_of(page, out)
    return tab, out


def answer_current(page: WorkerPage, tab: Tab) -> dict[Any, Any]:
    """Answer the pending question the way a worker would (first option / all steps in shown order)."""
    question = tab.question
    assert question is not None
    if question.type in ("single_choice", "true_false"):
        return page.on_tap(0, tab)
    if question.type == "ordering":
        for i in range(len(question.options)):
            page.on_tap(i, tab)
        return page.on_submit([], "", tab)
    if question.type == "multiple_choice":
        return page.on_submit([question.options[0][0]], "", tab)
    return page.on_submit([], "先关火，开窗通风，不要开灯，打电话求助。", tab)


def sent_to_browser(out: dict[Any, Any], page: WorkerPage) -> str:
    """Everything in an update that reaches the browser (gr.State stays on the server)."""
    shown = {str(getattr(k, "elem_id", None) or id(k)): v for k, v in out.items() if k is not page.tab}
    return json.dumps(shown, ensure_ascii=False, default=str)


def test_whole_session_in_chinese(page: WorkerPage) -> None:
    tab, out = start(page)
    assert tab.mode == "quiz"
    assert value(out[page.intake_box]) is None and out[page.intake_box]["visible"] is False
    assert "第 1 题" in value(out[page.progress])
    assert any("继续码" in m["content"] for m in value(out[page.chat]))
    answered = 0
    while tab.mode == "quiz" and answered < 40:
        out = answer_current(page, tab)
        assert not notice_of(page, out), notice_of(page, out)
        answered += 1
    assert tab.mode == "result" and tab.view == "feedback"  # the last verdict first, then 看结果
    assert out[page.result_box]["visible"] is False and out[page.next_btn]["value"] == "看结果"
    answered_out = out
    out = page.on_next(tab)
    assert tab.view == "result" and out[page.result_box]["visible"] is True
    out = {**answered_out, **{k: v for k, v in out.items()
                            if k not in (page.result_md, page.result_cards, page.radar, page.pdf_btn)}}
    result_md = value(out[page.result_md])
    assert "您的测试结果" in result_md and tab.resume_code in result_md
    cards = value(out[page.result_cards])
    assert cards.count('class="area-card a-') == len(tab.result.rows) >= 1
    assert any(word in cards for word in ("达到", "还差一点", "还没测够")) and "推荐课程" in cards
    assert value(out[page.radar]).startswith("<svg") and "各方面能力" in value(out[page.radar])  # inline SVG
    pdf = value(out[page.pdf_btn])
    assert pdf and Path(pdf).read_bytes().startswith(b"%PDF")
    assert len(page.ctx.store.responses(tab.session_id)) == answered  # every answer stored
    feedback = [m["content"] for m in value(out[page.chat]) if "讲解" in m["content"]]
    assert len(feedback) == answered
    screen = value(out[page.screen])
    assert screen["mode"] == "result" and screen["result"]["n_items"] >= 1
    # 错题本: every wrong or partly right answer, with the right answer and the explanation
    wrong = [r for r in page.ctx.store.responses(tab.session_id) if not r.correct and r.score < 1]
    review = value(page.on_review(tab)[page.review_html])
    assert "错题本" in review and review.count('class="qcard review-card"') == len(wrong)
    assert not wrong or ("讲解" in review)
    # ask-the-bank on the result page
    out = page.on_ask("燃气泄漏怎么办", tab)
    assert not notice_of(page, out) and value(out[page.ask_out])
    # take it again: back to the intake, the finished session stays stored
    out = page.on_retake(tab)
    assert out[page.tab].mode == "intake" and out[page.intake_box]["visible"] is True


def test_dont_understand_and_read_aloud_are_never_scored(page: WorkerPage) -> None:
    tab, _ = start(page)
    item = tab.question.item_id
    out = page.on_rephrase(tab)
    assert tab.question.item_id == item
    assert any("换个说法" in m["content"] for m in value(out[page.chat]))
    assert page.ctx.store.responses(tab.session_id) == []
    assert tab.question.stem in value(out[page.read_text])


def test_language_switch_relabels_and_is_remembered(page: WorkerPage) -> None:
    tab, _ = start(page)
    out = page.on_lang("en", tab)
    assert out[page.saved] == {"lang": "en", "session_id": tab.session_id}
    assert out[page.start_btn]["value"] == "Start: I agree"
    assert value(out[page.progress]).startswith("**Question 1")
    assert value(out[page.chat])[-1]["content"].startswith("**Question 1")
    again = page.on_load(out[page.saved])
    assert again[page.lang_radio]["value"] == "en" and again[page.tab].question.item_id == tab.question.item_id


def test_bad_input_gets_a_clear_message_and_nothing_is_rendered_as_html(page: WorkerPage) -> None:
    chat = page.chat
    assert chat.sanitize_html is True and chat.allow_tags is False
    tab, _ = start(page, code="<script>alert(1)</script>")
    seen_open = False
    for _ in range(40):
        if tab.mode != "quiz":
            break
        question = tab.question
        if question.type == "open_scenario" and not seen_open:
            seen_open = True
            for bad, words in (("", "还没有"), ("   ", "还没有"), ("字" * 5000, "太长"),
                               ("\x00\x01\x02binary", "无法识别"), (b"\xff\xfe\x00", "无法识别")):
                out = page.on_submit([], bad, tab)
                assert words in notice_of(page, out)
                assert tab.question.item_id == question.item_id  # nothing scored, same question
                assert "value" not in out[page.open_text]  # the typed text is kept (not cleared)
            out = page.on_submit([], HOSTILE, tab)
            assert not notice_of(page, out)
            shown = sent_to_browser(out, page)
            assert "<script" not in shown and "<img" not in shown
            # the verdict card is HTML (no Markdown): her text shows there literally, escaped
            assert "&lt;script&gt;" in value(out[page.card])
            markdown = sent_to_browser({k: v for k, v in out.items() if k is not page.card}, page)
            assert "](http" not in markdown
            continue
        if question.type == "multiple_choice":
            out = page.on_submit([], "", tab)
            assert "还没有" in notice_of(page, out)
            out = page.on_submit(["zz"], "", tab)
            assert "不属于" in notice_of(page, out)
        if question.type == "ordering":
            page.on_tap(0, tab)
            out = page.on_submit([], "", tab)
            assert "步骤" in notice_of(page, out)
            page.on_reset_order(tab)
        out = page.on_tap(99, tab)
        if question.type != "multiple_choice" and question.type != "open_scenario":
            assert "不属于" in notice_of(page, out)
        answer_current(page, tab)
    assert seen_open, "the tiny bank's open scenario was never asked"
    for bad in ("", "字" * 600, HOSTILE):
        out = page.on_ask(bad, tab)
        shown = sent_to_browser(out, page)
        assert "<script" not in shown and "<img" not in shown
    assert "还没有" in notice_of(page, page.on_ask("", tab))
    assert "太长" in notice_of(page, page.on_ask("字" * 600, tab))


def test_intake_problems_are_messages(page: WorkerPage) -> None:
    tab = page.on_load(None)[page.tab]
    assert "姓名或工号" in notice_of(page, page.on_start("", "housekeeper", 5, None, [], tab))
    assert "工作类别" in notice_of(page, page.on_start("w", None, 5, None, [], tab))
    assert "没有这个等级" in notice_of(page, page.on_start("w", "housekeeper", 1, None, [], tab))
    assert "写几句话" in notice_of(page, page.on_place("", tab))
    assert "无法识别" in notice_of(page, page.on_place("\x00\x00", tab))
    assert tab.mode == "intake"


def test_placement_suggests_a_role_to_confirm(page: WorkerPage) -> None:
    tab = page.on_load(None)[page.tab]
    out = page.on_place("我平时打扫卫生，擦窗户，拖地，也会处理烫伤这些小事故", tab)
    assert "对吗" in value(out[page.place_msg])
    assert out[page.role_radio]["value"] == "housekeeper"
    assert out[page.place_domains]["visible"] is True and out[page.place_domains]["value"]
    out = page.on_start("w2", "housekeeper", 5, None, out[page.place_domains]["value"], tab)
    assert tab.mode == "quiz" and not notice_of(page, out)
    row = page.ctx.store.get_session(tab.session_id)
    assert row.engine_settings["placement_domains"]


def test_unknown_resume_code_is_a_clear_message(page: WorkerPage) -> None:
    tab = page.on_load(None)[page.tab]
    out = page.on_resume("NOPE1234", tab)
    assert "没有找到这个继续码" in notice_of(page, out) and tab.mode == "intake"
    out = page.on_resume("<img src=x onerror=alert(1)>", tab)
    assert "<img" not in notice_of(page, out)
    assert "没有找到" in notice_of(page, page.on_resume("", tab))


def test_refresh_and_resume_code_continue_at_the_same_question(page: WorkerPage) -> None:
    tab, _ = start(page)
    answer_current(page, tab)
    pending = tab.question.item_id
    saved = {"lang": "zh", "session_id": tab.session_id}
    refreshed = page.on_load(saved)  # a browser refresh: same BrowserState, fresh gr.State
    assert refreshed[page.tab].question.item_id == pending and refreshed[page.tab].mode == "quiz"
    assert "欢迎回来" in notice_of(page, refreshed)
    by_code = page.on_resume(tab.resume_code.lower(), Tab())
    assert by_code[page.tab].question.item_id == pending
    assert len(page.ctx.store.responses(tab.session_id)) == 1  # nothing answered is lost, nothing doubled


def test_server_restart_continues_at_the_same_question(tmp_path: Path) -> None:
    ctx = make_context(tmp_path / "app")
    first = build_app(ctx, with_trainer=False).worker_page
    tab, _ = start(first)
    answer_current(first, tab)
    pending, session_id = tab.question.item_id, tab.session_id
    ctx.store.engine.dispose()
    restarted = make_context(tmp_path / "app")  # a new process: new store on the same database
    assert isinstance(restarted.store, Store) and restarted.store is not ctx.store
    page = build_app(restarted, with_trainer=False).worker_page
    out = page.on_load({"lang": "zh", "session_id": session_id})
    assert out[page.tab].question.item_id == pending
    out = answer_current(page, out[page.tab])
    assert len(restarted.store.responses(session_id)) == 2


def test_answer_key_is_never_sent_before_the_answer(ctx: Any) -> None:
    blocks = build_app(ctx, with_trainer=False)
    page = blocks.worker_page
    bank = page.ctx.bank
    tab, out = start(page)
    for _ in range(40):
        if tab.mode != "quiz":
            break
        item = bank.items[tab.question.item_id]
        shown = sent_to_browser(out, page)
        for lang in ("zh", "en"):
            assert item.explanation.get(lang) not in shown
        assert '"key"' not in shown
        rephrased = page.on_rephrase(tab)
        assert item.explanation.get("zh") not in sent_to_browser(rephrased, page)
        out = answer_current(page, tab)
        assert item.explanation.get("zh") in json.dumps(value(out[page.chat]), ensure_ascii=False)
    config = json.dumps(blocks.get_config_file(), ensure_ascii=False, default=str)  # what a page load sends
    assert all(i.explanation.get("zh") not in config for i in bank.items.values())


def test_the_report_pdf_is_written_once_per_session_and_language(page: WorkerPage) -> None:
    import tempfile

    temp = Path(tempfile.gettempdir())
    before = set(temp.glob("assessor-report-*"))
    tab, _ = start(page)
    while tab.mode == "quiz":
        out = answer_current(page, tab)
    first = Path(value(out[page.pdf_btn]))
    assert first.is_file() and first.parent == page.ctx.report_dir
    made = first.stat().st_mtime_ns
    saved = {"lang": "zh", "session_id": tab.session_id}
    for _ in range(3):  # refreshes and language switches
        again = page.on_load(saved)
        assert value(again[page.pdf_btn]) == str(first)
        page.on_lang("en", again[page.tab])
        page.on_lang("zh", again[page.tab])
    assert first.stat().st_mtime_ns == made  # not rewritten
    files = sorted(p.name for p in page.ctx.report_dir.iterdir())
    assert files == sorted({first.name, first.name.replace("-zh-", "-en-")})  # one per language
    assert set(temp.glob("assessor-report-*")) == before  # no temporary folders left behind


def test_a_double_tap_is_recorded_once(page: WorkerPage) -> None:
    import copy

    for attempt in range(20):  # a session whose pending question is a tap-to-answer one
        tab, _ = start(page, code=f"双击{attempt}")
        while tab.mode == "quiz" and tab.question.type not in ("single_choice", "true_false"):
            answer_current(page, tab)
        if tab.mode == "quiz":
            break
    assert tab.mode == "quiz"
    stale = copy.deepcopy(tab)  # the second tap carries the state the first one saw
    before = len(page.ctx.store.responses(tab.session_id))
    first = page.on_tap(0, tab)
    assert not notice_of(page, first)
    second = page.on_tap(0, stale)
    assert len(page.ctx.store.responses(tab.session_id)) == before + 1  # stored once
    assert notice_of(page, second)  # the worker is told, calmly
    assert stale.question is None or stale.question.item_id == (tab.question.item_id if tab.question else None)


def test_trainer_charts_have_a_chinese_font() -> None:
    from assessor.ui.charts import cjk_font

    assert cjk_font() is not None  # the packaged WenQuanYi Micro Hei is registered (no empty boxes)
