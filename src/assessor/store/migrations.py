"""Schema migrations through Alembic (revisions in `store/alembic/versions/`), run whenever a Store opens.

- an empty database is upgraded to the newest revision (head);
- a database made by the pre-Alembic store (a `schema_version` table with versions 1 and 2) first gets what
  its list still lacked, is stamped at revision 0001 (that schema) and loses `schema_version`, then upgrades;
- an Alembic database is upgraded to head (nothing to do when it is there: one cheap query).

Several processes may open the same database at once: PostgreSQL serialises them with an advisory lock in
the migration's transaction, SQLite with a lock file next to the database.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

SCRIPT_DIR = Path(__file__).parent / "alembic"
LEGACY_REVISION = "0001"
_PG_LOCK_KEY = 0x4153_5345_5353  # "ASSESS": any fixed 63-bit number shared by all app processes


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory(str(SCRIPT_DIR))


def head_revision() -> str:
    """The newest revision the code knows."""
    head = _scripts().get_current_head()
    if head is None:
        raise RuntimeError(f"no Alembic revisions in {SCRIPT_DIR / 'versions'}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: empty, or made by the pre-Alembic store)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_DIR))
    config.attributes["connection"] = connection
    return config


@contextmanager
def _file_lock(engine: Engine) -> Iterator[None]:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _adopt_legacy(connection: Connection) -> None:
    """Bring a pre-Alembic database to revision 0001 and hand it to Alembic."""
    tables = set(inspect(connection).get_table_names())
    version = connection.execute(text("SELECT MAX(version) FROM schema_version")).scalar() or 0
    if version >= 1 and "responses" in tables:
        if version < 2:
            connection.execute(text("CREATE INDEX IF NOT EXISTS ix_responses_created_at ON responses (created_at)"))
        command.stamp(_config(connection), LEGACY_REVISION)
    connection.execute(text("DROP TABLE schema_version"))


def migrate(engine: Engine) -> str:
    """Upgrade the database to head if needed; return the revision now in force."""
    head = head_revision()
    if current_revision(engine) == head:
        return head
    with _file_lock(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        tables = set(inspect(connection).get_table_names())
        if "alembic_version" not in tables and "schema_version" in tables:
            _adopt_legacy(connection)
        command.upgrade(_config(connection), "head")
    return head
