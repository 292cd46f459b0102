"""The worker's tab: intake, the quiz in a chat, feedback, ask-the-bank and the result.

The page only lays things out: every text a worker reads comes from `assessor.dialogue` (and `i18n`), every
answer is scored and stored there. Per-tab data lives in a server-side `gr.State` (`Tab`: never sent to the
browser, so the answer key could not leak even if it were there — and it is not); the language and the session
pointer live in a `gr.BrowserState`, so a refresh continues at the same question.

Event handlers are plain methods returning `{component: update}` and are tested directly (tests/ui/).
"""

from __future__ import annotations

import logging
import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr

from assessor.bank.schema import LEVEL_NAMES
from assessor.dialogue import InputProblem, QuestionView, ResultView, Turn, clean_text
from assessor.i18n import t
from assessor.ui.context import AppContext
from assessor.ui.text import chat_messages, plain, safe_markdown

log = logging.getLogger(__name__)

MAX_OPTIONS = 8
CHAT_TAIL = 40  # the chat shows the latest messages; the whole transcript stays in the store for trainers
LANGS = ("zh", "en")
CHOICE_TYPES = ("single_choice", "true_false")

# Speaks the question and its options with the browser's own voices (works offline where the device has them).
READ_ALOUD_JS = """
(text, lang) => {
  try {
    const synth = window.speechSynthesis;
    if (!synth || !text) { return []; }
    synth.cancel();
    const say = new SpeechSynthesisUtterance(text);
    say.lang = lang === "en" ? "en-US" : "zh-CN";
    say.rate = 0.9;
    const voice = synth.getVoices().find(v => v.lang && v.lang.replace("_", "-").startsWith(say.lang.slice(0, 2)));
    if (voice) { say.voice = voice; }
    synth.speak(say);
  } catch (e) { console.warn("read aloud unavailable", e); }
  return [];
}
"""


def lang_of(value: Any) -> str:
    """'zh' or 'en' from anything (defaults to Chinese)."""
    return value if value in LANGS else "zh"


@dataclass
class Tab:
    """One browser tab's server-side state (a `gr.State`)."""

    lang: str = "zh"
    role: str | None = None
    session_id: str | None = None
    resume_code: str | None = None
    question: QuestionView | None = None
    result: ResultView | None = None
    order: list[str] = field(default_factory=list)
    description: str | None = None
    suggested_domains: list[str] = field(default_factory=list)
    pdf_path: str | None = None
    result_is_new: bool = False

    @property
    def mode(self) -> str:
        if self.session_id is None:
            return "intake"
        return "result" if self.result is not None else "quiz"


Updates = dict[Any, Any]


