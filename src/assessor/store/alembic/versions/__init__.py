"""Alembic revisions, oldest first: 0001 is the schema the pre-Alembic store made."""
