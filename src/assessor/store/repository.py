"""The few queries the app needs, over any SQLAlchemy URL (SQLite in WAL mode by default).

Contract: `record_answer` commits the response (and the engine state after it) in one transaction before it
returns, so nothing a worker answered is lost if the next step fails.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from assessor.store.migrations import migrate
from assessor.store.passwords import hash_password, verify_password
from assessor.store.tables import AssessmentSession, Message, Response, Trainer, Worker, utcnow

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


@dataclass(frozen=True)
class SessionFilter:
    centre: str | None = None
    role: str | None = None
    worker: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    level_reached: int | None = None
    status: str | None = None
    search: str | None = None


class Store:
    """Sessions, answers, transcripts and trainer accounts."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.schema_version = migrate(self.engine)
        self._sessionmaker = sessionmaker(self.engine, expire_on_commit=False)

    def db(self) -> Session:
        return self._sessionmaker()

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
                       engine_settings: dict[str, Any], state: dict[str, Any], language: str = "zh") -> AssessmentSession:
        with self.db() as db, db.begin():
            for _ in range(10):
                code = new_resume_code()
                if db.scalars(select(AssessmentSession.id).where(AssessmentSession.resume_code == code)).first() is None:
                    break
            row = AssessmentSession(id=uuid.uuid4().hex, resume_code=code, worker_id=worker.id, centre=worker.centre,
                                    role=role, target_level=target_level, language=language,
                                    bank_version=bank_version, engine_settings=engine_settings, state=state)
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

    def save_state(self, session_id: str, state: dict[str, Any], *, language: str | None = None) -> None:
        with self.db() as db, db.begin():
            row = db.get(AssessmentSession, session_id)
            if row is None:
                raise KeyError(session_id)
            row.state = state
            if language:
                row.language = language

    def record_answer(self, session_id: str, *, item_id: str, item_version: int, item_params: dict[str, Any],
                      domain: str, level: int, item_type: str, answer: Any, score: float, category: int,
                      correct: bool, pilot: bool, theta: dict[str, float], se: dict[str, float],
                      state: dict[str, Any], seconds: float | None = None,
                      grading: dict[str, Any] | None = None) -> Response:
        """Insert the response and save the engine state after it, in one committed transaction."""
        with self.db() as db, db.begin():
            row = db.get(AssessmentSession, session_id)
            if row is None:
                raise KeyError(session_id)
            seq = (db.scalar(select(func.max(Response.seq)).where(Response.session_id == session_id)) or 0) + 1
            response = Response(session_id=session_id, seq=seq, item_id=item_id, item_version=item_version,
                                item_params=item_params, domain=domain, level=level, item_type=item_type,
                                answer=answer, score=score, category=category, correct=correct, pilot=pilot,
                                theta=theta, se=se, seconds=seconds, grading=grading)
            db.add(response)
            row.state = state
            return response

    def add_message(self, session_id: str, *, speaker: str, text: str, kind: str = "text", source: str = "bank",
                    reason: str = "", item_id: str | None = None) -> Message:
        with self.db() as db, db.begin():
            seq = (db.scalar(select(func.max(Message.seq)).where(Message.session_id == session_id)) or 0) + 1
            message = Message(session_id=session_id, seq=seq, speaker=speaker, kind=kind, text=text, source=source,
                              reason=reason[:255], item_id=item_id)
            db.add(message)
            return message

    def finish_session(self, session_id: str, *, results: dict[str, Any], level_reached: int | None,
                       ready: bool | None, state: dict[str, Any] | None = None) -> None:
        with self.db() as db, db.begin():
            row = db.get(AssessmentSession, session_id)
            if row is None:
                raise KeyError(session_id)
            row.status = "finished"
            row.ended_at = utcnow()
            row.results = results
            row.level_reached = level_reached
            row.ready = ready
            if state is not None:
                row.state = state

    def responses(self, session_id: str) -> list[Response]:
        with self.db() as db:
            return list(db.scalars(select(Response).where(Response.session_id == session_id).order_by(Response.seq)))

    def messages(self, session_id: str) -> list[Message]:
        with self.db() as db:
            return list(db.scalars(select(Message).where(Message.session_id == session_id).order_by(Message.seq)))

    def seen_item_ids(self, worker_id: str, *, last_sessions: int = 3, exclude_session: str | None = None) -> set[str]:
        """Items the worker answered in their most recent sessions (not to be shown again)."""
        with self.db() as db:
            query = select(AssessmentSession.id).where(AssessmentSession.worker_id == worker_id)
            if exclude_session:
                query = query.where(AssessmentSession.id != exclude_session)
            ids = list(db.scalars(query.order_by(AssessmentSession.started_at.desc()).limit(last_sessions)))
            if not ids:
                return set()
            return set(db.scalars(select(Response.item_id).where(Response.session_id.in_(ids))))

    def item_exposure(self, role: str, *, last_sessions: int = 200) -> tuple[dict[str, int], int]:
        """How many of the role's most recent sessions showed each item, and how many sessions that was."""
        with self.db() as db:
            ids = list(db.scalars(select(AssessmentSession.id).where(AssessmentSession.role == role)
                                  .order_by(AssessmentSession.started_at.desc()).limit(last_sessions)))
            if not ids:
                return {}, 0
            rows = db.execute(select(Response.item_id, func.count(func.distinct(Response.session_id)))
                              .where(Response.session_id.in_(ids)).group_by(Response.item_id)).all()
            return {item_id: int(count) for item_id, count in rows}, len(ids)

    def list_sessions(self, flt: SessionFilter | None = None, *, limit: int = 500) -> list[tuple[AssessmentSession, Worker]]:
        flt = flt or SessionFilter()
        with self.db() as db:
            query = select(AssessmentSession, Worker).join(Worker, Worker.id == AssessmentSession.worker_id)
            if flt.centre:
                query = query.where(AssessmentSession.centre == flt.centre)
            if flt.role:
                query = query.where(AssessmentSession.role == flt.role)
            if flt.worker:
                query = query.where(Worker.code == flt.worker)
            if flt.status:
                query = query.where(AssessmentSession.status == flt.status)
            if flt.level_reached is not None:
                query = query.where(AssessmentSession.level_reached == flt.level_reached)
            if flt.date_from:
                query = query.where(AssessmentSession.started_at >= flt.date_from)
            if flt.date_to:
                query = query.where(AssessmentSession.started_at <= flt.date_to)
            if flt.search and flt.search.strip():
                # Names match anywhere; the random codes and ids only as a whole (resume code) or by a prefix of
                # at least 8 characters (session id), so a short query never hits a random id by chance.
                text = flt.search.strip()
                like = f"%{text}%"
                match = (Worker.code.ilike(like) | Worker.display_name.ilike(like)
                         | (AssessmentSession.resume_code == text.upper()))
                if len(text) >= 8:
                    match = match | AssessmentSession.id.ilike(f"{text.lower()}%")
                query = query.where(match)
            rows = db.execute(query.order_by(AssessmentSession.started_at.desc()).limit(limit)).all()
            return [(s, w) for s, w in rows]

    def all_responses(self, *, session_ids: Iterable[str] | None = None) -> list[Response]:
        with self.db() as db:
            query = select(Response).order_by(Response.session_id, Response.seq)
            if session_ids is not None:
                query = query.where(Response.session_id.in_(list(session_ids)))
            return list(db.scalars(query))

    # ---- trainers ----
    def add_trainer(self, username: str, password: str, *, centre: str = "default") -> Trainer:
        username = username.strip()
        if not username:
            raise ValueError("a username is needed")
        if len(password) < 8:
            raise ValueError("the password must have at least 8 characters")
        with self.db() as db, db.begin():
            existing = db.scalars(select(Trainer).where(Trainer.username == username)).first()
            if existing is not None:
                existing.password_hash = hash_password(password)
                existing.centre = centre
                return existing
            trainer = Trainer(username=username, password_hash=hash_password(password), centre=centre)
            db.add(trainer)
            return trainer

    def verify_trainer(self, username: str, password: str) -> bool:
        with self.db() as db:
            trainer = db.scalars(select(Trainer).where(Trainer.username == username.strip())).first()
        return trainer is not None and verify_password(password, trainer.password_hash)

    def trainers(self) -> list[Trainer]:
        with self.db() as db:
            return list(db.scalars(select(Trainer).order_by(Trainer.username)))
