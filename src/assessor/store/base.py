"""What every query group of `Store` shares: a database session from the store's sessionmaker."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker


class StoreBase:
    """The `db()` that `Store` and its query mixins open their transactions with (`Store.__init__` sets it up)."""

    _sessionmaker: sessionmaker[Session]

    def db(self) -> Session:
        return self._sessionmaker()
