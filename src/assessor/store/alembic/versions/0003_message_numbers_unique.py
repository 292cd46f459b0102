"""Transcript lines get unique numbers per session (the pre-0003 store could give two lines the same one when
two processes wrote at once): duplicates are renumbered in their stored order, then a unique index holds it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    duplicated = connection.execute(sa.text(
        "SELECT DISTINCT session_id FROM messages GROUP BY session_id, seq HAVING COUNT(*) > 1")).scalars().all()
    for session_id in duplicated:
        rows = connection.execute(sa.text("SELECT id, seq FROM messages WHERE session_id = :s ORDER BY seq, id"),
                                  {"s": session_id}).all()
        for number, (message_id, seq) in enumerate(rows, start=1):
            if seq != number:
                connection.execute(sa.text("UPDATE messages SET seq = :n WHERE id = :i"), {"n": number, "i": message_id})
    op.create_index("uq_message_session_seq", "messages", ["session_id", "seq"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_message_session_seq", table_name="messages")