class WorkerPage:
    """Builds the worker tab inside a `gr.Blocks` and holds its event handlers."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.assessment = ctx.assessment

    # ------------------------------------------------------------------ layout
    def build(self) -> None:
        """Create the components (call inside `gr.Blocks`) and wire the events."""
        lang = "zh"
        self.tab = gr.State(Tab())
        self.saved = gr.BrowserState({"lang": "zh", "session_id": None}, storage_key="assessor-worker",
                                     secret=self.ctx.browser_secret)
        with gr.Row(elem_classes=["top-bar"]):
            self.title = gr.Markdown(f"# {t('app_title', lang)}", elem_id="app-title")
            self.lang_radio = gr.Radio([("中文", "zh"), ("English", "en")], value="zh", label=t("language", lang),
                                       elem_id="lang-switch", elem_classes=["lang-switch"], scale=0, min_width=220)
        self.notice = gr.Markdown("", elem_id="notice", elem_classes=["notice"])
        with gr.Column(visible=True, elem_id="intake") as self.intake_box:
            self.greeting = gr.Markdown(t("greeting", lang), elem_classes=["big-text"])
            self.new_title = gr.Markdown(f"### {t('new_quiz_title', lang)}")
            self.code_box = gr.Textbox(label=t("ask_code", lang), max_lines=1, elem_id="worker-code")
            self.role_radio = gr.Radio(self.assessment.roles(lang), label=t("ask_role", lang), elem_id="role",
                                       elem_classes=["big-choices"])
            self.level_radio = gr.Radio(self._all_levels(lang), label=t("ask_level", lang), elem_id="level",
                                        elem_classes=["big-choices"])
            self.years_box = gr.Radio(years_choices(lang), value=None, label=t("ask_years", lang), elem_id="years",
                                      elem_classes=["big-choices"])
            self.describe_box = gr.Textbox(label=t("ask_describe", lang), lines=2, max_lines=6, elem_id="describe")
            self.place_btn = gr.Button(t("place_button", lang), elem_id="place-btn")
            self.place_msg = gr.Markdown("", elem_id="place-msg", elem_classes=["big-text"])
            self.place_domains = gr.CheckboxGroup([], label=t("place_domains", lang), visible=False,
                                                  elem_id="place-domains", elem_classes=["big-choices"])
            self.start_btn = gr.Button(t("start", lang), variant="primary", elem_id="start-btn",
                                       elem_classes=["big-btn"])
            self.resume_title = gr.Markdown(f"### {t('resume_title', lang)}")
            with gr.Row():
                self.resume_box = gr.Textbox(label=t("resume_code", lang), max_lines=1, elem_id="resume-code")
                self.resume_btn = gr.Button(t("resume", lang), elem_id="resume-btn", scale=0, min_width=200)
        with gr.Column(visible=False, elem_id="quiz") as self.quiz_box:
            self.chat = gr.Chatbot([], label=t("chat_label", lang), elem_id="chat", height=460, sanitize_html=True,
                                   render_markdown=True, feedback_options=None, allow_tags=False, buttons=[])
            self.progress = gr.Markdown("", elem_id="progress", elem_classes=["progress"])
            with gr.Column(elem_id="options"):
                self.option_btns = [gr.Button("", visible=False, elem_id=f"option-{i}", elem_classes=["option-btn"])
                                    for i in range(MAX_OPTIONS)]
            self.checks = gr.CheckboxGroup([], label=t("your_answer", lang), visible=False, elem_id="checks",
                                           elem_classes=["big-choices"])
            self.order_md = gr.Markdown("", visible=False, elem_id="order", elem_classes=["big-text"])
            self.order_reset = gr.Button(t("reset_order", lang), visible=False, elem_id="order-reset")
            self.open_text = gr.Textbox(label=t("your_answer", lang), lines=4, max_lines=10, visible=False,
                                        elem_id="open-text")
            self.submit_btn = gr.Button(t("submit", lang), variant="primary", visible=False, elem_id="submit-btn",
                                        elem_classes=["big-btn"])
            with gr.Row():
                self.dont_btn = gr.Button(t("dont_understand", lang), elem_id="dont-btn")
                self.read_btn = gr.Button("🔊 " + t("read_aloud", lang), elem_id="read-btn")
                self.stop_btn = gr.Button(t("stop_quiz", lang), variant="stop", elem_id="stop-btn")
            self.read_text = gr.Textbox("", visible=False, elem_id="read-text")
        # A plain summary of the screen for API clients (gradio_client, the load bench); never holds a key.
        self.screen = gr.JSON({}, visible=False, elem_id="screen")
        with gr.Column(visible=False, elem_id="result") as self.result_box:
            self.result_md = gr.Markdown("", elem_id="result-md", elem_classes=["big-text"])
            self.radar = gr.Plot(label=t("radar_title", lang), elem_id="radar")
            self.pdf_btn = gr.DownloadButton(t("download_pdf", lang), elem_id="pdf-btn", elem_classes=["big-btn"])
            self.retake_btn = gr.Button(t("retake", lang), elem_id="retake-btn")
        with gr.Column(visible=False, elem_id="ask") as self.ask_box:
            with gr.Row():
                self.ask_text = gr.Textbox(label=t("ask_bank", lang), max_lines=2, elem_id="ask-text", scale=4)
                self.ask_btn = gr.Button(t("ask_button", lang), elem_id="ask-btn", scale=1)
            self.ask_out = gr.Markdown("", elem_id="ask-out", elem_classes=["big-text"])
        self._wire()

    @property
    def outputs(self) -> list[Any]:
        """Every component a screen update may touch (one fixed list for every event)."""
        return [self.tab, self.saved, self.title, self.lang_radio, self.notice, self.intake_box, self.greeting,
                self.new_title, self.code_box, self.role_radio, self.level_radio, self.years_box, self.describe_box,
                self.place_btn, self.place_msg, self.place_domains, self.start_btn, self.resume_title,
                self.resume_box, self.resume_btn, self.quiz_box, self.chat, self.progress, *self.option_btns,
                self.checks, self.order_md, self.order_reset, self.open_text, self.submit_btn, self.dont_btn,
                self.read_btn, self.stop_btn, self.read_text, self.result_box, self.result_md, self.radar,
                self.pdf_btn, self.retake_btn, self.ask_box, self.ask_text, self.ask_btn, self.ask_out, self.screen]

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
        self.read_btn.click(None, [self.read_text, self.lang_radio], None, js=READ_ALOUD_JS,
                            api_visibility="private")
        self.stop_btn.click(self.on_stop, [self.tab], out, api_name="stop")
        self.ask_btn.click(self.on_ask, [self.ask_text, self.tab], out, api_name="ask")
        self.ask_text.submit(self.on_ask, [self.ask_text, self.tab], out, api_name="ask_enter",
                             api_visibility="undocumented")
        self.retake_btn.click(self.on_retake, [self.tab], out, api_name="retake")

    def on_page_load(self, blocks: gr.Blocks) -> None:
        """Register the page-load event (restores language and session from the browser)."""
        blocks.load(self.on_load, [self.saved], self.outputs, api_name="load")

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
            return self._guard(tab, lambda: self._apply_turn(tab, self.assessment.current(tab.session_id or "", tab.lang)),
                               new_question=True, announce_question=True, labels=True)
        return self._render(tab, new_question=False, labels=True)

    def on_role(self, role: Any, tab: Tab) -> Updates:
        tab.role = role if role in self.ctx.bank.roles else None
        updates = self._render(tab, new_question=False)
        levels = self._level_choices(tab)
        updates[self.level_radio] = gr.update(choices=levels, value=levels[0][1] if levels else None,
                                              label=t("ask_level", tab.lang))
        return updates

    def on_place(self, text: Any, tab: Tab) -> Updates:
        """'Tell me about your work': placement suggests a role and domains for the worker to confirm."""
        lang = tab.lang
        try:
            cleaned = clean_text(text)
        except InputProblem as problem:
            key = "placement_empty" if problem.key == "empty_answer" else None
            return self._render(tab, notice=t(key, lang) if key else problem.message(lang))
        try:
            placed = self.assessment.place(cleaned, lang)
        except InputProblem as problem:
            return self._render(tab, notice=problem.message(lang))
        except Exception:
            log.exception("placement failed")
            return self._render(tab, notice=t("ui_error", lang))
        tab.description = cleaned
        role = placed.get("role")
        tab.role = role if role in self.ctx.bank.roles else tab.role
        tab.suggested_domains = [d for d in placed.get("top_domains", []) if d in self.ctx.bank.domains]
        updates = self._render(tab)
        updates[self.place_msg] = safe_markdown(placed.get("message", ""))
        domain_choices = [(self.assessment.domain_name(d, lang), d) for d in tab.suggested_domains]
        updates[self.place_domains] = gr.update(choices=domain_choices, value=list(tab.suggested_domains),
                                                visible=bool(domain_choices), label=t("place_domains", lang))
        levels = self._level_choices(tab)
        updates[self.role_radio] = gr.update(value=tab.role, choices=self.assessment.roles(lang),
                                             label=t("ask_role", lang))
        updates[self.level_radio] = gr.update(choices=levels, value=levels[0][1] if levels else None,
                                              label=t("ask_level", lang))
        return updates

    def on_start(self, code: Any, role: Any, level: Any, years: Any, domains: Any, tab: Tab) -> Updates:
        """Create the session and show the first question."""
        level_number = _int_or_none(level)
        picked = [d for d in (domains or []) if d in tab.suggested_domains]

        def start() -> None:
            if not isinstance(role, str) or role not in self.ctx.bank.roles:
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

        def resume() -> str | None:
            return self._apply_turn(tab, self.assessment.resume(str(code or ""), tab.lang))

        return self._guard(tab, resume, new_question=True, keep_notice=True)

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
        if question.type == "multiple_choice":
            response: Any = list(checks or [])
        elif question.type == "ordering":
            response = list(tab.order)
        elif question.type == "open_scenario":
            response = open_text
        else:
            response = None
        return self._answer(tab, response)

    def on_reset_order(self, tab: Tab) -> Updates:
        tab.order = []
        return self._render(tab)

    def on_rephrase(self, tab: Tab) -> Updates:
        """'I don't understand': a plainer wording goes into the chat; nothing is scored."""
        if tab.mode != "quiz":
            return self._render(tab)
        return self._guard(tab, lambda: self.assessment.rephrase(tab.session_id or "", tab.lang))

    def on_stop(self, tab: Tab) -> Updates:
        if tab.mode != "quiz":
            return self._render(tab)
        return self._guard(tab, lambda: self._apply_turn(tab, self.assessment.stop(tab.session_id or "", tab.lang)))

    def on_ask(self, question: Any, tab: Tab) -> Updates:
        """Ask-the-bank: matching explanations and course units (never the open question's own answer)."""
        answers: list[dict[str, Any]] = []

        def ask() -> None:
            answers.extend(self.assessment.ask(tab.session_id, question, tab.lang))

        updates = self._guard(tab, ask)
        if not updates.get(self.notice):
            updates[self.ask_text] = gr.update(value="")
            updates[self.ask_out] = gr.update(value=self._ask_markdown(answers, tab.lang), visible=tab.mode == "result")
        return updates

    def on_retake(self, tab: Tab) -> Updates:
        """Back to the intake for a new quiz (the finished one stays stored under its code)."""
        fresh = Tab(lang=tab.lang, role=tab.role)
        updates = self._render(fresh, new_question=True, labels=True)
        return updates

    # ------------------------------------------------------------------ steps
    def _answer(self, tab: Tab, response: Any) -> Updates:
        question = tab.question
        assert question is not None

        def answer() -> None:
            try:
                turn = self.assessment.answer(tab.session_id or "", question.item_id, response, lang=tab.lang)
            except InputProblem as problem:
                if problem.key in ("stale_question", "session_finished"):
                    self._apply_turn(tab, self.assessment.current(tab.session_id or "", tab.lang))
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
            return self._render(tab, notice=problem.message(tab.lang), new_question=False, labels=labels)
        except Exception:
            log.exception("worker step failed")
            return self._render(tab, notice=t("ui_error", tab.lang), new_question=False, labels=labels)
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
            tab.pdf_path = self._report(tab)
            tab.result_is_new = True
        elif turn.question is not None:
            if tab.question is None or tab.question.item_id != turn.question.item_id:
                tab.order = []
            tab.question = turn.question
            tab.result = None
        return turn.notice

    # ------------------------------------------------------------------ rendering
    def _all_levels(self, lang: str) -> list[tuple[str, int]]:
        """Every level any role has (the choices before a role is picked)."""
        levels = sorted({level for role in self.ctx.bank.roles.values() for level in role.levels}, reverse=True)
        return [(LEVEL_NAMES[level][lang], level) for level in levels]

    def _level_choices(self, tab: Tab) -> list[tuple[str, int]]:
        lang = tab.lang
        if tab.role is None:
            return self._all_levels(lang)
        return [(LEVEL_NAMES[level][lang], level) for level in self.assessment.levels_for(tab.role)]

    def _render(self, tab: Tab, *, notice: str = "", new_question: bool = False, set_lang: bool = False,
                labels: bool = False, extra_chat: list[dict[str, str]] | None = None) -> Updates:
        """The updates for this tab's state. Labels are sent only when the language may have changed (`labels`,
        `set_lang`), the result only when it is new: fewer updates per answer keep the server light."""
        lang, mode = tab.lang, tab.mode
        u: Updates = {
            self.tab: tab,
            self.saved: {"lang": lang, "session_id": tab.session_id},
            self.notice: f"⚠️ {plain(notice)}" if notice else "",
            self.intake_box: gr.update(visible=mode == "intake"),
            self.quiz_box: gr.update(visible=mode == "quiz"),
            self.result_box: gr.update(visible=mode == "result"),
            self.ask_box: gr.update(visible=mode != "intake"),
            self.ask_out: gr.update(visible=mode == "result"),  # during the quiz the answers go into the chat
        }
        if labels or set_lang:
            u.update(self._label_updates(tab, set_lang))
        if mode == "intake":
            u[self.chat] = []
            u[self.ask_out] = gr.update(value="", visible=False)
        else:
            u[self.chat] = self._chat(tab) + (extra_chat or [])
        u.update(self._question_updates(tab, new_question))
        if labels or set_lang or tab.result_is_new or mode != "result":
            u.update(self._result_updates(tab))
            tab.result_is_new = False
        u[self.screen] = screen_summary(tab, notice)
        return u

    def _label_updates(self, tab: Tab, set_lang: bool) -> Updates:
        lang, mode = tab.lang, tab.mode
        return {
            self.title: f"# {t('app_title', lang)}",
            self.lang_radio: gr.update(value=lang, label=t("language", lang)) if set_lang
            else gr.update(label=t("language", lang)),
            self.greeting: t("greeting", lang),
            self.new_title: f"### {t('new_quiz_title', lang)}",
            self.code_box: gr.update(label=t("ask_code", lang)),
            self.role_radio: gr.update(label=t("ask_role", lang), choices=self.assessment.roles(lang),
                                       **_value_if(set_lang or mode != "intake", tab.role)),
            self.level_radio: gr.update(label=t("ask_level", lang), choices=self._level_choices(tab)),
            self.years_box: gr.update(label=t("ask_years", lang), choices=years_choices(lang)),
            self.describe_box: gr.update(label=t("ask_describe", lang)),
            self.place_btn: gr.update(value=t("place_button", lang)),
            self.place_domains: gr.update(label=t("place_domains", lang),
                                          choices=[(self.assessment.domain_name(d, lang), d)
                                                   for d in tab.suggested_domains]),
            self.start_btn: gr.update(value=t("start", lang)),
            self.resume_title: f"### {t('resume_title', lang)}",
            self.resume_box: gr.update(label=t("resume_code", lang)),
            self.resume_btn: gr.update(value=t("resume", lang)),
            self.ask_text: gr.update(label=t("ask_bank", lang)),
            self.ask_btn: gr.update(value=t("ask_button", lang)),
            self.dont_btn: gr.update(value=t("dont_understand", lang)),
            self.read_btn: gr.update(value="🔊 " + t("read_aloud", lang)),
            self.stop_btn: gr.update(value=t("stop_quiz", lang)),
            self.retake_btn: gr.update(value=t("retake", lang)),
        }

    def _chat(self, tab: Tab) -> list[dict[str, str]]:
        if tab.session_id is None:
            return []
        return chat_messages(self.ctx.store.messages(tab.session_id)[-CHAT_TAIL:])

    def _question_updates(self, tab: Tab, new_question: bool) -> Updates:
        question = tab.question if tab.mode == "quiz" else None
        lang = tab.lang
        qtype = question.type if question else None
        options = question.options if question else []
        u: Updates = {}
        for i, button in enumerate(self.option_btns):
            show = qtype in (*CHOICE_TYPES, "ordering") and i < len(options)
            label = ""
            if show:
                oid, text = options[i]
                if qtype == "ordering" and oid in tab.order:
                    label = f"({tab.order.index(oid) + 1}) {text}"
                else:
                    label = f"{i + 1}. {text}" if qtype != "ordering" else text
            u[button] = gr.update(value=label, visible=show,
                                  interactive=not (qtype == "ordering" and show and options[i][0] in tab.order))
        checks: dict[str, Any] = {"visible": qtype == "multiple_choice", "label": t("your_answer", lang),
                                  "choices": [(text, oid) for oid, text in options] if qtype == "multiple_choice" else []}
        if new_question:
            checks["value"] = []
        u[self.checks] = gr.update(**checks)
        texts = dict(options)
        if qtype == "ordering":
            order = " → ".join(plain(texts.get(o, o)) for o in tab.order)
            u[self.order_md] = gr.update(visible=True, value=t("your_order", lang, order=order) if order
                                         else t("order_empty", lang))
        else:
            u[self.order_md] = gr.update(visible=False, value="")
        u[self.order_reset] = gr.update(visible=qtype == "ordering", value=t("reset_order", lang))
        open_update: dict[str, Any] = {"visible": qtype == "open_scenario", "label": t("your_answer", lang)}
        if new_question:
            open_update["value"] = ""
        u[self.open_text] = gr.update(**open_update)
        u[self.submit_btn] = gr.update(visible=qtype in ("multiple_choice", "ordering", "open_scenario"),
                                       value=t("submit", lang))
        u[self.progress] = safe_markdown(f"**{question.progress}**") if question else ""
        u[self.read_text] = question.read_aloud_text if question else ""
        return u

    def _result_updates(self, tab: Tab) -> Updates:
        result = tab.result if tab.mode == "result" else None
        if result is None:
            return {self.result_md: "", self.radar: None,
                    self.pdf_btn: gr.update(value=None, label=t("download_pdf", tab.lang))}
        return {
            self.result_md: safe_markdown(result.as_markdown()),
            self.radar: self._radar(result),
            self.pdf_btn: gr.update(value=tab.pdf_path, label=t("download_pdf", tab.lang),
                                    visible=tab.pdf_path is not None),
        }

    def _radar(self, result: ResultView) -> Any:
        from assessor.ui.charts import radar_chart

        bank = self.ctx.bank
        role = bank.roles.get(result.role)
        level = role.levels.get(result.level) if role else None
        cut = float(level.cut_score) if level is not None else None
        return radar_chart(
            [r.name for r in result.rows], [r.theta for r in result.rows], errors=[r.se for r in result.rows],
            cut=cut if cut is not None and math.isfinite(cut) else None,
            fallback_labels=[self.assessment.domain_name(r.domain, "en") for r in result.rows],
            title=t("radar_title", result.lang), cut_label=t("radar_cut", result.lang))

    def _report(self, tab: Tab) -> str | None:
        """The worker's PDF report in a temporary file (None if the report cannot be made)."""
        if tab.result is None:
            return None
        try:
            from assessor.report.pdf import worker_report_pdf

            row = self.ctx.store.get_session(tab.result.session_id)
            worker = self.ctx.store.get_worker(row.worker_id) if row is not None else None
            data = worker_report_pdf(tab.result, worker_name=worker.display_name if worker else "")
        except Exception:
            log.exception("worker report failed")
            return None
        folder = Path(tempfile.mkdtemp(prefix="assessor-report-"))
        path = folder / f"report-{tab.result.resume_code}-{tab.result.lang}.pdf"
        path.write_bytes(data)
        return str(path)

    @staticmethod
    def _ask_markdown(answers: list[dict[str, Any]], lang: str) -> str:
        if not answers:
            return t("ask_none", lang)
        lines = [f"**{t('ask_answers', lang)}**"]
        lines += [f"- {safe_markdown(a.get('text', ''))} ({safe_markdown(t('ask_source', lang, source=a.get('ref', '')))})"
                  for a in answers]
        return "\n".join(lines)


