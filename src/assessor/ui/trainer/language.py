"""The trainer tab in the language the page's switch chose (issue 10, item 9).

The tab starts bilingual ("中文 / English"); when the worker tab's language switch changes, every label, button
and tab title named here is shown in that one language. Messages from the handlers stay bilingual (a trainer
may share the screen with a colleague who reads the other language).
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from assessor.i18n import LANGS, t

# component attribute → the i18n key of its label
LABELS: dict[str, str] = {
    "username": "username", "password": "password", "f_centre": "tr_centre", "f_role": "tr_role",
    "f_worker": "tr_worker", "f_level": "tr_level", "f_from": "tr_date_from", "f_to": "tr_date_to",
    "f_status": "tr_status", "f_search": "tr_search", "sessions_table": "tr_sessions_table",
    "session_pick": "tr_pick_session", "messages_table": "tr_transcript", "items_table": "tr_items",
    "path": "tr_path", "opinion_pick": "tr_opinion_pick", "review_pick": "tr_review_pick",
    "review_points": "tr_review_points", "review_critical": "tr_review_critical", "dist": "tr_distribution",
    "stats_table": "tr_item_stats", "flagged_table": "tr_flagged", "export_file": "tr_download",
    "stats_json": "tr_bank_stats", "query": "tr_bank_search", "kinds": "tr_bank_kinds", "hits_table": "tr_hits",
    "item_pick": "tr_item_id", "cert_id": "tr_cert_id", "cert_reason": "tr_cert_reason",
    "cert_files": "tr_cert_files", "privacy_code": "tr_privacy_code", "privacy_confirm": "tr_privacy_confirm",
    "privacy_file": "tr_download", "models_usage": "tr_models_usage", "models_added": "tr_models_added",
}
# component attribute → the i18n key of its text (buttons, tabs and accordions: their label)
TEXTS: dict[str, str] = {
    "login_btn": "login", "logout_btn": "logout", "apply_btn": "tr_apply", "open_btn": "tr_open",
    "opinion_btn": "tr_opinion_button", "review_refresh": "tr_review_refresh", "review_confirm": "tr_review_confirm",
    "cohort_btn": "tr_compute", "x_sessions": "tr_export_sessions", "x_responses": "tr_export_responses",
    "x_transcript": "tr_export_transcript", "x_xapi": "tr_export_xapi", "check_btn": "tr_bank_check",
    "search_btn": "tr_bank_search", "preview_btn": "tr_preview", "cert_issue": "tr_cert_issue",
    "cert_revoke": "tr_cert_revoke", "privacy_export": "tr_privacy_export", "privacy_delete": "tr_privacy_delete",
    "models_btn": "tr_models_refresh",
}
TITLES: dict[str, str] = {
    "tab_sessions_box": "tab_sessions", "review_tab": "tr_review_tab", "tab_cohort_box": "tab_cohort",
    "tab_exports_box": "tab_exports", "tab_bank_box": "tab_bank", "tab_rights_box": "tr_rights_tab",
    "tab_models_box": "tr_models_tab", "filters_box": "tr_filters", "trainer_tab": "tab_trainer",
}


def language_updates(page: Any, lang: Any) -> dict[Any, Any]:
    """{component: update} that shows the named labels, buttons and titles in `lang` ('zh' or 'en')."""
    chosen = lang if lang in LANGS else "zh"
    out: dict[Any, Any] = {}
    for attr, key in LABELS.items():
        if hasattr(page, attr):
            out[getattr(page, attr)] = gr.update(label=t(key, chosen))
    for attr, key in TEXTS.items():
        if hasattr(page, attr):
            out[getattr(page, attr)] = gr.update(value=t(key, chosen))
    for attr, key in TITLES.items():
        if hasattr(page, attr):
            out[getattr(page, attr)] = gr.update(label=t(key, chosen))
    return out


def language_outputs(page: Any) -> list[Any]:
    """Every component `language_updates` may change (the event's outputs)."""
    return [getattr(page, a) for a in (*LABELS, *TEXTS, *TITLES) if hasattr(page, a)]
