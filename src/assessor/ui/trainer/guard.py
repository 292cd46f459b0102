"""The login guard every trainer event runs through, and the scoped look-up of one session.

`TrainerBase` is what the handler mixins share: the context, store and bank that `TrainerPage` sets, the guard
(`_guard`) and the session a trainer may open (`_session`). A handler returns `{component: update}`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from assessor.i18n import bi
from assessor.store import AssessmentSession, Store, Worker
from assessor.ui.context import AppContext
from assessor.ui.trainer.auth import Problem, Scope, clean, scope_of
from assessor.ui.trainer.layout import TrainerLayout

log = logging.getLogger("assessor.ui.trainer.page")  # the name the trainer's failures have always been logged under
Updates = dict[Any, Any]


class TrainerBase(TrainerLayout):
    """The components (from `TrainerLayout`) plus the guard and session look-up the handler mixins use."""

    ctx: AppContext
    store: Store
    model_wait: float

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

    def _session(self, scope: Scope, session_id: Any) -> tuple[AssessmentSession, Worker]:
        sid = clean(session_id, 64)
        if not sid:
            raise Problem(bi("tr_no_session"))
        session = self.store.get_session(sid)
        worker = self.store.get_worker(session.worker_id) if session is not None else None
        if session is None or worker is None or not scope.allows(session.centre):
            raise Problem(bi("tr_session_missing"))
        return session, worker
