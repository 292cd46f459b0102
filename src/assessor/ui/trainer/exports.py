"""The trainer's exports (sessions CSV, responses CSV, transcript PDF, xAPI JSON) as files to download.

Every session that matches the filter is exported (streamed from the store in batches, never capped), and the
files go to one folder of the data directory whose old files are removed (`report.files.FileFolder`), not to a
new temporary folder per click.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assessor.bank.load import Bank
from assessor.report import responses_csv, sessions_csv, transcript_pdf, xapi_statements
from assessor.report.files import FileFolder
from assessor.store import AssessmentSession, Response, SessionFilter, Store, Worker

BATCH = 500


class TrainerExports:
    """Builds each export for a (scope-limited) filter and writes it into `folder`."""

    def __init__(self, store: Store, bank: Bank, folder: FileFolder) -> None:
        self.store = store
        self.bank = bank
        self.folder = folder

    def _sessions(self, flt: SessionFilter) -> Iterator[tuple[AssessmentSession, Worker]]:
        for batch in self.store.iter_sessions(flt, batch=BATCH):
            yield from batch

    def _responses(self, flt: SessionFilter) -> Iterator[Response]:
        for batch in self.store.iter_sessions(flt, batch=BATCH):
            yield from self.store.all_responses(session_ids=[s.id for s, _w in batch])

    def sessions(self, flt: SessionFilter) -> Path:
        """One row per session (every session of the filter)."""
        return self.folder.fresh("sessions", ".csv", sessions_csv(self._sessions(flt)), encoding="utf-8-sig")

    def responses(self, flt: SessionFilter) -> Path:
        """One row per response of every session of the filter."""
        data = responses_csv(self._responses(flt), self.bank, "zh")
        return self.folder.fresh("responses", ".csv", data, encoding="utf-8-sig")

    def transcript(self, session: AssessmentSession, worker: Worker) -> Path:
        """One session's transcript as PDF."""
        data = transcript_pdf(session, worker, self.store.responses(session.id), self.store.messages(session.id),
                              self.bank)
        return self.folder.fresh(f"transcript-{session.resume_code}", ".pdf", data)

    def xapi(self, flt: SessionFilter) -> Path:
        """xAPI statements (one JSON list) for every session of the filter."""
        statements: list[dict[str, Any]] = []
        for session, worker in self._sessions(flt):
            statements += xapi_statements(session, worker, self.store.responses(session.id), self.bank)
        return self.folder.fresh("xapi", ".json", json.dumps(statements, ensure_ascii=False, indent=1))
