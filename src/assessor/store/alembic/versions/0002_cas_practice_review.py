"""Columns for the second wave, all in one revision so no other feature needs a migration this session.

sessions.version (compare-and-swap), sessions.kind ('assessment' | 'practice'),
responses.review_status ('auto' | 'needs_review' | 'reviewed'), responses.counted, responses.audio_path,
workers.consent_at, and the grading_reviews table (a trainer's decision on one answer).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sessions", sa.Column("version", sa.Integer, nullable=False, server_default="0"))
    op.add_column("sessions", sa.Column("kind", sa.String(16), nullable=False, server_default="assessment"))
    op.add_column("responses", sa.Column("review_status", sa.String(16), nullable=False, server_default="auto"))
    op.add_column("responses", sa.Column("counted", sa.Boolean, nullable=False, server_default=sa.true()))
    op.add_column("responses", sa.Column("audio_path", sa.String(255), nullable=True))
    op.add_column("workers", sa.Column("consent_at", sa.DateTime, nullable=True))
    op.create_table(
        "grading_reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("response_id", sa.Integer, sa.ForeignKey("responses.id"), nullable=False),
        sa.Column("trainer", sa.String(64), nullable=False),
        sa.Column("decided_at", sa.DateTime, nullable=False),
        sa.Column("points", sa.JSON, nullable=False),
        sa.Column("critical", sa.JSON, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_index("ix_grading_reviews_response_id", "grading_reviews", ["response_id"])


def downgrade() -> None:
    op.drop_index("ix_grading_reviews_response_id", table_name="grading_reviews")
    op.drop_table("grading_reviews")
    with op.batch_alter_table("workers") as batch:
        batch.drop_column("consent_at")
    with op.batch_alter_table("responses") as batch:
        for column in ("audio_path", "counted", "review_status"):
            batch.drop_column(column)
    with op.batch_alter_table("sessions") as batch:
        for column in ("kind", "version"):
            batch.drop_column(column)
