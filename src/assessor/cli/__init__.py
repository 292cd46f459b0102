"""The `assessor` command: a thin Typer layer over the library.

Each command group lives in its own module and is registered here.
"""

from __future__ import annotations

import typer

from assessor import offline  # noqa: F401  (offline switches before anything else)
from assessor.cli.bank import bank_app

app = typer.Typer(help="Assessor: offline adaptive skills assessment for domestic-service workers.", no_args_is_help=True)
app.add_typer(bank_app, name="bank")


def _register_optional() -> None:
    """Command groups from other packages; each module exposes `register(app)`."""
    import importlib

    for name in ("assessor.cli.engine", "assessor.cli.models", "assessor.cli.serve", "assessor.cli.trainer", "assessor.cli.quiz",
                 "assessor.cli.backup", "assessor.cli.centre", "assessor.cli.sync"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name == name:
                continue
            raise
        module.register(app)


_register_optional()


def main() -> None:
    app()
