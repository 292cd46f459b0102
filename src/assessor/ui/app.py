"""The app shell: one `gr.Blocks` with the worker tab and the trainer tab, and `launch()`.

    ctx = AppContext.create()
    launch(ctx, host="127.0.0.1", port=7860)

Never open a public share link: the app is for a centre's own network and makes no outside request.
"""

from __future__ import annotations

import json
from typing import Any

from assessor import offline  # noqa: F401  (offline switches before gradio)
from assessor.i18n import t
from assessor.ui.context import AppContext

# Big, plain and touch-friendly: many workers read slowly and use phones. Every tappable control ≥ 48 px high
# and ≥ 8 px apart, labels ≥ 16 px; the question card on top, the verdict in green/red on the options.
CSS = """
/* the chat's own clear button would only empty the screen (nothing stored is lost): hide it to avoid confusion */
#chat button[aria-label="Clear"], #chat button[title="Clear"], #chat .widget-clear, #chat .icon-button-wrapper { display: none !important; }
.gradio-container { font-size: 18px !important; max-width: 1340px !important; margin: auto; }
/* the worker's page stays a narrow, readable column; the trainer's tables use the full width (1366 px laptops) */
#tab-worker { max-width: 980px; margin: 0 auto; }
.gradio-container .prose, .gradio-container .prose p, .gradio-container .prose li { font-size: 19px !important; line-height: 1.6; }
.big-text, .big-text p { font-size: 20px !important; }
#tab-worker button { min-height: 48px !important; font-size: 18px !important; }
#tab-worker .gap, #tab-worker .form { gap: 10px !important; }
#tab-worker label, #tab-worker label span, #tab-worker [data-testid="block-info"], #tab-worker .block-title,
#tab-worker .label-wrap span { font-size: 17px !important; color: #212121 !important; }
.option-btn button, button.option-btn { font-size: 20px !important; min-height: 56px !important; padding: 10px 16px !important;
  text-align: left !important; justify-content: flex-start !important; white-space: normal !important; }
#options { gap: 10px !important; }
.big-btn button, button.big-btn { font-size: 21px !important; min-height: 60px !important; }
.big-choices label { font-size: 19px !important; padding: 10px 14px !important; min-height: 48px; }
.big-choices input[type=checkbox], .big-choices input[type=radio] { width: 24px; height: 24px; }
#chat .message { font-size: 19px !important; }
.progress p { font-size: 17px !important; color: #1565C0; margin: 0 !important; }
.notice:empty, .notice .prose:empty { display: none; }
/* an empty notice place or read-aloud status takes no room (the page keeps no blank bands between controls) */
#tab-worker .notice:not(:has(.notice-box)), #read-status:has(#read-status-text:empty) { display: none !important; }
.notice-box { font-size: 19px; color: #B71C1C; font-weight: 600; background: #FFEBEE; border-left: 5px solid #C62828;
  padding: 10px 12px; border-radius: 6px; }
.lang-switch label { font-size: 17px !important; }
/* the language switch: one compact line (two ≥ 48 px pills), its label read by screen readers only */
#lang-switch { padding: 0 !important; border: none !important; background: transparent !important; flex: 0 0 auto !important;
  min-width: 0 !important; align-self: center; }
#lang-switch > span[data-testid="block-info"], #lang-switch .block-title, #lang-switch > label > span:first-child {
  position: absolute !important; width: 1px !important; height: 1px !important; overflow: hidden !important;
  clip: rect(0 0 0 0) !important; white-space: nowrap !important; }
#lang-switch .wrap { flex-wrap: nowrap !important; gap: 8px !important; }
.top-bar .form:has(#lang-switch) { background: transparent !important; border: none !important; box-shadow: none !important; }
#lang-switch .wrap label { min-height: 48px !important; padding: 0 14px !important; margin: 0 !important;
  display: flex !important; align-items: center; }
.top-bar { flex-wrap: wrap !important; }
#app-title { min-width: 280px !important; flex: 1 1 280px !important; }
#app-title h1 { font-size: 28px !important; word-break: keep-all; }
/* the question card and the verdict */
.qcard { border: 2px solid #90CAF9; border-radius: 10px; padding: 12px 14px; background: #FAFCFF; }
.q-area { font-size: 16px; color: #455A64; }
.q-stem { font-size: 21px; font-weight: 600; line-height: 1.5; margin: 4px 0; color: #111; }
/* Latin script at 600 looks heavy on a phone: English stems in a normal weight */
.qcard[lang="en"] .q-stem, .q-other-body[lang="en"] .q-other-stem { font-weight: 400; font-size: 20px; }
/* glossary words: a dotted underline; a tap opens the plain explanation right under it (details/summary) */
details.gl-term { display: inline; }
/* a closed word must not break the sentence: its (hidden) content box takes no line of its own */
details.gl-term::details-content { display: inline; }
details.gl-term:not([open])::details-content { display: none; }
details.gl-term > summary, details.gl-chip > summary { display: inline; list-style: none; cursor: pointer;
  border-bottom: 2px dotted #1565C0; -webkit-tap-highlight-color: rgba(21,101,192,.2); }
details.gl-term > summary::-webkit-details-marker, details.gl-chip > summary::-webkit-details-marker,
details.q-other > summary::-webkit-details-marker { display: none; }
details.gl-term > summary::marker, details.gl-chip > summary::marker, details.q-other > summary::marker { content: ""; }
details.gl-term[open] > summary, details.gl-chip[open] > summary { background: #E3F2FD; border-radius: 4px; }
.gl-tip { display: block; font-size: 18px; font-weight: 400; line-height: 1.5; color: #0D47A1; background: #E3F2FD;
  border-left: 4px solid #1565C0; border-radius: 6px; padding: 6px 10px; margin: 4px 0; }
.gl-chips { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin: 4px 0; font-size: 16px; color: #37474F; }
details.gl-chip { display: inline-block; }
details.gl-chip > summary { display: inline-flex; align-items: center; min-height: 44px; padding: 0 12px; font-size: 18px;
  background: #F1F8FF; border: 1px solid #90CAF9; border-radius: 22px; color: #0D47A1; }
details.gl-chip[open] { flex-basis: 100%; }
/* 看英文 / 看中文: a button on the card; the other language shows under it only after a tap */
details.q-other { margin-top: 6px; }
details.q-other > summary { display: inline-flex; align-items: center; min-height: 48px; padding: 0 16px; list-style: none;
  font-size: 18px; border: 2px solid #90A4AE; border-radius: 8px; background: #fff; cursor: pointer; }
details.q-other .o-hide, details.q-other[open] .o-show { display: none; }
details.q-other[open] .o-hide { display: inline; }
.q-other-body { margin-top: 6px; padding: 8px 10px; border-left: 4px solid #90A4AE; background: #F5F7F8; border-radius: 6px; }
.q-other-title { font-size: 15px; color: #455A64; }
.q-other-stem { font-size: 19px; line-height: 1.5; }
.q-other-opts { margin: 4px 0 0 0; padding-left: 24px; font-size: 18px; }
/* practice: one button per weak area, and the round's summary */
.practice-areas { gap: 10px !important; }
.practice-btn button, button.practice-btn { font-size: 19px !important; min-height: 52px !important; text-align: left !important;
  justify-content: flex-start !important; white-space: normal !important; }
.q-hint { font-size: 16px; color: #37474F; }
.q-plain { font-size: 19px; background: #FFFDE7; border-left: 5px solid #F9A825; padding: 6px 10px; margin: 6px 0; }
.verdict { font-size: 22px; font-weight: 700; padding: 6px 10px; border-radius: 8px; margin-bottom: 6px; }
.v-correct { background: #E8F5E9; color: #1B5E20; } .v-wrong { background: #FFEBEE; color: #B71C1C; }
.v-partial { background: #FFF8E1; color: #8D6E00; }
.fb-options { list-style: none; padding: 0; margin: 6px 0; }
.fb-opt { font-size: 18px; border: 2px solid #CFD8DC; border-radius: 8px; padding: 8px 10px; margin: 6px 0; }
.fb-opt.is-right { border-color: #2E7D32; background: #E8F5E9; }
.fb-opt.is-wrong { border-color: #C62828; background: #FFEBEE; }
.fb-opt .mark { font-weight: 700; } .fb-opt .tag { font-size: 15px; font-weight: 700; color: #37474F; white-space: nowrap; }
.fb-lines p { font-size: 18px; margin: 6px 0; line-height: 1.5; }
.your-text { font-size: 18px; margin: 6px 0; }
/* Next stays in view at the bottom of the screen however long the explanation is */
#next-btn { position: fixed !important; bottom: 10px; left: 50%; transform: translateX(-50%); z-index: 50;
  width: min(94vw, 900px) !important; box-shadow: 0 2px 10px rgba(0,0,0,.35); }
#quiz:has(#next-btn:not([hidden])) { padding-bottom: 84px; }
#card, #card > div { padding: 0 !important; border: none !important; }
.tool-row { gap: 10px !important; flex-wrap: wrap !important; }
#read-status-text { font-size: 17px; color: #1565C0; }
.confirm-box { border: 2px solid #C62828; border-radius: 10px; padding: 10px; }
.confirm-text { font-size: 20px; font-weight: 700; color: #B71C1C; }
.tick, #tick { display: none !important; }
/* the result: one card per skill area, the courses as cards */
.area-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 10px; }
.area-card { border-radius: 10px; padding: 10px 12px; border-left: 8px solid #90A4AE; background: #F5F7F8; }
.area-card.a-ok { border-left-color: #2E7D32; background: #E8F5E9; }
.area-card.a-close { border-left-color: #EF6C00; background: #FFF3E0; }
.area-card.a-unsure { border-left-color: #78909C; background: #ECEFF1; }
.area-name { font-size: 19px; font-weight: 700; } .area-word { font-size: 22px; font-weight: 700; margin: 2px 0; }
.a-ok .area-word { color: #1B5E20; } .a-close .area-word { color: #BF360C; } .a-unsure .area-word { color: #37474F; }
.area-more { font-size: 16px; color: #37474F; }
.cards-title { font-size: 21px !important; margin: 14px 0 6px !important; }
.course-card { border: 2px solid #90CAF9; border-radius: 10px; padding: 10px 12px; margin: 8px 0; background: #FAFCFF; }
.course-title { font-size: 19px; font-weight: 700; } .course-hours { font-size: 16px; color: #455A64; }
.review-card { margin: 10px 0; }
.course-reason, .result-summary, .course-none { font-size: 18px; line-height: 1.5; }
/* Gradio's own progress text never shows (every event has show_progress="hidden"); belt and braces */
#tab-worker .progress-text, #tab-worker .eta-bar, #tab-worker .meta-text, #tab-worker .meta-text-center { display: none !important; }
.busy-toast { position: fixed; z-index: 1000; background: #263238; color: #fff; font-size: 17px; padding: 8px 14px;
  border-radius: 18px; box-shadow: 0 2px 8px rgba(0,0,0,.3); pointer-events: none; }
/* Gradio's page keeps 32 px a side, a sixth of a 390 px phone; its rules inside @media only reach elements inside
   the page's content, so the side padding shrinks with the screen instead: 8 px up to 632 px wide, 32 px from 728 px. */
.app.fillable { padding-left: min(32px, max(8px, calc((100vw - 600px) / 4))) !important;
  padding-right: min(32px, max(8px, calc((100vw - 600px) / 4))) !important; }
@media (max-width: 600px) {
  #app-title h1 { font-size: 22px !important; margin: 0 !important; }
  .gradio-container { padding: 6px !important; }
  #tab-worker .block { padding: 6px !important; }
  .q-stem { font-size: 20px; }
}
"""

