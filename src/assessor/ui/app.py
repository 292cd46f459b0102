"""The app shell: one `gr.Blocks` with the worker tab and the trainer tab, and `launch()`.

    ctx = AppContext.create()
    launch(ctx, host="127.0.0.1", port=7860)

Never open a public share link: the app is for a centre's own network and makes no outside request.
"""

from __future__ import annotations

from typing import Any

from assessor import offline  # noqa: F401  (offline switches before gradio)
from assessor.i18n import t
from assessor.ui.context import AppContext

# Big, plain and touch-friendly: many workers read slowly and use phones.
CSS = """
/* the chat's own clear button would only empty the screen (nothing stored is lost): hide it to avoid confusion */
#chat button[aria-label="Clear"], #chat button[title="Clear"], #chat .widget-clear, #chat .icon-button-wrapper { display: none !important; }
.gradio-container { font-size: 18px !important; max-width: 1340px !important; margin: auto; }
/* the worker's page stays a narrow, readable column; the trainer's tables use the full width (1366 px laptops) */
#tab-worker { max-width: 980px; margin: 0 auto; }
.gradio-container .prose, .gradio-container .prose p, .gradio-container .prose li { font-size: 19px !important; line-height: 1.6; }
.big-text, .big-text p { font-size: 20px !important; }
.option-btn button, button.option-btn { font-size: 21px !important; min-height: 64px !important; padding: 12px 18px !important;
  text-align: left !important; justify-content: flex-start !important; white-space: normal !important; }
.big-btn button, button.big-btn { font-size: 21px !important; min-height: 60px !important; }
.big-choices label { font-size: 19px !important; padding: 10px 14px !important; min-height: 48px; }
.big-choices input[type=checkbox], .big-choices input[type=radio] { width: 24px; height: 24px; }
#chat .message { font-size: 19px !important; }
.progress p { font-size: 18px !important; color: #1565C0; }
.notice p { font-size: 19px !important; color: #B71C1C; font-weight: 600; }
.lang-switch label { font-size: 17px !important; }
.top-bar { flex-wrap: wrap !important; }
#app-title { min-width: 280px !important; flex: 1 1 280px !important; }
#app-title h1 { font-size: 28px !important; word-break: keep-all; }
"""

def build_app(ctx: AppContext, *, with_trainer: bool = True) -> Any:
    """The whole web app as a `gr.Blocks`: the worker tab, then the trainer tab (`with_trainer=False`: the
    worker tab alone, for the worker-side tests). The pages are reachable as `blocks.worker_page` and
    `blocks.trainer_page` (None without the trainer tab) for tests that call their handlers."""
    import gradio as gr

    from assessor.ui.trainer import build_trainer_tab
    from assessor.ui.worker import WorkerPage

    worker = WorkerPage(ctx)
    trainer = None
    with gr.Blocks(title=t("app_title", "zh") + " · " + t("app_title", "en"), analytics_enabled=False) as blocks:
        with gr.Tabs(elem_id="tabs"):
            with gr.Tab(t("tab_worker", "zh") + " / " + t("tab_worker", "en"), id="worker", elem_id="tab-worker"):
                worker.build()
            if with_trainer:
                trainer = build_trainer_tab(ctx)
        worker.on_page_load(blocks)
    blocks.queue(default_concurrency_limit=16, max_size=256)
    blocks.worker_page = worker  # type: ignore[attr-defined]
    blocks.trainer_page = trainer  # type: ignore[attr-defined]
    return blocks


def launch_kwargs(ctx: AppContext) -> dict[str, Any]:
    """The arguments every launch uses: css, no sharing, no outside links, the one folder of files the app may
    serve (reports and exports under the data directory)."""
    ctx.files_dir.mkdir(parents=True, exist_ok=True)
    return {"css": CSS, "share": False, "footer_links": [], "show_error": False, "ssr_mode": False,
            "enable_monitoring": False, "allowed_paths": [str(ctx.files_dir)]}


def launch(ctx: AppContext, host: str | None = None, port: int | None = None, **kwargs: Any) -> Any:
    """Build and start the app on host:port (default from settings: http://127.0.0.1:7860)."""
    blocks = build_app(ctx)
    options = {**launch_kwargs(ctx), **kwargs}
    options["share"] = False
    return blocks.launch(server_name=host or ctx.settings.host, server_port=port or ctx.settings.port, **options)
