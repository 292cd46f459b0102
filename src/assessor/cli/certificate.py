"""`assessor certificate` (issue, revoke, list, revocation lists) and `assessor verify FILE`, all offline.

`assessor certificate SESSION_ID_OR_RESUME_CODE --out FILE.pdf [--json FILE.json]` is short for
`assessor certificate issue …`. `assessor verify` exits 0 only for a valid certificate: 1 tampered,
3 unknown issuer, 4 revoked, 2 when the file cannot be read.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

EXIT_CODES = {"valid": 0, "tampered": 1, "unknown_issuer": 3, "revoked": 4}


class _IssueByDefault(TyperGroup):
    """A group whose first argument, when it is not a subcommand, is the session to issue for."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["issue", *args]
        return super().parse_args(ctx, args)


certificate_app = typer.Typer(
    cls=_IssueByDefault, no_args_is_help=True,
    help="Result certificates signed with the centre key. Issue one: "
         "assessor certificate SESSION_ID_OR_RESUME_CODE --out FILE.pdf [--json FILE.json] [--by NAME]; "
         "revoke one: assessor certificate revoke ID [--reason TEXT].")

_DATA = typer.Option(None, "--data", help="Data directory with the centre key (default: the configured one).")
_BY = typer.Option(None, "--by", help="Who does it, for the log (default: your login name).")


def _data_dir(data: Path | None) -> Path:
    from assessor.settings import get_settings

    return data.resolve() if data is not None else get_settings().data_dir


def _store(data: Path | None, *, create: bool = True) -> Any:
    """The store of the data directory; None when `create` is false and a SQLite database is not there."""
    from assessor.settings import get_settings, load_settings
    from assessor.store import Store

    settings = load_settings(data_dir=data.resolve()) if data is not None else get_settings()
    url = settings.resolved_database_url
    if not create and url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return None
    return Store(url)


def _bank() -> Any:
    """The question bank for role and area names, or None if it does not load (ids are printed then)."""
    from assessor.bank.load import load_bank
    from assessor.settings import get_settings

    try:
        return load_bank(get_settings().bank_dir)
    except Exception:
        return None


def _who(by: str | None) -> str:
    return (by or getpass.getuser() or "").strip()


def _fail(message: object, code: int = 1) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code)


@certificate_app.command("issue")
def issue_command(
    session: str = typer.Argument(..., help="Session id or the worker's resume code (a finished assessment)."),
    out: Path = typer.Option(..., "--out", help="The certificate PDF to write."),
    json_out: Path | None = typer.Option(None, "--json", help="Also write the Open Badges 3.0 credential (JSON)."),
    by: str | None = _BY,
    data: Path | None = _DATA,
) -> None:
    """Issue a certificate: a PDF with a signed QR code (and the same claim as an Open Badges 3.0 JSON)."""
    from assessor.credentials import CredentialError, issue
    from assessor.privacy import write_atomic

    try:
        issued = issue(_store(data), _data_dir(data), session, actor=_who(by), bank=_bank())
    except (CredentialError, ValueError) as error:
        raise _fail(error) from error
    write_atomic(out, issued.pdf)
    typer.echo(f"certificate {issued.claim.id} for {issued.claim.name}: {out}")
    if json_out is not None:
        write_atomic(json_out, json.dumps(issued.credential, ensure_ascii=False, indent=2) + "\n")
        typer.echo(f"Open Badges 3.0 credential: {json_out}")


@certificate_app.command("revoke")
def revoke_command(
    certificate_id: str = typer.Argument(..., help="The certificate number printed on it."),
    reason: str = typer.Option("", "--reason", help="Why (kept in the log)."),
    by: str | None = _BY,
    data: Path | None = _DATA,
) -> None:
    """Revoke a certificate issued here; hubs learn it from `assessor certificate revocations --out`."""
    from assessor.credentials import CredentialError, revoke

    try:
        revoke(_store(data), certificate_id, actor=_who(by), reason=reason)
    except (CredentialError, ValueError) as error:
        raise _fail(error) from error
    typer.echo(f"certificate {certificate_id} revoked")


@certificate_app.command("list")
def list_command(data: Path | None = _DATA) -> None:
    """Certificates issued here: number, session, date, who issued, revoked."""
    from assessor.credentials import certificates

    for c in certificates(_store(data)):
        revoked = f"revoked {c.revoked_at:%Y-%m-%d} by {c.revoked_by}" if c.revoked_at else "valid"
        typer.echo(f"{c.id}\t{c.session_id or '-'}\t{c.issued_at:%Y-%m-%d}\t{c.issued_by}\t{revoked}")


@certificate_app.command("revocations")
def revocations_command(
    out: Path | None = typer.Option(None, "--out", help="Write this centre's signed revocation list here."),
    import_file: Path | None = typer.Option(None, "--import", help="At a hub: take a centre's revocation list."),
    data: Path | None = _DATA,
) -> None:
    """Carry revocations to a hub: `--out FILE` at the centre, `--import FILE` at the hub."""
    from assessor.credentials import CredentialError, import_revocations, revocation_list
    from assessor.privacy import write_atomic

    if (out is None) == (import_file is None):
        raise _fail("give one of --out FILE (at the centre) or --import FILE (at the hub)", 2)
    try:
        if out is not None:
            listing = revocation_list(_store(data), _data_dir(data))
            write_atomic(out, json.dumps(listing, ensure_ascii=False, indent=2) + "\n")
            typer.echo(f"{len(listing['revoked'])} revoked certificate(s) of {listing['centre']}: {out}")
        elif import_file is not None:
            centre, count = import_revocations(_data_dir(data), import_file)
            typer.echo(f"revocation list of {centre} taken: {count} revoked certificate(s)")
    except CredentialError as error:
        raise _fail(error) from error


def verify(
    file: Path = typer.Argument(..., help="The certificate PDF, a photo of its QR code (PNG/JPEG), or its JSON."),
    lang: str = typer.Option("zh", "--lang", help="zh or en."),
    as_json: bool = typer.Option(False, "--json", help="Print the verdict and claim as JSON."),
    data: Path | None = typer.Option(None, "--data", help="Data directory with the trusted centre keys."),
) -> None:
    """Check a certificate offline: valid (exit 0), tampered (1), unknown issuer (3) or revoked (4)."""
    from assessor.credentials import CredentialError, verify_file
    from assessor.credentials.text import claim_lines

    try:
        verdict = verify_file(file, _data_dir(data), _store(data, create=False))
    except CredentialError as error:
        raise _fail(error, 2) from error
    if as_json:
        claim = verdict.claim.compact() if verdict.claim else None
        typer.echo(json.dumps({"status": verdict.status, "detail": verdict.detail, "claim": claim},
                              ensure_ascii=False, indent=2))
    else:
        typer.echo(verdict.message(lang))
        typer.echo(f"  ({verdict.detail})")
        if verdict.claim is not None:
            for line in claim_lines(verdict.claim, lang, _bank()):
                typer.echo(f"  {line}")
    raise typer.Exit(EXIT_CODES[verdict.status])


def register(app: typer.Typer) -> None:
    app.add_typer(certificate_app, name="certificate")
    app.command("verify")(verify)
