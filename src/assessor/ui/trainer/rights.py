"""The trainer's certificate and data-rights steps: issue a certificate for the open session (PDF and Open Badges
JSON to download), revoke one, export one worker's data, delete a worker after a ticked confirmation.

Each step takes the trainer's `Scope`: the trainer's name is the actor logged with who and when, the trainer's
centre (None: every centre) limits what they may touch. The libraries' refusals (no centre key, another
centre's session, unknown worker) come back as the notice, in both languages around the library's sentence.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path
from typing import Any

from assessor.credentials import registry
from assessor.credentials.claim import CredentialError
from assessor.i18n import bi
from assessor.privacy import delete_worker, export_worker
from assessor.store import Store
from assessor.ui.text import plain
from assessor.ui.trainer.auth import Problem, Scope, clean


def _refused(error: Exception) -> Problem:
    return Problem(bi("tr_refused", error=plain(str(error))))


def issue_certificate(store: Store, data_dir: Path, folder: Path, scope: Scope, session_id: str,
                      bank: Any) -> tuple[str, list[str]]:
    """Issue a certificate for `session_id`; returns (certificate id, [PDF path, JSON path])."""
    try:
        issued = registry.issue(store, data_dir, session_id, actor=scope.username, bank=bank, centre=scope.centre)
        folder.mkdir(parents=True, exist_ok=True)
        pdf, document = registry.write_certificate(issued, folder)
    except (CredentialError, ValueError) as error:
        raise _refused(error) from error
    return issued.claim.id, [str(pdf), str(document)]


def revoke_certificate(store: Store, scope: Scope, certificate_id: Any, reason: Any) -> str:
    """Revoke the certificate (of the trainer's centre); returns its id."""
    wanted = clean(certificate_id, 32)
    if not wanted:
        raise Problem(bi("tr_cert_need_id"))
    try:
        return registry.revoke(store, wanted, actor=scope.username, reason=clean(reason, 255), centre=scope.centre).id
    except (CredentialError, ValueError) as error:
        raise _refused(error) from error


def export_one_worker(store: Store, folder: Path, scope: Scope, code: Any) -> tuple[Path, int]:
    """Write the worker's data as JSON into `folder`; returns (path, sessions)."""
    wanted = clean(code, 64)
    if not wanted:
        raise Problem(bi("tr_privacy_need_code"))
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"worker-data-{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(3)}.json"
    try:
        data = export_worker(store, wanted, out, actor=scope.username, centre=scope.centre)
    except ValueError as error:
        raise _refused(error) from error
    return out, len(data.get("sessions", []))


def delete_one_worker(store: Store, scope: Scope, code: Any, confirmed: Any) -> dict[str, int]:
    """Delete the worker and everything under them, only with the confirmation ticked; returns the counts."""
    wanted = clean(code, 64)
    if not wanted:
        raise Problem(bi("tr_privacy_need_code"))
    if confirmed is not True:
        raise Problem(bi("tr_privacy_need_confirm"))
    try:
        return delete_worker(store, wanted, actor=scope.username, centre=scope.centre)
    except ValueError as error:
        raise _refused(error) from error
