"""`assessor centre init|trust|list`: the Ed25519 keys that sign a centre's sync bundles; `centre cert`: its
https certificate (src/assessor/tls.py)."""

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


@centre_app.command("cert")
def cert(
    name: list[str] = typer.Option([], "--name", help="Another host name the phones use (repeatable)."),
    ip: list[str] = typer.Option([], "--ip", help="Another IP address of this machine (repeatable)."),
    data: Path | None = typer.Option(None, "--data", help="Data directory (default: the configured one)."),
) -> None:
    """Make the centre certificate for `assessor serve --https` (this machine's LAN IPs and names as SANs)."""
    from assessor.settings import get_settings
    from assessor.tls import TLS_FOLDER, make_centre_cert

    try:
        made = make_centre_cert(_data_dir(data) / TLS_FOLDER, centre=get_settings().centre, extra_names=name,
                                extra_ips=ip)
    except ValueError as error:
        typer.echo(f"Error: not an IP address / 不是IP地址: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"server certificate {made.cert} for {', '.join(made.names + made.ips)}")
    typer.echo(f"phones trust {made.ca_cert} once (SHA-256 {made.ca_fingerprint}); steps in docs/voice.md")


def register(app: typer.Typer) -> None:
    app.add_typer(centre_app, name="centre")
