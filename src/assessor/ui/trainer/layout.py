"""The trainer tab's components (inside a `gr.Tab`) and the output groups each event updates.

Server-side state: `user` (the logged-in name) and `opened` (the id of the session whose transcript is on the
screen) are `gr.State`s, never sent to the browser and never API inputs a client could forge.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from assessor.bank.load import Bank
from assessor.bank.schema import LEVELS
from assessor.i18n import bi
from assessor.ui.trainer.authoring import AuthoringPanel, say
from assessor.ui.trainer.models_page import REGISTERED_COLUMNS, USAGE_COLUMNS
from assessor.ui.trainer.tables import (
    HIT_COLUMNS,
    ITEM_COLUMNS,
    ITEM_WIDTHS,
    MESSAGE_COLUMNS,
    MESSAGE_WIDTHS,
    PROBLEM_COLUMNS,
    SESSION_COLUMNS,
    SESSION_WIDTHS,
    STAT_COLUMNS,
)

SEARCH_KINDS = ("stem", "explanation", "unit", "domain")


class TrainerLayout:
    """Creates the components (`build()`, inside a gr.Tab) and names the outputs of each event."""

    bank: Bank

    def build_layout(self) -> None:
        self.user = gr.State(None)
        self.opened = gr.State(None)
        gr.Markdown(f"## {bi('tr_title')}")
        self.notice = gr.Markdown("", elem_id="trainer-notice")
        with gr.Column(visible=True, elem_id="trainer-login") as self.login_box:
            with gr.Row():
                self.username = gr.Textbox(label=bi("username"), max_lines=1, elem_id="trainer-username")
                self.password = gr.Textbox(label=bi("password"), type="password", max_lines=1,
                                           elem_id="trainer-password")
            self.login_btn = gr.Button(bi("login"), variant="primary", elem_id="trainer-login-btn")
        with gr.Column(visible=False, elem_id="trainer-content") as self.content:
            self.logout_btn = gr.Button(bi("logout"), size="sm", elem_id="trainer-logout-btn")
            self._filters()
            with gr.Tabs():
                with gr.Tab(bi("tab_sessions"), elem_id="trainer-sessions") as self.tab_sessions_box:
                    self._sessions()
                with gr.Tab(bi("tr_review_tab"), elem_id="trainer-review") as self.review_tab:
                    self._review()
                with gr.Tab(bi("tab_cohort"), elem_id="trainer-cohort") as self.tab_cohort_box:
                    self._cohort()
                with gr.Tab(bi("tab_exports"), elem_id="trainer-exports") as self.tab_exports_box:
                    self._exports()
                with gr.Tab(bi("tab_bank"), elem_id="trainer-bank") as self.tab_bank_box:
                    self._bank()
                with gr.Tab(say("tab", None), elem_id="trainer-authoring") as self.tab_authoring_box:
                    self.authoring = AuthoringPanel(self)
                    self.authoring.build()
                with gr.Tab(bi("tr_rights_tab"), elem_id="trainer-rights") as self.tab_rights_box:
                    self._rights()
                with gr.Tab(bi("tr_models_tab"), elem_id="trainer-models") as self.tab_models_box:
                    self._models()
        self._groups()

    def _filters(self) -> None:
        any_ = bi("tr_any")
        roles = [(any_, "")] + [(f"{r.name.zh} / {r.name.en}", r.id) for r in self.bank.roles.values()]
        with gr.Accordion(bi("tr_filters"), open=True) as self.filters_box:
            with gr.Row():
                self.f_centre = gr.Textbox(label=bi("tr_centre"), max_lines=1)
                self.f_role = gr.Dropdown(roles, value="", label=bi("tr_role"))
                self.f_worker = gr.Textbox(label=bi("tr_worker"), max_lines=1)
                self.f_level = gr.Dropdown([(any_, "")] + [(f"L{lv}", str(lv)) for lv in sorted(LEVELS)], value="",
                                           label=bi("tr_level"))
            with gr.Row():
                self.f_from = gr.Textbox(label=bi("tr_date_from"), max_lines=1, placeholder="2026-01-31")
                self.f_to = gr.Textbox(label=bi("tr_date_to"), max_lines=1, placeholder="2026-12-31")
                self.f_status = gr.Dropdown([(any_, ""), (bi("tr_active"), "active"), (bi("tr_finished"), "finished")],
                                            value="", label=bi("tr_status"))
                self.f_search = gr.Textbox(label=bi("tr_search"), max_lines=1, elem_id="trainer-search")
            self.apply_btn = gr.Button(bi("tr_apply"), variant="primary", elem_id="trainer-apply")
        self.filters = [self.f_centre, self.f_role, self.f_worker, self.f_from, self.f_to, self.f_level, self.f_status,
                        self.f_search]

    def _sessions(self) -> None:
        self.sessions_table = gr.Dataframe(headers=SESSION_COLUMNS, label=bi("tr_sessions_table"), interactive=False,
                                           wrap=True, max_height=360, elem_id="trainer-sessions-table",
                                           column_widths=list[str | int](SESSION_WIDTHS))
        with gr.Row():
            self.session_pick = gr.Dropdown([], label=bi("tr_pick_session"), elem_id="trainer-session-pick", scale=4)
            self.open_btn = gr.Button(bi("tr_open"), elem_id="trainer-open", scale=1)
        self.header = gr.Markdown("", elem_id="trainer-session-header")
        self.messages_table = gr.Dataframe(headers=MESSAGE_COLUMNS, label=bi("tr_transcript"), interactive=False,
                                           wrap=True, max_height=520, elem_id="trainer-transcript",
                                           column_widths=list[str | int](MESSAGE_WIDTHS))
        self.items_table = gr.Dataframe(headers=ITEM_COLUMNS, label=bi("tr_items"), interactive=False, wrap=True,
                                        max_height=420, elem_id="trainer-items", column_widths=list[str | int](ITEM_WIDTHS))
        self.path = gr.Plot(label=bi("tr_path"), elem_id="trainer-path")
        with gr.Accordion(bi("tr_opinion") + " · " + bi("tr_not_a_score"), open=False):
            with gr.Row():
                self.opinion_pick = gr.Dropdown([], label=bi("tr_opinion_pick"), scale=4)
                self.opinion_btn = gr.Button(bi("tr_opinion_button"), scale=1)
            self.opinion = gr.Markdown("")

    def _review(self) -> None:
        with gr.Row():
            self.review_pick = gr.Dropdown([], label=bi("tr_review_pick"), elem_id="trainer-review-pick", scale=5)
            self.review_refresh = gr.Button(bi("tr_review_refresh"), elem_id="trainer-review-refresh", scale=1)
        self.review_card = gr.Markdown("", elem_id="trainer-review-card")
        self.review_points = gr.CheckboxGroup([], label=bi("tr_review_points"), elem_id="trainer-review-points")
        self.review_critical = gr.CheckboxGroup([], label=bi("tr_review_critical"), elem_id="trainer-review-critical")
        self.review_confirm = gr.Button(bi("tr_review_confirm"), variant="primary", elem_id="trainer-review-confirm")

    def _cohort(self) -> None:
        self.cohort_btn = gr.Button(bi("tr_compute"), variant="primary", elem_id="trainer-cohort-btn")
        self.dist = gr.Plot(label=bi("tr_distribution"))
        self.stats_table = gr.Dataframe(headers=STAT_COLUMNS, label=bi("tr_item_stats"), interactive=False,
                                        max_height=420)
        self.flagged_table = gr.Dataframe(headers=STAT_COLUMNS, label=bi("tr_flagged"), interactive=False,
                                          max_height=320)

    def _exports(self) -> None:
        gr.Markdown(bi("tr_exports_help"))
        with gr.Row():
            self.x_sessions = gr.Button(bi("tr_export_sessions"))
            self.x_responses = gr.Button(bi("tr_export_responses"))
            self.x_transcript = gr.Button(bi("tr_export_transcript"))
            self.x_xapi = gr.Button(bi("tr_export_xapi"))
        self.export_file = gr.File(label=bi("tr_download"), interactive=False, elem_id="trainer-export-file")

    def _bank(self) -> None:
        self.check_btn = gr.Button(bi("tr_bank_check"), variant="primary")
        self.problems_table = gr.Dataframe(headers=PROBLEM_COLUMNS, interactive=False, wrap=True, max_height=320)
        self.stats_json = gr.JSON(label=bi("tr_bank_stats"))
        with gr.Row():
            self.query = gr.Textbox(label=bi("tr_bank_search"), max_lines=1, scale=3)
            self.kinds = gr.CheckboxGroup(list(SEARCH_KINDS), value=["stem", "explanation"], label=bi("tr_bank_kinds"),
                                          scale=2)
            self.search_btn = gr.Button(bi("tr_bank_search"), scale=1)
        self.hits_table = gr.Dataframe(headers=HIT_COLUMNS, label=bi("tr_hits"), interactive=False, wrap=True)
        with gr.Row():
            self.item_pick = gr.Dropdown(sorted(self.bank.items), label=bi("tr_item_id"), filterable=True, scale=4)
            self.preview_btn = gr.Button(bi("tr_preview"), scale=1)
        with gr.Row():
            self.preview_zh = gr.Markdown("")
            self.preview_en = gr.Markdown("")
        self.preview_meta = gr.Markdown("")

    def _models(self) -> None:
        self.models_btn = gr.Button(bi("tr_models_refresh"), variant="primary", elem_id="trainer-models-refresh")
        self.models_md = gr.Markdown("", elem_id="trainer-models-status")
        self.models_usage = gr.Dataframe(headers=USAGE_COLUMNS, label=bi("tr_models_usage"), interactive=False,
                                         wrap=True, elem_id="trainer-models-usage")
        self.models_added = gr.Dataframe(headers=REGISTERED_COLUMNS, label=bi("tr_models_added"), interactive=False,
                                         wrap=True)

    def _rights(self) -> None:
        gr.Markdown(f"### {bi('tr_cert_title')}\n\n{bi('tr_cert_help')}")
        self.cert_issue = gr.Button(bi("tr_cert_issue"), variant="primary", elem_id="trainer-cert-issue")
        with gr.Row():
            self.cert_id = gr.Textbox(label=bi("tr_cert_id"), max_lines=1, elem_id="trainer-cert-id", scale=2)
            self.cert_reason = gr.Textbox(label=bi("tr_cert_reason"), max_lines=1, scale=3)
            self.cert_revoke = gr.Button(bi("tr_cert_revoke"), variant="stop", elem_id="trainer-cert-revoke", scale=1)
        self.cert_files = gr.File(label=bi("tr_cert_files"), file_count="multiple", interactive=False,
                                  elem_id="trainer-cert-files")
        gr.Markdown(f"### {bi('tr_privacy_title')}")
        with gr.Row():
            self.privacy_code = gr.Textbox(label=bi("tr_privacy_code"), max_lines=1, elem_id="trainer-privacy-code",
                                           scale=2)
            self.privacy_export = gr.Button(bi("tr_privacy_export"), elem_id="trainer-privacy-export", scale=1)
        self.privacy_confirm = gr.Checkbox(False, label=bi("tr_privacy_confirm"), elem_id="trainer-privacy-confirm")
        self.privacy_delete = gr.Button(bi("tr_privacy_delete"), variant="stop", elem_id="trainer-privacy-delete")
        self.privacy_file = gr.File(label=bi("tr_download"), interactive=False, elem_id="trainer-privacy-file")

    def _groups(self) -> None:
        """What each event may update (the notice first, so an API client finds the message at index 0)."""
        n = self.notice
        self.data_outputs: list[Any] = [
            self.sessions_table, self.session_pick, self.header, self.messages_table, self.items_table, self.path,
            self.opinion_pick, self.opinion, self.dist, self.stats_table, self.flagged_table, self.export_file,
            self.problems_table, self.stats_json, self.hits_table, self.preview_zh, self.preview_en,
            self.preview_meta, self.review_pick, self.review_card, self.review_points, self.review_critical,
            self.cert_files, self.privacy_file, self.models_md, self.models_usage, self.models_added]
        self.login_outputs = [n, self.user, self.login_box, self.content, self.password]
        self.logout_outputs = [n, self.user, self.opened, self.login_box, self.content, *self.data_outputs]
        self.sessions_outputs = [n, self.sessions_table, self.session_pick]
        self.pick_outputs = [n, self.session_pick]
        self.open_outputs = [n, self.opened, self.header, self.messages_table, self.items_table, self.path,
                             self.opinion_pick, self.opinion]
        self.opinion_outputs = [n, self.opinion]
        self.cohort_outputs = [n, self.dist, self.stats_table, self.flagged_table]
        self.file_outputs = [n, self.export_file]
        self.check_outputs = [n, self.problems_table, self.stats_json]
        self.search_outputs = [n, self.hits_table]
        self.hit_outputs = [n, self.item_pick]
        self.preview_outputs = [n, self.preview_zh, self.preview_en, self.preview_meta]
        self.review_outputs = [n, self.review_pick, self.review_card, self.review_points, self.review_critical]
        self.cert_outputs = [n, self.cert_files, self.cert_id]
        self.privacy_outputs = [n, self.privacy_file, self.privacy_confirm]
        self.models_outputs = [n, self.models_md, self.models_usage, self.models_added]
