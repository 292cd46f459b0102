"""The worker tab's event handlers: intake, the quiz in a chat, feedback, ask-the-bank and the result.

Every handler takes the `Tab` (and the inputs), runs one step through the dialogue, builds a `WorkerScreen`
and returns `render(screen)`: `{component: update}` over the one fixed output list. The page decides nothing a
worker reads: texts come from `assessor.dialogue` and `i18n`, answers are scored and stored there, and the
transcript and the report are read through the dialogue, never from the store.

This module wires the events and holds the quiz's own handlers; the rest come from its bases:
    screens.py            WorkerScreens: the page's services and the screen model of a tab (`_render`)
    steps.py              QuizSteps: `_guard`, `_apply_turn`, `_answer`, the report PDF
    intake.py             IntakeHandlers: role, placement, start, resume
    practice_handlers.py  PracticeHandlers: 错题本 and the practice rounds
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from assessor.dialogue import InputProblem
from assessor.i18n import t
from assessor.ui.worker import sparse
from assessor.ui.worker.intake import IntakeHandlers
from assessor.ui.worker.layout import READ_ALOUD_JS, STOP_READING_JS
from assessor.ui.worker.model import CHOICE_TYPES, Tab, Updates, lang_of
from assessor.ui.worker.practice_handlers import PracticeHandlers
from assessor.ui.worker.render import ask_markdown, shown_question
from assessor.ui.worker.screens import years_choices

__all__ = ["WorkerPage", "years_choices"]


class WorkerPage(IntakeHandlers, PracticeHandlers):
    """Builds the worker tab inside a `gr.Blocks` and holds its event handlers (tests call them directly)."""

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

    def on_retake(self, tab: Tab) -> Updates:
        """Back to the intake for a new quiz (the finished one stays stored under its code)."""
        return self._render(Tab(lang=tab.lang, role=tab.role), new_question=True, labels=True)
