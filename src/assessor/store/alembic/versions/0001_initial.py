"""The schema of the pre-Alembic store (its migration list, versions 1 and 2), frozen here.

Revision ID: 0001
Revises:
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trainers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("centre", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "workers",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("centre", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("role", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("centre", "code", name="uq_worker_centre_code"),
    )
    op.create_index("ix_workers_code", "workers", ["code"])
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("resume_code", sa.String(16), nullable=False),
        sa.Column("worker_id", sa.String(32), sa.ForeignKey("workers.id"), nullable=False),
        sa.Column("centre", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("target_level", sa.Integer, nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("ended_at", sa.DateTime, nullable=True),
        sa.Column("bank_version", sa.String(64), nullable=False),
        sa.Column("engine_settings", sa.JSON, nullable=False),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("results", sa.JSON, nullable=True),
        sa.Column("level_reached", sa.Integer, nullable=True),
        sa.Column("ready", sa.Boolean, nullable=True),
    )
    op.create_index("ix_sessions_worker_id", "sessions", ["worker_id"])
    op.create_index("ix_sessions_resume_code", "sessions", ["resume_code"], unique=True)
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(32), sa.ForeignKey("sessions.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("speaker", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(255), nullable=False),
        sa.Column("item_id", sa.String(16), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_messages_session_id", "messages", ["session_id"])
    op.create_table(
        "responses",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(32), sa.ForeignKey("sessions.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("item_id", sa.String(16), nullable=False),
        sa.Column("item_version", sa.Integer, nullable=False),
        sa.Column("item_params", sa.JSON, nullable=False),
        sa.Column("domain", sa.String(32), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("item_type", sa.String(24), nullable=False),
        sa.Column("answer", sa.JSON, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("category", sa.Integer, nullable=False),
        sa.Column("correct", sa.Boolean, nullable=False),
        sa.Column("pilot", sa.Boolean, nullable=False),
        sa.Column("theta", sa.JSON, nullable=False),
        sa.Column("se", sa.JSON, nullable=False),
        sa.Column("grading", sa.JSON, nullable=True),
        sa.Column("seconds", sa.Float, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("session_id", "seq", name="uq_response_session_seq"),
    )
    op.create_index("ix_responses_item_id", "responses", ["item_id"])
    op.create_index("ix_responses_session_id", "responses", ["session_id"])
    op.create_index("ix_responses_created_at", "responses", ["created_at"])


def downgrade() -> None:
    for table in ("responses", "messages", "sessions", "workers", "trainers"):
        op.drop_table(table)
