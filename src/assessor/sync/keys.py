"""Centre keys: each centre signs its bundles with an Ed25519 key; the hub trusts a list of public keys.

In a centre's data directory: `centre.key` (private, PEM, readable by its owner only) and `centre.pub`
(JSON: centre name, raw public key in base64, fingerprint) to carry to the hub. At the hub,
`trusted_centres/<NAME>.pub` holds every registered centre's public file.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from assessor.sync.errors import SyncError

PRIVATE_FILE = "centre.key"
PUBLIC_FILE = "centre.pub"
TRUSTED_DIR = "trusted_centres"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def check_centre_name(name: str) -> str:
    """The name itself if it is 1-64 letters, digits, '.', '_' or '-' (it names files and rows)."""
    if not _NAME.match(name or ""):
        raise SyncError(f"centre name {name!r}: use 1-64 letters, digits, '.', '_' or '-' (e.g. Jinan-1)")
    return name


def fingerprint(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class CentreKey:
    """A centre's name and public key (and its private key, at the centre itself)."""

    centre: str
    public_key: Ed25519PublicKey
    private_key: Ed25519PrivateKey | None = None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    def sign(self, data: bytes) -> bytes:
        if self.private_key is None:
            raise SyncError(f"no private key for centre {self.centre}: run `assessor centre init` at the centre")
        return self.private_key.sign(data)

    def verify(self, signature: bytes, data: bytes) -> bool:
        try:
            self.public_key.verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def public_json(self) -> str:
        raw = self.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return json.dumps({"centre": self.centre, "ed25519": base64.b64encode(raw).decode(),
                           "fingerprint": self.fingerprint}, indent=2) + "\n"


def init_centre(data_dir: Path, name: str) -> CentreKey:
    """Make the centre's key pair in `data_dir`; refuse if one exists (a new key would orphan old bundles)."""
    check_centre_name(name)
    private_path, public_path = data_dir / PRIVATE_FILE, data_dir / PUBLIC_FILE
    if private_path.exists():
        raise SyncError(f"{private_path} exists already: this data directory has a centre key (keep it)")
    data_dir.mkdir(parents=True, exist_ok=True)
    private = Ed25519PrivateKey.generate()
    key = CentreKey(name, private.public_key(), private)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    public_path.write_text(key.public_json(), encoding="utf-8")
    return key


def read_public(path: Path) -> CentreKey:
    """A `centre.pub` file (raises SyncError with the reason if it is not one)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        raw = base64.b64decode(data["ed25519"], validate=True)
        key = CentreKey(check_centre_name(str(data["centre"])), Ed25519PublicKey.from_public_bytes(raw))
    except FileNotFoundError as error:
        raise SyncError(f"no public key file at {path}") from error
    except (ValueError, KeyError, TypeError) as error:
        raise SyncError(f"{path} is not a centre public key file (made by `assessor centre init`): {error}") from error
    return key


def load_centre(data_dir: Path) -> CentreKey:
    """This centre's key pair from its data directory."""
    public = read_public(data_dir / PUBLIC_FILE) if (data_dir / PUBLIC_FILE).exists() else None
    private_path = data_dir / PRIVATE_FILE
    if public is None or not private_path.exists():
        raise SyncError(f"no centre key in {data_dir}: run `assessor centre init NAME` first")
    private = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise SyncError(f"{private_path} is not an Ed25519 key")
    if fingerprint(private.public_key()) != public.fingerprint:
        raise SyncError(f"{private_path} and {data_dir / PUBLIC_FILE} do not belong together")
    return CentreKey(public.centre, public.public_key, private)


def trust(data_dir: Path, public_file: Path, *, replace: bool = False) -> CentreKey:
    """Register a centre's public key at the hub; a different key for a known centre needs `replace`."""
    key = read_public(public_file)
    target = data_dir / TRUSTED_DIR / f"{key.centre}.pub"
    if target.exists() and not replace:
        known = read_public(target)
        if known.fingerprint != key.fingerprint:
            raise SyncError(f"centre {key.centre} is trusted with another key ({known.fingerprint}); "
                            "pass --replace to change it")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(key.public_json(), encoding="utf-8")
    return key


def trusted(data_dir: Path) -> dict[str, CentreKey]:
    """The centres this hub trusts, by name."""
    folder = data_dir / TRUSTED_DIR
    keys = [read_public(path) for path in sorted(folder.glob("*.pub"))] if folder.is_dir() else []
    return {key.centre: key for key in keys}
