"""Queries across many sessions: the trainer's filter (page, count, stream), every response, item exposure and
the items a worker has already seen. Practice sessions stay out of exports, statistics and exposure."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select

from assessor.store.base import StoreBase
from assessor.store.tables import AssessmentSession, Response, Worker


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


class SessionQueries(StoreBase):
    """Reads over sessions chosen by a `SessionFilter`, a role or a worker (mixed into `Store`)."""

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
