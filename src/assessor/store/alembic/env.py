"""Alembic environment: migrations run on the connection `assessor.store.migrations` hands over."""

from __future__ import annotations

from alembic import context

from assessor.store.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through assessor.store.migrations.migrate(engine), not the alembic CLI")
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
