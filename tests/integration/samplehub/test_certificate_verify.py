"""`samplehub certificate verify FILE`: the PDF and DCC of an issued certificate verify; a
changed byte does not; once a correction is approved, the old one verifies as superseded."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from samplehub.app.config import Settings
from samplehub.app.demo import seed_demo, seed_demo_certificates
from samplehub.app.services import Services
from samplehub.app.wiring import trust
from samplehub.core.service.commands import SYSTEM
from samplehub.lab import cli as certificate_cli
from samplehub.lab.domain import demo
from samplehub.lab.domain.certificate import Actor
from samplehub.lab.service import certificates as lab
from samplehub.lab.service import commands as lc

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
RUNNER = CliRunner()


def verify(services: Services, settings: Settings, document: Path, *args: str) -> tuple[int, str]:
    assert services.lab is not None
    deps = services.lab.deps
    certificate_cli.configure(
        lambda: certificate_cli.CertificateCliDeps(
            deps.certificates, deps.dcc, deps.signer,
            lambda ca: trust.signature_checker(settings, ca),
        )
    )  # fmt: skip
    try:
        result = RUNNER.invoke(certificate_cli.app, ["verify", str(document), *args])
    finally:
        certificate_cli.configure(None)
    return result.exit_code, result.output


def test_issued_then_superseded(services: Services, settings: Settings, tmp_path: Path) -> None:
    assert services.lab is not None
    deps = services.lab.deps
    (number,) = seed_demo_certificates(services, seed_demo(services), NOW)
    pdf = tmp_path / f"{number}.pdf"
    pdf.write_bytes(lab.certificate_pdf(deps, number))
    xml = tmp_path / f"{number}.xml"
    xml.write_bytes(lab.export_dcc(deps, number))

    code, said = verify(services, settings, pdf)
    assert code == 0, said
    assert "signature: VALID" in said
    assert f"certificate: {number}" in said
    assert "status: issued" in said
    code, said = verify(services, settings, xml)
    assert code == 0, said
    assert "XML-DSig" in said

    ca = settings.keys_dir() / "institute-ca.cert.pem"
    offline = verify(services, settings, pdf, "--ca", str(ca), "--offline")
    assert offline[0] == 0, offline[1]
    changed = tmp_path / "changed.xml"
    changed.write_bytes(xml.read_bytes().replace(b"<dcc:value>", b"<dcc:value>9", 1))
    assert changed.read_bytes() != xml.read_bytes()
    code, said = verify(services, settings, changed)
    assert code == 1
    assert "signature: INVALID" in said

    approver = Actor("approver", "批准人 张主任", frozenset({"approver"}))
    new = services.bus.handle(
        lc.CorrectCertificate(
            SYSTEM, Actor("lab", "检定员 王工"), NOW, number, demo.gauge_content(), "地址有误"
        )
    )
    services.bus.handle(lc.ReviewCertificate(SYSTEM, Actor("lab2", "核验员 李工"), NOW, new.number))
    services.bus.handle(lc.ApproveCertificate(SYSTEM, approver, NOW, new.number))
    corrected = services.bus.handle(lc.IssueCertificate(SYSTEM, approver, NOW, new.number))
    assert deps.checker is not None
    assert deps.checker.check_pdf(corrected).valid  # the correction is signed too
    code, said = verify(services, settings, pdf)
    assert code == 1
    assert "signature: VALID" in said
    assert f"status: SUPERSEDED by {new.number}" in said
