"""The trainers' review of free-text answers: send an answer to the queue, store a decision, list what waits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from assessor.store.base import StoreBase
from assessor.store.tables import AssessmentSession, GradingReview, Response, utcnow


class ReviewQueries(StoreBase):
    """The review queue and its decisions (mixed into `Store`); an answer waiting for review does not count."""

    def waiting_reviews(self, session_id: str) -> int:
        """How many of the session's answers wait for a trainer's review (review_status "needs_review")."""
        with self.db() as db:
            return int(db.scalar(select(func.count()).select_from(Response).where(
                Response.session_id == session_id, Response.review_status == "needs_review")) or 0)

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
