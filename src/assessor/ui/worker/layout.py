"""The worker tab's components, created inside the app's `gr.Blocks` (Chinese labels first; `render` relabels).

Per-tab data lives in a server-side `gr.State` (`Tab`); the language and the session pointer in a
`gr.BrowserState`, so a refresh continues at the same question. `screen` is a hidden JSON summary for API
clients (never a key).
"""

from __future__ import annotations

import html
import json
from typing import Any

import gradio as gr

from assessor.i18n import LANGS, t
from assessor.privacy import consent_markdown
from assessor.ui.worker.certificate import CertificateParts
from assessor.ui.worker.model import Choices, Tab
from assessor.ui.worker.voice import VoiceParts

MAX_OPTIONS = 8
MAX_AREAS = 12  # practice buttons: one per weak skill area of a result (a role has at most 11 areas)

def _read_aloud_js() -> str:
    """Speaks the question and its options with the browser's own voices (offline where the device has them),
    and says in #read-status, in the UI language, whether it is reading, stopped, or has no voice for it."""
    words = {lang: {k: t(k, lang) for k in ("read_playing", "read_stopped", "read_no_voice")} for lang in LANGS}
    return """
(text, lang) => {
  const words = __WORDS__;
  const w = words[lang === "en" ? "en" : "zh"];
  const status = (msg) => { const s = document.querySelector("#read-status-text"); if (s) { s.textContent = msg; } };
  try {
    const synth = window.speechSynthesis;
    const code = lang === "en" ? "en" : "zh";
    const voices = synth && synth.getVoices ? synth.getVoices() : [];
    const voice = voices.find(v => v.lang && v.lang.replace("_", "-").toLowerCase().startsWith(code));
    if (!synth || !voice) { status(w.read_no_voice); return []; }
    if (!text) { return []; }
    synth.cancel();
    const say = new SpeechSynthesisUtterance(text);
    say.lang = code === "en" ? "en-US" : "zh-CN";
    say.rate = 0.9;
    try { say.voice = voice; } catch (e) { /* a voice object from elsewhere: the lang is enough */ }
    say.onend = () => status(w.read_stopped);
    say.onerror = () => status(w.read_stopped);
    status(w.read_playing);
    synth.speak(say);
  } catch (e) { status(w.read_no_voice); }
  return [];
}
""".replace("__WORDS__", json.dumps(words, ensure_ascii=False))


READ_ALOUD_JS = _read_aloud_js()
STOP_READING_JS = """
(lang) => {
  try { window.speechSynthesis && window.speechSynthesis.cancel(); } catch (e) {}
  const s = document.querySelector("#read-status-text");
  if (s) { s.textContent = __WORDS__[lang === "en" ? "en" : "zh"]; }
  return [];
}
""".replace("__WORDS__", json.dumps({lang: t("read_stopped", lang) for lang in LANGS}, ensure_ascii=False))
READ_STATUS_HTML = '<span id="read-status-text" role="status" aria-live="polite"></span>'


def notice_html(text: str) -> str:
    """A notice as escaped text in an aria-live box (empty string: nothing shown)."""
    if not text:
        return ""
    return f'<div class="notice-box" role="alert" aria-live="assertive">⚠️ {html.escape(text)}</div>'


