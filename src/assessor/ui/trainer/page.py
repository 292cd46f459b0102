# Over 450 lines on purpose: every trainer event wired through one login guard and scope (see the docstring).
"""The trainer tab's handlers and wiring: login, sessions with transcripts, cohort statistics, exports, the bank.

Convention (as on the worker page): a handler returns `{component: update}`; each event's outputs are a named
group from `TrainerLayout`. Security: every handler first looks the logged-in name (a server-side `gr.State`) up
in the store, once per click, and passes the trainer's `Scope` to its step; without an account it returns only
the "please log in" notice, so no data is read and no file is written. Nothing typed by a trainer or a worker
is rendered as HTML: Markdown gets `plain()`/`safe_markdown()`, tables hold plain strings.

Why over 450 lines: it is the one place every trainer event is wired through the same login guard and scope
(sessions, review queue, certificates and data rights, cohort, exports, bank); each step's work lives in its own
module (tables, plots, preview, exports, review, certificates, findings).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import gradio as gr

from assessor.bank.load import check_bank
from assessor.bank.stats import bank_stats
from assessor.i18n import bi
from assessor.report import domain_distributions, item_statistics
from assessor.report.files import FileFolder
from assessor.store import AssessmentSession, Response, Worker
from assessor.ui.context import AppContext
from assessor.ui.text import plain, safe_markdown
from assessor.ui.trainer.auth import LoginLock, Problem, Scope, clean, scope_of
from assessor.ui.trainer.exports import TrainerExports
from assessor.ui.trainer.findings import areas_markdown, session_notes, stored_results, unreliable
from assessor.ui.trainer.language import language_outputs, language_updates
from assessor.ui.trainer.layout import SEARCH_KINDS, TrainerLayout
from assessor.ui.trainer.models_page import models_view
from assessor.ui.trainer.plots import distribution_plot, path_plot
from assessor.ui.trainer.preview import item_meta, item_preview
from assessor.ui.trainer.review import decision, queue_choices, review_card
from assessor.ui.trainer.rights import (
    delete_one_worker,
    export_one_worker,
    issue_certificate,
    revoke_certificate,
)
from assessor.ui.trainer.tables import (
    SOURCE_NAMES,
    hits_frame,
    items_frame,
    make_filter,
    messages_frame,
    problems_frame,
    role_name,
    session_choices,
    sessions_frame,
    stats_frame,
    when,
    yes_no,
)
from assessor.ui.trainer.waiting import MODEL_WAIT_SECONDS, call_with_timeout

log = logging.getLogger(__name__)
Updates = dict[Any, Any]
TABLE_ROWS = 500  # sessions shown in the table; exports and statistics take every session of the filter
MIN_COHORT = 30  # finished sessions below which cohort statistics carry a caution


class TrainerPage(TrainerLayout):
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

    # ------------------------------------------------------------ guard

    def _guard(self, user: Any, step: Callable[[Scope], Updates]) -> Updates:
        """Run `step` for a logged-in trainer with their scope; otherwise only the login notice. A `Problem`
        becomes its message, anything else a logged apology; either way nothing else changes."""
        scope = scope_of(self.store, user)
        if scope is None:
            return {self.notice: bi("login_needed")}
        try:
            return step(scope)
        except Problem as problem:
            return {self.notice: str(problem)}
        except Exception:
            log.exception("trainer step failed")
            return {self.notice: bi("ui_error")}

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

    # ------------------------------------------------------------ sessions

    def _filter_rows(self, scope: Scope, filters: Sequence[Any]) -> tuple[list[tuple[AssessmentSession, Worker]], int]:
        """The newest `table_rows` sessions of the filter (limited to the scope) and how many match in all."""
        flt = scope.limit(make_filter(*filters))
        return self.store.list_sessions(flt, limit=self.table_rows), self.store.count_sessions(flt)

    def on_sessions(self, user: Any, *filters: Any) -> Updates:
        """The sessions for the filters: the table (newest first, says when it is truncated) and the dropdown."""

        def step(scope: Scope) -> Updates:
            rows, total = self._filter_rows(scope, filters)
            waiting = Counter(s.id for _r, s in self.store.pending_reviews(scope.centre))
            notes = {s.id: session_notes(s, waiting[s.id]) for s, _w in rows}
            choices = session_choices(rows, self.bank)
            notice = bi("tr_found", n=total)
            if total > len(rows):
                notice += "\n\n" + bi("tr_truncated", shown=len(rows), total=total)
            return {self.notice: notice, self.sessions_table: sessions_frame(rows, self.bank, notes),
                    self.session_pick: gr.update(choices=choices, value=choices[0][1] if choices else None)}

        return self._guard(user, step)

    def on_after_login(self, user: Any, *filters: Any) -> Updates:
        """After a login attempt: the sessions list, or no change at all when the login failed."""
        if scope_of(self.store, user) is None:
            return {}
        return self.on_sessions(user, *filters)

    def on_table_select(self, user: Any, event: gr.SelectData) -> Updates:
        """A click on a row of the sessions table picks that session in the dropdown."""

        def step(scope: Scope) -> Updates:
            row = getattr(event, "row_value", None) or []
            session = self.store.get_session_by_code(str(row[0])) if row else None
            if session is None or not scope.allows(session.centre):
                return {self.notice: ""}
            return {self.notice: "", self.session_pick: gr.update(value=session.id)}

        return self._guard(user, step)

    def _session(self, scope: Scope, session_id: Any) -> tuple[AssessmentSession, Worker]:
        sid = clean(session_id, 64)
        if not sid:
            raise Problem(bi("tr_no_session"))
        session = self.store.get_session(sid)
        worker = self.store.get_worker(session.worker_id) if session is not None else None
        if session is None or worker is None or not scope.allows(session.centre):
            raise Problem(bi("tr_session_missing"))
        return session, worker

    def _header(self, session: AssessmentSession, worker: Worker) -> str:
        """The open session's facts, then the unreliable flag and each area's result, when it has finished."""
        found = stored_results(session)
        extra = [f"**{unreliable(session)}**"] if unreliable(session) else []
        if found is not None:
            extra.append(areas_markdown(self.bank, found))
        return "\n\n".join([self._facts(session, worker), *extra])

    def _facts(self, session: AssessmentSession, worker: Worker) -> str:
        none = "无 none"
        shown_name = f" · {plain(worker.display_name)}" if worker.display_name and worker.display_name != worker.code else ""
        return "\n\n".join([
            f"### {plain(worker.code)}{shown_name}",
            f"**工种 role:** {safe_markdown(role_name(self.bank, session.role))} · **目标 target:** "
            f"L{session.target_level} · **状态 status:** {session.status} · **语言 language:** {session.language}",
            f"**开始 started:** {when(session.started_at)} UTC · **结束 ended:** {when(session.ended_at) or none} · "
            f"**结果码 code:** {session.resume_code} · **题库 bank:** {session.bank_version}",
            f"**达到等级 level reached:** {session.level_reached if session.level_reached is not None else none}"
            f" · **达标 ready:** {yes_no(session.ready) or none} · **中心 centre:** {plain(session.centre)}",
        ])

    def _cut(self, session: AssessmentSession) -> float | None:
        role = self.bank.roles.get(session.role)
        blueprint = role.levels.get(session.target_level) if role else None
        return blueprint.cut_score if blueprint else None

    def on_open(self, user: Any, session_id: Any) -> Updates:
        """One session in full: header, transcript, items, ability path, its free-text answers; it becomes the
        open session (`opened`) that the transcript export writes, whatever the dropdown shows later."""

        def step(scope: Scope) -> Updates:
            session, worker = self._session(scope, session_id)
            responses = self.store.responses(session.id)
            lang = "zh" if session.language == "zh" else "en"
            open_answers = [(f"#{r.seq} {r.item_id}: {str(r.answer)[:40]}", str(r.seq))
                            for r in responses if r.item_type == "open_scenario"]
            return {self.notice: "", self.opened: session.id, self.header: self._header(session, worker),
                    self.messages_table: messages_frame(self.store.messages(session.id)),
                    self.items_table: items_frame(responses, self.bank, lang),
                    self.path: path_plot(self.bank, responses, self._cut(session)),
                    self.opinion_pick: gr.update(choices=open_answers, value=open_answers[0][1] if open_answers else None),
                    self.opinion: ""}

        return self._guard(user, step)

    def on_second_opinion(self, user: Any, session_id: Any, seq: Any) -> Updates:
        """A model's view of one free-text answer of the open session, through the gate; never a score."""

        def step(scope: Scope) -> Updates:
            session, _worker = self._session(scope, session_id)
            wanted = clean(seq, 8)
            response = next((r for r in self.store.responses(session.id)
                             if str(r.seq) == wanted and r.item_type == "open_scenario"), None)
            item = self.bank.items.get(response.item_id) if response is not None else None
            if response is None or item is None:
                raise Problem(bi("tr_no_free_text"))
            lang = "zh" if session.language == "zh" else "en"
            try:  # the service may still be loading; the generation itself is bounded by the backend
                service = call_with_timeout(self.ctx.models.lm, self.model_wait)
            except TimeoutError as error:
                raise Problem(bi("tr_models_loading")) from error
            decision = service.second_opinion(item, str(response.answer), lang)
            text = (f"**{bi('tr_opinion')} ({bi('tr_not_a_score')})**\n\n{plain(decision.text_shown)}\n\n"
                    f"_来源 source: {SOURCE_NAMES.get(decision.source, decision.source)} · "
                    f"原因 why: {plain(decision.reason)}_")
            return {self.notice: "", self.opinion: text}

        return self._guard(user, step)

    # ------------------------------------------------------------ models

    def on_models(self, user: Any) -> Updates:
        """The Models page: what serves each use, how often model text was shown (by reason), the added models."""

        def step(scope: Scope) -> Updates:
            status, usage, added = models_view(self.store, self.ctx.settings, scope.centre)
            return {self.notice: "", self.models_md: status, self.models_usage: usage, self.models_added: added}

        return self._guard(user, step)

    # ------------------------------------------------------------ review queue

    def _pending(self, scope: Scope) -> list[tuple[Response, AssessmentSession]]:
        return [(r, s) for r, s in self.store.pending_reviews(scope.centre) if r.item_id in self.bank.items]

    def _review_updates(self, scope: Scope, wanted: str | None, notice: str) -> Updates:
        """The queue (dropdown) with `wanted` (or the oldest) open on the card, checkboxes pre-set."""
        pending = self._pending(scope)
        choices = queue_choices(pending, self.bank)
        chosen = next(((r, s) for r, s in pending if str(r.id) == wanted), pending[0] if pending else None)
        count = bi("tr_review_count", n=len(pending)) if pending else bi("tr_review_none")
        notice = f"{notice}\n\n{count}" if notice else count
        if chosen is None:
            return {self.notice: notice, self.review_pick: gr.update(choices=[], value=None), self.review_card: "",
                    self.review_points: gr.update(choices=[], value=[]),
                    self.review_critical: gr.update(choices=[], value=[])}
        response, session = chosen
        card = review_card(self.bank.items[response.item_id], response, session)
        return {self.notice: notice, self.review_pick: gr.update(choices=choices, value=str(response.id)),
                self.review_card: card.markdown,
                self.review_points: gr.update(choices=card.point_choices, value=card.points_said),
                self.review_critical: gr.update(choices=card.critical_choices, value=card.critical_found,
                                                visible=bool(card.critical_choices))}

    def on_review_queue(self, user: Any, response_id: Any = None) -> Updates:
        """The answers waiting for review in the trainer's centre; the picked one (or the oldest) on the card."""
        return self._guard(user, lambda scope: self._review_updates(scope, clean(response_id, 16) or None, ""))

    def on_review_confirm(self, user: Any, response_id: Any, points: Any, critical: Any) -> Updates:
        """Store the ticked points (who and when), count the answer into its session, show the next one."""

        def step(scope: Scope) -> Updates:
            wanted = clean(response_id, 16)
            found = next(((r, s) for r, s in self._pending(scope) if str(r.id) == wanted), None)
            if found is None:
                raise Problem(bi("tr_review_gone"))
            response, session = found
            said, dangers = decision(self.bank.items[response.item_id], points, critical)
            score = self.ctx.assessment.apply_review(session.id, response.id, trainer=scope.username, said=said,
                                                     critical=dangers)
            return self._review_updates(scope, None, bi("tr_review_saved", score=f"{score:.2f}"))

        return self._guard(user, step)

    # ------------------------------------------------------------ certificates and workers' data

    def on_certificate_issue(self, user: Any, opened: Any) -> Updates:
        """A certificate for the open session (the `opened` state), signed with the centre key; PDF and JSON."""

        def step(scope: Scope) -> Updates:
            session, _worker = self._session(scope, opened)
            cert_id, files = issue_certificate(self.store, self.ctx.settings.data_dir, self.ctx.export_dir, scope,
                                               session.id, self.bank)
            return {self.notice: bi("tr_cert_issued", id=cert_id), self.cert_files: files, self.cert_id: cert_id}

        return self._guard(user, step)

    def on_certificate_revoke(self, user: Any, certificate_id: Any, reason: Any) -> Updates:
        """Revoke a certificate of the trainer's centre (who, when, why are stored)."""
        return self._guard(user, lambda scope: {
            self.notice: bi("tr_cert_revoked", id=revoke_certificate(self.store, scope, certificate_id, reason))})

    def on_worker_export(self, user: Any, code: Any) -> Updates:
        """One worker's data (sessions, answers, messages) as a JSON file; logged with who and when."""

        def step(scope: Scope) -> Updates:
            path, n = export_one_worker(self.store, self.ctx.export_dir, scope, code)
            return {self.notice: bi("tr_privacy_exported", n=n), self.privacy_file: str(path)}

        return self._guard(user, step)

    def on_worker_delete(self, user: Any, code: Any, confirmed: Any) -> Updates:
        """Delete a worker and all their data, only when the confirmation is ticked; logged with who and when."""

        def step(scope: Scope) -> Updates:
            counts = delete_one_worker(self.store, scope, code, confirmed)
            return {self.notice: bi("tr_privacy_deleted", **counts), self.privacy_confirm: False,
                    self.privacy_file: None}

        return self._guard(user, step)

    # ------------------------------------------------------------ cohort

    def _all_rows(self, scope: Scope, filters: Sequence[Any]) -> Iterator[list[tuple[AssessmentSession, Worker]]]:
        return self.store.iter_sessions(scope.limit(make_filter(*filters)))

    def on_cohort(self, user: Any, *filters: Any) -> Updates:
        """θ by domain, item statistics and flagged items over every session of the filter, with a caution
        when fewer than `min_cohort` sessions have finished."""

        def step(scope: Scope) -> Updates:
            sessions: list[AssessmentSession] = []
            responses: list[Response] = []
            for batch in self._all_rows(scope, filters):
                sessions += [s for s, _w in batch]
                responses += self.store.all_responses(session_ids=[s.id for s, _w in batch], counted_only=True)
            stats = item_statistics(responses, languages={s.id: s.language for s in sessions})
            finished = [s for s in sessions if s.status == "finished"]
            plot = distribution_plot(self.bank, domain_distributions(finished))
            if not stats:
                return {self.notice: bi("tr_no_data"), self.dist: plot, self.stats_table: stats_frame([]),
                        self.flagged_table: stats_frame([])}
            notice = bi("tr_cohort_done", sessions=len(sessions), items=len(stats))
            if len(finished) < self.min_cohort:
                notice += "\n\n" + bi("tr_small_n", n=len(finished), min_n=self.min_cohort)
            return {self.notice: notice, self.dist: plot, self.stats_table: stats_frame(stats),
                    self.flagged_table: stats_frame([s for s in stats if s["flags"]])}

        return self._guard(user, step)

    # ------------------------------------------------------------ exports

    def _file(self, path: Any) -> Updates:
        return {self.notice: bi("tr_export_ready", name=path.name), self.export_file: str(path)}

    def on_export_sessions(self, user: Any, *filters: Any) -> Updates:
        """Sessions CSV of every session of the filter."""
        return self._guard(user, lambda scope: self._file(self.exports.sessions(scope.limit(make_filter(*filters)))))

    def on_export_responses(self, user: Any, *filters: Any) -> Updates:
        """Responses CSV of every session of the filter."""
        return self._guard(user, lambda scope: self._file(self.exports.responses(scope.limit(make_filter(*filters)))))

    def on_export_transcript(self, user: Any, opened: Any) -> Updates:
        """The open session's transcript as PDF (the `opened` state, not the dropdown, which a new query moves)."""

        def step(scope: Scope) -> Updates:
            return self._file(self.exports.transcript(*self._session(scope, opened)))

        return self._guard(user, step)

    def on_export_xapi(self, user: Any, *filters: Any) -> Updates:
        """xAPI statements (one JSON list) for every session of the filter."""
        return self._guard(user, lambda scope: self._file(self.exports.xapi(scope.limit(make_filter(*filters)))))

    # ------------------------------------------------------------ bank

    def on_bank_check(self, user: Any) -> Updates:
        """Validate the bank folder and count it."""

        def step(_scope: Scope) -> Updates:
            _bank, problems = check_bank(self.bank.root)
            notice = bi("tr_bank_problems", n=len(problems)) if problems else bi("tr_bank_ok", n=len(self.bank.items))
            if self.ctx.models.error:
                notice += "\n\n" + bi("tr_models_error", error=plain(self.ctx.models.error))
            return {self.notice: notice, self.problems_table: problems_frame(problems),
                    self.stats_json: bank_stats(self.bank)}

        return self._guard(user, step)

    def on_bank_search(self, user: Any, query: Any, kinds: Any) -> Updates:
        """Semantic search over the bank's passages."""

        def step(_scope: Scope) -> Updates:
            text = clean(query)
            if not text:
                raise Problem(bi("tr_empty_query"))
            chosen = [k for k in (kinds or []) if k in SEARCH_KINDS] or list(SEARCH_KINDS)
            try:
                index = call_with_timeout(self.ctx.models.index, self.model_wait)
            except TimeoutError as error:
                raise Problem(bi("tr_models_loading")) from error
            return {self.notice: "", self.hits_table: hits_frame(index.search(text, k=10, kinds=chosen))}

        return self._guard(user, step)

    def on_hit_select(self, user: Any, event: gr.SelectData) -> Updates:
        """A click on a search hit that is an item picks it for the preview."""

        def step(_scope: Scope) -> Updates:
            row = getattr(event, "row_value", None) or []
            ref = str(row[2]) if len(row) > 2 else ""
            return {self.notice: "", self.item_pick: gr.update(value=ref)} if ref in self.bank.items else {self.notice: ""}

        return self._guard(user, step)

    def on_preview(self, user: Any, item_id: Any) -> Updates:
        """One item in both languages with its parameters."""

        def step(_scope: Scope) -> Updates:
            wanted = clean(item_id, 32)
            item = self.bank.items.get(wanted)
            if item is None:
                raise Problem(bi("tr_unknown_item", id=plain(wanted)))
            return {self.notice: "", self.preview_zh: item_preview(self.bank, item, "zh"),
                    self.preview_en: item_preview(self.bank, item, "en"), self.preview_meta: item_meta(self.bank, item)}

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
