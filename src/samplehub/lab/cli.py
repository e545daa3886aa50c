"""`samplehub certificate ...`: export and look up certificates from the command line.

The repository and DCC writer come from ``configure`` (bootstrap calls it); this module never
picks adapters itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from samplehub.lab.domain.errors import CertificateNotFoundError, MetrologyError
from samplehub.lab.service.certificates import dcc_document
from samplehub.lab.service.ports import CertificateReader, DccWriter
from samplehub.web.error_text import error_text
from samplehub.web.i18n import LOCALES, Translator

app = typer.Typer(help="证书：导出与查询 Certificates: export and look-up", no_args_is_help=True)


@dataclass(frozen=True)
class CertificateCliDeps:
    """What the certificate commands run on."""

    certificates: CertificateReader
    dcc: DccWriter


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
        xml = dcc_document(deps.certificates, deps.dcc, cert_no)
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
