"""Answering and asking by voice on the worker's page: the 按住说话 / "Hold to talk" control under every question
card and in the ask box, its event handlers, and the page script that picks the microphone or the phone's own
recorder.

The clip goes through `assessor.speech.voice_answer` in the session's language (never detected). What was heard
is only ever *proposed*: a matched option is shown selected (one tap on 提交 confirms), an ordering is filled in,
an open answer or an ask-the-bank question goes into its text box. Nothing is submitted from here. A clip is
deleted after transcription unless the centre turned `keep_audio` on; then it is stored with the response she
submits next for that question (`keep_voice`).

`VoiceParts` is a mixin of the worker layout: `build_voice` / `build_ask_voice` create the components inside the
layout, `wire_voice` hooks the events, `voice_view` is the render's part, `on_voice` / `on_ask_voice` the
handlers (tests call `voice_step` / `ask_voice_step`, the non-streaming forms).
"""

from __future__ import annotations

import html
import importlib.util
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assessor.i18n import t
from assessor.ui.worker.model import Tab, Updates, VoicePick

if TYPE_CHECKING:
    from assessor.ui.context import AppContext
    from assessor.views import QuestionView

log = logging.getLogger(__name__)

TEXTS: dict[str, dict[str, str]] = {
    "hold": {"zh": "🎤 按住说话", "en": "🎤 Hold to talk"},
    "ask_hold": {"zh": "🎤 按住说话来问", "en": "🎤 Hold to ask"},
    "loading": {"zh": "正在准备语音，请稍等……", "en": "Getting voice ready, please wait…"},
    "working": {"zh": "正在听您的录音，请稍等……", "en": "Listening to your recording, please wait…"},
    "heard": {"zh": "听到：“{text}”", "en": "Heard: “{text}”"},
    "picked": {"zh": "已帮您选中：{options}。请看一下，对的话点「{submit}」。",
               "en": "Selected for you: {options}. Check it, and tap {submit} if it is right."},
    "ordered": {"zh": "已按您说的顺序排好。请看一下，对的话点「{submit}」。",
                "en": "The steps are in the order you said. Check it, and tap {submit} if it is right."},
    "open": {"zh": "您说的话已放进答案框。请看一下，可以改，然后点「{submit}」。",
             "en": "What you said is in the answer box. Check or change it, then tap {submit}."},
    "asked": {"zh": "已放进问题框。请看一下，然后点「{ask}」。",
              "en": "It is in the question box. Check it, then tap {ask}."},
    "insecure": {"zh": "这个网址不能直接用麦克风：请点下面，用手机录音后上传（或请老师开启 https）。",
                 "en": "This address cannot use the microphone directly: tap below to record with your phone and "
                       "upload it (or ask the trainer to turn on https)."},
    "option_n": {"zh": "第 {n} 个", "en": "option {n}"},
}


def say(key: str, lang: str, **values: object) -> str:
    """The voice control's text `key` in `lang` ("zh", anything else English) with `values` filled in."""
    return TEXTS[key]["zh" if lang == "zh" else "en"].format(**values)


def voice_available(settings: Any) -> bool:
    """Whether the page offers voice: the `voice` setting is on and faster-whisper is installed."""
    return bool(getattr(settings, "voice", True)) and importlib.util.find_spec("faster_whisper") is not None


def message_html(lines: list[str], *, problem: bool = False, waiting: bool = False) -> str:
    """The plain message next to the control (escaped; empty list: nothing shown)."""
    if not lines:
        return ""
    tone = "voice-problem" if problem else "voice-wait" if waiting else "voice-ok"
    body = "".join(f"<div>{html.escape(line)}</div>" for line in lines if line)
    return f'<div class="voice-msg-box {tone}" role="status" aria-live="polite">{body}</div>'


def note_html(lang: str) -> str:
    """The line shown instead of the live microphone when the page is not a secure context (the page script
    shows it; hidden otherwise)."""
    return f'<div class="voice-insecure" lang="{lang}">{html.escape(say("insecure", lang))}</div>'


