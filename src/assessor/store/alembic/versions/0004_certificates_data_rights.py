"""Certificates (issued, revoked) and the data-rights log (export, delete, purge: who and when).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("session_id", sa.String(32), nullable=True),
        sa.Column("centre", sa.String(64), nullable=False),
        sa.Column("issued_at", sa.DateTime, nullable=False),
        sa.Column("issued_by", sa.String(64), nullable=False),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
        sa.Column("revoked_by", sa.String(64), nullable=False),
        sa.Column("revoke_reason", sa.String(255), nullable=False),
    )
    op.create_index("ix_certificates_session_id", "certificates", ["session_id"])
    op.create_table(
        "data_rights_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_data_rights_log_at", "data_rights_log", ["at"])


def downgrade() -> None:
    op.drop_index("ix_data_rights_log_at", table_name="data_rights_log")
    op.drop_table("data_rights_log")
    op.drop_index("ix_certificates_session_id", table_name="certificates")
    op.drop_table("certificates")
