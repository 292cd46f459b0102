"""`assessor bank export --format qti|moodle OUT` and `assessor bank import FILE [--dry-run]`.

Registered on the `bank` group by `register(bank_app)` (called at the end of cli/bank.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import typer

from assessor.bank.load import load_bank
from assessor.bank.problems import BankError
from assessor.cli.common import default_bank_dir, print_json
from assessor.exchange.bank_io import FORMATS, Format, apply_import, export_items, plan_import, write_atomic
from assessor.exchange.common import ExchangeError


def export_command(
    out: Path = typer.Argument(..., help="File to write (a .zip for QTI, a .xml for Moodle)."),
    fmt: str = typer.Option(..., "--format", help="qti (IMS QTI 3.0 package) or moodle (Moodle XML)."),
    bank_dir: Path = typer.Option(None, "--bank", help="Bank folder (default: the configured bank)."),
) -> None:
    """Write every item of the bank as a QTI 3.0 package or a Moodle XML file."""
    if fmt not in FORMATS:
        typer.echo(f"unknown format '{fmt}': use qti or moodle", err=True)
        raise typer.Exit(2)
    root = bank_dir or default_bank_dir()
    try:
        bank = load_bank(root)
    except BankError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from error
    data = export_items(bank, cast(Format, fmt))
    write_atomic(out, data)
    typer.echo(f"wrote {len(bank.items)} items to {out} ({fmt}, {len(data)} bytes)")


def import_command(
    file: Path = typer.Argument(..., help="A QTI 3.0 package (.zip) or a Moodle XML file."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and show what would be imported; write nothing."),
    bank_dir: Path = typer.Option(None, "--bank", help="Bank folder (default: the configured bank)."),
    as_json: bool = typer.Option(False, "--json", help="Print the outcome as JSON."),
) -> None:
    """Import questions as `pilot`, unreviewed items in a new file under items/, after the bank checks pass."""
    root = bank_dir or default_bank_dir()
    try:
        plan = plan_import(file, root)
    except ExchangeError as error:
        if as_json:
            print_json({"ok": False, "written": None, "problems": [str(error)]})
        else:
            typer.echo(f"refused: {error}; nothing was written", err=True)
        raise typer.Exit(1) from error
    written = None
    if plan.ok and not dry_run:
        written = apply_import(plan)
    if as_json:
        print_json({"ok": plan.ok, "dry_run": dry_run, "format": plan.fmt, "target": str(plan.target),
                    "written": str(written) if written else None, "renamed": plan.renamed,
                    "items": [{"id": i["id"], "type": i["type"], "domain": i.get("domain"), "level": i.get("level")}
                              for i in plan.items],
                    "problems": plan.problems})
        raise typer.Exit(0 if plan.ok else 1)
    for problem in plan.problems:
        typer.echo(problem, err=True)
    if not plan.ok:
        typer.echo(f"refused: {len(plan.problems)} problem(s) in {file.name}; nothing was written", err=True)
        raise typer.Exit(1)
    back = {new: old for old, new in plan.renamed.items()}
    for item, raw in zip(plan.items, plan.origins, strict=True):
        note = f" (was {back[item['id']]})" if item["id"] in back else ""
        typer.echo(f"{item['id']}{note}: {item['type']}, {item.get('domain')}, level {item.get('level')} "
                   f"from {raw.file}:{raw.line}")
    verb = "would import" if dry_run else "imported"
    typer.echo(f"{verb} {len(plan.items)} item(s) as pilot into {plan.target}"
               + ("; nothing was written (--dry-run)" if dry_run else ""))


def register(bank_app: typer.Typer) -> None:
    """Add `export` and `import` to the `bank` command group."""
    bank_app.command("export")(export_command)
    bank_app.command("import")(import_command)