def _delete(path: str | Path | None) -> None:
    if path:
        try:
            Path(path).unlink(missing_ok=True)
        except OSError as error:  # a clip left in Gradio's temp folder is not worth failing the answer for
            log.warning("voice clip not deleted: %s", error)


class VoiceParts:
    """The voice control: components, render part, handlers (a mixin of the worker layout and page)."""

    ctx: AppContext
    _render: Callable[..., Updates]  # the page's render (WorkerPage's method)
    tab: Any  # the layout's components this control reads or fills
    open_text: Any
    ask_text: Any
    checks: Any
    voice_transcriber: Any = None  # tests put a fake or a shared real transcriber here; None: the process-wide one
    voice_embedder: Any = "default"  # "default": the app's embedder for meaning matching; None: rules and words

    # ------------------------------------------------------------------ components
    def build_voice(self, lang: str) -> None:
        """The card's control (call inside the quiz column, under the answer inputs)."""
        with gr.Column(visible=False, elem_id="voice", elem_classes=["voice-ctl"]) as self.voice_box:
            # the message first: right under the options it talks about ("已帮您选中：第 2 个")
            self.voice_msg = gr.HTML("", elem_id="voice-msg", elem_classes=["voice-msg"])
            self.voice_note = gr.HTML(note_html(lang), elem_id="voice-note", elem_classes=["voice-note"])
            self.voice_audio = gr.Audio(sources=["microphone", "upload"], type="filepath", label=say("hold", lang),
                                        elem_id="voice-audio", elem_classes=["voice-audio"], editable=False)

    def build_ask_voice(self, lang: str) -> None:
        """The ask box's control (call inside the ask column)."""
        with gr.Column(elem_id="ask-voice", elem_classes=["voice-ctl"]) as self.ask_voice_box:
            self.ask_voice_note = gr.HTML(note_html(lang), elem_id="ask-voice-note", elem_classes=["voice-note"])
            self.ask_voice_audio = gr.Audio(sources=["microphone", "upload"], type="filepath",
                                            label=say("ask_hold", lang), elem_id="ask-voice-audio",
                                            elem_classes=["voice-audio"], editable=False)
            self.ask_voice_msg = gr.HTML("", elem_id="ask-voice-msg", elem_classes=["voice-msg"])

    @property
    def voice_outputs(self) -> list[Any]:
        """The voice components a screen update may touch."""
        return [self.voice_box, self.voice_note, self.voice_audio, self.voice_msg, self.ask_voice_box,
                self.ask_voice_note, self.ask_voice_audio, self.ask_voice_msg]

    def voice_view(self, tab: Tab, shown: QuestionView | None, *, new_question: bool, relabel: bool) -> Updates:
        """The render's part: the control shows under a question waiting for an answer (when voice is on); a new
        question clears the clip and the message; a language change relabels."""
        on = self.voice_on
        u: Updates = {self.voice_box: gr.update(visible=on and shown is not None),
                      self.ask_voice_box: gr.update(visible=on)}
        if new_question:
            u[self.voice_audio] = gr.update(value=None, label=say("hold", tab.lang))
            u[self.voice_msg] = ""
        if relabel:
            lang = tab.lang
            u[self.voice_audio] = gr.update(label=say("hold", lang), **({"value": None} if new_question else {}))
            u[self.ask_voice_audio] = gr.update(label=say("ask_hold", lang))
            u[self.voice_note] = note_html(lang)
            u[self.ask_voice_note] = note_html(lang)
            u[self.ask_voice_msg] = ""
            if not new_question:
                u[self.voice_msg] = ""
        return u

    @property
    def voice_on(self) -> bool:
        """Whether this page offers voice (decided once per page)."""
        if not hasattr(self, "_voice_on"):
            self._voice_on = voice_available(self.ctx.settings)
        return self._voice_on

    # ------------------------------------------------------------------ wiring
    def wire_voice(self) -> None:
        """Hook the controls: a finished recording or an upload runs the handler (streamed, so a clip that
        arrives while the model is loading first says 正在准备语音)."""
        out = self.outputs  # type: ignore[attr-defined]
        card = [self.voice_audio, self.open_text, self.tab]
        for event, name in ((self.voice_audio.stop_recording, "voice"), (self.voice_audio.upload, "voice_upload")):
            event(self.on_voice, card, out, api_name=name, show_progress="hidden", api_visibility="undocumented")
        ask = [self.ask_voice_audio, self.ask_text, self.tab]
        for event, name in ((self.ask_voice_audio.stop_recording, "ask_voice"),
                            (self.ask_voice_audio.upload, "ask_voice_upload")):
            event(self.on_ask_voice, ask, out, api_name=name, show_progress="hidden", api_visibility="undocumented")

    # ------------------------------------------------------------------ handlers
    def _transcriber(self) -> Any:
        if self.voice_transcriber is not None:
            return self.voice_transcriber
        from assessor.speech import get_transcriber

        return get_transcriber(Path(self.ctx.settings.data_dir) / "cache")

    def _embedder(self) -> Any:
        if self.voice_embedder != "default":
            return self.voice_embedder
        try:
            from assessor.retrieval.embedder import get_embedder

            return get_embedder(getattr(self.ctx.models, "embedder_name", None), self.ctx.settings)
        except Exception as error:  # meaning matching is optional: positions, letters and words still work
            log.warning("voice answers match without the embedder: %s", error)
            return None

    def _loading_first(self, tab: Tab, msg: Any) -> Iterator[Updates]:
        """One update at once: 正在准备语音 while the model is still loading, else 正在听您的录音."""
        transcriber = self._transcriber()
        ready = getattr(transcriber, "loaded", True)
        yield {msg: message_html([say("working" if ready else "loading", tab.lang)], waiting=True)}

    def on_voice(self, path: Any, open_text: Any, tab: Tab) -> Iterator[Updates]:
        """The card's clip arrived (streamed: 正在听 / 正在准备语音 at once, then `voice_step`)."""
        yield from self._loading_first(tab, self.voice_msg)
        yield self.voice_step(path, open_text, tab)

    def on_ask_voice(self, path: Any, ask_text: Any, tab: Tab) -> Iterator[Updates]:
        """The ask box's clip arrived (streamed like `on_voice`)."""
        yield from self._loading_first(tab, self.ask_voice_msg)
        yield self.ask_voice_step(path, ask_text, tab)

    def voice_step(self, path: Any, open_text: Any, tab: Tab) -> Updates:
        """Transcribe the card's clip in the session's language and propose the answer: the matched option(s)
        selected (multiple choice: ticked), the order filled in, or the words added to the open answer box;
        else the plain message. Nothing is submitted or stored; the clip is deleted unless `keep_audio` holds
        it for the response she submits next."""
        from assessor.speech import voice_answer
        from assessor.ui.worker.render import shown_question

        lang = tab.lang
        shown = shown_question(tab)
        if path is None or shown is None:  # the control was cleared, or the question is already answered
            _delete(path)
            updates = self._render(tab)
            updates[self.voice_audio] = gr.update(value=None)
            return updates
        item = self.ctx.bank.items.get(shown.item_id)
        meaning = item is not None and item.type not in ("open_scenario", "ordering")
        answer = voice_answer(str(path), item, lang, transcriber=self._transcriber(),
                              embedder=self._embedder() if meaning else None)
        usable = bool(answer.text) and answer.problem in (None, "no_match", "order_incomplete")
        self._hold_clip(tab, shown.item_id, str(path) if usable else None, path)
        heard = [say("heard", lang, text=answer.text)] if answer.text else []
        extra: Updates = {}
        lines: list[str]
        if answer.message is not None:
            lines = [*heard, answer.message]
        elif shown.type == "open_scenario":
            before = str(open_text or "").rstrip()
            extra[self.open_text] = gr.update(value=f"{before}\n{answer.text}" if before else answer.text)
            lines = [say("open", lang, submit=t("submit", lang))]
        elif shown.type == "ordering":
            tab.order = list(answer.option_ids)
            lines = [*heard, say("ordered", lang, submit=t("submit", lang))]
        else:
            ids = list(answer.option_ids)
            if tab.voice is not None:
                tab.voice = VoicePick(item_id=shown.item_id, option_ids=tuple(ids), clip=tab.voice.clip)
            if shown.type == "multiple_choice":
                extra[self.checks] = gr.update(value=ids)
            order = [oid for oid, _text in shown.options]
            names = [say("option_n", lang, n=order.index(oid) + 1) for oid in ids if oid in order]
            lines = [*heard, say("picked", lang, options="、".join(names) if lang == "zh" else ", ".join(names),
                                 submit=t("submit", lang))]
        updates = self._render(tab)
        updates.update(extra)
        updates[self.voice_msg] = message_html(lines, problem=answer.message is not None)
        updates[self.voice_audio] = gr.update(value=None)
        return updates

    def _hold_clip(self, tab: Tab, item_id: str, usable: str | None, path: Any) -> None:
        """Keep a usable clip for the response (only with `keep_audio`), else delete it; any clip held for this
        question before is replaced."""
        old = tab.voice.clip if tab.voice is not None else None
        keep = usable is not None and bool(getattr(self.ctx.settings, "keep_audio", False))
        if old and old != (usable if keep else None):
            _delete(old)
        if keep:
            tab.voice = VoicePick(item_id=item_id, option_ids=(), clip=usable)
        else:
            _delete(path)
            tab.voice = VoicePick(item_id=item_id, option_ids=(), clip=None)

    def keep_voice(self, tab: Tab, session_id: str, item_id: str) -> Path | None:
        """After her answer to `item_id` is stored: store the held clip with that response (`keep_audio` on),
        and forget the voice proposal. Returns the stored clip's path, or None."""
        pick, tab.voice = tab.voice, None
        if pick is None or pick.item_id != item_id or not pick.clip:
            return None
        from assessor.speech.keep import attach_audio, keep_clip

        try:
            kept = keep_clip(pick.clip, Path(self.ctx.settings.data_dir), session_id=session_id, item_id=item_id,
                             keep_audio=bool(self.ctx.settings.keep_audio))
            if kept is not None and not attach_audio(self.ctx.assessment.store, session_id, item_id, kept):
                _delete(kept)
                kept = None
        except OSError:
            log.exception("voice clip not kept")
            kept = None
        _delete(pick.clip)
        return kept

    def ask_voice_step(self, path: Any, ask_text: Any, tab: Tab) -> Updates:
        """Transcribe the ask box's clip; the words go into the question box for her to tap 问一问. The clip is
        never kept (it is no answer)."""
        from assessor.speech import voice_answer

        lang = tab.lang
        if path is None:
            return {self.ask_voice_audio: gr.update(value=None)}
        answer = voice_answer(str(path), None, lang, transcriber=self._transcriber(), embedder=None)
        _delete(path)
        updates: Updates = {self.ask_voice_audio: gr.update(value=None)}
        if answer.message is not None or not answer.text:
            updates[self.ask_voice_msg] = message_html([answer.message or ""], problem=True)
            return updates
        updates[self.ask_text] = gr.update(value=answer.text)
        updates[self.ask_voice_msg] = message_html([say("asked", lang, ask=t("ask_button", lang))])
        return updates


