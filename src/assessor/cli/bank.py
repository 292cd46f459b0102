"""`assessor bank validate|stats|lint`."""

from __future__ import annotations

from pathlib import Path

import typer

from assessor.bank.lint import lint_bank
from assessor.bank.load import check_bank, load_bank
from assessor.bank.stats import bank_stats
from assessor.cli.common import default_bank_dir, print_json

bank_app = typer.Typer(help="Check and count the question bank.", no_args_is_help=True)


@bank_app.command("validate")
def validate(
    path: Path = typer.Argument(None, help="Bank folder (default: the configured bank)."),
    as_json: bool = typer.Option(False, "--json", help="Print problems as JSON."),
) -> None:
    """Check every bank file; print each problem with file, line and field. Exit 1 on any problem."""
    root = path or default_bank_dir()
    bank, problems = check_bank(root)
    if as_json:
        print_json({"ok": not problems, "bank": str(root), "items": len(bank.items),
                    "problems": [p.as_dict() for p in problems]})
    else:
        for problem in problems:
            typer.echo(f"{root}/{problem}" if not problem.file.startswith("/") else str(problem))
        if problems:
            typer.echo(f"{len(problems)} problem(s) in {root}", err=True)
        else:
            typer.echo(f"OK: {root} ({len(bank.items)} items, {len(bank.courses)} courses, {len(bank.roles)} roles)")
    raise typer.Exit(1 if problems else 0)


@bank_app.command("stats")
def stats(
    path: Path = typer.Option(None, "--bank", help="Bank folder (default: the configured bank)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Counts by domain, level, type and status; review share; language completeness."""
    root = path or default_bank_dir()
    bank, problems = check_bank(root)
    data = bank_stats(bank)
    data["problems"] = len(problems)
    if as_json:
        print_json(data)
        return
    typer.echo(f"items: {data['items']} (active {data['active_items']}), reviewed {data['reviewed_share']:.0%}, "
               f"zh {data['languages']['zh']:.0%}, en {data['languages']['en']:.0%}")
    typer.echo("by domain: " + ", ".join(f"{k} {v}" for k, v in data["by_domain"].items()))
    typer.echo("by level: " + ", ".join(f"L{k} {v}" for k, v in data["by_level"].items()))
    typer.echo("by type: " + ", ".join(f"{k} {v}" for k, v in data["by_type"].items()))
    typer.echo(f"courses: {data['courses']} ({data['course_units']} units), roles: {data['roles']}")


@bank_app.command("lint")
def lint(
    path: Path = typer.Argument(None, help="Bank folder (default: the configured bank)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Test-wise cue statistics (cue words, option length, key counts, guessers); exit 1 above the thresholds."""
    report = lint_bank(load_bank(path or default_bank_dir()))
    if as_json:
        print_json({"ok": report.ok, "figures": report.figures, "failures": report.failures})
    else:
        for lang in ("zh", "en"):
            figures = report.figures[lang]
            assert isinstance(figures, dict)
            typer.echo(f"{lang}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
        typer.echo(f"multiple-choice key counts: {report.figures['multiple_choice_key_counts']}")
        typer.echo(f"single-choice key positions: {report.figures['single_choice_key_positions']}; multiple choice "
                   f"keying its first option: {report.figures['multiple_choice_first_option_keyed']}")
        for failure in report.failures:
            typer.echo(f"FAIL {failure}")
        typer.echo("OK: no test-wise cue above its threshold" if report.ok else f"{len(report.failures)} cue check(s) failed")
    raise typer.Exit(0 if report.ok else 1)


from assessor.cli.exchange import register as _register_exchange  # noqa: E402  (export/import live there)

_register_exchange(bank_app)
