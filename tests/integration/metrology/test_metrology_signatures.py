"""Signed certificates: the PAdES signature on the PDF validates with pyHanko's validator, the
XML-DSig signature on the DCC with signxml and against dcc.xsd 3.1.2; one changed byte fails
both; a foreign CA is not trusted."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from lxml import etree

from samplehub.core.adapters.keys import (
    ANCHOR_KEY,
    SIGNING_KEY,
    InstituteKeys,
    KeyConfig,
    KeysUnavailable,
    make_demo_keys,
)
from samplehub.lab.adapters.certificates.dcc import DccXmlWriter, load_schema
from samplehub.lab.adapters.certificates.institute import Institute
from samplehub.lab.adapters.certificates.pdf import PdfCertificateRenderer
from samplehub.lab.adapters.certificates.signing import InstituteSigner, SignatureChecker
from samplehub.lab.domain import demo
from samplehub.lab.domain.certificate import APPROVER_ROLE, Actor, Certificate

SCHEMAS = Path(__file__).resolve().parents[3] / "standards" / "dcc-3.1.2"
AT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
INSTITUTE = Institute(
    "示例市计量检定测试院", "Example Institute", "科技路 8 号", "021-0", "(沪)1号"
)


def approved() -> Certificate:
    certificate = Certificate.enter("ZS2026-000021", demo.gauge_content(), Actor("u1", "张三"), AT)
    certificate.review(Actor("u2", "李四"), AT)
    certificate.approve(Actor("u3", "王五", frozenset({APPROVER_ROLE})), AT)
    return certificate


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> InstituteKeys:
    return InstituteKeys(KeyConfig(tmp_path_factory.mktemp("keys")), "Example Institute")


@pytest.fixture(scope="module")
def signed_pdf(keys: InstituteKeys) -> bytes:
    pdf = PdfCertificateRenderer(INSTITUTE).render(approved(), "https://lab.example/verify/t")
    return InstituteSigner(keys.identity).sign_pdf(pdf, "检定证书 ZS2026-000021")


def flip(data: bytes, marker: bytes) -> bytes:
    at = data.index(marker) + len(marker) // 2
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def test_demo_keys_are_private_to_their_owner(keys: InstituteKeys) -> None:
    keys.identity()
    folder = keys.config.folder
    for path in folder.iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
    with pytest.raises(KeysUnavailable, match="already exist"):
        make_demo_keys(folder, "again")
    assert (folder / SIGNING_KEY).exists()
    assert (folder / ANCHOR_KEY).exists()


def test_no_demo_keys_with_a_pkcs12_file(tmp_path: Path) -> None:
    production = InstituteKeys(KeyConfig(tmp_path / "keys", pkcs12_file=tmp_path / "none.p12"))
    assert production.ensure() is False
    with pytest.raises(KeysUnavailable, match="PKCS#12"):
        production.identity()
    assert not (tmp_path / "keys").exists()


def test_signed_pdf_validates_and_names_the_signer(keys: InstituteKeys, signed_pdf: bytes) -> None:
    check = SignatureChecker(keys.trusted_roots).check_pdf(signed_pdf)
    assert check.valid, check.detail
    assert "Example Institute certificate signing" in check.signer
    assert check.number == "ZS2026-000021"


def test_a_changed_byte_in_the_pdf_fails(keys: InstituteKeys, signed_pdf: bytes) -> None:
    changed = flip(signed_pdf, b"/Producer")
    check = SignatureChecker(keys.trusted_roots).check_pdf(changed)
    assert not check.valid


def test_a_pdf_signed_under_another_ca_is_not_trusted(
    keys: InstituteKeys, signed_pdf: bytes, tmp_path: Path
) -> None:
    other = InstituteKeys(KeyConfig(tmp_path / "other"), "Someone Else")
    check = SignatureChecker(other.trusted_roots).check_pdf(signed_pdf)
    assert not check.valid
    assert "institute CA" in check.detail


def test_signed_dcc_validates_with_signxml_and_against_the_schema(keys: InstituteKeys) -> None:
    xml = DccXmlWriter(INSTITUTE).write(approved())
    signed = InstituteSigner(keys.identity).sign_xml(xml)
    schema = load_schema(SCHEMAS)
    assert schema.validate(etree.fromstring(signed)), schema.error_log
    check = SignatureChecker(keys.trusted_roots).check_xml(signed)
    assert check.valid, check.detail
    assert check.number == "ZS2026-000021"
    assert "Example Institute certificate signing" in check.signer
    changed = signed.replace(b"ZS2026-000021", b"ZS2026-000022", 1)
    assert not SignatureChecker(keys.trusted_roots).check_xml(changed).valid


def test_production_keys_come_from_a_pkcs12_file(keys: InstituteKeys, tmp_path: Path) -> None:
    identity = keys.identity()
    p12 = tmp_path / "institute.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"signing",
            identity.key,
            identity.certificate,
            list(identity.chain),
            serialization.BestAvailableEncryption(b"s3cret"),
        )
    )
    production = InstituteKeys(
        KeyConfig(tmp_path / "none", pkcs12_file=p12, pkcs12_password="s3cret")
    )
    pdf = PdfCertificateRenderer(INSTITUTE).render(approved(), "https://lab.example/verify/t")
    signed = InstituteSigner(production.identity).sign_pdf(pdf, "检定证书 ZS2026-000021")
    assert SignatureChecker(keys.trusted_roots).check_pdf(signed).valid
    assert not (tmp_path / "none").exists()  # no demo key made beside a PKCS#12 file
    wrong = InstituteKeys(KeyConfig(tmp_path / "none", pkcs12_file=p12, pkcs12_password="x"))
    with pytest.raises(KeysUnavailable, match="PKCS#12"):
        wrong.identity()
