"""The Store: one class for every query the app needs, over any SQLAlchemy URL (SQLite in WAL mode by default).

This module holds the engine, workers and sessions, and every write of a session's state; the query groups are
mixins that `Store` inherits: `session_queries.py` (filters, exports, exposure), `review_queries.py` (the
trainers' review queue), `trainer_accounts.py` (logins).

Contract: `record_answer` commits the response (and the engine state after it) in one transaction before it
returns, so nothing a worker answered is lost if the next step fails.

Every write of a session's state (`save_state`, `record_answer`, `finish_session`) is a compare-and-swap on
`sessions.version` when the caller names the version it read (`expected_version`): the write happens only if
nobody wrote since, the version grows by one, and otherwise `StaleSession` is raised and nothing is written.
This holds across threads and across app processes sharing one database.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from assessor.store.errors import StaleSession
from assessor.store.migrations import migrate
from assessor.store.review_queries import ReviewQueries
from assessor.store.session_queries import SessionFilter, SessionQueries
from assessor.store.tables import AssessmentSession, Message, Response, Worker, utcnow
from assessor.store.trainer_accounts import TrainerAccounts

__all__ = ["REVIEW_STATUSES", "SESSION_KINDS", "SessionFilter", "Store", "make_engine", "new_resume_code"]

SESSION_KINDS = ("assessment", "practice")
REVIEW_STATUSES = ("auto", "needs_review", "reviewed")

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O/1/I: easy to read aloud and type


def new_resume_code(length: int = 8) -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine; for SQLite make the folder, and turn on WAL and foreign keys."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


class Store(SessionQueries, ReviewQueries, TrainerAccounts):
    """Sessions, answers, transcripts and trainer accounts."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.schema_revision = migrate(self.engine)
        self._sessionmaker = sessionmaker(self.engine, expire_on_commit=False)

    # ---- workers and sessions ----
    def get_or_create_worker(self, code: str, *, centre: str = "default", display_name: str = "",
                             language: str = "zh") -> Worker:
        code = code.strip()
        if not code:
            raise ValueError("a worker code is needed")
        with self.db() as db, db.begin():
            worker = db.scalars(select(Worker).where(Worker.centre == centre, Worker.code == code)).first()
            if worker is None:
                worker = Worker(id=uuid.uuid4().hex, code=code, centre=centre, display_name=display_name or code,
                                language=language)
                db.add(worker)
            else:
                worker.language = language
            return worker

    def create_session(self, worker: Worker, *, role: str, target_level: int, bank_version: str,
                       engine_settings: dict[str, Any], state: dict[str, Any], language: str = "zh",
                       kind: str = "assessment") -> AssessmentSession:
        """A new session at version 0; `kind` is 'assessment' or 'practice' (never counted in statistics)."""
        if kind not in SESSION_KINDS:
            raise ValueError(f"session kind must be one of {', '.join(SESSION_KINDS)}, not {kind!r}")
        with self.db() as db, db.begin():
            for _ in range(10):
                code = new_resume_code()
                if db.scalars(select(AssessmentSession.id).where(AssessmentSession.resume_code == code)).first() is None:
                    break
            row = AssessmentSession(id=uuid.uuid4().hex, resume_code=code, worker_id=worker.id, centre=worker.centre,
                                    role=role, target_level=target_level, language=language,
                                    bank_version=bank_version, engine_settings=engine_settings, state=state,
                                    version=0, kind=kind)
            db.add(row)
            db_worker = db.get(Worker, worker.id)
            if db_worker is not None:
                db_worker.role = role
            return row

    def get_session(self, session_id: str) -> AssessmentSession | None:
        with self.db() as db:
            return db.get(AssessmentSession, session_id)

    def get_session_by_code(self, code: str) -> AssessmentSession | None:
        code = code.strip().upper()
        if not code:
            return None
        with self.db() as db:
            return db.scalars(select(AssessmentSession).where(AssessmentSession.resume_code == code)).first()

    def get_worker(self, worker_id: str) -> Worker | None:
        with self.db() as db:
            return db.get(Worker, worker_id)

    @staticmethod
    def _swap(db: Session, session_id: str, expected_version: int | None, values: dict[str, Any]) -> int:
        """Write `values` to the session and bump its version, if it is still at `expected_version` (None: any).

        The UPDATE is the transaction's first write, so it takes the row lock (PostgreSQL) or the write lock
        (SQLite) before anything is read for the rest of the write. Returns the new version.
        Raises KeyError for an unknown session and StaleSession for a stale version.
        """
        query = update(AssessmentSession).where(AssessmentSession.id == session_id)
        if expected_version is not None:
            query = query.where(AssessmentSession.version == expected_version)
        result = db.execute(query.values(version=AssessmentSession.version + 1, **values)
                            .execution_options(synchronize_session=False))
        if result.rowcount == 1:  # type: ignore[attr-defined]
            version = db.scalar(select(AssessmentSession.version).where(AssessmentSession.id == session_id))
            return int(version or 0)
        actual = db.scalar(select(AssessmentSession.version).where(AssessmentSession.id == session_id))
        if actual is None:
            raise KeyError(session_id)
        raise StaleSession(session_id, expected_version if expected_version is not None else -1, int(actual))

    def session_version(self, session_id: str) -> int:
        """The session's current version (KeyError if there is no such session)."""
        with self.db() as db:
            version = db.scalar(select(AssessmentSession.version).where(AssessmentSession.id == session_id))
        if version is None:
            raise KeyError(session_id)
        return int(version)

    def save_state(self, session_id: str, state: dict[str, Any], *, language: str | None = None,
                   expected_version: int | None = None, messages: Iterable[dict[str, Any]] = ()) -> int:
        """Save the engine state (and language) and append `messages` (as `add_message`'s keywords) in one
        transaction; return the new version. StaleSession if someone wrote first (then nothing is stored)."""
        values: dict[str, Any] = {"state": state}
        if language:
            values["language"] = language
        with self.db() as db, db.begin():
            version = self._swap(db, session_id, expected_version, values)
            self._append_messages(db, session_id, messages)
            return version

    def record_answer(self, session_id: str, *, item_id: str, item_version: int, item_params: dict[str, Any],
                      domain: str, level: int, item_type: str, answer: Any, score: float, category: int,
                      correct: bool, pilot: bool, theta: dict[str, float], se: dict[str, float],
                      state: dict[str, Any], seconds: float | None = None,
                      grading: dict[str, Any] | None = None, expected_version: int | None = None,
                      review_status: str = "auto", audio_path: str | None = None,
                      messages: Iterable[dict[str, Any]] = ()) -> Response:
        """Insert the response, save the engine state after it and append the transcript lines `messages` (as
        `add_message`'s keywords, in order), in one committed transaction.

        With `expected_version`, a compare-and-swap: if another request wrote the session since that version,
        StaleSession is raised and no response is stored. An answer with review_status 'needs_review' is
        stored with `counted` false (the engine and the statistics leave it out until a trainer decides).
        """
        if review_status not in REVIEW_STATUSES:
            raise ValueError(f"review status must be one of {', '.join(REVIEW_STATUSES)}, not {review_status!r}")
        with self.db() as db, db.begin():
            self._swap(db, session_id, expected_version, {"state": state})
            seq = (db.scalar(select(func.max(Response.seq)).where(Response.session_id == session_id)) or 0) + 1
            response = Response(session_id=session_id, seq=seq, item_id=item_id, item_version=item_version,
                                item_params=item_params, domain=domain, level=level, item_type=item_type,
                                answer=answer, score=score, category=category, correct=correct, pilot=pilot,
                                theta=theta, se=se, seconds=seconds, grading=grading, review_status=review_status,
                                counted=review_status != "needs_review", audio_path=audio_path)
            db.add(response)
            self._append_messages(db, session_id, messages)
            return response

    @staticmethod
    def _append_messages(db: Session, session_id: str, messages: Iterable[dict[str, Any]]) -> list[Message]:
        """Append transcript lines in a transaction that already holds the session's lock (its first write was
        `_swap`), numbered after the session's last line. Each is a dict of `add_message`'s keywords."""
        lines = list(messages)
        if not lines:
            return []
        seq = db.scalar(select(func.max(Message.seq)).where(Message.session_id == session_id)) or 0
        added = []
        for n, line in enumerate(lines, start=seq + 1):
            added.append(Message(session_id=session_id, seq=n, speaker=line["speaker"], kind=line.get("kind", "text"),
                                 text=line["text"], source=line.get("source", "bank"),
                                 reason=str(line.get("reason", ""))[:255], item_id=line.get("item_id")))
        db.add_all(added)
        return added

    def add_message(self, session_id: str, *, speaker: str, text: str, kind: str = "text", source: str = "bank",
                    reason: str = "", item_id: str | None = None) -> Message:
        """Append a transcript line; its number is the next in the session, also across app processes."""
        with self.db() as db, db.begin():
            # Take the session's row lock (PostgreSQL) or the write lock (SQLite) before reading the last
            # number, so two processes never give two lines the same one. It changes nothing in the row.
            db.execute(update(AssessmentSession).where(AssessmentSession.id == session_id)
                       .values(id=AssessmentSession.id).execution_options(synchronize_session=False))
            seq = (db.scalar(select(func.max(Message.seq)).where(Message.session_id == session_id)) or 0) + 1
            message = Message(session_id=session_id, seq=seq, speaker=speaker, kind=kind, text=text, source=source,
                              reason=reason[:255], item_id=item_id)
            db.add(message)
            return message

    def finish_session(self, session_id: str, *, results: dict[str, Any], level_reached: int | None,
                       ready: bool | None, state: dict[str, Any] | None = None,
                       expected_version: int | None = None) -> int:
        """Mark the session finished with its results; return the new version (StaleSession if stale)."""
        values: dict[str, Any] = {"status": "finished", "ended_at": utcnow(), "results": results,
                                  "level_reached": level_reached, "ready": ready}
        if state is not None:
            values["state"] = state
        with self.db() as db, db.begin():
            return self._swap(db, session_id, expected_version, values)

    def update_results(self, session_id: str, *, results: dict[str, Any], level_reached: int | None,
                       ready: bool | None, state: dict[str, Any], expected_version: int | None = None) -> int:
        """Replace a finished session's results and state (a trainer's review changed an answer), keeping its end
        time; return the new version (StaleSession if stale)."""
        values: dict[str, Any] = {"results": results, "level_reached": level_reached, "ready": ready, "state": state}
        with self.db() as db, db.begin():
            return self._swap(db, session_id, expected_version, values)

    def responses(self, session_id: str) -> list[Response]:
        with self.db() as db:
            return list(db.scalars(select(Response).where(Response.session_id == session_id).order_by(Response.seq)))

    def messages(self, session_id: str) -> list[Message]:
        with self.db() as db:
            return list(db.scalars(select(Message).where(Message.session_id == session_id).order_by(Message.seq)))

    def record_consent(self, worker_id: str) -> None:
        """Note when the worker agreed to the data notice."""
        with self.db() as db, db.begin():
            worker = db.get(Worker, worker_id)
            if worker is None:
                raise KeyError(worker_id)
            worker.consent_at = utcnow()
