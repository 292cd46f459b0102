"""The bundle file: a zip of JSON-lines tables, a manifest with the SHA-256 of each, and the manifest's signature.

    manifest.json   {"format", "centre", "key", "created_at", "since", "files": {name: {"sha256", "rows", "bytes"}}}
    manifest.sig    Ed25519 signature of manifest.json's exact bytes, base64
    <table>.jsonl   one JSON object per row

`read_bundle` checks everything before a caller sees a row: the zip is whole, the manifest is signed by the
key the hub trusts for that centre, and every file has the listed hash and row count (no file missing, none
extra). Only the known member names are ever read, with size caps, so a crafted zip cannot write anywhere.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assessor.sync.errors import SyncError
from assessor.sync.keys import CentreKey

FORMAT = "assessor-sync/1"
TABLES = ("workers", "sessions", "responses", "messages", "grading_reviews")
MANIFEST, SIGNATURE = "manifest.json", "manifest.sig"
MAX_MEMBER_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class Bundle:
    """A verified bundle: who signed it, and the rows of each table."""

    centre: str
    created_at: str
    since: str | None
    tables: dict[str, list[dict[str, Any]]]


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(row, ensure_ascii=False, sort_keys=True).encode() + b"\n" for row in rows)


def write_bundle(path: Path, key: CentreKey, tables: dict[str, list[dict[str, Any]]], *,
                 since: str | None = None) -> dict[str, Any]:
    """Write a signed bundle of `tables` to the new file `path`; return its manifest."""
    if path.exists():
        raise SyncError(f"{path} exists already; choose a new file name")
    payloads = {f"{table}.jsonl": _jsonl(tables.get(table, [])) for table in TABLES}
    manifest = {
        "format": FORMAT,
        "centre": key.centre,
        "key": key.fingerprint,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "since": since,
        "files": {name: {"sha256": hashlib.sha256(data).hexdigest(), "rows": len(tables.get(name[:-6], [])),
                         "bytes": len(data)} for name, data in payloads.items()},
    }
    manifest_bytes = json.dumps(manifest, indent=2, sort_keys=True).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, manifest_bytes)
        archive.writestr(SIGNATURE, base64.b64encode(key.sign(manifest_bytes)))
        for name, data in payloads.items():
            archive.writestr(name, data)
    partial.replace(path)  # a half-written bundle never carries the final name
    return manifest


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError as error:
        if name == SIGNATURE:
            raise SyncError("the bundle is not signed (no manifest.sig): refused") from error
        raise SyncError(f"the bundle has no {name}: refused") from error
    if info.file_size > MAX_MEMBER_BYTES:
        raise SyncError(f"{name} in the bundle is too large ({info.file_size} bytes): refused")
    return archive.read(info)


def read_bundle(path: Path, trusted: dict[str, CentreKey]) -> Bundle:
    """Open and verify the bundle at `path` against the trusted centre keys; raise SyncError on any doubt."""
    if not path.is_file():
        raise SyncError(f"no bundle at {path}")
    try:
        with zipfile.ZipFile(path) as archive:
            if archive.testzip() is not None:
                raise SyncError("the bundle is damaged (a file fails its CRC check): refused")
            manifest_bytes = _member(archive, MANIFEST)
            signature_b64 = _member(archive, SIGNATURE)
            try:
                manifest = json.loads(manifest_bytes)
                centre, files = str(manifest["centre"]), dict(manifest["files"])
            except (ValueError, KeyError, TypeError) as error:
                raise SyncError(f"the bundle's manifest is unreadable ({error}): refused") from error
            if manifest.get("format") != FORMAT:
                raise SyncError(f"unknown bundle format {manifest.get('format')!r} (this version reads {FORMAT})")
            key = trusted.get(centre)
            if key is None:
                raise SyncError(f"centre {centre!r} is not trusted here: register its key with "
                                "`assessor centre trust centre.pub` first; nothing imported")
            try:
                signature = base64.b64decode(signature_b64, validate=True)
            except (binascii.Error, ValueError) as error:
                raise SyncError("the bundle's signature is malformed: refused") from error
            if not key.verify(signature, manifest_bytes):
                raise SyncError(f"the signature does not match centre {centre}'s trusted key {key.fingerprint} "
                                "(tampered manifest, or signed with another key): refused")
            expected = {f"{table}.jsonl" for table in TABLES}
            listed, present = set(files), set(archive.namelist()) - {MANIFEST, SIGNATURE}
            if listed != expected or present != expected:
                odd = sorted((listed ^ expected) | (present ^ expected))
                raise SyncError(f"the bundle's files do not match its manifest ({', '.join(odd)}): refused")
            tables: dict[str, list[dict[str, Any]]] = {}
            for table in TABLES:
                name = f"{table}.jsonl"
                data = _member(archive, name)
                if hashlib.sha256(data).hexdigest() != files[name].get("sha256"):
                    raise SyncError(f"{name} does not match the SHA-256 in the signed manifest (tampered): refused")
                try:
                    rows = [json.loads(line) for line in data.splitlines() if line.strip()]
                except ValueError as error:
                    raise SyncError(f"{name} is not JSON lines ({error}): refused") from error
                if not all(isinstance(row, dict) for row in rows):
                    raise SyncError(f"{name} has a line that is not a JSON object: refused")
                if len(rows) != files[name].get("rows"):
                    raise SyncError(f"{name} has {len(rows)} rows, the manifest says {files[name].get('rows')}")
                tables[table] = rows
    except zipfile.BadZipFile as error:
        raise SyncError(f"{path} is not a whole bundle (truncated or not a zip: {error}): refused") from error
    return Bundle(centre=centre, created_at=str(manifest.get("created_at")), since=manifest.get("since"), tables=tables)
