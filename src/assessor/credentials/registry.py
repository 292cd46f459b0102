"""Issuing and revoking certificates at a centre, and the signed revocation list a hub imports.

A revocation list file is JSON: {"type": "AssessorRevocationList", "centre", "key" (fingerprint), "date",
"revoked": [certificate ids, sorted], "signature"}; the signature (Ed25519, base64url) covers the canonical
JSON (`canonical_json`) of every other field. `assessor certificate revocations --out FILE` writes one at the
centre; `--import FILE` at the hub checks it against the centre's registered key and keeps it in
`DATA_DIR/revocations/<centre>.json`, where `verify` reads it.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from assessor.credentials.claim import (
    Claim,
    CredentialError,
    canonical_json,
    claim_from_session,
    find_session,
)
from assessor.credentials.openbadge import credential
from assessor.credentials.pdf import certificate_pdf, sign_pdf
from assessor.credentials.record import sign_record
from assessor.privacy import record_action, write_atomic
from assessor.store import Store
from assessor.store.tables import Certificate, utcnow
from assessor.sync.errors import SyncError
from assessor.sync.keys import PRIVATE_FILE, PUBLIC_FILE, CentreKey, load_centre, read_public, trusted

REVOCATIONS_DIR = "revocations"


@dataclass(frozen=True)
class Issued:
    """A certificate just issued: the claim, the QR record string, the Open Badges credential and the PDF."""

    claim: Claim
    record: str
    credential: dict[str, Any]
    pdf: bytes


def centre_key(data_dir: Path) -> CentreKey:
    """This centre's signing key; CredentialError saying how to make one when there is none."""
    if not (data_dir / PRIVATE_FILE).is_file():
        raise CredentialError(f"no centre key in {data_dir}: certificates are signed with the centre's key. Make it "
                              f"once with `assessor centre init NAME --data {data_dir}` (keep centre.key secret; "
                              "give centre.pub to the hub: `assessor centre trust centre.pub`)")
    try:
        return load_centre(data_dir)
    except SyncError as error:
        raise CredentialError(str(error)) from error


def issue(store: Store, data_dir: Path, ref: str, *, actor: str, bank: Any = None, reuse: bool = False,
          centre: str | None = None) -> Issued:
    """Issue a certificate for the finished session `ref` (id or resume code), signed with the centre key.

    The certificate row and a data-rights log line (who, when) are stored; the documents are returned.
    With `reuse` (a worker downloading theirs again), the session's newest unrevoked certificate is made again
    under the same number (Ed25519 is deterministic: the same bytes) and nothing is stored.
    `centre` (a trainer's centre; None for one who sees every centre) refuses sessions of other centres.
    """
    if not actor.strip():
        raise CredentialError("issuing needs the trainer's name (who issued it)")
    key = centre_key(data_dir)
    session = find_session(store, ref)
    if centre is not None and session.centre != centre:
        raise CredentialError(f"no session with id or resume code {ref!r} in centre {centre}")
    if session.centre not in (key.centre, "default"):
        raise CredentialError(f"session {session.id} belongs to centre {session.centre}, "
                              f"but this data directory's key is centre {key.centre}")
    worker = store.get_worker(session.worker_id)
    if worker is None:
        raise CredentialError(f"session {session.id}: its worker was deleted")
    existing = next((c for c in certificates(store, session.id) if c.revoked_at is None), None) if reuse else None
    claim = claim_from_session(session, worker, key_fingerprint=key.fingerprint,
                               certificate_id=existing.id if existing is not None else None)
    claim = Claim(**{**claim.__dict__, "centre": key.centre})
    record = sign_record(claim, key)
    document = credential(claim, key, bank)
    pdf = sign_pdf(certificate_pdf(claim, record, bank), key)
    if existing is not None:
        return Issued(claim, record, document, pdf)
    with store.db() as db, db.begin():
        db.add(Certificate(id=claim.id, session_id=session.id, centre=key.centre, issued_at=utcnow(),
                           issued_by=actor.strip()[:64], revoked_by="", revoke_reason=""))
    record_action(store, actor=actor, action="certificate_issue", subject=worker.id,
                  detail={"certificate": claim.id, "session": session.id})
    return Issued(claim, record, document, pdf)


def write_certificate(issued: Issued, folder: Path) -> tuple[Path, Path]:
    """Write `certificate-<id>.pdf` and `certificate-<id>.json` into `folder` (each through a temporary file and
    a rename); return their paths (what a download button serves)."""
    pdf, document = folder / f"certificate-{issued.claim.id}.pdf", folder / f"certificate-{issued.claim.id}.json"
    write_atomic(pdf, issued.pdf)
    write_atomic(document, json.dumps(issued.credential, ensure_ascii=False, indent=2) + "\n")
    return pdf, document