# The page's own small busy indicator, in the UI language, next to the tapped control (a toast at the tap point)
# until the next render (the hidden #tick changes on every one); a notice or the question card is scrolled into
# view after a render. Replaces Gradio's full-page overlay (every event has show_progress="hidden").
JS = """
() => {
  const words = __BUSY__;
  const lang = () => (document.querySelector('#lang-switch input[value="en"]')?.checked ? 'en' : 'zh');
  let toast = null, timer = null, tick = null;
  const tickNow = () => document.querySelector('#tick')?.innerHTML || '';
  const hide = () => { if (timer) { clearTimeout(timer); timer = null; } if (toast) { toast.remove(); toast = null; } };
  const local = new Set(['read-btn', 'read-stop-btn']);
  document.addEventListener('click', (ev) => {
    const btn = ev.target.closest('#tab-worker button');
    if (!btn || local.has(btn.id) || btn.closest('#chat') || btn.closest('#transcript > button, .label-wrap')) return;
    if (btn.closest('.voice-audio') && !btn.matches('.stop-button')) return;  // recording: no "please wait" yet
    hide();
    tick = tickNow();
    const rect = btn.getBoundingClientRect();
    timer = setTimeout(() => {
      toast = document.createElement('div');
      toast.className = 'busy-toast';
      toast.id = 'busy-toast';
      toast.setAttribute('role', 'status');
      toast.setAttribute('aria-live', 'polite');
      toast.textContent = words[lang()];
      toast.style.top = Math.min(window.innerHeight - 48, Math.max(4, rect.bottom + 4)) + 'px';
      toast.style.left = Math.max(4, Math.min(window.innerWidth - 180, rect.left + 8)) + 'px';
      document.body.appendChild(toast);
    }, 250);
  }, true);
  let last = tickNow();
  setInterval(() => {
    const now = tickNow();
    if (now === last) return;
    last = now;
    hide();
    const visible = (e) => e && e.offsetParent !== null && e.innerText.trim().length > 0;
    const notice = [...document.querySelectorAll('.notice-box, .confirm-text')].find(visible);
    const target = notice || [document.querySelector('#fb-card'), document.querySelector('#qcard'),
                              document.querySelector('#practice-summary'), document.querySelector('#result')].find(visible);
    if (!target) return;
    const r = target.getBoundingClientRect();
    if (notice) { const box = notice.closest('#confirm-stop') || notice;
      if (r.top < 0 || box.getBoundingClientRect().bottom > window.innerHeight) box.scrollIntoView({block: 'center'}); }
    else if (r.top < 0 || r.top > window.innerHeight * 0.35) {
      const progress = document.querySelector('#progress');
      (visible(progress) ? progress : target).scrollIntoView({block: 'start'});
    }
  }, 100);
}
"""

