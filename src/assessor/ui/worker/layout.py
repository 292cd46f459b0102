"""The worker tab's components, created inside the app's `gr.Blocks` (Chinese labels first; `render` relabels).

Per-tab data lives in a server-side `gr.State` (`Tab`); the language and the session pointer in a
`gr.BrowserState`, so a refresh continues at the same question. `screen` is a hidden JSON summary for API
clients (never a key).
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from assessor.i18n import t
from assessor.ui.worker.model import Choices, Tab

MAX_OPTIONS = 8

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


class WorkerLayout:
    """Creates the components (`build_layout()`) and lists every component a screen update may touch."""

    def build_layout(self, choices: Choices, browser_secret: str) -> None:
        """Create the components (call inside `gr.Blocks`) with the intake's Chinese choices."""
        lang = "zh"
        self.tab = gr.State(Tab())
        self.saved = gr.BrowserState({"lang": "zh", "session_id": None}, storage_key="assessor-worker",
                                     secret=browser_secret)
        with gr.Row(elem_classes=["top-bar"]):
            self.title = gr.Markdown(f"# {t('app_title', lang)}", elem_id="app-title")
            self.lang_radio = gr.Radio([("中文", "zh"), ("English", "en")], value="zh", label=t("language", lang),
                                       elem_id="lang-switch", elem_classes=["lang-switch"], scale=0, min_width=220)
        self.notice = gr.Markdown("", elem_id="notice", elem_classes=["notice"])
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
