"""Persistence: SQLAlchemy tables, Alembic migrations and the queries the app needs."""

from assessor.store.errors import StaleSession
from assessor.store.repository import SessionFilter, Store, make_engine, new_resume_code
from assessor.store.tables import AssessmentSession, GradingReview, Message, Response, Trainer, Worker

__all__ = ["AssessmentSession", "GradingReview", "Message", "Response", "SessionFilter", "StaleSession", "Store",
           "Trainer", "Worker", "make_engine", "new_resume_code", "open_store"]


def open_store(url: str | None = None) -> Store:
    """Open the configured store (settings' database URL unless `url` is given)."""
    if url is None:
        from assessor.settings import get_settings

        url = get_settings().resolved_database_url
    return Store(url)