#: Gradio's temporary copies (uploaded or recorded voice clips a worker never submitted, cached copies of
#: downloads) are deleted when older than 2 hours, checked every 30 minutes, and all of them when the server
#: stops: a worker's voice does not stay on the centre's disk. (Submitted clips are deleted at once, voice.py.)
TEMP_FILES_CLEANUP = (1800, 7200)


def build_app(ctx: AppContext, *, with_trainer: bool = True) -> Any:
    """The whole web app as a `gr.Blocks`: the worker tab, then the trainer tab (`with_trainer=False`: the
    worker tab alone, for the worker-side tests). The pages are reachable as `blocks.worker_page` and
    `blocks.trainer_page` (None without the trainer tab) for tests that call their handlers."""
    import gradio as gr

    from assessor.ui.trainer import build_trainer_tab
    from assessor.ui.worker import WorkerPage

    worker = WorkerPage(ctx)
    trainer = None
    with gr.Blocks(title=t("app_title", "zh") + " · " + t("app_title", "en"), analytics_enabled=False,
                   delete_cache=TEMP_FILES_CLEANUP) as blocks:
        with gr.Tabs(elem_id="tabs"):
            with gr.Tab(t("tab_worker", "zh") + " / " + t("tab_worker", "en"), id="worker", elem_id="tab-worker"):
                worker.build()
            if with_trainer:
                trainer = build_trainer_tab(ctx)
                trainer.follow_language(worker.lang_radio)  # the trainer tab follows the language switch
        worker.on_page_load(blocks)
    blocks.queue(default_concurrency_limit=16, max_size=256)
    blocks.worker_page = worker  # type: ignore[attr-defined]
    blocks.trainer_page = trainer  # type: ignore[attr-defined]
    return blocks


