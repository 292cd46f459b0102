"""The worker tab's event handlers: intake, the quiz in a chat, feedback, ask-the-bank and the result.

Every handler takes the `Tab` (and the inputs), runs one step through the dialogue, builds a `WorkerScreen`
and returns `render(screen)`: `{component: update}` over the one fixed output list. The page decides nothing a
worker reads: texts come from `assessor.dialogue` and `i18n`, answers are scored and stored there, and the
transcript and the report are read through the dialogue, never from the store.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

import gradio as gr

from assessor.bank.schema import LEVEL_NAMES
from assessor.dialogue import InputProblem, ResultView, Turn, clean_text
from assessor.i18n import t
from assessor.report.files import FileFolder
from assessor.ui.context import AppContext
from assessor.ui.text import chat_messages, safe_markdown
from assessor.ui.worker.layout import READ_ALOUD_JS, WorkerLayout
from assessor.ui.worker.model import CHOICE_TYPES, Choices, Tab, WorkerScreen, lang_of
from assessor.ui.worker.render import ask_markdown, render

log = logging.getLogger(__name__)
Updates = dict[Any, Any]
CHAT_TAIL = 40  # the chat shows the latest messages; the whole transcript stays in the store for trainers
REPORT_VERSION = 2  # part of the report's file name: a new layout makes new files
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
        self.reports = FileFolder(ctx.report_dir)

    def build(self) -> None:
        """Create the components (call inside `gr.Blocks`) and wire the events."""
        self.build_layout(self.choices(Tab()), self.ctx.browser_secret)
        self._wire()

    def _wire(self) -> None:
        out = self.outputs
        self.lang_radio.input(self.on_lang, [self.lang_radio, self.tab], out, api_name="set_language")
        self.role_radio.input(self.on_role, [self.role_radio, self.tab], out, api_name="choose_role")
        self.place_btn.click(self.on_place, [self.describe_box, self.tab], out, api_name="place")
        self.start_btn.click(self.on_start, [self.code_box, self.role_radio, self.level_radio, self.years_box,
                                             self.place_domains, self.tab], out, api_name="start")
        self.resume_btn.click(self.on_resume, [self.resume_box, self.tab], out, api_name="resume")
        for i, button in enumerate(self.option_btns):
            button.click(self._tap_handler(i), [self.tab], out, api_name=f"tap_{i}")
        self.submit_btn.click(self.on_submit, [self.checks, self.open_text, self.tab], out, api_name="submit")
        self.order_reset.click(self.on_reset_order, [self.tab], out, api_name="reset_order")
        self.dont_btn.click(self.on_rephrase, [self.tab], out, api_name="rephrase")
        self.read_btn.click(None, [self.read_text, self.lang_radio], None, js=READ_ALOUD_JS, api_visibility="private")
        self.stop_btn.click(self.on_stop, [self.tab], out, api_name="stop")
        self.ask_btn.click(self.on_ask, [self.ask_text, self.tab], out, api_name="ask")
        self.ask_text.submit(self.on_ask, [self.ask_text, self.tab], out, api_name="ask_enter",
                             api_visibility="undocumented")
        self.retake_btn.click(self.on_retake, [self.tab], out, api_name="retake")

    def on_page_load(self, blocks: gr.Blocks) -> None:
        """Register the page-load event (restores language and session from the browser)."""
        blocks.load(self.on_load, [self.saved], self.outputs, api_name="load")

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
               set_lang: bool = False, extra_chat: list[dict[str, str]] | None = None) -> WorkerScreen:
        """The screen model for `tab` after a step (reads the transcript and builds the chart when needed)."""
        send_result = labels or set_lang or tab.result_is_new
        tab.result_is_new = False
        chat = chat_messages(self.assessment.transcript(tab.session_id, tail=CHAT_TAIL)) if tab.session_id else []
        radar = self._radar(tab.result) if send_result and tab.mode == "result" and tab.result else None
        return WorkerScreen(tab=tab, choices=self.choices(tab), notice=notice, chat=chat + (extra_chat or []),
                            radar=radar, labels=labels, set_lang=set_lang, new_question=new_question,
                            send_result=send_result)

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
            placed = self.assessment.place(cleaned, lang)
        except InputProblem as problem:
            return self._render(tab, notice=t("placement_empty", lang) if problem.key == "empty_answer"
                                else problem.message(lang))
        except Exception:
            log.exception("placement failed")
            return self._render(tab, notice=t("ui_error", lang))
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

        return self._guard(tab, start, new_question=True)

    def on_resume(self, code: Any, tab: Tab) -> Updates:
        """Continue by resume code: the same pending question, or the result."""
        return self._guard(tab, lambda: self._apply_turn(tab, self.assessment.resume(str(code or ""), tab.lang)),
                           new_question=True, keep_notice=True)

    def _tap_handler(self, index: int) -> Callable[[Tab], Updates]:
        def tap(tab: Tab) -> Updates:
            return self.on_tap(index, tab)

        tap.__name__ = f"tap_{index}"
        return tap

    def on_tap(self, index: int, tab: Tab) -> Updates:
        """An option button: answers a single-choice or true/false question; adds a step for ordering."""
        question = tab.question
        if tab.mode != "quiz" or question is None:
            return self._render(tab)
        if not 0 <= index < len(question.options):
            return self._render(tab, notice=t("bad_option", tab.lang))
        option_id = question.options[index][0]
        if question.type == "ordering":
            if option_id not in tab.order:
                tab.order.append(option_id)
            return self._render(tab)
        if question.type in CHOICE_TYPES:
            return self._answer(tab, option_id)
        return self._render(tab)

    def on_submit(self, checks: Any, open_text: Any, tab: Tab) -> Updates:
        """Submit for multiple choice (ticked boxes), ordering (the tapped order) and open scenarios (text)."""
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
        return self._guard(tab, lambda: self.assessment.rephrase(sid, tab.lang))

    def on_stop(self, tab: Tab) -> Updates:
        """The worker ends the quiz early: the result from what was answered."""
        if tab.mode != "quiz" or tab.session_id is None:
            return self._render(tab)
        sid = tab.session_id
        return self._guard(tab, lambda: self._apply_turn(tab, self.assessment.stop(sid, tab.lang)))

    def on_ask(self, question: Any, tab: Tab) -> Updates:
        """Ask-the-bank: matching explanations and course units (never the open question's own answer)."""
        answers: list[dict[str, Any]] = []

        def ask() -> None:
            answers.extend(self.assessment.ask(tab.session_id, question, tab.lang))

        updates = self._guard(tab, ask)
        if not updates.get(self.notice):
            updates[self.ask_text] = gr.update(value="")
            updates[self.ask_out] = gr.update(value=ask_markdown(answers, tab.lang), visible=tab.mode == "result")
        return updates

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
            self._apply_turn(tab, turn)

        return self._guard(tab, answer, new_question=True)

    def _guard(self, tab: Tab, step: Callable[[], Any], *, new_question: bool = False, keep_notice: bool = False,
               announce_question: bool = False, labels: bool = False) -> Updates:
        """Run a step; an `InputProblem` becomes a plain message, anything else a calm apology (logged)."""
        before = tab.question.item_id if tab.question else None
        try:
            notice = step()
            notice = notice if isinstance(notice, str) and keep_notice else ""
        except InputProblem as problem:
            return self._render(tab, notice=problem.message(tab.lang), labels=labels)
        except Exception:
            log.exception("worker step failed")
            return self._render(tab, notice=t("ui_error", tab.lang), labels=labels)
        changed = (tab.question.item_id if tab.question else None) != before
        extra = []
        if announce_question and tab.question is not None:
            extra.append({"role": "assistant", "content": safe_markdown(tab.question.as_markdown())})
        return self._render(tab, notice=notice, new_question=new_question and changed or announce_question,
                            extra_chat=extra, labels=labels)

    def _apply_turn(self, tab: Tab, turn: Turn) -> str | None:
        tab.session_id = turn.session_id
        tab.resume_code = turn.resume_code
        if turn.result is not None:
            tab.result = turn.result
            tab.question = None
            tab.order = []
            tab.pdf_path = self._report(turn.result)
            tab.result_is_new = True
        elif turn.question is not None:
            if tab.question is None or tab.question.item_id != turn.question.item_id:
                tab.order = []
            tab.question = turn.question
            tab.result = None
        return turn.notice

    def _radar(self, result: ResultView) -> Any:
        from assessor.ui.charts import radar_chart

        role = self.bank.roles.get(result.role)
        level = role.levels.get(result.level) if role else None
        cut = float(level.cut_score) if level is not None else None
        return radar_chart(
            [r.name for r in result.rows], [r.theta for r in result.rows], errors=[r.se for r in result.rows],
            cut=cut if cut is not None and math.isfinite(cut) else None,
            fallback_labels=[self.assessment.domain_name(r.domain, "en") for r in result.rows],
            title=t("radar_title", result.lang), cut_label=t("radar_cut", result.lang))

    def _report(self, result: ResultView) -> str | None:
        """The worker's PDF report, written once per session, language and report version (None on failure)."""
        name = f"report-{result.resume_code}-{result.lang}-v{REPORT_VERSION}.pdf"
        try:
            path = self.reports.once(name, lambda: self.assessment.report_pdf(result.session_id, result.lang))
        except Exception:
            log.exception("worker report failed")
            return None
        return str(path)


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
