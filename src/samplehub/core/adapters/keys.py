"""The institute's keys: the X.509 signing key and certificate (PDF and DCC signatures, chained
to the institute's CA) and the Ed25519 anchor key (signed heads of the chain of custody).

Demo: ``samplehub keys init`` (or the first start of ``serve``/``demo`` when none exist) makes a
self-signed institute CA, a signing certificate it issues, and the anchor key under
``data_dir/keys``, each file readable by its owner only (0600). Production: the signing key,
its certificate and chain come from a PKCS#12 file (``signing.keystore_file``); the anchor key
from ``signing.anchor_key_file``; nothing is made.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from samplehub.core.domain.anchors import key_id
from samplehub.core.domain.errors import SampleHubError

log = logging.getLogger(__name__)
SigningKey = ec.EllipticCurvePrivateKey
CA_KEY, CA_CERT = "institute-ca.key.pem", "institute-ca.cert.pem"
SIGNING_KEY, SIGNING_CERT = "signing.key.pem", "signing.cert.pem"
ANCHOR_KEY, ANCHOR_PUB = "anchor.key.pem", "anchor.pub.pem"
RETIRED = "retired"  # public keys and CA certificates of earlier keys, still trusted to verify


class KeysUnavailable(SampleHubError):
    """The institute's keys are missing or unreadable; the message says what to do."""


@dataclass(frozen=True)
class KeyConfig:
    """Where the keys are (bootstrap fills it from the ``signing`` settings)."""

    folder: Path
    pkcs12_file: Path | None = None
    pkcs12_password: str = ""
    anchor_key_file: Path | None = None
    demo_keys: bool = True  # make demo keys when none exist (never with a PKCS#12 file)


@dataclass(frozen=True)
class SigningIdentity:
    """The signing key with its certificate and chain (the CA last)."""

    key: SigningKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    path.chmod(0o600)


