"""`assessor backup PATH` and `assessor restore PATH`: copies of the whole store."""

from __future__ import annotations

from pathlib import Path

import typer


def _use_data_dir(data: Path | None) -> None:
    if data is not None:
        import os

        from assessor.settings import get_settings

        os.environ["ASSESSOR_DATA_DIR"] = str(data.resolve())
        get_settings.cache_clear()


def backup(
    path: Path = typer.Argument(..., help="New backup file (never overwritten)."),
    data: Path | None = typer.Option(None, "--data", help="Data directory (default: the configured one)."),
) -> None:
    """Back up the database: SQLite online (safe while the app runs); for PostgreSQL print the pg_dump command."""
    from assessor.settings import get_settings
    from assessor.store.backup import BackupError, backup_sqlite, pg_commands, sqlite_path

    _use_data_dir(data)
    url = get_settings().resolved_database_url
    try:
        if sqlite_path(url) is None:
            dump, restore = pg_commands(url, path)
            typer.echo("PostgreSQL: back up with the server's own tool (password from PGPASSWORD or ~/.pgpass):")
            typer.echo(f"  {dump}")
            typer.echo("and restore into an empty database with:")
            typer.echo(f"  {restore}")
            return
        target = backup_sqlite(url, path)
    except BackupError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"backup written: {target} ({target.stat().st_size} bytes)")


def restore(
    path: Path = typer.Argument(..., help="A backup file made by `assessor backup`."),
    data: Path | None = typer.Option(None, "--data", help="Empty data directory to restore into."),
) -> None:
    """Restore a SQLite backup into an empty data directory (upgraded to the current schema)."""
    from assessor.settings import get_settings
    from assessor.store.backup import BackupError, restore_sqlite

    _use_data_dir(data)
    try:
        target = restore_sqlite(path, get_settings().resolved_database_url)
    except BackupError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"restored into {target}")


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)
