"""Trainer accounts: add (or reset) one with a hashed password, check a login, look one up, list them."""

from __future__ import annotations

from sqlalchemy import select

from assessor.store.base import StoreBase
from assessor.store.passwords import hash_password, verify_password
from assessor.store.tables import Trainer


class TrainerAccounts(StoreBase):
    """Trainer accounts (mixed into `Store`)."""

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
