"""The centre's own certificate, so phones on the centre's Wi-Fi reach the app over https (browsers give a
page the microphone only in a secure context: https, or localhost).

`make_centre_cert(folder)` keeps a centre CA (`centre-ca.crt`, ten years; its key never leaves the folder)
and issues the server certificate (`server.crt`/`server.key`, 825 days, the longest iOS accepts) for this
machine's LAN addresses and host names as subject alternative names. Phones trust `centre-ca.crt` once
(docs/voice.md); when the laptop's address changes, a new server certificate is issued under the same CA and
nothing changes on the phones.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path

TLS_FOLDER = "tls"
CA_DAYS = 3650
SERVER_DAYS = 825


@dataclass(frozen=True)
class CentreCert:
    """The files `assessor serve --https` uses, the CA file phones trust, and what the certificate covers."""

    cert: Path
    key: Path
    ca_cert: Path
    names: tuple[str, ...]
    ips: tuple[str, ...]
    ca_fingerprint: str


def lan_ips() -> list[str]:
    """This machine's IPv4 addresses: loopback, the address of the default route (found without sending a
    packet) and those its host name resolves to."""
    found = ["127.0.0.1"]
    for probe in ("192.168.1.1", "10.255.255.255"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                sock.connect((probe, 9))  # UDP connect: picks the route, sends nothing
                found.append(sock.getsockname()[0])
        except OSError:
            pass
    with contextlib.suppress(OSError):
        found += [str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)]
    return [ip for ip in dict.fromkeys(found) if ip != "0.0.0.0"]


def host_names() -> list[str]:
    """localhost, this machine's host name and its mDNS name (NAME.local)."""
    name = socket.gethostname().strip()
    names = ["localhost"]
    if name and name != "localhost":
        names += [name, f"{name.split('.')[0]}.local"]
    return list(dict.fromkeys(names))


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _fingerprint(cert: object) -> str:
    from cryptography.hazmat.primitives import hashes

    return cert.fingerprint(hashes.SHA256()).hex(":").upper()  # type: ignore[attr-defined]


def _load_or_make_ca(folder: Path, centre: str) -> tuple[object, object]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    ca_key_path, ca_cert_path = folder / "centre-ca.key", folder / "centre-ca.crt"
    if ca_key_path.is_file() and ca_cert_path.is_file():
        key = serialization.load_pem_private_key(ca_key_path.read_bytes(), password=None)
        return key, x509.load_pem_x509_certificate(ca_cert_path.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Assessor centre CA {centre}"[:64]),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Assessor")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    _write_private(ca_key_path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
    ca_cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


def make_centre_cert(folder: Path, *, centre: str = "default", extra_names: list[str] | None = None,
                     extra_ips: list[str] | None = None) -> CentreCert:
    """Issue `folder/server.crt` + `server.key` for this machine's addresses (plus `extra_*`), signed by the
    centre CA in `folder` (made on first use). ValueError for an address that is not an IP."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    ips = list(dict.fromkeys([*lan_ips(), *(extra_ips or [])]))
    addresses = [ipaddress.ip_address(ip) for ip in ips]  # ValueError names a bad one
    names = list(dict.fromkeys([*host_names(), *(name.strip() for name in extra_names or [] if name.strip())]))
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca_cert = _load_or_make_ca(folder, centre)
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    sans: list[x509.GeneralName] = [x509.DNSName(n) for n in names]
    sans += [x509.IPAddress(a) for a in addresses]
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[-1][:64])]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())  # type: ignore[attr-defined]
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=SERVER_DAYS))
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),  # type: ignore[attr-defined]
                           critical=False)
            .sign(ca_key, hashes.SHA256()))  # type: ignore[arg-type]
    cert_path, key_path = folder / "server.crt", folder / "server.key"
    _write_private(key_path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    # the chain (server, then CA) so a phone that trusts the CA can verify the server certificate
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM)
                          + ca_cert.public_bytes(serialization.Encoding.PEM))  # type: ignore[attr-defined]
    return CentreCert(cert=cert_path, key=key_path, ca_cert=folder / "centre-ca.crt", names=tuple(names),
                      ips=tuple(ips), ca_fingerprint=_fingerprint(ca_cert))


def ensure_centre_cert(folder: Path, *, centre: str = "default") -> CentreCert:
    """The existing server certificate in `folder` when it is still valid for 30 days and covers this
    machine's current addresses; otherwise a new one (same CA)."""
    from cryptography import x509

    cert_path, key_path = folder / "server.crt", folder / "server.key"
    if cert_path.is_file() and key_path.is_file() and (folder / "centre-ca.crt").is_file():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        covered = {str(ip) for ip in san.get_values_for_type(x509.IPAddress)}
        fresh = cert.not_valid_after_utc - dt.datetime.now(dt.UTC) > dt.timedelta(days=30)
        if fresh and set(lan_ips()) <= covered:
            ca = x509.load_pem_x509_certificate((folder / "centre-ca.crt").read_bytes())
            return CentreCert(cert_path, key_path, folder / "centre-ca.crt",
                              tuple(san.get_values_for_type(x509.DNSName)), tuple(sorted(covered)), _fingerprint(ca))
    return make_centre_cert(folder, centre=centre)
