"""A small migration list (simonw/llm style): each entry upgrades the schema by one version.

Version 1 creates every table from the SQLAlchemy metadata. Later versions append a function that takes a
connection; `migrate` applies the ones not yet recorded in `schema_version`, in order.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine, inspect, select, text

from assessor.store.tables import Base, SchemaVersion


def _v1_create_tables(connection: Connection) -> None:
    Base.metadata.create_all(connection)


def _v2_response_grading_index(connection: Connection) -> None:
    connection.execute(text("CREATE INDEX IF NOT EXISTS ix_responses_created_at ON responses (created_at)"))


MIGRATIONS: list[Callable[[Connection], None]] = [_v1_create_tables, _v2_response_grading_index]


def current_version(engine: Engine) -> int:
    if not inspect(engine).has_table("schema_version"):
        return 0
    with engine.connect() as connection:
        versions = connection.execute(select(SchemaVersion.version)).scalars().all()
    return max(versions, default=0)


def migrate(engine: Engine) -> int:
    """Apply pending migrations; return the schema version now in force."""
    version = current_version(engine)
    for number, step in enumerate(MIGRATIONS, start=1):
        if number <= version:
            continue
        with engine.begin() as connection:
            table = Base.metadata.tables["schema_version"]
            if number == 1:
                table.create(connection, checkfirst=True)
            step(connection)
            connection.execute(table.insert().values(version=number))
    return len(MIGRATIONS)
