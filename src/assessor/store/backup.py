"""Backups of the store: SQLite through its online backup API (safe while the app runs), PostgreSQL by pg_dump.

`backup_sqlite` copies a live database page by page into one self-contained file; `restore_sqlite` copies a
backup into an empty data directory and upgrades it to the current schema. For PostgreSQL the server's own
tools are the right ones: `pg_commands` gives the pg_dump / pg_restore lines to run.
"""

from __future__ import annotations

import shlex
import sqlite3
from pathlib import Path

from sqlalchemy.engine import URL, make_url

DATABASE_FILE = "assessor.sqlite"
_TABLES = {"workers", "sessions", "responses", "messages", "trainers"}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for another database (or an in-memory one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _copy(source: Path, target: Path) -> None:
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    src.close()
    dst.close()


def backup_sqlite(url: str, target: Path) -> Path:
    """Copy the SQLite database at `url` into the new file `target` while the app may be running."""
    source = sqlite_path(url)
    if source is None:
        raise BackupError(f"not a SQLite database file: {make_url(url).render_as_string(hide_password=True)}")
    if not source.exists():
        raise BackupError(f"no database at {source}: nothing to back up")
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name (a backup never overwrites)")
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(source, target)
    return target


def check_backup(path: Path) -> None:
    """Raise BackupError unless `path` is an intact SQLite database made by this app."""
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            ok = db.execute("PRAGMA integrity_check").fetchone()
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        db.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database ({error})") from error
    if not ok or ok[0] != "ok":
        raise BackupError(f"{path} is damaged: integrity check says {ok[0] if ok else 'nothing'}")
    missing = _TABLES - tables
    if missing:
        raise BackupError(f"{path} is not an Assessor backup (missing tables: {', '.join(sorted(missing))})")


def restore_sqlite(backup: Path, url: str) -> Path:
    """Copy `backup` into the (absent or empty) SQLite database at `url`, then upgrade it to the current schema."""
    target = sqlite_path(url)
    if target is None:
        raise BackupError("restore works on a SQLite data directory; for PostgreSQL use pg_restore "
                          "(see `assessor backup` for the command)")
    check_backup(backup)
    if target.exists() and target.stat().st_size > 0:
        raise BackupError(f"{target} exists already: restore only into an empty data directory "
                          "(move the old database away first)")
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(backup, target)
    from assessor.store.repository import Store

    Store(f"sqlite:///{target}").engine.dispose()  # applies any migration newer than the backup
    return target


def pg_commands(url: str, target: Path) -> tuple[str, str]:
    """The pg_dump line that backs up the PostgreSQL database at `url` into `target`, and the pg_restore line.

    The password is never printed: pg_dump reads it from PGPASSWORD or ~/.pgpass.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise BackupError(f"not a PostgreSQL URL: {parsed.render_as_string(hide_password=True)}")
    libpq = URL.create("postgresql", username=parsed.username, host=parsed.host, port=parsed.port,
                       database=parsed.database)
    conninfo = libpq.render_as_string(hide_password=False)
    dump = f"pg_dump --format=custom --no-owner --file {shlex.quote(str(target))} {shlex.quote(conninfo)}"
    restore = f"pg_restore --no-owner --exit-on-error --dbname {shlex.quote(conninfo)} {shlex.quote(str(target))}"
    return dump, restore
