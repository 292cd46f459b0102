"""The trainer's session handlers: the filtered sessions list, one session opened in full, a second opinion.

`table_rows` caps the table (the count says how many match in all); the opened session becomes the `opened` state
that the transcript export and the certificate use.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import gradio as gr

from assessor.i18n import bi
from assessor.store import AssessmentSession, Worker
from assessor.ui.text import plain, safe_markdown
from assessor.ui.trainer.auth import Problem, Scope, clean, scope_of
from assessor.ui.trainer.findings import areas_markdown, session_notes, stored_results, unreliable
from assessor.ui.trainer.guard import TrainerBase, Updates
from assessor.ui.trainer.plots import path_plot
from assessor.ui.trainer.tables import (
    SOURCE_NAMES,
    items_frame,
    make_filter,
    messages_frame,
    role_name,
    session_choices,
    sessions_frame,
    when,
    yes_no,
)
from assessor.ui.trainer.waiting import call_with_timeout


class SessionHandlers(TrainerBase):
    """Sessions tab: list (`on_sessions`), pick (`on_table_select`), open (`on_open`), `on_second_opinion`."""

    table_rows: int

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

