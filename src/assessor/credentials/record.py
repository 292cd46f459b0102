"""The compact signed record the QR code carries: `ASC1.<base64url(claim JSON)>.<base64url(Ed25519 signature)>`.

The signature covers exactly the JSON bytes inside the record (no re-serialisation on either side), made with
the centre's key (`assessor centre init`). The string uses only URL-safe base64 letters and dots.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

from assessor.credentials.claim import Claim, CredentialError, canonical_json
from assessor.sync.keys import CentreKey

PREFIX = "ASC1"
RECORD_PATTERN = re.compile(rb"ASC1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise CredentialError(f"certificate record: the {what} is not base64url ({error})") from error


def sign_record(claim: Claim, key: CentreKey) -> str:
    """The QR string for `claim`, signed with `key` (which must hold the private key)."""
    payload = canonical_json(claim.compact())
    return f"{PREFIX}.{_b64(payload)}.{_b64(key.sign(payload))}"


def split_record(record: str) -> tuple[bytes, bytes]:
    """(signed payload bytes, signature) of a record string; CredentialError if it is not one."""
    parts = record.strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise CredentialError(f"not an Assessor certificate record (expected {PREFIX}.<claim>.<signature>)")
    return _unb64(parts[1], "claim"), _unb64(parts[2], "signature")


def parse_payload(payload: bytes) -> Claim:
    """The claim in a record's payload bytes; CredentialError if they are not one."""
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CredentialError(f"certificate record: the claim is not JSON ({error})") from error
    return Claim.from_compact(data)
