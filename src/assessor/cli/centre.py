"""`assessor centre init|trust|list`: the Ed25519 keys that sign a centre's sync bundles."""

from __future__ import annotations

from pathlib import Path

import typer

centre_app = typer.Typer(help="Centre keys for offline sync (a centre signs, the hub trusts).", no_args_is_help=True)


def _data_dir(data: Path | None) -> Path:
    from assessor.settings import get_settings

    return data.resolve() if data is not None else get_settings().data_dir


@centre_app.command("init")
def init(
    name: str = typer.Argument(..., help="The centre's name, e.g. Jinan-1 (letters, digits, '.', '_', '-')."),
    data: Path | None = typer.Option(None, "--data", help="Data directory (default: the configured one)."),
) -> None:
    """Make this centre's key pair (centre.key stays here; carry centre.pub to the hub)."""
    from assessor.sync import SyncError, init_centre

    folder = _data_dir(data)
    try:
        key = init_centre(folder, name)
    except SyncError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"centre {key.centre}: key {key.fingerprint}")
    typer.echo(f"give {folder / 'centre.pub'} to the hub (`assessor centre trust centre.pub`); "
               f"keep {folder / 'centre.key'} secret")
    typer.echo("Set ASSESSOR_CENTRE to the same name so new sessions carry it.")


@centre_app.command("trust")
def trust_key(
    pubfile: Path = typer.Argument(..., help="A centre.pub file made by `assessor centre init`."),
    replace: bool = typer.Option(False, "--replace", help="Replace the key already trusted for that centre."),
    data: Path | None = typer.Option(None, "--data", help="The hub's data directory (default: the configured one)."),
) -> None:
    """Register a centre's public key at the hub, so its bundles can be imported."""
    from assessor.sync import SyncError, trust

    try:
        key = trust(_data_dir(data), pubfile, replace=replace)
    except SyncError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"trusted centre {key.centre} (key {key.fingerprint})")


@centre_app.command("list")
def list_keys(data: Path | None = typer.Option(None, "--data", help="Data directory.")) -> None:
    """The centres this hub trusts, with their key fingerprints."""
    from assessor.sync import trusted

    for name, key in trusted(_data_dir(data)).items():
        typer.echo(f"{name}\t{key.fingerprint}")


def register(app: typer.Typer) -> None:
    app.add_typer(centre_app, name="centre")
