"""`assessor trainer add|list`: trainer accounts (only a password hash is stored)."""

from __future__ import annotations

import typer

trainer_app = typer.Typer(help="Trainer accounts.", no_args_is_help=True)


@trainer_app.command("add")
def add(
    username: str = typer.Argument(..., help="Login name."),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True,
                                 help="At least 8 characters (prompted when omitted)."),
    centre: str = typer.Option("default", help="Training centre."),
) -> None:
    """Create a trainer account, or set a new password for an existing one."""
    from assessor.store import open_store

    try:
        open_store().add_trainer(username, password, centre=centre)
    except ValueError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(f"trainer '{username}' saved")


@trainer_app.command("list")
def list_trainers() -> None:
    """List trainer accounts."""
    from assessor.store import open_store

    for trainer in open_store().trainers():
        typer.echo(f"{trainer.username}\t{trainer.centre}\t{trainer.created_at:%Y-%m-%d}")


def register(app: typer.Typer) -> None:
    app.add_typer(trainer_app, name="trainer")
