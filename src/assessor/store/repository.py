# Over 450 lines on purpose: one Store holds every query, so each compare-and-swap write and the practice and centre filters sit beside each other (see the docstring).
"""The few queries the app needs, over any SQLAlchemy URL (SQLite in WAL mode by default).

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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Select, create_engine, event, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from assessor.store.errors import StaleSession
from assessor.store.migrations import migrate
from assessor.store.passwords import hash_password, verify_password
from assessor.store.tables import AssessmentSession, GradingReview, Message, Response, Trainer, Worker, utcnow

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
        self.schema_revision = migrate(self.engine)
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

    def waiting_reviews(self, session_id: str) -> int:
        """How many of the session's answers wait for a trainer's review (review_status "needs_review")."""
        with self.db() as db:
            return int(db.scalar(select(func.count()).select_from(Response).where(
                Response.session_id == session_id, Response.review_status == "needs_review")) or 0)

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
        """How many of the role's most recent assessment sessions showed each item, and how many sessions that was.

        Practice sessions are left out.
        """
        with self.db() as db:
            ids = list(db.scalars(select(AssessmentSession.id)
                                  .where(AssessmentSession.role == role, AssessmentSession.kind == "assessment")
                                  .order_by(AssessmentSession.started_at.desc()).limit(last_sessions)))
            if not ids:
                return {}, 0
            rows = db.execute(select(Response.item_id, func.count(func.distinct(Response.session_id)))
                              .where(Response.session_id.in_(ids)).group_by(Response.item_id)).all()
            return {item_id: int(count) for item_id, count in rows}, len(ids)

    def _session_query(self, flt: SessionFilter) -> Select[AssessmentSession, Worker]:
        """(session, worker) rows matching `flt`, newest first (ties by id, so pages never overlap)."""
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
        return query.order_by(AssessmentSession.started_at.desc(), AssessmentSession.id)

    def list_sessions(self, flt: SessionFilter | None = None, *, limit: int | None = 500,
                      offset: int = 0) -> list[tuple[AssessmentSession, Worker]]:
        """One page of (session, worker) rows for `flt`, newest first: `limit` rows (None: all) after `offset`.
        `count_sessions` says how many there are in all, so a caller can say when a view is truncated."""
        query = self._session_query(flt or SessionFilter())
        if offset:
            query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self.db() as db:
            return [(s, w) for s, w in db.execute(query).all()]

    def count_sessions(self, flt: SessionFilter | None = None) -> int:
        """How many sessions match `flt` (no limit)."""
        query = self._session_query(flt or SessionFilter()).order_by(None)
        with self.db() as db:
            return int(db.scalar(select(func.count()).select_from(query.subquery())) or 0)

    def iter_sessions(self, flt: SessionFilter | None = None, *, batch: int = 500,
                      include_practice: bool = False) -> Iterator[list[tuple[AssessmentSession, Worker]]]:
        """Every (session, worker) row for `flt`, newest first, in lists of at most `batch` (exports and cohort
        statistics stream through all of them without holding every row at once). Practice rounds are left
        out unless `include_practice`: exports and statistics are about assessments."""
        query = self._session_query(flt or SessionFilter())
        if not include_practice:
            query = query.where(AssessmentSession.kind == "assessment")
        query = query.execution_options(yield_per=batch)
        with self.db() as db:
            for part in db.execute(query).partitions(batch):
                yield [(s, w) for s, w in part]

    def all_responses(self, *, session_ids: Iterable[str] | None = None, counted_only: bool = False,
                      include_practice: bool = False) -> list[Response]:
        """Responses of assessment sessions in session order (practice answers only with `include_practice`:
        calibration, exports and statistics never see them); `counted_only` keeps those that count in item
        statistics and calibration: not awaiting a trainer's review."""
        with self.db() as db:
            query = select(Response).order_by(Response.session_id, Response.seq)
            if session_ids is not None:
                query = query.where(Response.session_id.in_(list(session_ids)))
            if counted_only or not include_practice:
                query = query.join(AssessmentSession, AssessmentSession.id == Response.session_id)
            if not include_practice:
                query = query.where(AssessmentSession.kind == "assessment")
            if counted_only:
                query = query.where(Response.counted.is_(True))
            return list(db.scalars(query))

    # ---- trainer review of free-text answers ----
    def mark_needs_review(self, response_id: int) -> None:
        """Send an answer to the trainers' review queue; it stops counting until a trainer decides."""
        with self.db() as db, db.begin():
            response = db.get(Response, response_id)
            if response is None:
                raise KeyError(response_id)
            response.review_status = "needs_review"
            response.counted = False

    def record_review(self, response_id: int, *, trainer: str, points: list[dict[str, Any]], critical: list[str],
                      score: float, note: str = "") -> GradingReview:
        """Store a trainer's decision; the answer becomes 'reviewed', counts again, and takes the trainer's score.

        `points` lists each rubric point as {"point": id, "said": bool}; `critical` the critical errors found;
        `score` is in [0, 1]. The machine's own grading stays in `Response.grading`.
        """
        if not 0.0 <= score <= 1.0:
            raise ValueError(f"a review score must be between 0 and 1, not {score}")
        if not trainer.strip():
            raise ValueError("a review needs the trainer's username")
        for point in points:
            if not isinstance(point, dict) or not isinstance(point.get("said"), bool) or "point" not in point:
                raise ValueError(f'each point must look like {{"point": id, "said": true/false}}, not {point!r}')
        with self.db() as db, db.begin():
            response = db.get(Response, response_id)
            if response is None:
                raise KeyError(response_id)
            review = GradingReview(response_id=response_id, trainer=trainer.strip(), decided_at=utcnow(),
                                   points=list(points), critical=list(critical), score=float(score), note=note)
            db.add(review)
            response.review_status = "reviewed"
            response.counted = True
            response.score = float(score)
            return review

    def pending_reviews(self, centre: str | None = None) -> list[tuple[Response, AssessmentSession]]:
        """Answers awaiting review, oldest first, with their sessions; `centre` None means every centre."""
        with self.db() as db:
            query = (select(Response, AssessmentSession)
                     .join(AssessmentSession, AssessmentSession.id == Response.session_id)
                     .where(Response.review_status == "needs_review"))
            if centre is not None:
                query = query.where(AssessmentSession.centre == centre)
            return [(r, s) for r, s in db.execute(query.order_by(Response.created_at, Response.id)).all()]

    def reviews(self, response_id: int) -> list[GradingReview]:
        """Every trainer decision on one answer, oldest first."""
        with self.db() as db:
            return list(db.scalars(select(GradingReview).where(GradingReview.response_id == response_id)
                                   .order_by(GradingReview.decided_at, GradingReview.id)))

    def record_consent(self, worker_id: str) -> None:
        """Note when the worker agreed to the data notice."""
        with self.db() as db, db.begin():
            worker = db.get(Worker, worker_id)
            if worker is None:
                raise KeyError(worker_id)
            worker.consent_at = utcnow()

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

    def get_trainer(self, username: str) -> Trainer | None:
        """The trainer account named `username` (one indexed lookup), or None."""
        if not isinstance(username, str) or not username.strip():
            return None
        with self.db() as db:
            return db.scalars(select(Trainer).where(Trainer.username == username.strip())).first()

    def trainers(self) -> list[Trainer]:
        with self.db() as db:
            return list(db.scalars(select(Trainer).order_by(Trainer.username)))
