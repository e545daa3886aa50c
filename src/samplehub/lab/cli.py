"""`samplehub certificate ...`: export and look up certificates from the command line.

The repository and DCC writer come from ``configure`` (bootstrap calls it); this module never
picks adapters itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from samplehub.lab.domain.certificate import Status
from samplehub.lab.domain.errors import CertificateNotFoundError, MetrologyError
from samplehub.lab.service.certificates import dcc_document
from samplehub.lab.service.ports import (
    CertificateReader,
    DccWriter,
    DocumentSigner,
    SignatureCheck,
    SignatureChecker,
)
from samplehub.web.error_text import error_text
from samplehub.web.i18n import LOCALES, Translator

app = typer.Typer(help="证书：导出与查询 Certificates: export and look-up", no_args_is_help=True)


@dataclass(frozen=True)
class CertificateCliDeps:
    """What the certificate commands run on."""

    certificates: CertificateReader
    dcc: DccWriter
    signer: DocumentSigner | None = None
    checker: Callable[[Sequence[Path]], SignatureChecker] | None = None
    """Checks against the given CA files, or the institute's own CA when none are given."""


_provider: Callable[[], CertificateCliDeps] | None = None


def configure(provider: Callable[[], CertificateCliDeps] | None) -> None:
    """Tell the commands how to reach the certificate store (bootstrap; tests pass fakes)."""
    global _provider
    _provider = provider


def _deps() -> CertificateCliDeps:
    if _provider is None:
        typer.echo("证书库未配置 / the certificate store is not configured", err=True)
        raise typer.Exit(2)
    return _provider()


def _fail(exc: MetrologyError) -> typer.Exit:
    """The error from the catalogue in zh-CN (the default locale), then in English."""
    said = [error_text(Translator(locale), exc) for locale in LOCALES]
    typer.echo(" / ".join(said), err=True)
    return typer.Exit(1)


@app.callback()
def _group() -> None:
    """Certificates issued by the lab (检定证书、检定结果通知书、校准证书)."""


@app.command("dcc")
def dcc(
    cert_no: Annotated[str, typer.Argument(help="证书编号 Certificate number, e.g. ZS2026-000017")],
    output: Annotated[Path, typer.Option("-o", "--output", help="XML file to write")],
) -> None:
    """Export an approved certificate as a PTB Digital Calibration Certificate (DCC 3.1.2)."""
    deps = _deps()
    try:
        xml = dcc_document(deps.certificates, deps.dcc, cert_no, deps.signer)
    except MetrologyError as exc:
        raise _fail(exc) from exc
    try:
        output.write_bytes(xml)
    except OSError as exc:
        typer.echo(f"无法写入 {output} / cannot write {output}: {exc.strerror}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"DCC {cert_no} → {output} ({len(xml)} bytes)", err=True)


@app.command("show")
def show(
    cert_no: Annotated[str, typer.Argument(help="证书编号 Certificate number")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout")] = False,
) -> None:
    """Show what the public verification page shows for a certificate."""
    certificate = _deps().certificates.get(cert_no)
    if certificate is None:
        raise _fail(CertificateNotFoundError(cert_no))
    record = certificate.verification_record()
    fields = {
        "number": record.number,
        "kind": record.kind.value,
        "sample_id": record.sample_id,
        "performed_on": record.performed_on.isoformat(),
        "decision": record.decision,
        "status": record.status.value,
        "pdf_sha256": record.pdf_sha256,
        "superseded_by": record.superseded_by,
    }
    if as_json:
        typer.echo(json.dumps(fields, ensure_ascii=False))
    else:
        for key, value in fields.items():
            typer.echo(f"{key}: {value}")


@app.command("verify")
def verify(
    document: Annotated[
        Path, typer.Argument(help="证书 PDF 或 DCC XML / certificate PDF or DCC XML")
    ],
    ca: Annotated[
        list[Path] | None,
        typer.Option("--ca", help="Institute CA certificate (PEM) to trust; default: our own"),
    ] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Do not ask the database whether it was superseded")
    ] = False,
) -> None:
    """Check a certificate offline: its signature, the chain to the institute CA and, where the
    database is reachable, that it has not been superseded. Exit 0 only when all hold."""
    deps = _deps()
    if deps.checker is None:
        typer.echo("no signature checker is configured", err=True)
        raise typer.Exit(2)
    try:
        data = document.read_bytes()
    except OSError as exc:
        typer.echo(f"无法读取 {document} / cannot read {document}: {exc.strerror}", err=True)
        raise typer.Exit(1) from exc
    checker = deps.checker(ca or [])
    is_pdf = data.lstrip()[:5] == b"%PDF-"
    check = checker.check_pdf(data) if is_pdf else checker.check_xml(data)
    typer.echo(f"document: {document} ({'PDF, PAdES' if is_pdf else 'DCC XML, XML-DSig'})")
    typer.echo(f"signature: {'VALID' if check.valid else 'INVALID'} - {check.detail}")
    if check.signer:
        typer.echo(f"signer: {check.signer}")
    if check.signed_at:
        typer.echo(f"signed at: {check.signed_at}")
    if check.number:
        typer.echo(f"certificate: {check.number}")
    current = True if offline else _still_current(deps, check)
    if not (check.valid and current):
        raise typer.Exit(1)


def _still_current(deps: CertificateCliDeps, check: SignatureCheck) -> bool:
    """Ask the database whether the certificate stands; unreachable: say so, do not fail."""
    if check.number is None:
        return True
    try:
        certificate = deps.certificates.get(check.number)
    except Exception as exc:  # the database is optional to an offline check
        typer.echo(f"status: not checked (database not reachable: {type(exc).__name__})")
        return True
    if certificate is None:
        typer.echo(f"status: UNKNOWN - {check.number} is not in the institute's records")
        return False
    if certificate.status is Status.SUPERSEDED:
        typer.echo(f"status: SUPERSEDED by {certificate.superseded_by}")
        return False
    typer.echo(f"status: {certificate.status.name.lower()}")
    return certificate.status is Status.ISSUED
