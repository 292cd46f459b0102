"""`assessor purge` and `assessor worker export|delete|log|notice`: workers' personal information (PIPL).

Every export, deletion and purge is logged with who (`--by`, default your login name) and when.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from assessor.store import Store

worker_app = typer.Typer(help="One worker's data: export it, delete it, see the log, show the consent notice.",
                         no_args_is_help=True)

_BY = typer.Option(None, "--by", help="Who does it, for the log (default: your login name).")
_CENTRE = typer.Option(None, "--centre", help="The worker's centre, when the same code exists in several.")


def _who(by: str | None) -> str:
    return (by or getpass.getuser() or "").strip()


def _store() -> Store:
    from assessor.store import open_store

    return open_store()


def _fail(message: object, code: int = 1) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code)


@worker_app.command("export")
def export(
    worker: str = typer.Argument(..., help="The worker's code (or id)."),
    out: Path = typer.Option(..., "--out", help="The JSON file to write (all sessions, answers and messages)."),
    centre: str | None = _CENTRE,
    by: str | None = _BY,
) -> None:
    """Write everything stored about one worker to a file (their right to a copy)."""
    from assessor.privacy import export_worker

    try:
        data = export_worker(_store(), worker, out, actor=_who(by), centre=centre)
    except (ValueError, OSError) as error:
        raise _fail(error) from error
    typer.echo(f"worker {data['worker']['code']}: {len(data['sessions'])} session(s) written to {out}")


@worker_app.command("delete")
def delete(
    worker: str = typer.Argument(..., help="The worker's code (or id)."),
    centre: str | None = _CENTRE,
    by: str | None = _BY,
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Delete a worker and all their sessions, answers and messages (on their request); logged."""
    from assessor.privacy import delete_worker, find_worker

    store = _store()
    try:
        found = find_worker(store, worker, centre)
        if not yes and not typer.confirm(f"Delete worker {found.code} ({found.centre}) and all their data?"):
            raise _fail("nothing deleted", 1)
        counts = delete_worker(store, found.id, actor=_who(by))
    except ValueError as error:
        raise _fail(error) from error
    typer.echo(f"worker {found.code} deleted: {counts['sessions']} session(s), {counts['responses']} answer(s), "
               f"{counts['messages']} message(s)")


@worker_app.command("log")
def log(worker: str | None = typer.Argument(None, help="Only this worker (code or id).")) -> None:
    """The data-rights log: when, who, what, about which worker (by id)."""
    from assessor.privacy import data_rights_log, find_worker

    store = _store()
    try:
        subject = find_worker(store, worker).id if worker else None
    except ValueError as error:
        raise _fail(error) from error
    for entry in data_rights_log(store, subject):
        typer.echo(f"{entry.at:%Y-%m-%d %H:%M:%S}\t{entry.actor}\t{entry.action}\t{entry.subject or '-'}\t"
                   f"{json.dumps(entry.detail, ensure_ascii=False)}")


@worker_app.command("notice")
def notice(lang: str = typer.Option("zh", "--lang", help="zh or en."),
           months: int | None = typer.Option(None, "--months",
                                             help="How long personal data is kept (default: retention_months).")
           ) -> None:
    """Print the consent notice workers accept before the first question."""
    from assessor.privacy import consent_notice
    from assessor.settings import get_settings

    typer.echo(consent_notice(lang, months or get_settings().retention_months))


def purge(
    older_than: str | None = typer.Option(None, "--older-than",
                                          help="Age, e.g. 24m (months) or 2y (default: the retention_months setting)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only count; change nothing."),
    by: str | None = _BY,
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
) -> None:
    """Anonymise sessions older than the retention: personal data goes, answers stay for item statistics."""
    from assessor.privacy import parse_age
    from assessor.privacy import purge as run_purge
    from assessor.settings import get_settings

    try:
        months = parse_age(older_than) if older_than is not None else get_settings().retention_months
        report = run_purge(_store(), months=months, actor=_who(by), dry_run=dry_run)
    except ValueError as error:
        raise _fail(error, 2) from error
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
        return
    verb = "would anonymise" if dry_run else "anonymised"
    typer.echo(f"sessions before {report.cutoff:%Y-%m-%d}: {verb} {report.sessions} session(s), "
               f"{report.messages_deleted} message(s) deleted, {report.responses_kept} answer(s) kept without "
               f"personal data, {report.workers_deleted} worker(s) deleted" + (" (dry run: nothing changed)"
                                                                                  if dry_run else ""))


def register(app: typer.Typer) -> None:
    app.add_typer(worker_app, name="worker")
    app.command("purge")(purge)
