"""Offline verification of a certificate: the PDF, a photo of its QR code, the record string, or the JSON.

The answer is one of valid / tampered / unknown_issuer / revoked, with the signed claim when it could be read.
Only public keys are needed: the centres registered with `assessor centre trust` (and this centre's own key),
and the revocation lists: this store's own revocations and those imported from other centres.

- unknown_issuer: the key that signed is not registered here;
- tampered: the signature does not match the content (or the content cannot be read at all);
- revoked: the signature is good but the centre revoked the certificate.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cryptography.exceptions import InvalidSignature

from assessor.credentials.claim import Claim, CredentialError
from assessor.credentials.openbadge import claim_from_credential, split_credential
from assessor.credentials.pdf import split_pdf_signature
from assessor.credentials.record import RECORD_PATTERN, parse_payload, split_record
from assessor.credentials.registry import known_keys, revoked_here, revoked_imported
from assessor.credentials.text import tx
from assessor.store import Store
from assessor.sync.keys import fingerprint

Status = Literal["valid", "tampered", "unknown_issuer", "revoked"]
MAX_FILE_BYTES = 20_000_000


@dataclass(frozen=True)
class Verdict:
    """The verification result; `claim` is the signed claim (None when it could not be read)."""

    status: Status
    detail: str
    claim: Claim | None = None
    resaved: bool = False  # a PDF without its file signature: judged by its QR record alone

    @property
    def valid(self) -> bool:
        return self.status == "valid"

    def message(self, lang: str) -> str:
        centre = self.claim.centre if self.claim else "?"
        text = tx(self.status, lang, centre=centre)
        return f"{text}\n{tx('resaved', lang)}" if self.resaved else text


def _revoked(claim: Claim, data_dir: Path, store: Store | None) -> bool:
    ids = revoked_imported(data_dir, claim.centre)
    if store is not None:
        ids |= revoked_here(store, claim.centre)
    return claim.id in ids


def _finish(claim: Claim, data_dir: Path, store: Store | None, how: str) -> Verdict:
    if _revoked(claim, data_dir, store):
        return Verdict("revoked", f"certificate {claim.id} is on centre {claim.centre}'s revocation list", claim)
    return Verdict("valid", f"{how} signed by centre {claim.centre} (key {claim.key})", claim)


def verify_record(record: str, data_dir: Path, store: Store | None = None) -> Verdict:
    """Verify a QR record string (`ASC1.…`)."""
    try:
        payload, signature = split_record(record)
        claim = parse_payload(payload)
    except CredentialError as error:
        return Verdict("tampered", str(error))
    keys = [k for k in known_keys(data_dir).values() if k.fingerprint == claim.key]
    if not keys:
        return Verdict("unknown_issuer", f"no registered centre has key {claim.key} (claimed centre {claim.centre}); "
                       "register it with `assessor centre trust centre.pub`", claim)
    key = keys[0]
    if not key.verify(signature, payload):
        return Verdict("tampered", f"the record does not match the signature of centre {key.centre}'s key", claim)
    if key.centre != claim.centre:
        return Verdict("tampered", f"signed with centre {key.centre}'s key but names centre {claim.centre}", claim)
    return _finish(claim, data_dir, store, "record")


def verify_pdf(content: bytes, data_dir: Path, store: Store | None = None) -> Verdict:
    """Verify a certificate PDF: its QR record, then the file signature by the same key (see `pdf.py`)."""
    verdict = verify_record(record_from_pdf(content), data_dir, store)
    if verdict.status not in ("valid", "revoked") or verdict.claim is None:
        return verdict
    signed = split_pdf_signature(content)
    if signed is None:
        return Verdict(verdict.status, f"{verdict.detail}; the PDF was re-saved and lost its file signature: "
                       "compare its printed text with the signed claim", verdict.claim, resaved=True)
    key = next(k for k in known_keys(data_dir).values() if k.fingerprint == verdict.claim.key)
    if not key.verify(signed[1], signed[0]):
        return Verdict("tampered", "the PDF file was changed after it was signed (its QR record is intact: "
                       "the claim shown is what the centre signed)", verdict.claim)
    return Verdict(verdict.status, f"{verdict.detail}; PDF file signature intact", verdict.claim)


def verify_credential(data: object, data_dir: Path, store: Store | None = None) -> Verdict:
    """Verify an Open Badges 3.0 credential (parsed JSON) made by `openbadge.credential`."""
    try:
        public_key, signed, signature = split_credential(data)
        claim = claim_from_credential(data)  # type: ignore[arg-type]
    except CredentialError as error:
        return Verdict("tampered", str(error))
    keys = [k for k in known_keys(data_dir).values() if k.fingerprint == fingerprint(public_key)]
    if not keys:
        return Verdict("unknown_issuer", f"the issuer's key {claim.key} is not registered here "
                       "(`assessor centre trust centre.pub`)", claim)
    try:
        public_key.verify(signature, signed)
    except InvalidSignature:
        return Verdict("tampered", "the credential does not match its proof", claim)
    if keys[0].centre != claim.centre:
        return Verdict("tampered", f"signed with centre {keys[0].centre}'s key but names centre {claim.centre}", claim)
    return _finish(claim, data_dir, store, "credential")


def record_from_pdf(content: bytes) -> str:
    """The QR record written into a certificate PDF (its Keywords); CredentialError if there is none."""
    found = RECORD_PATTERN.search(content)
    if found is None:
        try:
            from pypdf import PdfReader

            metadata = PdfReader(io.BytesIO(content)).metadata
            keywords = str(metadata.get("/Keywords", "")) if metadata is not None else ""
            found_text = RECORD_PATTERN.search(keywords.encode())
        except Exception as error:  # a damaged or foreign PDF
            raise CredentialError(f"this PDF holds no Assessor certificate record ({error})") from error
        if found_text is None:
            raise CredentialError("this PDF holds no Assessor certificate record")
        return found_text.group(0).decode("ascii")
    return found.group(0).decode("ascii")


def record_from_image(content: bytes) -> str:
    """The record in a photo or scan of the QR code (PNG, JPEG…); needs pyzbar and Debian's libzbar0."""
    try:
        from PIL import Image
        from pyzbar.pyzbar import decode
    except ImportError as error:  # pyzbar imports libzbar0 at import time
        raise CredentialError(f"reading a QR photo needs pyzbar and libzbar0 "
                              f"(pip install pyzbar; apt-get install libzbar0): {error}") from error
    try:
        image = Image.open(io.BytesIO(content))
        image.load()
    except Exception as error:
        raise CredentialError(f"not a readable image ({error})") from error
    for symbol in decode(image.convert("L")):
        text = symbol.data.decode("utf-8", "replace")
        if text.startswith("ASC1."):
            return text
    raise CredentialError("no Assessor certificate QR code found in the image (try a sharper, straighter photo)")


def verify_bytes(content: bytes, data_dir: Path, store: Store | None = None) -> Verdict:
    """Verify whatever `content` is: a PDF, an image of the QR code, a record string or a credential JSON."""
    head = content[:16].lstrip()
    try:
        if content.startswith(b"%PDF"):
            return verify_pdf(content, data_dir, store)
        if head.startswith(b"{"):
            try:
                data = json.loads(content.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                return Verdict("tampered", f"the JSON cannot be read ({error})")
            return verify_credential(data, data_dir, store)
        if head.startswith(b"ASC1."):
            return verify_record(content.decode("ascii", "replace").strip(), data_dir, store)
        return verify_record(record_from_image(content), data_dir, store)
    except CredentialError as error:
        return Verdict("tampered", str(error))


def verify_file(path: Path, data_dir: Path, store: Store | None = None) -> Verdict:
    """Verify the certificate file at `path`; raises CredentialError when it cannot be read at all."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CredentialError(f"{path}: {size} bytes is too large for a certificate (at most {MAX_FILE_BYTES})")
        content = path.read_bytes()
    except OSError as error:
        raise CredentialError(f"{path}: cannot read it ({error.strerror})") from error
    return verify_bytes(content, data_dir, store)
