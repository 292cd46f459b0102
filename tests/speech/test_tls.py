"""The centre certificate: a CA phones trust once, a server certificate for this machine's addresses."""

from __future__ import annotations

import ipaddress
import stat
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from typer.testing import CliRunner

from assessor.tls import ensure_centre_cert, lan_ips, make_centre_cert


def sans(path: Path) -> tuple[list[str], list[str]]:
    cert = x509.load_pem_x509_certificates(path.read_bytes())[0]
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return san.get_values_for_type(x509.DNSName), [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]


def test_server_certificate_covers_lan_addresses_and_chains_to_the_ca(tmp_path: Path) -> None:
    made = make_centre_cert(tmp_path, centre="Jinan-1", extra_names=["assessor.lan"], extra_ips=["192.168.8.20"])
    names, ips = sans(made.cert)
    assert "localhost" in names and "assessor.lan" in names
    assert "127.0.0.1" in ips and "192.168.8.20" in ips and set(lan_ips()) <= set(ips)
    server, ca_in_chain = x509.load_pem_x509_certificates(made.cert.read_bytes())
    ca = x509.load_pem_x509_certificate(made.ca_cert.read_bytes())
    assert ca_in_chain == ca and server.issuer == ca.subject
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert not server.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    public = ca.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    server.verify_directly_issued_by(ca)
    assert (server.not_valid_after_utc - server.not_valid_before_utc).days <= 825  # iOS's limit
    assert stat.S_IMODE(made.key.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "centre-ca.key").stat().st_mode) == 0o600


def test_reissue_keeps_the_ca_and_reuse_keeps_the_certificate(tmp_path: Path) -> None:
    first = make_centre_cert(tmp_path)
    again = ensure_centre_cert(tmp_path)
    assert again.cert.read_bytes() == first.cert.read_bytes()
    second = make_centre_cert(tmp_path, extra_ips=["10.0.0.9"])
    assert second.ca_fingerprint == first.ca_fingerprint
    assert "10.0.0.9" in sans(second.cert)[1]


def test_centre_cert_command(tmp_path: Path) -> None:
    from assessor.cli import app

    result = CliRunner().invoke(app, ["centre", "cert", "--ip", "192.168.1.50", "--data", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "192.168.1.50" in result.output and (tmp_path / "tls" / "centre-ca.crt").is_file()
    bad = CliRunner().invoke(app, ["centre", "cert", "--ip", "not-an-ip", "--data", str(tmp_path)])
    assert bad.exit_code == 1 and "IP" in bad.output
    ipaddress.ip_address(sans(tmp_path / "tls" / "server.crt")[1][0])
