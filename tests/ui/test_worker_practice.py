"""The worker tab's practice rounds, tappable glossary words, the 看英文 / 看中文 toggle and the transcript under a
verdict, through the event functions (no server)."""

from __future__ import annotations

from typing import Any

from assessor.bank.load import Bank
from assessor.ui.worker import Tab, WorkerPage, screen_summary
from assessor.ui.worker.model import OtherLanguage
from assessor.ui.worker.render import question_card
from assessor.views import QuestionView
from tests.ui.test_worker_handlers import answer_current, notice_of, start, value


def _finish_early(page: WorkerPage, answers: int = 0) -> Tab:
    tab, _out = start(page, code="练习员")
    for _ in range(answers):
        if tab.mode != "quiz":
            break
        answer_current(page, tab)
        page.on_next(tab)
    if tab.mode == "quiz":
        page.on_stop_ask(tab)
        page.on_stop(tab)
    page.on_next(tab)
    assert tab.view == "result"
    return tab


def _visible(out: dict[Any, Any], component: Any) -> bool:
    update = out.get(component)
    return isinstance(update, dict) and update.get("visible") is True


def _answer_practice(page: WorkerPage, tab: Tab, right: bool) -> dict[Any, Any]:
    assert tab.practice is not None and tab.practice.turn.question is not None
    q = tab.practice.turn.question
    item = page.bank.items[q.item_id]
    ids = [oid for oid, _t in q.options]
    if q.type == "multiple_choice":
        return page.on_submit(list(item.key) if right else [i for i in ids if i not in item.key][:1], "", tab)
    chosen = item.key[0] if right else next(i for i in ids if i not in item.key)
    return page.on_tap(ids.index(chosen), tab)


def test_practice_round_from_the_result_changes_nothing_of_the_assessment(page: WorkerPage) -> None:
    tab = _finish_early(page)
    assert tab.result is not None and tab.session_id is not None
    sid = tab.session_id
    store = page.assessment.store
    before = ([(r.id, r.item_id, r.score) for r in store.responses(sid)], store.get_session(sid).results,  # type: ignore[union-attr]
              store.item_exposure("housekeeper"), [r.id for r in store.all_responses(counted_only=True)])
    out = page.on_lang("zh", tab)  # the result panel is sent: one practice button per weak area
    buttons = [b for b in page.practice_btns if _visible(out, b)]
    assert buttons, "a result with areas still to show offers practice"
    assert value(out[buttons[0]]).startswith("练一练：")
    assert "练一练这方面" in value(out[page.practice_head])
    out = page.on_practice(0, "result", tab)
    assert not notice_of(page, out), notice_of(page, out)
    assert tab.view == "practice" and _visible(out, page.quiz_box) and out[page.result_box]["visible"] is False
    assert "练习" in value(out[page.progress]) and "不计分" in value(out[page.progress])
    assert out[page.stop_btn]["visible"] is False and out[page.dont_btn]["visible"] is False
    assert out[page.transcript]["visible"] is False
    q = tab.practice.turn.question  # type: ignore[union-attr]
    assert q is not None and value(out[page.option_btns[0]]) == f"1. {q.options[0][1]}"  # the options are labelled
    assert screen_summary(tab)["practice"]["stage"] == "question"
    practice_sid = tab.practice.turn.session_id  # type: ignore[union-attr]
    right = True
    while tab.practice is not None and tab.practice.stage == "question":
        out = _answer_practice(page, tab, right)
        assert not notice_of(page, out), notice_of(page, out)
        assert tab.practice.stage == "feedback"
        card = value(out[page.card])
        assert 'id="verdict"' in card and "讲解：" in card
        assert ("答对了" in card) is right
        assert _visible(out, page.next_btn)
        right = not right
        out = page.on_next(tab)
    assert tab.practice is not None and tab.practice.stage == "summary"
    turn = tab.practice.turn
    summary = value(out[page.card])
    assert f"答对 {turn.right} 题，共 {turn.total} 题" in summary and "不会改变" in summary
    assert value(out[page.next_btn]) == "回到我的结果"
    out = page.on_next(tab)
    assert tab.practice is None and tab.view == "result" and out[page.result_box]["visible"] is True
    # stored under the practice session only; the assessment is as it was
    practice_rows = store.responses(practice_sid)
    assert len(practice_rows) == turn.total
    assert store.get_session(practice_sid).kind == "practice"  # type: ignore[union-attr]
    after = ([(r.id, r.item_id, r.score) for r in store.responses(sid)], store.get_session(sid).results,  # type: ignore[union-attr]
             store.item_exposure("housekeeper"), [r.id for r in store.all_responses(counted_only=True)])
    assert after == before
    assert page.assessment.result(sid, "zh").readiness_text == tab.result.readiness_text


