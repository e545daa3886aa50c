"""Wiring of the institute's keys, the anchor log and its checks (``signing`` settings)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from samplehub.app.config import Settings

if TYPE_CHECKING:
    from collections.abc import Sequence

    from samplehub.core.adapters.anchor_file import AnchorFile
    from samplehub.core.adapters.keys import Ed25519AnchorSigner, InstituteKeys
    from samplehub.core.domain.anchors import Verifier
    from samplehub.lab.adapters.certificates.signing import SignatureChecker


def institute_keys(settings: Settings) -> InstituteKeys:
    """The keys as configured: a PKCS#12 file in production, else the demo keys folder."""
    from samplehub.core.adapters.keys import InstituteKeys, KeyConfig

    signing = settings.signing
    config = KeyConfig(
        folder=settings.keys_dir(),
        pkcs12_file=signing.keystore_file,
        pkcs12_password=signing.keystore_password,
        anchor_key_file=signing.anchor_key_file,
        demo_keys=signing.demo_keys,
    )
    return InstituteKeys(config, settings.institute.name_en)


def anchor_file(settings: Settings) -> AnchorFile:
    from samplehub.core.adapters.anchor_file import AnchorFile

    return AnchorFile(settings.data_dir / "anchors.jsonl")


def anchor_signer(settings: Settings) -> Ed25519AnchorSigner:
    from samplehub.core.adapters.keys import Ed25519AnchorSigner

    return Ed25519AnchorSigner(institute_keys(settings))


def anchor_checker(settings: Settings, *extra_keys: Path) -> Verifier:
    """Checks anchor signatures with the public anchor keys under the keys folder (current and
    retired), the production key's, and any ``extra_keys`` (files or folders) given."""
    from samplehub.core.adapters.keys import anchor_public_keys, anchor_verifier

    keys = anchor_public_keys(settings.keys_dir(), *extra_keys)
    production = settings.signing.anchor_key_file
    if production is not None:
        from samplehub.core.adapters.keys import Ed25519AnchorSigner

        signer = Ed25519AnchorSigner(institute_keys(settings))
        keys.setdefault(signer.key_id, institute_keys(settings).anchor_key().public_key())
    return anchor_verifier(keys)


def signature_checker(settings: Settings, ca_files: Sequence[Path] = ()) -> SignatureChecker:
    """Checks certificates against the CA files given, or the institute's CA(s) when none."""
    from cryptography import x509

    from samplehub.lab.adapters.certificates.signing import SignatureChecker

    if not ca_files:
        return SignatureChecker(institute_keys(settings).trusted_roots)
    roots = [x509.load_pem_x509_certificate(path.read_bytes()) for path in ca_files]
    return SignatureChecker(lambda: roots)