def _pem_key(key: SigningKey | Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _cert(
    subject: x509.Name,
    issuer: x509.Name,
    public: ec.EllipticCurvePublicKey,
    signer: SigningKey,
    now: datetime,
    years: int,
    ca: bool,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    usage = dict.fromkeys(
        (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    if ca:
        usage.update(key_cert_sign=True, crl_sign=True)
    else:
        usage.update(digital_signature=True, content_commitment=True)
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
    builder = builder.add_extension(x509.KeyUsage(**usage), critical=True)
    return builder.sign(signer, hashes.SHA256())


def _name(common: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def make_demo_keys(folder: Path, institute: str, now: datetime | None = None) -> list[Path]:
    """A self-signed institute CA, a signing certificate it issues, and the Ed25519 anchor key.

    Refuses to overwrite existing keys (rotate them as the README says). Returns the files made.
    """
    if any((folder / name).exists() for name in (CA_KEY, SIGNING_KEY, ANCHOR_KEY)):
        raise KeysUnavailable(f"keys already exist in {folder}; move them away to make new ones")
    now = now or datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"{institute} Root CA (demo)", institute)
    ca = _cert(ca_name, ca_name, ca_key.public_key(), ca_key, now, 10, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _cert(
        _name(f"{institute} certificate signing", institute),
        ca_name,
        key.public_key(),
        ca_key,
        now,
        3,
        ca=False,
    )
    anchor = Ed25519PrivateKey.generate()
    files = {
        CA_KEY: _pem_key(ca_key),
        CA_CERT: ca.public_bytes(serialization.Encoding.PEM),
        SIGNING_KEY: _pem_key(key),
        SIGNING_CERT: cert.public_bytes(serialization.Encoding.PEM),
        ANCHOR_KEY: _pem_key(anchor),
        ANCHOR_PUB: anchor.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
    }
    for name, data in files.items():
        _write(folder / name, data)
    return [folder / name for name in files]


@dataclass
class InstituteKeys:
    """Loads the keys on first use (making demo keys if allowed and none exist)."""

    config: KeyConfig
    institute: str = "SampleHub Institute"
    _identity: SigningIdentity | None = field(default=None, init=False, repr=False)
    _anchor: Ed25519PrivateKey | None = field(default=None, init=False, repr=False)

    def ensure(self) -> bool:
        """Make the demo keys when none exist and that is allowed; True when they were made."""
        folder = self.config.folder
        production = self.config.pkcs12_file is not None or self.config.anchor_key_file
        if production or not self.config.demo_keys or (folder / SIGNING_KEY).exists():
            return False
        made = make_demo_keys(folder, self.institute)
        log.warning("no institute keys found: made demo keys %s", ", ".join(map(str, made)))
        return True

    def identity(self) -> SigningIdentity:
        if self._identity is None:
            self._identity = self._load_identity()
        return self._identity

    def _load_identity(self) -> SigningIdentity:
        p12 = self.config.pkcs12_file
        if p12 is not None:
            try:
                key, cert, extra = pkcs12.load_key_and_certificates(
                    p12.read_bytes(), self.config.pkcs12_password.encode() or None
                )
            except (OSError, ValueError) as exc:
                raise KeysUnavailable(f"cannot read the PKCS#12 file {p12}: {exc}") from exc
            if not isinstance(key, ec.EllipticCurvePrivateKey) or cert is None:
                raise KeysUnavailable(f"{p12} must hold an EC (P-256) key and its certificate")
            return SigningIdentity(key, cert, tuple(extra))
        self.ensure()
        folder = self.config.folder
        try:
            key = serialization.load_pem_private_key((folder / SIGNING_KEY).read_bytes(), None)
            cert = x509.load_pem_x509_certificate((folder / SIGNING_CERT).read_bytes())
            ca = x509.load_pem_x509_certificate((folder / CA_CERT).read_bytes())
        except (OSError, ValueError) as exc:
            raise KeysUnavailable(
                f"cannot read the signing key in {folder}: {exc}; run `samplehub keys init`"
            ) from exc
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise KeysUnavailable(f"{folder / SIGNING_KEY} must be an EC (P-256) key")
        return SigningIdentity(key, cert, (ca,))

    def trusted_roots(self) -> list[x509.Certificate]:
        """The institute CA (and retired CAs) that signatures must chain to."""
        roots = [c for c in self.identity().chain if c.issuer == c.subject]
        for path in sorted((self.config.folder / RETIRED).glob("*.cert.pem")):
            roots.append(x509.load_pem_x509_certificate(path.read_bytes()))
        return roots

    def anchor_key(self) -> Ed25519PrivateKey:
        if self._anchor is None:
            path = self.config.anchor_key_file
            if path is None:
                self.ensure()
                path = self.config.folder / ANCHOR_KEY
            try:
                key = serialization.load_pem_private_key(path.read_bytes(), None)
            except (OSError, ValueError) as exc:
                raise KeysUnavailable(
                    f"cannot read the anchor key {path}: {exc}; run `samplehub keys init`"
                ) from exc
            if not isinstance(key, Ed25519PrivateKey):
                raise KeysUnavailable(f"{path} must be an Ed25519 key")
            self._anchor = key
        return self._anchor


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


class Ed25519AnchorSigner:
    """Implements ``AnchorSigner`` with the institute's anchor key."""

    def __init__(self, keys: InstituteKeys) -> None:
        self._keys = keys

    @property
    def key_id(self) -> str:
        return key_id(_raw(self._keys.anchor_key().public_key()))

    def sign(self, message: bytes) -> bytes:
        return self._keys.anchor_key().sign(message)


def anchor_public_keys(*paths: Path) -> dict[str, Ed25519PublicKey]:
    """Public anchor keys by key id, from PEM files or folders of them (``*.pub.pem``)."""
    found: dict[str, Ed25519PublicKey] = {}
    for path in paths:
        files = sorted(path.rglob("*.pub.pem")) if path.is_dir() else [path]
        for file in files:
            if not file.is_file():
                continue
            public = serialization.load_pem_public_key(file.read_bytes())
            if isinstance(public, Ed25519PublicKey):
                found[key_id(_raw(public))] = public
    return found


def anchor_verifier(keys: dict[str, Ed25519PublicKey]) -> Callable[[str, bytes, bytes], bool]:
    """A ``Verifier`` over these public keys; an unknown key id never verifies."""

    def check(kid: str, message: bytes, signature: bytes) -> bool:
        public = keys.get(kid)
        if public is None:
            return False
        try:
            public.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    return check
