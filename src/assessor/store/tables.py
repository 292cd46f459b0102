"""SQLAlchemy 2 tables: workers, sessions, responses, transcript messages, trainer accounts, grading reviews.

The schema itself is made and changed by the Alembic revisions in `store/alembic/versions/`: a change here
needs a new revision there (tests/store checks that the two agree).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Worker(Base):
    """A worker, known only by a pseudonymous id and the code chosen at the centre."""

    __tablename__ = "workers"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), index=True)
    centre: Mapped[str] = mapped_column(String(64), default="default")
    display_name: Mapped[str] = mapped_column(String(64), default="")
    language: Mapped[str] = mapped_column(String(8), default="zh")
    role: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    consent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    sessions: Mapped[list[AssessmentSession]] = relationship(back_populates="worker")
    __table_args__ = (UniqueConstraint("centre", "code", name="uq_worker_centre_code"),)


class AssessmentSession(Base):
    """One quiz. `engine_settings` are frozen at start; `state` is the engine state after the last answer.

    `version` grows by one with every state write (compare-and-swap: a write names the version it read).
    `kind` is 'assessment' or 'practice'; practice never counts in item statistics or exposure.
    """

    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    resume_code: Mapped[str] = mapped_column(String(16), unique=True, index=True)
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id"), index=True)
    centre: Mapped[str] = mapped_column(String(64), default="default")
    role: Mapped[str] = mapped_column(String(32))
    target_level: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(8), default="zh")
    status: Mapped[str] = mapped_column(String(16), default="active")
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    bank_version: Mapped[str] = mapped_column(String(64))
    engine_settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    results: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    level_reached: Mapped[int | None] = mapped_column(Integer, nullable=True)
    ready: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    kind: Mapped[str] = mapped_column(String(16), default="assessment", server_default="assessment")
    worker: Mapped[Worker] = relationship(back_populates="sessions")
    responses: Mapped[list[Response]] = relationship(back_populates="session", order_by="Response.seq")
    messages: Mapped[list[Message]] = relationship(back_populates="session", order_by="Message.seq")


class Response(Base):
    """One answer, with the item version and parameters as used and the ability after it.

    `review_status` is 'auto' (scored by the machine), 'needs_review' or 'reviewed' (by a trainer);
    an answer awaiting review has `counted` false and is not used by the engine or the item statistics.
    """

    __tablename__ = "responses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[str] = mapped_column(String(16), index=True)
    item_version: Mapped[int] = mapped_column(Integer, default=1)
    item_params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    domain: Mapped[str] = mapped_column(String(32))
    level: Mapped[int] = mapped_column(Integer)
    item_type: Mapped[str] = mapped_column(String(24))
    answer: Mapped[Any] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)
    category: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[bool] = mapped_column(Boolean, default=False)
    pilot: Mapped[bool] = mapped_column(Boolean, default=False)
    theta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    se: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    grading: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    review_status: Mapped[str] = mapped_column(String(16), default="auto", server_default="auto")
    counted: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    audio_path: Mapped[str | None] = mapped_column(String(255), nullable=True)
    session: Mapped[AssessmentSession] = relationship(back_populates="responses")
    __table_args__ = (UniqueConstraint("session_id", "seq", name="uq_response_session_seq"),)


class Message(Base):
    """Every message shown in a session: who said it, and whether it came from a model or the bank, and why."""

    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(16))  # worker | assessor
    kind: Mapped[str] = mapped_column(String(24), default="text")  # question, feedback, rephrase, summary, answer, ask, ...
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="bank")  # bank | model | worker | system
    reason: Mapped[str] = mapped_column(String(255), default="")
    item_id: Mapped[str | None] = mapped_column(String(16), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    session: Mapped[AssessmentSession] = relationship(back_populates="messages")
    __table_args__ = (Index("uq_message_session_seq", "session_id", "seq", unique=True),)


class Trainer(Base):
    """A trainer account; only the password hash is stored."""

    __tablename__ = "trainers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    centre: Mapped[str] = mapped_column(String(64), default="default")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class GradingReview(Base):
    """A trainer's decision on one free-text answer: which rubric points were said, critical errors, score."""

    __tablename__ = "grading_reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), index=True)
    trainer: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    points: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{"point": id, "said": bool}, ...]
    critical: Mapped[list[Any]] = mapped_column(JSON, default=list)  # ids of critical errors found
    score: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")


class Certificate(Base):
    """An issued result certificate (the signed claim itself is in the worker's hands, not here).

    `session_id` is a plain column, not a foreign key: the row (and its revocation) outlives a purged or deleted
    session. Revoked when `revoked_at` is set.
    """

    __tablename__ = "certificates"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    session_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    centre: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(64), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_by: Mapped[str] = mapped_column(String(64), default="")
    revoke_reason: Mapped[str] = mapped_column(String(255), default="")


class DataRightsEntry(Base):
    """Who did what to workers' personal data, and when: export, delete, purge, certificate issue/revoke.

    `subject` is the worker's random id (never the name), so the log itself holds no personal data.
    """

    __tablename__ = "data_rights_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class BankChange(Base):
    """Who changed the question bank and when, from the Trainer tab: create, edit, approve, send back.

    `version` is the item's version after the change; `comment` a reviewer's note when an item is sent back.
    """

    __tablename__ = "bank_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    trainer: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[str] = mapped_column(String(16), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    file: Mapped[str] = mapped_column(String(255), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