def revoke(store: Store, certificate_id: str, *, actor: str, reason: str = "", centre: str | None = None) -> Certificate:
    """Mark a certificate revoked (who, when, why); CredentialError if there is no such certificate (of `centre`,
    when given: a trainer revokes only their own centre's)."""
    if not actor.strip():
        raise CredentialError("revoking needs the trainer's name (who revoked it)")
    with store.db() as db, db.begin():
        row = db.get(Certificate, certificate_id.strip())
        if row is None or (centre is not None and row.centre != centre):
            raise CredentialError(f"no certificate {certificate_id!r} was issued here"
                                  + (f" by centre {centre}" if centre is not None else ""))
        if row.revoked_at is None:
            row.revoked_at, row.revoked_by, row.revoke_reason = utcnow(), actor.strip()[:64], reason[:255]
    record_action(store, actor=actor, action="certificate_revoke", subject="",
                  detail={"certificate": row.id, "reason": reason[:255]})
    return row


def certificates(store: Store, session_id: str | None = None) -> list[Certificate]:
    """Issued certificates, newest first (of one session when given)."""
    query = select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id)
    if session_id is not None:
        query = query.where(Certificate.session_id == session_id)
    with store.db() as db:
        return list(db.scalars(query))


def revoked_here(store: Store, centre: str) -> set[str]:
    """Ids of the certificates this store revoked for `centre`."""
    with store.db() as db:
        return set(db.scalars(select(Certificate.id).where(Certificate.centre == centre,
                                                           Certificate.revoked_at.is_not(None))))


def revocation_list(store: Store, data_dir: Path) -> dict[str, Any]:
    """The centre's signed revocation list (see the module docstring)."""
    key = centre_key(data_dir)
    body = {"type": "AssessorRevocationList", "centre": key.centre, "key": key.fingerprint,
            "date": date.today().isoformat(), "revoked": sorted(revoked_here(store, key.centre))}
    signature = base64.urlsafe_b64encode(key.sign(canonical_json(body))).rstrip(b"=").decode()
    return {**body, "signature": signature}


def _checked_list(data: Any, keys: dict[str, CentreKey], where: str) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("type") != "AssessorRevocationList":
        raise CredentialError(f"{where}: not an Assessor revocation list")
    body = {k: v for k, v in data.items() if k != "signature"}
    key = keys.get(str(data.get("centre")))
    if key is None:
        raise CredentialError(f"{where}: centre {data.get('centre')!r} is not registered "
                              "(`assessor centre trust centre.pub` first)")
    try:
        signature = base64.urlsafe_b64decode(str(data.get("signature", "")) + "==")
    except (binascii.Error, ValueError) as error:
        raise CredentialError(f"{where}: the signature is not base64url") from error
    if not key.verify(signature, canonical_json(body)):
        raise CredentialError(f"{where}: the signature does not match centre {key.centre}'s registered key")
    if not isinstance(data.get("revoked"), list):
        raise CredentialError(f"{where}: 'revoked' must be a list of certificate ids")
    return data


def known_keys(data_dir: Path) -> dict[str, CentreKey]:
    """Every key a verifier here accepts: the centres it trusts, and its own centre's key."""
    keys = dict(trusted(data_dir))
    own = data_dir / PUBLIC_FILE
    if own.is_file():
        key = read_public(own)
        keys.setdefault(key.centre, key)
    return keys


def import_revocations(data_dir: Path, path: Path) -> tuple[str, int]:
    """Check a centre's revocation list against its registered key and keep it; (centre, ids revoked)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CredentialError(f"{path}: cannot read a revocation list ({error})") from error
    checked = _checked_list(data, known_keys(data_dir), str(path))
    folder = data_dir / REVOCATIONS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(checked, out, ensure_ascii=False, indent=2)
    os.replace(temporary, folder / f"{checked['centre']}.json")
    return str(checked["centre"]), len(checked["revoked"])


def revoked_imported(data_dir: Path, centre: str) -> set[str]:
    """Ids in the revocation list imported for `centre` (checked again against its key), or none."""
    path = data_dir / REVOCATIONS_DIR / f"{centre}.json"
    if not path.is_file():
        return set()
    data = _checked_list(json.loads(path.read_text(encoding="utf-8")), known_keys(data_dir), str(path))
    return {str(i) for i in data["revoked"]}
