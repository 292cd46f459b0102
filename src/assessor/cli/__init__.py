"""The `assessor` command: a thin Typer layer over the library.

Each command group lives in its own module with a `register(app)` function; a new group is one more import
and one more entry in `COMMAND_MODULES`.
"""

from __future__ import annotations

import typer

from assessor import offline  # noqa: F401  (offline switches before anything else)
from assessor.cli import (
    backup,
    centre,
    certificate,
    engine,
    grader,
    listen,
    models,
    privacy,
    quiz,
    serve,
    sync,
    trainer,
)
from assessor.cli.bank import bank_app

app = typer.Typer(help="Assessor: offline adaptive skills assessment for domestic-service workers.", no_args_is_help=True)
app.add_typer(bank_app, name="bank")

COMMAND_MODULES = (engine, models, serve, trainer, quiz, backup, centre, sync, grader, listen, certificate, privacy)
for _module in COMMAND_MODULES:
    _module.register(app)


def main() -> None:
    app()