# The control's look: big (≥ 48 px targets), the message under it; the insecure-context line only when the page
# script found no microphone.
VOICE_CSS = """
.voice-ctl { border: 2px dashed #90CAF9 !important; border-radius: 10px !important; gap: 6px !important; }
#tab-worker .voice-ctl button { min-height: 48px !important; min-width: 48px !important; font-size: 18px !important; }
#tab-worker .voice-audio label, #tab-worker .voice-audio [data-testid="block-info"] { font-size: 19px !important; font-weight: 700; }
/* 录制 / 停止: one big button to hold (no long-press menu or text selection on a phone) */
#tab-worker .voice-audio .record-button, #tab-worker .voice-audio .stop-button { min-height: 60px !important; min-width: 160px !important;
  font-size: 21px !important; padding: 0 24px !important; white-space: nowrap !important; }
.voice-audio button { touch-action: none; user-select: none; -webkit-user-select: none; -webkit-touch-callout: none; }
.voice-note { display: none !important; }
.voice-ctl.voice-no-mic .voice-note { display: block !important; }
.voice-ctl.voice-no-mic .source-selection { display: none !important; }
.voice-insecure { font-size: 17px; color: #5D4037; background: #FFF8E1; border-left: 5px solid #F9A825;
  padding: 6px 10px; border-radius: 6px; }
.voice-msg:not(:has(.voice-msg-box)) { display: none !important; }
.voice-msg-box { font-size: 19px; line-height: 1.5; padding: 8px 12px; border-radius: 6px; }
.voice-msg-box.voice-wait { background: #ECEFF1; color: #263238; border-left: 5px solid #78909C; }
.voice-msg-box.voice-ok { background: #E3F2FD; color: #0D47A1; border-left: 5px solid #1565C0; }
.voice-msg-box.voice-problem { background: #FFEBEE; color: #B71C1C; border-left: 5px solid #C62828; font-weight: 600; }
.option-btn button.primary, button.option-btn.primary { outline: 4px solid #1565C0; outline-offset: 2px; }
"""