def test_practice_in_english_and_from_the_review(page: WorkerPage) -> None:
    tab = _finish_early(page, answers=3)
    page.on_lang("en", tab)
    out = page.on_review(tab)
    wrong_areas = list(tab.review_domains)
    shown = [b for b in page.review_practice_btns if _visible(out, b)]
    assert len(shown) == len(wrong_areas)
    if not wrong_areas:  # every answer right: nothing to go over, no practice offered there
        return
    assert value(out[shown[0]]).startswith("Practise: ")
    out = page.on_practice(0, "review", tab)
    assert tab.practice is not None and tab.practice.turn.domain == wrong_areas[0]
    assert "Practice" in value(out[page.progress])
    while tab.practice.stage != "summary":
        if tab.practice.stage == "question":
            _answer_practice(page, tab, True)
        else:
            out = page.on_next(tab)
    assert f"{tab.practice.turn.total} of {tab.practice.turn.total} right" in value(out[page.card])
    assert value(out[page.next_btn]) == "Back to my result"


def test_a_running_quiz_offers_no_practice(page: WorkerPage) -> None:
    tab, _out = start(page, code="练习员2")
    out = page.on_practice(0, "result", tab)
    assert tab.practice is None and tab.view == "question"
    assert page.assessment.store.list_sessions() and all(
        s.kind == "assessment" for s, _w in page.assessment.store.list_sessions())
    assert out[page.quiz_box]["visible"] is True


def _question(stem: str, options: list[tuple[str, str]], lang: str = "zh") -> QuestionView:
    return QuestionView(session_id="s", resume_code="R", item_id="saf-0001", type="single_choice", lang=lang,
                        stem=stem, options=options, instruction="tap", progress="1", number=1, expected=5,
                        domain="safety_first_aid", domain_name="安全", domains_covered=1, domains_total=1)


def test_glossary_words_are_tappable_and_escaped(tiny_bank: Bank) -> None:
    terms = list(tiny_bank.glossary.values())
    card = question_card(_question("<b>先</b>关好阀门，再开窗。", [("a", "拧紧阀门"), ("b", "开灯")]), terms=terms)
    assert '<details class="gl-term" data-term="gas_valve"><summary>阀门</summary>' in card
    assert "管道上控制燃气开和关的开关。" in card  # the explanation, in the card's language
    assert "&lt;b&gt;先&lt;/b&gt;" in card and "<b>" not in card
    assert 'class="gl-chips"' not in card  # the option's word is already explained in the stem
    chips = question_card(_question("闻到燃气味怎么办？", [("a", "关阀门，开窗通风"), ("b", "开灯")]), terms=terms)
    assert 'class="gl-chip"' in chips and "<summary>阀门</summary>" in chips  # a word in an option: a chip
    english = question_card(_question("Close the Valve; valves <i>x</i>", [("a", "ok")], lang="en"), terms=terms)
    assert english.count('class="gl-term"') == 1 and "<summary>Valve</summary>" in english  # whole words only
    assert "The tap on the gas pipe that turns the gas on and off." in english
    assert "&lt;i&gt;" in english and 'lang="en"' in english
    assert "gl-term" not in question_card(_question("没有术语", [("a", "x")]), terms=terms)


def test_other_language_toggle_shows_the_same_question_only_on_a_tap(page: WorkerPage) -> None:
    tab, out = start(page, code="看英文")
    q = tab.question
    assert q is not None
    card = value(out[page.card])
    item = page.bank.items[q.item_id]
    assert '<details class="q-other" id="q-other">' in card and "<details class=\"q-other\" id=\"q-other\" open" not in card
    assert ">看英文<" in card and ">收起英文<" in card
    assert item.stem.en.split()[0] in card and 'lang="en"' in card
    for option in item.options:
        assert option.en in card
    other = page.screen_of(tab).other
    assert other == OtherLanguage("en", item.stem.en, [o.en for o in item.options])
    out = page.on_lang("en", tab)
    card = value(out[page.card])
    assert ">看中文 (Chinese)<" in card and item.stem.zh in card
    hostile = question_card(_question("x", [("a", "y")]), other=OtherLanguage("en", "<script>1</script>", ["<b>o</b>"]))
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile and "&lt;b&gt;o&lt;/b&gt;" in hostile


def test_the_transcript_shows_only_what_was_answered_while_the_verdict_is_up(page: WorkerPage) -> None:
    tab, _out = start(page, code="记录员")
    first = tab.question
    assert first is not None
    out = answer_current(page, tab)
    if tab.view != "feedback" or tab.question is None or tab.question.item_id == first.item_id:
        return  # the quiz ended on the first answer
    pending = tab.question
    chat = " ".join(m["content"] for m in value(out[page.chat]))
    assert first.stem in chat and pending.stem not in chat
    out = page.on_next(tab)
    assert pending.stem in " ".join(m["content"] for m in value(out[page.chat]))