YEARS = (("years_lt1", 0.5), ("years_1_3", 2.0), ("years_3_8", 5.0), ("years_8", 10.0))


def years_choices(lang: str) -> list[tuple[str, float]]:
    """Years in this work as a few big buttons (optional; the middle of each band is what the engine gets)."""
    return [(t(key, lang), years) for key, years in YEARS]


def screen_summary(tab: Tab, notice: str = "") -> dict[str, Any]:
    """What the screen shows, as plain data for API clients: mode, notice, the question (no key), the result."""
    question = tab.question if tab.mode == "quiz" else None
    result = tab.result if tab.mode == "result" else None
    return {
        "mode": tab.mode, "lang": tab.lang, "notice": notice, "session_id": tab.session_id,
        "resume_code": tab.resume_code,
        "question": None if question is None else {
            "item_id": question.item_id, "type": question.type, "stem": question.stem,
            "options": [text for _oid, text in question.options], "option_ids": [oid for oid, _t in question.options],
            "order": list(tab.order), "number": question.number, "expected": question.expected,
            "progress": question.progress},
        "result": None if result is None else {
            "ready": result.ready, "n_items": result.n_items, "readiness": result.readiness_text,
            "domains": [{"domain": r.domain, "band": r.band, "n_items": r.n_items} for r in result.rows],
            "courses": [c.course_id for c in result.courses], "pdf": tab.pdf_path is not None},
    }


def _value_if(condition: bool, value: Any) -> dict[str, Any]:
    return {"value": value} if condition else {}


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