# The page script: no secure context (plain http on a LAN address) → no live microphone: each voice control
# switches to its upload source, its file input opens the phone's recorder (accept="audio/*" capture), and the
# line why shows (class voice-no-mic). In a secure context 录制 starts on press: holding it records until she lets
# go (hold-to-talk); a short tap keeps recording until she taps 停止.
VOICE_JS = """
() => {
  const secure = window.isSecureContext && !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  window.__voiceSecure = secure;
  const fix = () => {
    document.querySelectorAll('.voice-ctl').forEach((ctl) => { if (!secure) ctl.classList.add('voice-no-mic'); });
    document.querySelectorAll('.voice-audio').forEach((box) => {
      box.querySelectorAll('input[type=file]').forEach((input) => {
        if (input.getAttribute('accept') !== 'audio/*') input.setAttribute('accept', 'audio/*');
        if (!secure && !input.hasAttribute('capture')) input.setAttribute('capture', '');
      });
      if (!secure) {
        const upload = box.querySelector('button[aria-label="Upload file"]:not(.selected)');
        if (upload) upload.click();
        return;
      }
      if (box.dataset.voiceHold) return;
      box.dataset.voiceHold = '1';
      let downAt = 0, swallow = false;
      box.addEventListener('pointerdown', (ev) => {
        const rec = ev.target.closest('button.record-button');
        if (!rec) return;
        downAt = Date.now(); swallow = true;
        rec.click();
      }, true);
      box.addEventListener('click', (ev) => {
        if (swallow && ev.isTrusted) { ev.stopPropagation(); ev.preventDefault(); swallow = false; }
      }, true);
      const release = () => {
        if (!downAt) return;
        const held = Date.now() - downAt;
        downAt = 0;
        setTimeout(() => { swallow = false; }, 0);
        if (held < 400) return;
        setTimeout(() => { const stop = box.querySelector('button.stop-button');
          if (stop && stop.offsetParent !== null) stop.click(); }, 150);
      };
      box.addEventListener('pointerup', release, true);
      box.addEventListener('pointercancel', release, true);
    });
  };
  fix();
  new MutationObserver(fix).observe(document.body, {childList: true, subtree: true});
}
"""


def combined_js(main: str) -> str:
    """The app's page script followed by the voice script, as one `launch(js=...)` function."""
    return "() => {\n  (" + main.strip() + ")();\n  (" + VOICE_JS.strip() + ")();\n}"


__all__ = ["TEXTS", "VOICE_CSS", "VOICE_JS", "VoiceParts", "combined_js", "message_html", "note_html", "say",
           "voice_available"]
