"""The bank change log: who created, edited, approved or sent back an item from the Trainer tab, and when.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bank_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("trainer", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("item_id", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("file", sa.String(255), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
    )
    op.create_index("ix_bank_changes_at", "bank_changes", ["at"])
    op.create_index("ix_bank_changes_item_id", "bank_changes", ["item_id"])


def downgrade() -> None:
    op.drop_index("ix_bank_changes_item_id", table_name="bank_changes")
    op.drop_index("ix_bank_changes_at", table_name="bank_changes")
    op.drop_table("bank_changes")
