"""Rows out of a centre's store and into the hub's: what a bundle carries and how an import merges it.

Export: every session of the centre touched since a date (started, ended, or with an answer or message since),
with its worker, answers, transcript and trainer reviews: whole sessions, so bundles may overlap freely.
Rows of the 'default' centre (a centre that never set its name) are written under the centre's name.

Import (one transaction: all or nothing), keyed by what is the same everywhere:
workers and sessions by id, answers and messages by (session, seq), reviews by (session, seq, trainer, time).
A row already there and equal adds nothing; a session with a higher version replaces the hub's copy (it went
on at the centre); a worker's changed language or role is taken; an answer reviewed at the centre takes the
review. Anything else that differs is a conflict: the hub's row stays, and the report says which.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, DateTime, Table, and_, func, or_, select, text
from sqlalchemy.exc import SQLAlchemyError

from assessor.store import Store
from assessor.store.tables import AssessmentSession, GradingReview, Message, Response, Worker
from assessor.sync.bundle import TABLES, Bundle
from assessor.sync.errors import SyncError

WORKERS: Table = Worker.__table__  # type: ignore[assignment]
SESSIONS: Table = AssessmentSession.__table__  # type: ignore[assignment]
RESPONSES: Table = Response.__table__  # type: ignore[assignment]
MESSAGES: Table = Message.__table__  # type: ignore[assignment]
REVIEWS: Table = GradingReview.__table__  # type: ignore[assignment]
_CHUNK = 400  # ids per IN (...) list: well under SQLite's parameter limit


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _plain(table: Table, row: Any, drop: Iterable[str] = ()) -> dict[str, Any]:
    """A row as JSON-ready data: datetimes as ISO text, without the local columns in `drop`."""
    out: dict[str, Any] = {}
    for column in table.columns:
        if column.name in drop:
            continue
        value = row._mapping[column]
        out[column.name] = value.isoformat() if isinstance(value, datetime) else value
    return out


_KEYS = {"workers": ("id", "centre", "code"), "sessions": ("id", "worker_id", "resume_code", "centre"),
         "responses": ("session_id", "seq"), "messages": ("session_id", "seq"),
         "grading_reviews": ("trainer", "decided_at")}


def _typed(table: Table, row: dict[str, Any], where: str) -> dict[str, Any]:
    """Bundle data back to column values; unknown columns, or a missing key column, are an error."""
    if not isinstance(row, dict):
        raise SyncError(f"{where}: not a JSON object; nothing imported")
    unknown = set(row) - set(table.columns.keys())
    if unknown:
        raise SyncError(f"{where}: unknown columns {', '.join(sorted(unknown))} (a newer app version?)")
    missing = [key for key in _KEYS.get(table.name, ()) if row.get(key) is None]
    if missing:
        raise SyncError(f"{where}: no {', '.join(missing)}; nothing imported")
    out = dict(row)
    for name, value in row.items():
        if isinstance(table.c[name].type, DateTime) and isinstance(value, str):
            try:
                out[name] = datetime.fromisoformat(value)
            except ValueError as error:
                raise SyncError(f"{where}: {name} is not a date-time ({value!r})") from error
    return out


def export_tables(store: Store, centre: str, *, since: datetime | None = None) -> dict[str, list[dict[str, Any]]]:
    """The rows of a bundle for `centre` (sessions touched since `since`, all when None)."""
    with store.engine.connect() as db:
        query = select(SESSIONS).where(SESSIONS.c.centre.in_([centre, "default"]), SESSIONS.c.status != "purged")
        if since is not None:
            query = query.where(or_(
                SESSIONS.c.started_at >= since, SESSIONS.c.ended_at >= since,
                SESSIONS.c.id.in_(select(RESPONSES.c.session_id).where(RESPONSES.c.created_at >= since)),
                SESSIONS.c.id.in_(select(MESSAGES.c.session_id).where(MESSAGES.c.created_at >= since)),
                SESSIONS.c.id.in_(select(RESPONSES.c.session_id).join(REVIEWS, REVIEWS.c.response_id == RESPONSES.c.id)
                                  .where(REVIEWS.c.decided_at >= since))))
        sessions = [_plain(SESSIONS, row) | {"centre": centre}
                    for row in db.execute(query.order_by(SESSIONS.c.started_at, SESSIONS.c.id))]
        ids = [row["id"] for row in sessions]
        worker_ids = sorted({row["worker_id"] for row in sessions})
        workers, responses, messages, reviews = [], [], [], []
        for part in _chunks(worker_ids):
            workers += [_plain(WORKERS, row) | {"centre": centre}
                        for row in db.execute(select(WORKERS).where(WORKERS.c.id.in_(part)).order_by(WORKERS.c.id))]
        for part in _chunks(ids):
            responses += [_plain(RESPONSES, row, drop=["id"]) for row in db.execute(
                select(RESPONSES).where(RESPONSES.c.session_id.in_(part))
                .order_by(RESPONSES.c.session_id, RESPONSES.c.seq))]
            messages += [_plain(MESSAGES, row, drop=["id"]) for row in db.execute(
                select(MESSAGES).where(MESSAGES.c.session_id.in_(part))
                .order_by(MESSAGES.c.session_id, MESSAGES.c.seq, MESSAGES.c.id))]
            query = (select(REVIEWS, RESPONSES.c.session_id, RESPONSES.c.seq)
                     .join(RESPONSES, RESPONSES.c.id == REVIEWS.c.response_id)
                     .where(RESPONSES.c.session_id.in_(part)).order_by(REVIEWS.c.decided_at, REVIEWS.c.id))
            reviews += [_plain(REVIEWS, row, drop=["id", "response_id"])
                        | {"session_id": row.session_id, "response_seq": row.seq} for row in db.execute(query)]
    return {"workers": workers, "sessions": sessions, "responses": responses, "messages": messages,
            "grading_reviews": reviews}


def other_centres(store: Store, centre: str) -> dict[str, int]:
    """Sessions in this database under another centre name (not exported for `centre`), by name."""
    with store.engine.connect() as db:
        rows = db.execute(select(SESSIONS.c.centre, func.count()).where(SESSIONS.c.centre.not_in([centre, "default"]))
                          .group_by(SESSIONS.c.centre)).all()
    return {str(name): int(count) for name, count in rows}


@dataclass
class ImportReport:
    """What an import did, per table, and the conflicts it left alone."""

    centre: str
    added: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    unchanged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    conflicts: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"centre": self.centre, "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "conflicts": self.conflicts}


class _Importer:
    def __init__(self, db: Connection, bundle: Bundle) -> None:
        self.db, self.bundle = db, bundle
        self.report = ImportReport(bundle.centre)
        self.worker_ids: dict[str, str] = {}  # bundle id -> hub id
        self.skipped_sessions: set[str] = set()

    def _own_centre(self, row: dict[str, Any], where: str) -> None:
        if row.get("centre") != self.bundle.centre:
            raise SyncError(f"{where} belongs to centre {row.get('centre')!r}, but the bundle is signed by "
                            f"{self.bundle.centre!r}: a centre may only send its own rows; nothing imported")

    def _same_centre(self, centre: str, where: str) -> None:
        if centre != self.bundle.centre:
            raise SyncError(f"{where} exists here for centre {centre!r}; centre {self.bundle.centre!r} may not "
                            "change it; nothing imported")

    def workers(self, rows: list[dict[str, Any]]) -> None:
        for n, raw in enumerate(rows, start=1):
            where = f"workers.jsonl row {n}"
            self._own_centre(raw, where)
            row = _typed(WORKERS, raw, where)
            existing = self.db.execute(select(WORKERS).where(WORKERS.c.id == row["id"])).first()
            if existing is None:
                existing = self.db.execute(select(WORKERS).where(
                    WORKERS.c.centre == row["centre"], WORKERS.c.code == row["code"])).first()
                if existing is not None:
                    self.report.conflicts.append(
                        f"worker {row['code']} of {row['centre']} is known here under another id: "
                        "the bundle's sessions are attached to the hub's worker")
            if existing is None:
                self.db.execute(WORKERS.insert().values(**row))
                self.worker_ids[row["id"]] = row["id"]
                self.report.added["workers"] += 1
                continue
            self._same_centre(existing.centre, f"{where} (worker {row['id']})")
            self.worker_ids[row["id"]] = existing.id
            changes = {k: row[k] for k in ("language", "role", "display_name", "consent_at")
                       if k in row and row[k] != existing._mapping[k]}
            if changes:
                self.db.execute(WORKERS.update().where(WORKERS.c.id == existing.id).values(**changes))
                self.report.updated["workers"] += 1
            else:
                self.report.unchanged["workers"] += 1

    def sessions(self, rows: list[dict[str, Any]]) -> None:
        for n, raw in enumerate(rows, start=1):
            where = f"sessions.jsonl row {n}"
            self._own_centre(raw, where)
            row = _typed(SESSIONS, raw, where)
            if row.get("worker_id") not in self.worker_ids:
                raise SyncError(f"{where}: its worker is not in the bundle; nothing imported")
            row["worker_id"] = self.worker_ids[row["worker_id"]]
            existing = self.db.execute(select(SESSIONS).where(SESSIONS.c.id == row["id"])).first()
            if existing is None:
                clash = self.db.execute(select(SESSIONS.c.id).where(SESSIONS.c.resume_code == row["resume_code"])).first()
                if clash is not None:
                    self.report.conflicts.append(f"session {row['id']}: resume code {row['resume_code']} is used by "
                                                 f"session {clash.id} here; not imported")
                    self.skipped_sessions.add(row["id"])
                    continue
                self.db.execute(SESSIONS.insert().values(**row))
                self.report.added["sessions"] += 1
                continue
            self._same_centre(existing.centre, f"{where} (session {row['id']})")
            ours = _plain(SESSIONS, existing)
            theirs = _plain(SESSIONS, _Row(row))
            if ours == theirs or int(row.get("version", 0)) < int(existing.version):
                self.report.unchanged["sessions"] += 1
            elif int(row.get("version", 0)) > int(existing.version):
                self.db.execute(SESSIONS.update().where(SESSIONS.c.id == row["id"])
                                .values(**{k: v for k, v in row.items() if k != "id"}))
                self.report.updated["sessions"] += 1
            else:
                differing = sorted(k for k in ours if ours[k] != theirs.get(k))
                self.report.conflicts.append(f"session {row['id']}: same version {existing.version} but different "
                                             f"{', '.join(differing)}; the hub's copy is kept")

    def _existing(self, table: Table, rows: list[dict[str, Any]]) -> dict[tuple[str, int], Any]:
        """The hub's rows of `table` for the sessions in `rows`, by (session, seq); also checks those sessions."""
        ids = sorted({str(row.get("session_id")) for row in rows} - self.skipped_sessions)
        found: dict[tuple[str, int], Any] = {}
        for part in _chunks(ids):
            known = {r.id: r.centre for r in self.db.execute(
                select(SESSIONS.c.id, SESSIONS.c.centre).where(SESSIONS.c.id.in_(part)))}
            for session_id in part:
                if session_id not in known:
                    raise SyncError(f"{table.name}.jsonl: session {session_id} is in neither the bundle nor here; "
                                    "nothing imported")
                self._same_centre(known[session_id], f"{table.name}.jsonl: session {session_id}")
            for existing in self.db.execute(select(table).where(table.c.session_id.in_(part))):
                found.setdefault((existing.session_id, existing.seq), existing)
        return found

    def _insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        for start in range(0, len(rows), 500):
            self.db.execute(table.insert(), rows[start:start + 500])
        self.report.added[table.name] += len(rows)

    def responses(self, rows: list[dict[str, Any]]) -> None:
        existing_rows = self._existing(RESPONSES, rows)
        new: list[dict[str, Any]] = []
        for n, raw in enumerate(rows, start=1):
            row = _typed(RESPONSES, raw, f"responses.jsonl row {n}")
            if row.get("session_id") in self.skipped_sessions:
                continue
            existing = existing_rows.get((row["session_id"], row["seq"]))
            if existing is None:
                new.append(row)
                existing_rows[(row["session_id"], row["seq"])] = _Row(row)
                continue
            ours = _plain(RESPONSES, existing, drop=["id"])
            theirs = _plain(RESPONSES, _Row(row), drop=["id"])
            if ours == theirs:
                self.report.unchanged["responses"] += 1
            elif row.get("review_status") == "reviewed" and existing.review_status != "reviewed" and all(
                    ours[k] == theirs.get(k) for k in ("item_id", "answer", "created_at")):
                self.db.execute(RESPONSES.update().where(RESPONSES.c.id == existing.id).values(
                    review_status="reviewed", counted=row.get("counted", True), score=row["score"]))
                self.report.updated["responses"] += 1
            else:
                self.report.conflicts.append(f"answer {row['seq']} of session {row['session_id']} differs from the "
                                             "hub's; the hub's is kept")
        self._insert(RESPONSES, new)

    def messages(self, rows: list[dict[str, Any]]) -> None:
        existing_rows = self._existing(MESSAGES, rows)
        new: list[dict[str, Any]] = []
        for n, raw in enumerate(rows, start=1):
            row = _typed(MESSAGES, raw, f"messages.jsonl row {n}")
            if row.get("session_id") in self.skipped_sessions:
                continue
            existing = existing_rows.get((row["session_id"], row["seq"]))
            if existing is None:
                new.append(row)
                existing_rows[(row["session_id"], row["seq"])] = _Row(row)
            elif _plain(MESSAGES, existing, drop=["id"]) == _plain(MESSAGES, _Row(row), drop=["id"]):
                self.report.unchanged["messages"] += 1
            else:
                self.report.conflicts.append(f"message {row['seq']} of session {row['session_id']} differs from the "
                                             "hub's; the hub's is kept")
        self._insert(MESSAGES, new)

    def reviews(self, rows: list[dict[str, Any]]) -> None:
        for n, raw in enumerate(rows, start=1):
            where = f"grading_reviews.jsonl row {n}"
            data = dict(raw)
            try:
                session_id, seq = data.pop("session_id"), data.pop("response_seq")
            except KeyError as error:
                raise SyncError(f"{where}: no {error.args[0]}; nothing imported") from error
            if session_id in self.skipped_sessions:
                continue
            row = _typed(REVIEWS, data, where)
            self._known_session({"session_id": session_id}, where)
            response = self.db.execute(select(RESPONSES.c.id).where(
                RESPONSES.c.session_id == session_id, RESPONSES.c.seq == seq)).first()
            if response is None:
                raise SyncError(f"{where}: answer {seq} of session {session_id} is in neither the bundle nor here")
            existing = self.db.execute(select(REVIEWS.c.id).where(and_(
                REVIEWS.c.response_id == response.id, REVIEWS.c.trainer == row["trainer"],
                REVIEWS.c.decided_at == row["decided_at"]))).first()
            if existing is None:
                self.db.execute(REVIEWS.insert().values(response_id=response.id, **row))
                self.report.added["grading_reviews"] += 1
            else:
                self.report.unchanged["grading_reviews"] += 1

    def _known_session(self, row: dict[str, Any], where: str) -> None:
        found = self.db.execute(select(SESSIONS.c.centre).where(SESSIONS.c.id == row.get("session_id"))).first()
        if found is None:
            raise SyncError(f"{where}: session {row.get('session_id')} is in neither the bundle nor here; "
                            "nothing imported")
        self._same_centre(found.centre, f"{where}: session {row.get('session_id')}")


class _Row:
    """Bundle data dressed as a result row, so `_plain` treats both sides alike."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._mapping = _Mapping(data)

    def __getattr__(self, name: str) -> Any:
        return self._mapping.data.get(name)


class _Mapping:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def __getitem__(self, column: Any) -> Any:
        return self.data.get(column.name if hasattr(column, "name") else column)


def import_bundle(store: Store, bundle: Bundle) -> ImportReport:
    """Merge a verified bundle into `store` in one transaction; on any error nothing is imported."""
    importer: _Importer | None = None
    try:
        with store.engine.begin() as db:
            if db.dialect.name == "postgresql":  # two imports at once wait for each other
                db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": 0x53594E43})
            importer = _Importer(db, bundle)
            importer.workers(bundle.tables["workers"])
            importer.sessions(bundle.tables["sessions"])
            importer.responses(bundle.tables["responses"])
            importer.messages(bundle.tables["messages"])
            importer.reviews(bundle.tables["grading_reviews"])
    except SQLAlchemyError as error:
        raise SyncError(f"the database refused a row ({type(error).__name__}: {str(error).splitlines()[0][:200]}); "
                        "nothing imported") from error
    return importer.report