class WorkerLayout(VoiceParts, CertificateParts):
    """Creates the components (`build_layout()`) and lists every component a screen update may touch."""

    def build_layout(self, choices: Choices, browser_secret: str) -> None:
        """Create the components (call inside `gr.Blocks`) with the intake's Chinese choices.

        Each notice sits under the control that causes it (`self.notices[place]`, `NOTICE_PLACES`); the quiz is
        a card (stem, then the options right under it; after an answer the verdict on the options, the
        explanation and a big Next button); the chat is the transcript, collapsed under the card."""
        lang = "zh"
        self.tab = gr.State(Tab())
        self.saved = gr.BrowserState({"lang": "zh", "session_id": None}, storage_key="assessor-worker",
                                     secret=browser_secret)
        with gr.Row(elem_classes=["top-bar"]):
            self.title = gr.Markdown(f"# {t('app_title', lang)}", elem_id="app-title")
            self.lang_radio = gr.Radio([("中文", "zh"), ("English", "en")], value="zh", label=t("language", lang),
                                       elem_id="lang-switch", elem_classes=["lang-switch"], scale=0, min_width=220)
        self.notice = self._notice("top")
        with gr.Column(visible=True, elem_id="intake") as self.intake_box:
            self.greeting = gr.Markdown(t("greeting", lang), elem_classes=["big-text"])
            self.new_title = gr.Markdown(f"### {t('new_quiz_title', lang)}")
            self.code_box = gr.Textbox(label=t("ask_code", lang), max_lines=1, elem_id="worker-code")
            self.role_radio = gr.Radio(choices.roles, label=t("ask_role", lang), elem_id="role",
                                       elem_classes=["big-choices"])
            self.level_radio = gr.Radio(choices.levels, label=t("ask_level", lang), elem_id="level",
                                        elem_classes=["big-choices"])
            self.years_box = gr.Radio(choices.years, value=None, label=t("ask_years", lang), elem_id="years",
                                      elem_classes=["big-choices"])
            self.describe_box = gr.Textbox(label=t("ask_describe", lang), lines=2, max_lines=6, elem_id="describe")
            self.place_btn = gr.Button(t("place_button", lang), elem_id="place-btn")
            self._notice("place")
            self.place_msg = gr.Markdown("", elem_id="place-msg", elem_classes=["big-text"])
            self.place_domains = gr.CheckboxGroup([], label=t("place_domains", lang), visible=False,
                                                  elem_id="place-domains", elem_classes=["big-choices"])
            with gr.Accordion(t("consent_title", lang), open=False, elem_id="consent-acc") as self.consent_acc:
                self.consent_md = gr.Markdown(consent_markdown(lang), elem_id="consent", elem_classes=["consent"])
            self.start_btn = gr.Button(t("start", lang), variant="primary", elem_id="start-btn",
                                       elem_classes=["big-btn"])
            self._notice("start")
            self.resume_title = gr.Markdown(f"### {t('resume_title', lang)}")
            with gr.Row(elem_classes=["resume-row"]):
                self.resume_box = gr.Textbox(label=t("resume_code", lang), max_lines=1, elem_id="resume-code")
                self.resume_btn = gr.Button(t("resume", lang), elem_id="resume-btn", scale=0, min_width=200)
            self._notice("resume")
        with gr.Column(visible=False, elem_id="quiz") as self.quiz_box:
            self.progress = gr.Markdown("", elem_id="progress", elem_classes=["progress"])
            self.card = gr.HTML("", elem_id="card")
            with gr.Column(elem_id="options"):
                self.option_btns = [gr.Button("", visible=False, elem_id=f"option-{i}", elem_classes=["option-btn"])
                                    for i in range(MAX_OPTIONS)]
            self.checks = gr.CheckboxGroup([], label=t("your_answer", lang), visible=False, elem_id="checks",
                                           elem_classes=["big-choices"])
            self.order_md = gr.Markdown("", visible=False, elem_id="order", elem_classes=["big-text"])
            self.order_reset = gr.Button(t("reset_order", lang), visible=False, elem_id="order-reset")
            self.open_text = gr.Textbox(label=t("your_answer", lang), lines=4, max_lines=10, visible=False,
                                        elem_id="open-text")
            self.build_voice(lang)  # 按住说话 under the answer inputs (voice.py)
            self.submit_btn = gr.Button(t("submit", lang), variant="primary", visible=False, elem_id="submit-btn",
                                        elem_classes=["big-btn"])
            self.next_btn = gr.Button(t("next_question", lang), variant="primary", visible=False, elem_id="next-btn",
                                      elem_classes=["big-btn"])
            self._notice("quiz")
            with gr.Row(elem_classes=["tool-row"]):
                self.dont_btn = gr.Button(t("dont_understand", lang), elem_id="dont-btn", min_width=150)
                self.read_btn = gr.Button("🔊 " + t("read_aloud", lang), elem_id="read-btn", min_width=150)
                self.read_stop_btn = gr.Button("⏹ " + t("read_stop", lang), elem_id="read-stop-btn", min_width=150)
            self.read_status = gr.HTML(READ_STATUS_HTML, elem_id="read-status")
            self.stop_btn = gr.Button(t("stop_quiz", lang), variant="stop", elem_id="stop-btn")
            with gr.Column(visible=False, elem_id="confirm-stop", elem_classes=["confirm-box"]) as self.confirm_box:
                self.confirm_md = gr.HTML("", elem_id="confirm-text")
                with gr.Row(elem_classes=["tool-row"]):
                    self.confirm_no = gr.Button(t("stop_no", lang), variant="primary", elem_id="confirm-no",
                                                min_width=150)
                    self.confirm_yes = gr.Button(t("stop_yes", lang), variant="stop", elem_id="confirm-yes",
                                                 min_width=150)
            self.read_text = gr.Textbox("", visible=False, elem_id="read-text")
            with gr.Accordion(t("transcript", lang), open=False, elem_id="transcript") as self.transcript:
                self.chat = gr.Chatbot([], show_label=False, elem_id="chat", height=460, sanitize_html=True,
                                       render_markdown=True, feedback_options=None, allow_tags=False, buttons=[])
        # A plain summary of the screen for API clients (gradio_client, the load bench); never holds a key.
        self.screen = gr.JSON({}, visible=False, elem_id="screen")
        with gr.Column(visible=False, elem_id="result") as self.result_box:
            self.result_md = gr.Markdown("", elem_id="result-md", elem_classes=["big-text"])
            self.result_cards = gr.HTML("", elem_id="result-cards")
            self.practice_head = gr.HTML("", elem_id="practice-head")
            with gr.Column(elem_id="practice-areas", elem_classes=["practice-areas"]):
                self.practice_btns = [gr.Button("", visible=False, elem_id=f"practice-{i}",
                                                elem_classes=["practice-btn"]) for i in range(MAX_AREAS)]
            self.radar = gr.HTML("", label=t("radar_title", lang), elem_id="radar")  # an inline SVG
            self.pdf_btn = gr.DownloadButton(t("download_pdf", lang), elem_id="pdf-btn", elem_classes=["big-btn"])
            self.build_certificate(lang)
            self.review_btn = gr.Button(t("review_button", lang), elem_id="review-btn", elem_classes=["big-btn"])
            self.review_html = gr.HTML("", elem_id="review")
            self.review_practice_head = gr.HTML("", elem_id="review-practice-head")
            with gr.Column(elem_id="review-practice-areas", elem_classes=["practice-areas"]):
                self.review_practice_btns = [gr.Button("", visible=False, elem_id=f"review-practice-{i}",
                                                       elem_classes=["practice-btn"]) for i in range(MAX_AREAS)]
            self.retake_btn = gr.Button(t("retake", lang), elem_id="retake-btn")
        with gr.Column(visible=False, elem_id="ask") as self.ask_box:
            with gr.Row():
                self.ask_text = gr.Textbox(label=t("ask_bank", lang), max_lines=2, elem_id="ask-text", scale=4)
                self.ask_btn = gr.Button(t("ask_button", lang), elem_id="ask-btn", scale=1)
            self.build_ask_voice(lang)
            self._notice("ask")
            self.ask_out = gr.Markdown("", elem_id="ask-out", elem_classes=["big-text"])
        # Changes on every render: the page's own busy indicator (app.py's js) hides when it changes.
        self.tick = gr.HTML("", elem_id="tick", elem_classes=["tick"])

    def _notice(self, place: str) -> Any:
        if not hasattr(self, "notices"):
            self.notices: dict[str, Any] = {}
        box = gr.HTML("", elem_id=f"notice-{place}", elem_classes=["notice"])
        self.notices[place] = box
        return box

    @property
    def outputs(self) -> list[Any]:
        """Every component a screen update may touch (one fixed list for every event)."""
        return [self.tab, self.saved, self.title, self.lang_radio, *self.notices.values(), self.intake_box,
                self.greeting, self.new_title, self.code_box, self.role_radio, self.level_radio, self.years_box,
                self.describe_box, self.place_btn, self.place_msg, self.place_domains, self.consent_acc, self.consent_md,
                self.start_btn, self.resume_title, self.resume_box, self.resume_btn, self.quiz_box, self.progress, self.card,
                *self.option_btns, self.checks, self.order_md, self.order_reset, self.open_text, self.submit_btn,
                self.next_btn, self.dont_btn, self.read_btn, self.read_stop_btn, self.stop_btn, self.confirm_box,
                self.confirm_md, self.confirm_no, self.confirm_yes, self.read_text, self.transcript, self.chat,
                self.result_box, self.result_md, self.result_cards, self.radar, self.pdf_btn, self.review_btn,
                self.review_html, self.retake_btn, self.ask_box, self.practice_head, *self.practice_btns,
                self.review_practice_head, *self.review_practice_btns,
                self.ask_text, self.ask_btn, self.ask_out, self.screen, self.tick, *self.voice_outputs,
                *self.cert_outputs]
