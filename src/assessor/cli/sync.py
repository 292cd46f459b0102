"""`assessor sync export|import`: move results from an offline centre to the hub in a signed bundle."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

sync_app = typer.Typer(help="Offline centre -> hub sync with signed bundles.", no_args_is_help=True)


def _parse_since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise typer.BadParameter(f"{text!r}: give a date like 2026-11-30 or 2026-11-30T08:00") from error


@sync_app.command("export")
def export(
    out: Path = typer.Option(..., "--out", help="The bundle file to write (new file)."),
    since: str | None = typer.Option(None, "--since", help="Only sessions touched on or after this date (UTC)."),
    data: Path | None = typer.Option(None, "--data", help="Data directory (default: the configured one)."),
) -> None:
    """Write this centre's sessions, answers, transcripts and reviews to a bundle signed with centre.key."""
    from assessor.settings import get_settings
    from assessor.store import open_store
    from assessor.sync import SyncError, export_tables, load_centre, other_centres, write_bundle

    moment = _parse_since(since)
    folder = data.resolve() if data is not None else get_settings().data_dir
    store = open_store()
    try:
        key = load_centre(folder)
        tables = export_tables(store, key.centre, since=moment)
        manifest = write_bundle(out, key, tables, since=moment.isoformat() if moment else None)
    except SyncError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from error
    counts = ", ".join(f"{name.removesuffix('.jsonl')} {info['rows']}" for name, info in manifest["files"].items())
    typer.echo(f"bundle {out} for centre {key.centre}: {counts}")
    for name, count in other_centres(store, key.centre).items():
        typer.echo(f"Warning: {count} session(s) of centre {name!r} are not in the bundle (only {key.centre!r} and "
                   "'default' are); set ASSESSOR_CENTRE to the name given to `assessor centre init`", err=True)


@sync_app.command("import")
def import_(
    bundle_file: Path = typer.Argument(..., help="A bundle made by `assessor sync export`."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    data: Path | None = typer.Option(None, "--data", help="The hub's data directory (default: the configured one)."),
) -> None:
    """Verify a bundle against the trusted centre keys and merge it; the same bundle twice adds nothing."""
    from assessor.cli.common import print_json
    from assessor.settings import get_settings
    from assessor.store import open_store
    from assessor.sync import SyncError, import_bundle, read_bundle, trusted

    folder = data.resolve() if data is not None else get_settings().data_dir
    try:
        bundle = read_bundle(bundle_file, trusted(folder))
        report = import_bundle(open_store(), bundle)
    except SyncError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from error
    if as_json:
        print_json(report.as_dict())
        return
    typer.echo(f"centre {report.centre}:")
    for table in report.added:
        typer.echo(f"  {table}: {report.added[table]} added, {report.updated[table]} updated, "
                   f"{report.unchanged[table]} already here")
    typer.echo(f"  conflicts: {len(report.conflicts)}")
    for conflict in report.conflicts:
        typer.echo(f"    - {conflict}")


def register(app: typer.Typer) -> None:
    app.add_typer(sync_app, name="sync")
