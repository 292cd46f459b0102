"""The trainer's export handlers: sessions and responses CSV, xAPI for the filter, the open session's transcript."""

from __future__ import annotations

from typing import Any

from assessor.i18n import bi
from assessor.ui.trainer.auth import Scope
from assessor.ui.trainer.exports import TrainerExports
from assessor.ui.trainer.guard import TrainerBase, Updates
from assessor.ui.trainer.tables import make_filter


class ExportHandlers(TrainerBase):
    """Exports tab: each handler writes one file through `exports` and offers it for download."""

    exports: TrainerExports

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