def launch_kwargs(ctx: AppContext) -> dict[str, Any]:
    """The arguments every launch uses: css, no sharing, no outside links, the one folder of files the app may
    serve (reports and exports under the data directory)."""
    ctx.files_dir.mkdir(parents=True, exist_ok=True)
    busy = json.dumps({lang: t("busy", lang) for lang in ("zh", "en")}, ensure_ascii=False)
    from assessor.ui.worker.voice import VOICE_CSS, combined_js

    return {"css": CSS + VOICE_CSS, "js": combined_js(JS.replace("__BUSY__", busy)), "share": False, "footer_links": [], "show_error": False, "ssr_mode": False,
            "enable_monitoring": False, "allowed_paths": [str(ctx.files_dir)]}


def _warm_voice(ctx: AppContext) -> None:
    """Load the speech model in the background when the page offers voice, so the first clip does not wait."""
    from assessor.ui.worker.voice import voice_available

    if voice_available(ctx.settings):
        from assessor.speech import get_transcriber, warm_in_background

        cache = ctx.settings.data_dir / "cache"
        get_transcriber(cache)
        warm_in_background(cache)


def launch(ctx: AppContext, host: str | None = None, port: int | None = None, **kwargs: Any) -> Any:
    """Build and start the app on host:port (default from settings: http://127.0.0.1:7860)."""
    blocks = build_app(ctx)
    _warm_voice(ctx)
    options = {**launch_kwargs(ctx), **kwargs}
    options["share"] = False
    return blocks.launch(server_name=host or ctx.settings.host, server_port=port or ctx.settings.port, **options)
