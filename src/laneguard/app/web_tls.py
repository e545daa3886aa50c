"""The web UI's own HTTPS certificate, made at the first start when none is configured, so that
terminals enrol over HTTPS from the start. Self-signed: a terminal trusts it by its file
(`laneguard terminal enroll --server-ca`) or by the SHA-256 fingerprint printed at start."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALID_DAYS = 5 * 365


@dataclass(frozen=True)
class WebCertificate:
    cert: Path
    key: Path
    made_now: bool

    def fingerprint(self) -> str:
        """SHA-256 of the certificate, as browsers show it (colon-separated hex)."""
        cert = x509.load_pem_x509_certificate(self.cert.read_bytes())
        return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def _names(host: str) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = [
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.DNSName("localhost"),
    ]
    for name in {host, socket.gethostname()} - {"", "0.0.0.0", "::", "127.0.0.1", "localhost"}:  # noqa: S104
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            names.append(x509.DNSName(name))
    return names


def self_signed(folder: Path, host: str, station: str) -> WebCertificate:
    """`<folder>/web-cert.pem` and `web-key.pem` (owner-only), made once and then reused."""
    cert_path, key_path = folder / "web-cert.pem", folder / "web-key.pem"
    if cert_path.is_file() and key_path.is_file():
        return WebCertificate(cert_path, key_path, made_now=False)
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"LaneGuard {station}"[:64])])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(_names(host)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return WebCertificate(cert_path, key_path, made_now=True)
