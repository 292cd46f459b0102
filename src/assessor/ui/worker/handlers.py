# Over 450 lines on purpose: every worker event runs through one _guard and one render here; voice, certificate, sparse updates, rendering and the practice logic live in their own modules.
"""The worker tab's event handlers: intake, the quiz in a chat, feedback, ask-the-bank and the result.

Every handler takes the `Tab` (and the inputs), runs one step through the dialogue, builds a `WorkerScreen`
and returns `render(screen)`: `{component: update}` over the one fixed output list. The page decides nothing a
worker reads: texts come from `assessor.dialogue` and `i18n`, answers are scored and stored there, and the
transcript and the report are read through the dialogue, never from the store.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import logging
import math
from collections.abc import Callable
from typing import Any

import gradio as gr

from assessor.bank.schema import LEVEL_NAMES
from assessor.dialogue import InputProblem, ResultView, Turn, clean_text
from assessor.i18n import t
from assessor.practice import Practice, PracticeTurn
from assessor.report.files import FileFolder
from assessor.ui.context import AppContext
from assessor.ui.text import chat_messages, safe_markdown
from assessor.ui.worker import sparse
from assessor.ui.worker.layout import READ_ALOUD_JS, STOP_READING_JS, WorkerLayout
from assessor.ui.worker.model import (
    CHOICE_TYPES,
    Answered,
    Choices,
    OtherLanguage,
    PracticeRound,
    Tab,
    WorkerScreen,
    lang_of,
)
from assessor.ui.worker.render import (
    ask_markdown,
    practice_areas,
    practice_buttons,
    render,
    review_areas,
    review_html,
    shown_question,
)
from assessor.views import QuestionView

log = logging.getLogger(__name__)
Updates = dict[Any, Any]
CHAT_TAIL = 40  # the chat shows the latest messages; the whole transcript stays in the store for trainers
REPORT_VERSION = 2  # part of the report's file name: a new layout makes new files
PLACE_WAIT = 4.0  # seconds placement may wait for models still loading before the page says "getting ready"
_LOADING = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="assessor-place")
_TICKS = itertools.count(1)
YEARS = (("years_lt1", 0.5), ("years_1_3", 2.0), ("years_3_8", 5.0), ("years_8", 10.0))


def years_choices(lang: str) -> list[tuple[str, float]]:
    """Years in this work as a few big buttons (optional; the middle of each band is what the engine gets)."""
    return [(t(key, lang), years) for key, years in YEARS]


class WorkerPage(WorkerLayout):
    """Builds the worker tab inside a `gr.Blocks` and holds its event handlers (tests call them directly)."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.bank = ctx.bank
        self.assessment = ctx.assessment
        self.practice = Practice(ctx.bank, ctx.assessment.store)
        self.reports = FileFolder(ctx.report_dir)

    def build(self) -> None:
        """Create the components (call inside `gr.Blocks`) and wire the events."""
        self.build_layout(self.choices(Tab()), self.ctx.browser_secret)
        self._wire()

    def _wire(self) -> None:
        """Every event: no full-page overlay (`show_progress="hidden"`); the page's own small indicator in the
        UI language appears next to the tapped control (app.py's js) until the next render."""
        out = self.outputs

        def on(event: Any, fn: Callable[..., Updates], inputs: list[Any], name: str, **kw: Any) -> None:
            event(fn, inputs, out, api_name=name, show_progress="hidden", **kw)

        on(self.lang_radio.input, self.on_lang, [self.lang_radio, self.tab], "set_language")
        on(self.role_radio.input, self.on_role, [self.role_radio, self.tab], "choose_role")
        on(self.place_btn.click, self.on_place, [self.describe_box, self.tab], "place")
        on(self.start_btn.click, self.on_start, [self.code_box, self.role_radio, self.level_radio, self.years_box,
                                                 self.place_domains, self.tab], "start")
        on(self.resume_btn.click, self.on_resume, [self.resume_box, self.tab], "resume")
        for i, button in enumerate(self.option_btns):
            on(button.click, self._tap_handler(i), [self.tab], f"tap_{i}")
        on(self.submit_btn.click, self.on_submit, [self.checks, self.open_text, self.tab], "submit")
        on(self.next_btn.click, self.on_next, [self.tab], "next")
        on(self.order_reset.click, self.on_reset_order, [self.tab], "reset_order")
        on(self.dont_btn.click, self.on_rephrase, [self.tab], "rephrase")
        self.read_btn.click(None, [self.read_text, self.lang_radio], None, js=READ_ALOUD_JS, api_visibility="private",
                            show_progress="hidden")
        self.read_stop_btn.click(None, [self.lang_radio], None, js=STOP_READING_JS, api_visibility="private",
                                 show_progress="hidden")
        on(self.stop_btn.click, self.on_stop_ask, [self.tab], "stop_ask")
        on(self.confirm_no.click, self.on_stop_cancel, [self.tab], "stop_cancel")
        on(self.confirm_yes.click, self.on_stop, [self.tab], "stop")
        on(self.ask_btn.click, self.on_ask, [self.ask_text, self.tab], "ask")
        on(self.ask_text.submit, self.on_ask, [self.ask_text, self.tab], "ask_enter", api_visibility="undocumented")
        on(self.retake_btn.click, self.on_retake, [self.tab], "retake")
        self.wire_voice()  # 按住说话 on the card and in the ask box (voice.py)
        on(self.review_btn.click, self.on_review, [self.tab], "review")
        on(self.cert_btn.click, self.on_certificate, [self.tab], "certificate")
        for i, button in enumerate(self.practice_btns):
            on(button.click, self._practice_handler(i, "result"), [self.tab], f"practice_{i}")
        for i, button in enumerate(self.review_practice_btns):
            on(button.click, self._practice_handler(i, "review"), [self.tab], f"review_practice_{i}",
               api_visibility="undocumented")

    def on_page_load(self, blocks: gr.Blocks) -> None:
        """Register the page-load event (restores language and session from the browser)."""
        blocks.load(self.on_load, [self.saved], self.outputs, api_name="load", show_progress="hidden")
        sparse.install(blocks, self.tab)  # each event sends only the updates that differ from the page's (sparse.py)

    # ------------------------------------------------------------------ screen
    def choices(self, tab: Tab) -> Choices:
        """The intake's choices in the tab's language (levels of the chosen role, or every level)."""
        lang = tab.lang
        if tab.role is None:
            levels = sorted({lv for role in self.bank.roles.values() for lv in role.levels}, reverse=True)
        else:
            levels = self.assessment.levels_for(tab.role)
        return Choices(roles=self.assessment.roles(lang), levels=[(LEVEL_NAMES[lv][lang], lv) for lv in levels],
                       years=years_choices(lang),
                       domains=[(self.assessment.domain_name(d, lang), d) for d in tab.suggested_domains])

    def screen_of(self, tab: Tab, *, notice: str = "", new_question: bool = False, labels: bool = False,
                  set_lang: bool = False, extra_chat: list[dict[str, str]] | None = None,
                  at: str = "top") -> WorkerScreen:
        """The screen model for `tab` after a step (reads the transcript and builds the chart when needed)."""
        send_result = labels or set_lang or tab.result_is_new
        tab.result_is_new = False
        chat = chat_messages(self._answered_only(tab)) if tab.session_id and tab.practice is None else []
        radar = self._radar(tab.result) if send_result and tab.mode == "result" and tab.result else None
        shown = shown_question(tab)
        return WorkerScreen(tab=tab, choices=self.choices(tab), notice=notice, chat=chat + (extra_chat or []),
                            radar=radar, labels=labels, set_lang=set_lang, new_question=new_question,
                            send_result=send_result, notice_at=at, tick=next(_TICKS),
                            glossary=list(self.bank.glossary.values()), other=self._other(shown))

    def _answered_only(self, tab: Tab) -> list[Any]:
        """The transcript's tail; while a verdict is up, without the next question (already stored as pending):
        the transcript shows only what she has answered so far."""
        messages = self.assessment.transcript(tab.session_id or "", tail=CHAT_TAIL)
        pending = tab.question.item_id if tab.answered is not None and tab.question is not None else None
        if pending is not None and pending != tab.answered.question.item_id:  # type: ignore[union-attr]
            cut = next((i for i in range(len(messages) - 1, -1, -1)
                        if messages[i].kind == "question" and messages[i].item_id == pending), None)
            if cut is not None:
                messages = messages[:cut]
        return messages

    def _other(self, shown: QuestionView | None) -> OtherLanguage | None:
        """The shown question in the other language (for the card's 看英文 / 看中文 toggle)."""
        item = self.bank.items.get(shown.item_id) if shown is not None else None
        if shown is None or item is None:
            return None
        other = "en" if shown.lang == "zh" else "zh"
        return OtherLanguage(lang=other, stem=item.stem.get(other), options=[o.text(other) for o in item.options])

    def _render(self, tab: Tab, **flags: Any) -> Updates:
        return render(self.screen_of(tab, **flags), self)

    # ------------------------------------------------------------------ handlers
    def on_load(self, saved: Any) -> Updates:
        """A new page or a refresh: restore the language and continue a running session at the same question."""
        saved = saved if isinstance(saved, dict) else {}
        tab = Tab(lang=lang_of(saved.get("lang")))
        session_id = saved.get("session_id")
        notice = ""
        if isinstance(session_id, str) and session_id:
            try:
                turn = self.assessment.current(session_id, tab.lang)
            except InputProblem:
                turn = None  # the session is gone (e.g. a new database): start over quietly
            if turn is not None:
                self._apply_turn(tab, turn)
                notice = t("resumed", tab.lang) if tab.mode == "quiz" else ""
        return self._render(tab, notice=notice, new_question=True, set_lang=True)

    def on_lang(self, lang: Any, tab: Tab) -> Updates:
        """Switch every label, the current question and the result to the other language."""
        tab.lang = lang_of(lang)
        if tab.practice is not None:
            practice = tab.practice
            sid = practice.turn.session_id

            def relabel() -> None:
                practice.turn = self.practice.current(sid, tab.lang)
                self._apply_turn(tab, self.assessment.current(tab.session_id or "", tab.lang))

            return self._guard(tab, relabel, new_question=True, labels=True)
        if tab.session_id is not None:
            sid = tab.session_id
            return self._guard(tab, lambda: self._apply_turn(tab, self.assessment.current(sid, tab.lang)),
                               new_question=True, announce_question=True, labels=True)
        return self._render(tab, labels=True)

    def on_role(self, role: Any, tab: Tab) -> Updates:
        """A role is picked: the level choices become that role's levels (the highest preselected)."""
        tab.role = role if role in self.bank.roles else None
        updates = self._render(tab)
        levels = self.choices(tab).levels
        updates[self.level_radio] = gr.update(choices=levels, value=levels[0][1] if levels else None,
                                              label=t("ask_level", tab.lang))
        return updates

    def on_place(self, text: Any, tab: Tab) -> Updates:
        """'Tell me about your work': placement suggests a role and domains for the worker to confirm."""
        lang = tab.lang
        try:
            cleaned = clean_text(text)
            placed = self._place(cleaned, lang)
        except InputProblem as problem:
            return self._render(tab, notice=t("placement_empty", lang) if problem.key == "empty_answer"
                                else problem.message(lang), at="place")
        except TimeoutError:
            return self._render(tab, notice=t("models_loading", lang), at="place")
        except Exception:
            log.exception("placement failed")
            return self._render(tab, notice=t("ui_error", lang), at="place")
        tab.description = cleaned
        role = placed.get("role")
        tab.role = role if role in self.bank.roles else tab.role
        tab.suggested_domains = [d for d in placed.get("top_domains", []) if d in self.bank.domains]
        updates = self._render(tab)
        choices = self.choices(tab)
        updates[self.place_msg] = safe_markdown(placed.get("message", ""))
        updates[self.place_domains] = gr.update(choices=choices.domains, value=list(tab.suggested_domains),
                                                visible=bool(choices.domains), label=t("place_domains", lang))
        updates[self.role_radio] = gr.update(value=tab.role, choices=choices.roles, label=t("ask_role", lang))
        updates[self.level_radio] = gr.update(choices=choices.levels, value=choices.levels[0][1] if choices.levels
                                              else None, label=t("ask_level", lang))
        return updates

    def _place(self, text: str, lang: str) -> dict[str, Any]:
        """Placement; while the models are still loading, wait a few seconds at most (TimeoutError: the page
        says 正在准备，请稍等 next to the button and the loading goes on)."""
        if self.ctx.models.ready:
            return self.assessment.place(text, lang)
        future = _LOADING.submit(self.assessment.place, text, lang)
        try:
            return future.result(timeout=PLACE_WAIT)
        except concurrent.futures.TimeoutError as error:
            raise TimeoutError from error

    def on_start(self, code: Any, role: Any, level: Any, years: Any, domains: Any, tab: Tab) -> Updates:
        """Create the session and show the first question."""
        level_number = _int_or_none(level)
        picked = [d for d in (domains or []) if d in tab.suggested_domains]

        def start() -> None:
            if not isinstance(role, str) or role not in self.bank.roles:
                raise InputProblem("need_role")
            if level_number is None:
                raise InputProblem("bad_level", role=self.assessment.role_name(role, tab.lang))
            turn = self.assessment.start(
                str(code) if code is not None else "", role=role, level=level_number, lang=tab.lang,
                years=_years(years), placement_domains=picked, description=tab.description)
            tab.role = role
            self._apply_turn(tab, turn)

        return self._guard(tab, start, new_question=True, at="start")

    def on_resume(self, code: Any, tab: Tab) -> Updates:
        """Continue by resume code: the same pending question, or the result."""
        return self._guard(tab, lambda: self._apply_turn(tab, self.assessment.resume(str(code or ""), tab.lang)),
                           new_question=True, keep_notice=True, at="resume")

    def _tap_handler(self, index: int) -> Callable[[Tab], Updates]:
        def tap(tab: Tab) -> Updates:
            return self.on_tap(index, tab)

        tap.__name__ = f"tap_{index}"
        return tap

    def on_tap(self, index: int, tab: Tab) -> Updates:
        """An option button: answers a single-choice or true/false question; adds a step for ordering."""
        if tab.practice is not None:
            return self._practice_tap(index, tab)
        tab.answered = None  # answering the next question (an API client need not press Next)
        question = tab.question
        if tab.mode != "quiz" or question is None:
            return self._render(tab)
        if not 0 <= index < len(question.options):
            return self._render(tab, notice=t("bad_option", tab.lang), at="quiz")
        option_id = question.options[index][0]
        if question.type == "ordering":
            if option_id not in tab.order:
                tab.order.append(option_id)
            return self._render(tab)
        if question.type in CHOICE_TYPES:
            return self._answer(tab, option_id)
        return self._render(tab)

    def on_submit(self, checks: Any, open_text: Any, tab: Tab) -> Updates:
        """Submit for multiple choice (ticked boxes), ordering (the tapped order) and open scenarios (text); for
        a single choice or true/false, the option a voice answer selected (her tap on 提交 confirms it)."""
        shown = shown_question(tab)
        pick = tab.voice if tab.voice is not None and shown is not None and tab.voice.item_id == shown.item_id else None
        if shown is not None and shown.type in CHOICE_TYPES and pick is not None and len(pick.option_ids) == 1:
            if tab.practice is not None:
                return self._practice_answer(tab, pick.option_ids[0])
            tab.answered = None
            return self._answer(tab, pick.option_ids[0])
        if tab.practice is not None:
            question = shown_question(tab)
            if question is None or question.type != "multiple_choice":
                return self._render(tab)
            return self._practice_answer(tab, list(checks or []))
        tab.answered = None
        question = tab.question
        if tab.mode != "quiz" or question is None:
            return self._render(tab)
        responses = {"multiple_choice": list(checks or []), "ordering": list(tab.order), "open_scenario": open_text}
        return self._answer(tab, responses.get(question.type))

    def on_reset_order(self, tab: Tab) -> Updates:
        """Start the ordering again (nothing is stored until Submit)."""
        tab.order = []
        return self._render(tab)

    def on_rephrase(self, tab: Tab) -> Updates:
        """'I don't understand': a plainer wording goes into the chat; nothing is scored."""
        if tab.mode != "quiz" or tab.session_id is None:
            return self._render(tab)
        sid = tab.session_id

        def rephrase() -> None:
            tab.rephrased = self.assessment.rephrase(sid, tab.lang)

        return self._guard(tab, rephrase, at="quiz")

    def on_next(self, tab: Tab) -> Updates:
        """下一题 / Next after a verdict: the pending question (already stored as pending), or the result. In a
        practice round: the next practice question, the round's summary, then back to the result."""
        if tab.practice is not None:
            if tab.practice.stage == "summary":
                tab.practice = None
            else:
                tab.practice.answered = None
            return self._render(tab, new_question=True)
        tab.answered = None
        return self._render(tab, new_question=True)

    def on_stop_ask(self, tab: Tab) -> Updates:
        """The end button: ask first ("还有约 N 题，确定现在交卷吗？"), right where she tapped."""
        tab.confirm_stop = tab.mode == "quiz"
        return self._render(tab)

    def on_stop_cancel(self, tab: Tab) -> Updates:
        """She keeps answering: the question stays as it was."""
        tab.confirm_stop = False
        return self._render(tab)

    def on_stop(self, tab: Tab) -> Updates:
        """The worker confirmed ending the quiz early: the result from what was answered."""
        tab.confirm_stop = False
        tab.answered = None
        if tab.mode != "quiz" or tab.session_id is None:
            return self._render(tab)
        sid = tab.session_id
        return self._guard(tab, lambda: self._apply_turn(tab, self.assessment.stop(sid, tab.lang)), at="quiz")

    def on_ask(self, question: Any, tab: Tab) -> Updates:
        """Ask-the-bank: matching explanations and course units (never the open question's own answer)."""
        answers: list[dict[str, Any]] = []

        def ask() -> None:
            answers.extend(self.assessment.ask(tab.session_id, question, tab.lang))

        updates = self._guard(tab, ask, at="ask")
        if not updates.get(self.notices["ask"]):
            updates[self.ask_text] = gr.update(value="")
            updates[self.ask_out] = gr.update(value=ask_markdown(answers, tab.lang), visible=True)
        return updates

    def on_review(self, tab: Tab) -> Updates:
        """错题本 after the result: each wrong or partly right answer with the right answer and the explanation."""
        entries: list[dict[str, Any]] = []

        def review() -> None:
            if tab.mode == "result" and tab.session_id is not None:
                entries.extend(self.assessment.review(tab.session_id, tab.lang))

        updates = self._guard(tab, review, at="top")
        if tab.mode == "result":
            updates[self.review_html] = review_html(entries, tab.lang, list(self.bank.glossary.values()))
            tab.review_domains = list(dict.fromkeys(str(e["domain"]) for e in entries))
            updates.update(practice_buttons(self.review_practice_btns, review_areas(tab), tab.lang,
                                            self.review_practice_head))
        return updates

    # ------------------------------------------------------------------ practice
    def _practice_handler(self, index: int, source: str) -> Callable[[Tab], Updates]:
        def practise(tab: Tab) -> Updates:
            return self.on_practice(index, source, tab)

        practise.__name__ = f"practice_{source}_{index}"
        return practise

    def on_practice(self, index: int, source: str, tab: Tab) -> Updates:
        """练一练这方面 / Practise this area: an unscored round from the area of button `index` (of the result's
        weak areas, or of 错题本's when `source` is "review"); the assessment is never changed."""
        if tab.mode != "result" or tab.result is None or tab.session_id is None:
            return self._render(tab)
        areas = review_areas(tab) if source == "review" else practice_areas(tab.result)
        if not 0 <= index < len(areas):
            return self._render(tab)
        domain, sid = areas[index][0], tab.session_id

        def start() -> None:
            tab.practice = PracticeRound(turn=self.practice.start(sid, domain, tab.lang))

        return self._guard(tab, start, new_question=True, at="top")

    def _practice_tap(self, index: int, tab: Tab) -> Updates:
        question = shown_question(tab)
        if question is None or question.type not in CHOICE_TYPES:
            return self._render(tab)
        if not 0 <= index < len(question.options):
            return self._render(tab, notice=t("bad_option", tab.lang), at="quiz")
        return self._practice_answer(tab, question.options[index][0])

    def _practice_answer(self, tab: Tab, response: Any) -> Updates:
        """Score and store a practice answer (under the practice session only) and show its verdict."""
        practice = tab.practice
        question = shown_question(tab)
        if practice is None or question is None:
            return self._render(tab)
        sid, item_id = practice.turn.session_id, question.item_id

        def answer() -> None:
            turn: PracticeTurn = self.practice.answer(sid, item_id, response, tab.lang)
            self.keep_voice(tab, sid, item_id)
            practice.turn = turn
            if turn.feedback is not None:
                practice.answered = Answered(question=question, chosen=_chosen(response), feedback=turn.feedback,
                                             key=self._key(item_id))

        return self._guard(tab, answer, new_question=True, at="quiz")

    def on_retake(self, tab: Tab) -> Updates:
        """Back to the intake for a new quiz (the finished one stays stored under its code)."""
        return self._render(Tab(lang=tab.lang, role=tab.role), new_question=True, labels=True)

    # ------------------------------------------------------------------ steps
    def _answer(self, tab: Tab, response: Any) -> Updates:
        question, sid = tab.question, tab.session_id
        if question is None or sid is None:
            return self._render(tab)
        item_id = question.item_id

        def answer() -> None:
            try:
                turn = self.assessment.answer(sid, item_id, response, lang=tab.lang)
            except InputProblem as problem:
                if problem.key in ("stale_question", "session_finished"):  # a double tap: show where it stands
                    self._apply_turn(tab, self.assessment.current(sid, tab.lang))
                raise
            self.keep_voice(tab, sid, item_id)  # a held voice clip goes with this response (keep_audio only)
            self._apply_turn(tab, turn)
            if turn.feedback is not None:
                tab.answered = Answered(question=question, chosen=_chosen(response), feedback=turn.feedback,
                                        key=self._key(item_id))

        return self._guard(tab, answer, new_question=True, at="quiz")

    def _key(self, item_id: str) -> list[str]:
        """The answered item's key (its answer is stored by now), to mark the right option on the verdict."""
        item = self.bank.items.get(item_id)
        return [str(k) for k in item.key] if item is not None and isinstance(item.key, list) else []

    def _guard(self, tab: Tab, step: Callable[[], Any], *, new_question: bool = False, keep_notice: bool = False,
               announce_question: bool = False, labels: bool = False, at: str = "top") -> Updates:
        """Run a step; an `InputProblem` becomes a plain message, anything else a calm apology (logged)."""
        before = tab.question.item_id if tab.question else None
        try:
            notice = step()
            notice = notice if isinstance(notice, str) and keep_notice else ""
        except InputProblem as problem:
            return self._render(tab, notice=problem.message(tab.lang), labels=labels, at=at)
        except Exception:
            log.exception("worker step failed")
            return self._render(tab, notice=t("ui_error", tab.lang), labels=labels, at=at)
        changed = (tab.question.item_id if tab.question else None) != before
        extra = []
        if announce_question and tab.question is not None:
            extra.append({"role": "assistant", "content": safe_markdown(tab.question.as_markdown())})
        return self._render(tab, notice=notice, new_question=new_question and changed or announce_question,
                            extra_chat=extra, labels=labels, at=at)

    def _apply_turn(self, tab: Tab, turn: Turn) -> str | None:
        tab.session_id = turn.session_id
        tab.resume_code = turn.resume_code
        if turn.result is not None:
            tab.result = turn.result
            tab.question = None
            tab.order = []
            tab.pdf_path = self._report(turn.result)
            tab.result_is_new = True
            tab.confirm_stop = False
        elif turn.question is not None:
            if tab.question is None or tab.question.item_id != turn.question.item_id:
                tab.order = []
                tab.rephrased = None
            tab.question = turn.question
            tab.result = None
        return turn.notice

    def _radar(self, result: ResultView) -> str:
        """The result's radar chart as an inline SVG (drawn by the browser, with its own fonts)."""
        from assessor.ui.radar_svg import radar_svg

        role = self.bank.roles.get(result.role)
        level = role.levels.get(result.level) if role else None
        cut = float(level.cut_score) if level is not None else None
        return radar_svg(
            [r.name for r in result.rows], [r.theta for r in result.rows], errors=[r.se for r in result.rows],
            cut=cut if cut is not None and math.isfinite(cut) else None,
            title=t("radar_title", result.lang), cut_label=t("radar_cut", result.lang), lang=result.lang)

    def _report(self, result: ResultView) -> str | None:
        """The worker's PDF report, written once per session, language and report version (None on failure)."""
        name = f"report-{result.resume_code}-{result.lang}-v{REPORT_VERSION}.pdf"
        try:
            path = self.reports.once(name, lambda: self.assessment.report_pdf(result.session_id, result.lang))
        except Exception:
            log.exception("worker report failed")
            return None
        return str(path)


def _chosen(response: Any) -> list[str]:
    """What she answered as a list of strings (option ids, the ordering, or her text)."""
    if isinstance(response, (list, tuple)):
        return [str(r) for r in response]
    return [] if response is None else [str(response)]


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def _years(value: Any) -> float | None:
    try:
        years = float(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None
    return years if years is not None and math.isfinite(years) and 0 <= years <= 60 else None
