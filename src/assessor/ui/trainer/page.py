"""The trainer tab: login and logout, the Models page, the language switch, and every event wired to its handler.

Convention (as on the worker page): a handler returns `{component: update}`; each event's outputs are a named
group from `TrainerLayout`. Security: every handler first looks the logged-in name (a server-side `gr.State`) up
in the store, once per click, and passes the trainer's `Scope` to its step; without an account it returns only
the "please log in" notice, so no data is read and no file is written. Nothing typed by a trainer or a worker
is rendered as HTML: Markdown gets `plain()`/`safe_markdown()`, tables hold plain strings.

The handlers live in one mixin per tab, all behind the same guard (`guard.py`): sessions, review queue,
certificates and data rights, cohort, exports, bank (`*_handlers.py`); each step's work lives in its own module
(tables, plots, preview, exports, review, certificates, findings).
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from assessor.i18n import bi
from assessor.report.files import FileFolder
from assessor.ui.context import AppContext
from assessor.ui.text import plain
from assessor.ui.trainer.auth import LoginLock, Scope, clean
from assessor.ui.trainer.bank_handlers import BankHandlers
from assessor.ui.trainer.cohort_handlers import CohortHandlers
from assessor.ui.trainer.export_handlers import ExportHandlers
from assessor.ui.trainer.exports import TrainerExports
from assessor.ui.trainer.guard import Updates
from assessor.ui.trainer.language import language_outputs, language_updates
from assessor.ui.trainer.models_page import models_view
from assessor.ui.trainer.review_handlers import ReviewHandlers
from assessor.ui.trainer.rights_handlers import RightsHandlers
from assessor.ui.trainer.session_handlers import SessionHandlers
from assessor.ui.trainer.waiting import MODEL_WAIT_SECONDS

TABLE_ROWS = 500  # sessions shown in the table; exports and statistics take every session of the filter
MIN_COHORT = 30  # finished sessions below which cohort statistics carry a caution


class TrainerPage(SessionHandlers, ReviewHandlers, RightsHandlers, CohortHandlers, ExportHandlers, BankHandlers):
    """The trainer tab. Handlers are plain methods (tests call them directly after `build()`)."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.bank = ctx.bank
        self.lock = LoginLock()
        self.exports = TrainerExports(ctx.store, ctx.bank, FileFolder(ctx.export_dir))
        self.table_rows = TABLE_ROWS
        self.min_cohort = MIN_COHORT
        self.model_wait = MODEL_WAIT_SECONDS
        self.trainer_tab: Any = None  # the gr.Tab holding this page (build_trainer_tab), relabelled with the rest

    def build(self) -> None:
        """Create the components (inside a gr.Tab) and wire the events."""
        self.build_layout()
        self._wire()

    # ------------------------------------------------------------ login

    def on_login(self, username: Any, password: Any) -> Updates:
        """Check the account (with the lock after repeated failures); show the content or the login again."""
        name, secret = clean(username, 64), "" if password is None else str(password)[:256]
        refused = {self.user: None, self.login_box: gr.update(visible=True), self.content: gr.update(visible=False),
                   self.password: ""}
        wait = self.lock.wait_seconds(name)
        if wait is not None:
            return {**refused, self.notice: bi("login_locked", seconds=wait)}
        if name and secret and self.store.verify_trainer(name, secret):
            self.lock.succeeded(name)
            return {self.user: name, self.notice: bi("tr_logged_in", name=plain(name)),
                    self.login_box: gr.update(visible=False), self.content: gr.update(visible=True), self.password: ""}
        self.lock.failed(name)
        return {**refused, self.notice: bi("login_failed")}

    def on_logout(self, user: Any) -> Updates:
        """Forget the login and empty every data component."""
        cleared: Updates = {component: None for component in self.data_outputs}
        return {**cleared, self.user: None, self.opened: None, self.notice: bi("tr_logged_out"),
                self.login_box: gr.update(visible=True), self.content: gr.update(visible=False)}

    # ------------------------------------------------------------ models

    def on_models(self, user: Any) -> Updates:
        """The Models page: what serves each use, how often model text was shown (by reason), the added models."""

        def step(scope: Scope) -> Updates:
            status, usage, added = models_view(self.store, self.ctx.settings, scope.centre)
            return {self.notice: "", self.models_md: status, self.models_usage: usage, self.models_added: added}

        return self._guard(user, step)

    # ------------------------------------------------------------ language

    def on_language(self, lang: Any) -> Updates:
        """Labels, buttons and tab titles in the language the page's switch chose (no data is read)."""
        return language_updates(self, lang)

    def follow_language(self, switch: Any) -> None:
        """Relabel this tab whenever `switch` (the page's language radio, 'zh'/'en') changes."""
        switch.change(self.on_language, [switch], language_outputs(self), api_visibility="private",
                      show_progress="hidden")
        self.authoring.follow_language(switch)

    # ------------------------------------------------------------ wiring

    def _wire(self) -> None:
        hidden: dict[str, Any] = {"api_visibility": "private"}
        u, f = self.user, self.filters
        for trigger, api in ((self.login_btn.click, {"api_name": "trainer_login"}), (self.password.submit, hidden)):
            trigger(self.on_login, [self.username, self.password], self.login_outputs, **api).then(
                self.on_after_login, [u, *f], self.sessions_outputs, **hidden)
        self.logout_btn.click(self.on_logout, [u], self.logout_outputs, api_name="trainer_logout", **hidden)
        self.apply_btn.click(self.on_sessions, [u, *f], self.sessions_outputs, api_name="trainer_sessions")
        self.f_search.submit(self.on_sessions, [u, *f], self.sessions_outputs, **hidden)
        self.sessions_table.select(self.on_table_select, [u], self.pick_outputs, **hidden).then(
            self.on_open, [u, self.session_pick], self.open_outputs, **hidden)
        self.open_btn.click(self.on_open, [u, self.session_pick], self.open_outputs, api_name="trainer_open")
        self.session_pick.input(self.on_open, [u, self.session_pick], self.open_outputs, **hidden)
        self.opinion_btn.click(self.on_second_opinion, [u, self.opened, self.opinion_pick], self.opinion_outputs,
                               api_name="trainer_second_opinion")
        self.cohort_btn.click(self.on_cohort, [u, *f], self.cohort_outputs, api_name="trainer_cohort")
        self.x_sessions.click(self.on_export_sessions, [u, *f], self.file_outputs, api_name="trainer_export_sessions")
        self.x_responses.click(self.on_export_responses, [u, *f], self.file_outputs,
                               api_name="trainer_export_responses")
        self.x_transcript.click(self.on_export_transcript, [u, self.opened], self.file_outputs,
                                api_name="trainer_export_transcript")
        self.x_xapi.click(self.on_export_xapi, [u, *f], self.file_outputs, api_name="trainer_export_xapi")
        self.check_btn.click(self.on_bank_check, [u], self.check_outputs, api_name="trainer_bank_check")
        self.search_btn.click(self.on_bank_search, [u, self.query, self.kinds], self.search_outputs,
                              api_name="trainer_bank_search")
        self.query.submit(self.on_bank_search, [u, self.query, self.kinds], self.search_outputs, **hidden)
        self.hits_table.select(self.on_hit_select, [u], self.hit_outputs, **hidden).then(
            self.on_preview, [u, self.item_pick], self.preview_outputs, **hidden)
        self.review_refresh.click(self.on_review_queue, [u], self.review_outputs, api_name="trainer_review_queue")
        self.review_tab.select(self.on_review_queue, [u], self.review_outputs, **hidden)
        self.review_pick.input(self.on_review_queue, [u, self.review_pick], self.review_outputs, **hidden)
        self.review_confirm.click(self.on_review_confirm,
                                  [u, self.review_pick, self.review_points, self.review_critical],
                                  self.review_outputs, api_name="trainer_review_confirm")
        self.cert_issue.click(self.on_certificate_issue, [u, self.opened], self.cert_outputs,
                              api_name="trainer_certificate_issue")
        self.cert_revoke.click(self.on_certificate_revoke, [u, self.cert_id, self.cert_reason], self.cert_outputs,
                               api_name="trainer_certificate_revoke")
        self.privacy_export.click(self.on_worker_export, [u, self.privacy_code], self.privacy_outputs,
                                  api_name="trainer_worker_export")
        self.privacy_delete.click(self.on_worker_delete, [u, self.privacy_code, self.privacy_confirm],
                                  self.privacy_outputs, api_name="trainer_worker_delete")
        self.preview_btn.click(self.on_preview, [u, self.item_pick], self.preview_outputs, api_name="trainer_preview")
        self.models_btn.click(self.on_models, [u], self.models_outputs, api_name="trainer_models")
        self.item_pick.input(self.on_preview, [u, self.item_pick], self.preview_outputs, **hidden)


def build_trainer_tab(ctx: AppContext) -> TrainerPage:
    """Add the trainer tab to the app being built (inside its gr.Tabs); returns the page (tests use it)."""
    page = TrainerPage(ctx)
    with gr.Tab(bi("tab_trainer"), id="trainer", elem_id="tab-trainer") as tab:
        page.build()
    page.trainer_tab = tab
    return page
